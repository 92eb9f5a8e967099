// expected-error: ctgrad::avg_pool2d<(3,3), stride (1,1), dilation (2,2), padding (0,0)>: no window fits in (1,1,4,4)
// expected-error-fixed: ctgrad::avg_pool2d: no window fits
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 1, 1, 4, 4>::ones().avg_pool2d<3, 1, 2>();
  (void)r;
}
