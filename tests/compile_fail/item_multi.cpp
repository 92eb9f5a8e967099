// expected-error: ctgrad::item: the tensor (2,3) has 6 elements, not one
// expected-error-fixed: ctgrad::item: the tensor must have exactly one element
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 3>::ones();
  float x = t.item();
  (void)x;
}
