// expected-error: ctgrad::squeeze<0>: axis out of range or not of size 1 in (2,3)
// expected-error-fixed: ctgrad::squeeze: axis out of range or not of size 1
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 3>::ones();
  auto s = t.squeeze<0>();
  (void)s;
}
