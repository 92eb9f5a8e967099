// expected-error: ctgrad::shrink: 3 values for (2,3): needs one (begin, end) pair per axis (4 values)
// expected-error-fixed: ctgrad::shrink: needs one (begin, end) pair per axis
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 3>::ones();
  auto s = t.shrink<0, 1, 0>();
  (void)s;
}
