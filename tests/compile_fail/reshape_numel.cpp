// expected-error: ctgrad::reshape: element counts differ: (2,3) (6) -> (4,2) (8)
// expected-error-fixed: ctgrad::reshape: element counts differ
// expected-shapes: (2,3) (4,2)
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 3>::ones();
  auto r = t.reshape<4, 2>();
  (void)r;
}
