// expected-error: ctgrad::layernorm: axes out of range or repeated for (2,3)
// expected-error-fixed: ctgrad::layernorm: axes out of range or repeated
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().layernorm<1, 1>();
  (void)r;
}
