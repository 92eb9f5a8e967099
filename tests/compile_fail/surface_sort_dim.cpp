// expected-error: ctgrad::sort<2>: dim out of range for (2,3)
// expected-error-fixed: ctgrad::sort: dim out of range
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().sort<2>();
  (void)r;
}
