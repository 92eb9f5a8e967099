// expected-error: ctgrad::cat<0>: shapes differ outside the joined axis: (2,3), (2,4)
// expected-error-fixed: ctgrad::cat: shapes differ outside the joined axis
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::cat<0>(ctgrad::Tensor<float, 2, 3>::ones(), ctgrad::Tensor<float, 2, 4>::ones());
  (void)r;
}
