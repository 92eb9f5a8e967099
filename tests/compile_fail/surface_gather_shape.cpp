// expected-error: ctgrad::gather<1>: cannot gather from (2,3) with an index of shape (3,3)
// expected-error-fixed: ctgrad::gather: index shape exceeds the tensor's
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().gather<1>(ctgrad::Tensor<int, 3, 3>::zeros());
  (void)r;
}
