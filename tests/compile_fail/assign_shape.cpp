// expected-error: ctgrad::assign: a float (3,4) value for a float (4,3) tensor (dtype and shape must match)
// expected-error-fixed: ctgrad::assign: the value must have the tensor's dtype and shape
#include "ctgrad/ctgrad.hpp"

void use() {
  auto w = ctgrad::Tensor<float, 4, 3>::ones();
  w.assign(ctgrad::Tensor<float, 3, 4>::zeros());
}
