// expected-error: ctgrad::pad: 2 values for (2,3): needs one (before, after) pair per axis (4 values)
// expected-error-fixed: ctgrad::pad: needs one (before, after) pair per axis
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 3>::ones();
  auto p = t.pad<1, 1>();
  (void)p;
}
