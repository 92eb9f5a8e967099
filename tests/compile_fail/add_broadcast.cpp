// expected-error: ctgrad::operator+: shapes cannot broadcast: (2,3) and (4,3)
// expected-error-fixed: ctgrad: operand shapes cannot broadcast
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 3>::ones();
  auto b = ctgrad::Tensor<float, 4, 3>::ones();
  auto c = t + b;
  (void)c;
}
