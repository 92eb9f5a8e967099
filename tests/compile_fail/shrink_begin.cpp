// expected-error: ctgrad::shrink: bounds (1,0,0,3) outside the shape (2,3) (need begin <= end <= dim)
// expected-error-fixed: ctgrad::shrink: bounds outside the shape
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 3>::ones();
  auto s = t.shrink<1, 0, 0, 3>();
  (void)s;
}
