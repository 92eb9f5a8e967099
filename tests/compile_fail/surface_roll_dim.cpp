// expected-error: ctgrad::roll<1, 2>: dim out of range for (2,3)
// expected-error-fixed: ctgrad::roll: dim out of range
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().roll<1, 2>();
  (void)r;
}
