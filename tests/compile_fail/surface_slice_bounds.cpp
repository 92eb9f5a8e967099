// expected-error: ctgrad::slice<1, 1, 4, 1>: axis or bounds out of range for (2,3)
// expected-error-fixed: ctgrad::slice: axis or bounds out of range
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().slice<1, 1, 4>();
  (void)r;
}
