// expected-error: ctgrad::pad_to: cannot pad (2,3) to (2,2)
// expected-error-fixed: ctgrad::pad_to: the target is smaller than the shape
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().pad_to<2, 2>();
  (void)r;
}
