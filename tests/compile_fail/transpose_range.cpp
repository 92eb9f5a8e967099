// expected-error: ctgrad::transpose<0, 2>: axis out of range for (2,3)
// expected-error-fixed: ctgrad::transpose: axis out of range
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 3>::ones();
  auto p = t.transpose<0, 2>();
  (void)p;
}
