// expected-error: ctgrad::shrink_to: cannot shrink (2,3) to (3,3)
// expected-error-fixed: ctgrad::shrink_to: the target is larger than the shape
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().shrink_to<3, 3>();
  (void)r;
}
