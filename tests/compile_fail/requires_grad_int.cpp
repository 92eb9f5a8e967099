// expected-error: ctgrad::requires_grad_: only floating-point tensors have gradients, not int32 (4)
// expected-error-fixed: ctgrad::requires_grad_: only floating-point tensors have gradients
#include "ctgrad/ctgrad.hpp"

void use() {
  auto i = ctgrad::Tensor<std::int32_t, 4>::ones().requires_grad_();
  (void)i;
}
