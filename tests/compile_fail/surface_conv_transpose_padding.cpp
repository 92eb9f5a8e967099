// expected-error: ctgrad::conv_transpose2d: input (1,2,4,4) and weight (2,3,3,3) do not fit
// expected-error-fixed: ctgrad::conv_transpose2d: input and weight shapes do not fit
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 1, 2, 4, 4>::ones().conv_transpose2d<1, 3>(ctgrad::Tensor<float, 2, 3, 3, 3>::ones());
  (void)r;
}
