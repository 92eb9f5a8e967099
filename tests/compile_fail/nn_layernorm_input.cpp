// expected-error: ctgrad::nn::LayerNorm<4,5>: input (2,5,4) does not fit weight (4,5)
// expected-error-fixed: ctgrad::nn::LayerNorm: the input's last dims must be the normalized shape
#include "ctgrad/ctgrad.hpp"
#include "ctgrad/nn/nn.hpp"

void use() {
  ctgrad::nn::LayerNorm<4, 5> ln;
  auto y = ln(ctgrad::Tensor<float, 2, 5, 4>::ones());
  (void)y;
}
