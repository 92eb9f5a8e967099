// expected-error: ctgrad::unflatten<1>: sizes (4,2) do not multiply to that dim of (2,6)
// expected-error-fixed: ctgrad::unflatten: sizes do not multiply to the dim
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 6>::ones().unflatten<1, 4, 2>();
  (void)r;
}
