// expected-error: ctgrad::flatten<2, 1>: dims out of range or start after end for (2,3,4)
// expected-error-fixed: ctgrad::flatten: dims out of range or start after end
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3, 4>::ones().flatten<2, 1>();
  (void)r;
}
