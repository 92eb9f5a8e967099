// expected-error: ctgrad::einsum<"ij,jk->ik">: an index has different sizes in different operands; operands (2,3), (4,5)
// expected-error-fixed: ctgrad::einsum: the equation does not parse or does not fit the operands
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::einsum<"ij,jk->ik">(ctgrad::Tensor<float, 2, 3>::ones(), ctgrad::Tensor<float, 4, 5>::ones());
  (void)r;
}
