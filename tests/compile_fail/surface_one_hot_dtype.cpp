// expected-error: ctgrad::one_hot<4>: needs an integer tensor of rank < 8, got shape (3)
// expected-error-fixed: ctgrad::one_hot: needs an integer tensor
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 3>::ones().one_hot<4>();
  (void)r;
}
