// expected-error: ctgrad::meshgrid: needs 1-D tensors: (2,3)
// expected-error-fixed: ctgrad::meshgrid: needs 1-D tensors
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::meshgrid(ctgrad::Tensor<float, 2, 3>::ones());
  (void)r;
}
