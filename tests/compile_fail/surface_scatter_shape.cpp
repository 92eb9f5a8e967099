// expected-error: ctgrad::scatter<0>: cannot scatter into (2,3) with an index of shape (2,3) and a source of shape (2,2)
// expected-error-fixed: ctgrad::scatter: index shape exceeds the tensor's or the source's
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().scatter<0>(ctgrad::Tensor<int, 2, 3>::zeros(), ctgrad::Tensor<float, 2, 2>::ones());
  (void)r;
}
