// expected-error: ctgrad::binary_crossentropy: predictions (4) and targets (5) differ
// expected-error-fixed: ctgrad::binary_crossentropy: shapes differ
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 4>::ones().binary_crossentropy(ctgrad::Tensor<float, 5>::zeros());
  (void)r;
}
