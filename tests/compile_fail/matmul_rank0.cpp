// expected-error: ctgrad::matmul: operands must have at least one dim: () @ (3)
// expected-error-fixed: ctgrad::matmul: operands must have at least one dim
#include "ctgrad/ctgrad.hpp"

void use() {
  auto s = ctgrad::Tensor<float>::ones();
  auto v = ctgrad::Tensor<float, 3>::ones();
  auto c = s.matmul(v);
  (void)c;
}
