// expected-error: ctgrad::operator<: shapes cannot broadcast: (3) and (4)
// expected-error-fixed: ctgrad: operand shapes cannot broadcast
#include "ctgrad/ctgrad.hpp"

void use() {
  auto a = ctgrad::Tensor<int, 3>::ones();
  auto b = ctgrad::Tensor<float, 4>::ones();
  auto c = a < b;
  (void)c;
}
