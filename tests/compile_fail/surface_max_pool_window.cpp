// expected-error: ctgrad::max_pool2d<(3,3), stride (3,3), dilation (1,1), padding (0,0)>: no window fits in (1,1,2,2)
// expected-error-fixed: ctgrad::max_pool2d: no window fits
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 1, 1, 2, 2>::ones().max_pool2d<3>();
  (void)r;
}
