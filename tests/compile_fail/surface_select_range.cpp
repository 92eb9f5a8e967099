// expected-error: ctgrad::select<0, 2>: index out of range for (2,3)
// expected-error-fixed: ctgrad::select: index out of range
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().select<0, 2>();
  (void)r;
}
