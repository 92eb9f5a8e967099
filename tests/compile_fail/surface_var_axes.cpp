// expected-error: ctgrad::var: axes (2) out of range or repeated for (2,3)
// expected-error-fixed: ctgrad::var: axes out of range or repeated
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().var<2>();
  (void)r;
}
