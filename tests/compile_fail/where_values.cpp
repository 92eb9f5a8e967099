// expected-error: ctgrad::where: shapes cannot broadcast: condition (2,3), values (2,3) and (4,3)
// expected-error-fixed: ctgrad::where: shapes cannot broadcast
#include "ctgrad/ctgrad.hpp"

void use() {
  auto cond = ctgrad::Tensor<bool, 2, 3>::ones();
  auto t = ctgrad::Tensor<float, 2, 3>::ones();
  auto b = ctgrad::Tensor<float, 4, 3>::ones();
  auto c = cond.where(t, b);
  (void)c;
}
