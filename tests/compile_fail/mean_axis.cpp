// expected-error: ctgrad::mean: axes (0,3) out of range or repeated for (2,3)
// expected-error-fixed: ctgrad: reduction axis out of range or repeated
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 3>::ones();
  auto m = t.mean<0, 3>(ctgrad::keepdim);
  (void)m;
}
