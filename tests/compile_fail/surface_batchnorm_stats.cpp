// expected-error: ctgrad::batchnorm<1>: input (2,4,5), mean (3), invstd (3)
// expected-error-fixed: ctgrad::batchnorm: statistics must be (C) for the channel axis
#include "ctgrad/ctgrad.hpp"

void use() {
  auto s = ctgrad::Tensor<float, 3>::ones();
  auto r = ctgrad::Tensor<float, 2, 4, 5>::ones().batchnorm(s, s);
  (void)r;
}
