// expected-error: ctgrad::einsum<"ij,jk->ik">: the number of operands differs from the equation's; operands (2,3)
// expected-error-fixed: ctgrad::einsum: the equation does not parse or does not fit the operands
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::einsum<"ij,jk->ik">(ctgrad::Tensor<float, 2, 3>::ones());
  (void)r;
}
