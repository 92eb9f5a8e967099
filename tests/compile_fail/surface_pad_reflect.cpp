// expected-error: ctgrad::pad: padding (0,0,3,0) for (2,3): needs a (before, after) pair per axis, below the dim for reflect
// expected-error-fixed: ctgrad::pad: needs a (before, after) pair per axis within the mode's limits
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::pad<ctgrad::PadMode::Reflect, 0, 0, 3, 0>(ctgrad::Tensor<float, 2, 3>::ones());
  (void)r;
}
