// expected-error: ctgrad::backward: the loss must be a scalar, not (2,3) (reduce it first, e.g. .sum())
// expected-error-fixed: ctgrad::backward: the loss must be a scalar
#include "ctgrad/ctgrad.hpp"

void use() {
  auto w = ctgrad::Tensor<float, 2, 3>::ones().requires_grad_();
  (w * 2.0f).backward();
}
