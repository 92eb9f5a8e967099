// expected-error: ctgrad::squeeze<2>: axis out of range or not of size 1 in (2,1)
// expected-error-fixed: ctgrad::squeeze: axis out of range or not of size 1
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 1>::ones();
  auto s = t.squeeze<2>();
  (void)s;
}
