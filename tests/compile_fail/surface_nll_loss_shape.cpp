// expected-error: ctgrad::nll_loss: log-probabilities (4,10) and target (3)
// expected-error-fixed: ctgrad::nll_loss: needs (B, C) log-probabilities and integer classes (B)
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 4, 10>::ones().nll_loss(ctgrad::Tensor<int, 3>::zeros());
  (void)r;
}
