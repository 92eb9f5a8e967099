// expected-error: ctgrad::nn::BatchNorm<16>: input (4,8,5,5) does not fit weight (16)
// expected-error-fixed: ctgrad::nn::BatchNorm: the input must be (B,C), (B,C,L) or (B,C,H,W)
#include "ctgrad/ctgrad.hpp"
#include "ctgrad/nn/nn.hpp"

void use() {
  ctgrad::nn::BatchNorm<16> bn;
  auto y = bn(ctgrad::Tensor<float, 4, 8, 5, 5>::ones());
  (void)y;
}
