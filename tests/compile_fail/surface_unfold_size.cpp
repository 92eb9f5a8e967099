// expected-error: ctgrad::unfold<1, 4, 1>: no window fits in (2,3)
// expected-error-fixed: ctgrad::unfold: window larger than the dim
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().unfold<1, 4, 1>();
  (void)r;
}
