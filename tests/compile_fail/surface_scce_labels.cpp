// expected-error: ctgrad::sparse_categorical_crossentropy: logits (4,10) and labels (5)
// expected-error-fixed: ctgrad::sparse_categorical_crossentropy: labels must be integers shaped like the logits without the class dim
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 4, 10>::ones().sparse_categorical_crossentropy(ctgrad::Tensor<int, 5>::zeros());
  (void)r;
}
