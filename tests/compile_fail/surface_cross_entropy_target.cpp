// expected-error: ctgrad::cross_entropy: logits (4,10) and target (4,9)
// expected-error-fixed: ctgrad::cross_entropy: target must be class indices
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 4, 10>::ones().cross_entropy(ctgrad::Tensor<float, 4, 9>::zeros());
  (void)r;
}
