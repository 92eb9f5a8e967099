// expected-error: ctgrad::multinomial<1>: needs (C) or (B,C) probabilities, got (2,3,4)
// expected-error-fixed: ctgrad::multinomial: needs (C) or (B, C) probabilities
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3, 4>::ones().multinomial();
  (void)r;
}
