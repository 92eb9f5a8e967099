// expected-error: ctgrad::nn::Linear<784,128>: input (2,100) does not fit weight (128,784) (need (...,784))
// expected-error-fixed: ctgrad::nn::Linear: the input's last dim must be In
#include "ctgrad/ctgrad.hpp"
#include "ctgrad/nn/nn.hpp"

void use() {
  ctgrad::nn::Linear<784, 128> l1;
  auto y = l1(ctgrad::Tensor<float, 2, 100>::ones());
  (void)y.relu();  // the result is used: still one error
}
