// expected-error: ctgrad::diagonal: needs square last two dims, got (2,3)
// expected-error-fixed: ctgrad::diagonal: needs square last two dims
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().diagonal();
  (void)r;
}
