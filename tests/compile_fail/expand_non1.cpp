// expected-error: ctgrad::expand: cannot expand (2,3) to (4,3) (only size-1 dims can grow)
// expected-error-fixed: ctgrad::expand: only size-1 dims can grow
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 3>::ones();
  auto e = t.expand<4, 3>();
  (void)e;
}
