// expected-error: ctgrad::conv2d: input (1,3,8,8) and weight (4,2,3,3) do not fit (groups 1;
// expected-error-fixed: ctgrad::conv2d: input and weight shapes do not fit
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 1, 3, 8, 8>::ones().conv2d(ctgrad::Tensor<float, 4, 2, 3, 3>::ones());
  (void)r;
}
