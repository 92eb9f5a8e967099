// expected-error: ctgrad::logsumexp: axes (0,0) out of range or repeated for (2,3)
// expected-error-fixed: ctgrad::logsumexp: axes out of range or repeated
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().logsumexp<0, 0>();
  (void)r;
}
