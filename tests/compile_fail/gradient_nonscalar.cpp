// expected-error: ctgrad::gradient: the loss must be a scalar, not (3)
// expected-error-fixed: ctgrad::gradient: the loss must be a scalar
#include "ctgrad/ctgrad.hpp"

void use() {
  auto w = ctgrad::Tensor<float, 3>::ones().requires_grad_();
  auto [gw] = (w * 2.0f).gradient(w);
  (void)gw;
}
