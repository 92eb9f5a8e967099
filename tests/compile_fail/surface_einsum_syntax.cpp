// expected-error: ctgrad::einsum<"ij->i*">: the output holds only letters; operands (2,3)
// expected-error-fixed: ctgrad::einsum: the equation does not parse or does not fit the operands
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::einsum<"ij->i*">(ctgrad::Tensor<float, 2, 3>::ones());
  (void)r;
}
