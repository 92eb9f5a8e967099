// expected-error: ctgrad::einsum<"ijk,jk->i">: an operand's rank differs from its number of indices; operands (2,3), (3,5)
// expected-error-fixed: ctgrad::einsum: the equation does not parse or does not fit the operands
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::einsum<"ijk,jk->i">(ctgrad::Tensor<float, 2, 3>::ones(), ctgrad::Tensor<float, 3, 5>::ones());
  (void)r;
}
