// expected-error: ctgrad::softmax<2>: axis out of range for (2,3)
// expected-error-fixed: ctgrad::softmax: axis out of range
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().softmax<2>();
  (void)r;
}
