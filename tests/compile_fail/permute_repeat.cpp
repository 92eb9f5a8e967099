// expected-error: ctgrad::permute: (0,0,1) is not a permutation of the axes of (2,3,4)
// expected-error-fixed: ctgrad::permute: not a permutation of the axes
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 3, 4>::ones();
  auto p = t.permute<0, 0, 1>();
  (void)p;
}
