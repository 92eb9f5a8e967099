// expected-error: ctgrad::shrink: bounds (0,2,1,4) outside the shape (2,3) (need begin <= end <= dim)
// expected-error-fixed: ctgrad::shrink: bounds outside the shape
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 3>::ones();
  auto s = t.shrink<0, 2, 1, 4>();
  (void)s;
}
