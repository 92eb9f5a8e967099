// expected-error: ctgrad::einsum<"ij->k">: an output index appears in no operand; operands (2,3)
// expected-error-fixed: ctgrad::einsum: the equation does not parse or does not fit the operands
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::einsum<"ij->k">(ctgrad::Tensor<float, 2, 3>::ones());
  (void)r;
}
