// expected-error: ctgrad::nn::Conv2d<1,8,3>: input (2,3,28,28) does not fit weight (8,1,3,3) (need (B,1,H,W))
// expected-error-fixed: ctgrad::nn::Conv2d: the input must be (B,InC,H,W) with room for the kernel
#include "ctgrad/ctgrad.hpp"
#include "ctgrad/nn/nn.hpp"

void use() {
  ctgrad::nn::Conv2d<1, 8, 3> conv;
  auto y = conv(ctgrad::Tensor<float, 2, 3, 28, 28>::ones());
  (void)y;
}
