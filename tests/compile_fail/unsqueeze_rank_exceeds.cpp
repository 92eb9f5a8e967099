// expected-error: ctgrad::Tensor: rank 9 exceeds the maximum of 8
// expected-error-fixed: ctgrad::Tensor: rank exceeds 8
#include "ctgrad/ctgrad.hpp"

// A movement op whose result would have rank 9: one error for the rank, none from building the result.
void use() {
  auto t = ctgrad::Tensor<float, 1, 1, 1, 1, 1, 1, 2, 3>::ones();
  auto u = t.unsqueeze<0>();
  (void)u;
}
