// expected-error: ctgrad::repeat: counts (2) for (2,3): needs a count per dim
// expected-error-fixed: ctgrad::repeat: needs a count per dim
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().repeat<2>();
  (void)r;
}
