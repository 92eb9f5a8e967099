// expected-error: ctgrad::chunk<0, 0>: zero chunks or dim out of range for (6)
// expected-error-fixed: ctgrad::chunk: zero chunks or dim out of range
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 6>::ones().chunk<0>();
  (void)r;
}
