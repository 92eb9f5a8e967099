// expected-error: ctgrad::cumsum<1>: axis out of range for (4)
// expected-error-fixed: ctgrad::cumsum: axis out of range
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 4>::ones().cumsum<1>();
  (void)r;
}
