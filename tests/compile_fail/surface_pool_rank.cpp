// expected-error: ctgrad::pool2d: overlapping windows over (1,1,1,1,6,6) need a rank above 8
// expected-error-fixed: ctgrad::pool2d: overlapping windows need a rank above 8
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 1, 1, 1, 1, 6, 6>::ones().max_pool2d<3, 1>();  // 3x3 windows, stride 1: they overlap
  (void)r;
}
