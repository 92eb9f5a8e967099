// expected-error: ctgrad::nn::Embedding<10,4>: input float (2,3) does not fit weight (10,4) (need integer indices)
// expected-error-fixed: ctgrad::nn::Embedding: the input must be an integer tensor of rank < 8
#include "ctgrad/ctgrad.hpp"
#include "ctgrad/nn/nn.hpp"

void use() {
  ctgrad::nn::Embedding<10, 4> emb;
  auto y = emb(ctgrad::Tensor<float, 2, 3>::ones());
  (void)y;
}
