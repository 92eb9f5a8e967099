// expected-error: ctgrad::conv2d: input (1,4,8,8) and weight (3,2,3,3) do not fit (groups 2;
// expected-error-fixed: ctgrad::conv2d: input and weight shapes do not fit
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 1, 4, 8, 8>::ones().conv2d<1, 0, 1, 2>(ctgrad::Tensor<float, 3, 2, 3, 3>::ones());
  (void)r;
}
