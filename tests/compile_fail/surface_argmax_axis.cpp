// expected-error: ctgrad::argmax<2>: axis out of range for (2,3)
// expected-error-fixed: ctgrad::argmax: axis out of range
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().argmax<2>();
  (void)r;
}
