// expected-error: ctgrad::operator[]: cannot index (2,3) with an index tensor of shape (4)
// expected-error-fixed: ctgrad::operator[]: needs an integer index tensor
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones()[ctgrad::Tensor<float, 4>::ones()];
  (void)r;
}
