// expected-error: ctgrad::flip: axes (2) out of range or repeated for (2,3)
// expected-error-fixed: ctgrad::flip: axis out of range or repeated
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 3>::ones();
  auto f = t.flip<2>();
  (void)f;
}
