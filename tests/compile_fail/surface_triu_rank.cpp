// expected-error: ctgrad::triu: needs at least two dims, got (3)
// expected-error-fixed: ctgrad::triu: needs at least two dims
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 3>::ones().triu();
  (void)r;
}
