// expected-error: ctgrad::Tensor: rank 9 exceeds the maximum of 8
// expected-error-fixed: ctgrad::Tensor: rank exceeds 8
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 1, 1, 1, 1, 1, 1, 1, 1, 1>::zeros();
  (void)t;
}
