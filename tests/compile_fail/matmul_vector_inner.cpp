// expected-error: ctgrad::matmul: inner dims differ: (4) @ (3,5)
// expected-error-fixed: ctgrad::matmul: inner dims differ
#include "ctgrad/ctgrad.hpp"

void use() {
  auto v = ctgrad::Tensor<float, 4>::ones();
  auto b = ctgrad::Tensor<float, 3, 5>::ones();
  auto c = v.matmul(b);
  (void)c;
}
