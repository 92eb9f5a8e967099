// expected-error: ctgrad::gradient: every target must be a floating-point tensor (integer and bool tensors have no gradient)
// expected-error-fixed: ctgrad::gradient: every target must be a floating-point tensor
#include "ctgrad/ctgrad.hpp"

void use() {
  auto w = ctgrad::Tensor<float, 3>::ones().requires_grad_();
  auto labels = ctgrad::Tensor<bool, 3>::ones();
  auto [gw, gl] = (w * 2.0f).sum().gradient(w, labels);
  (void)gw, (void)gl;
}
