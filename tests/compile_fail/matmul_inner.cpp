// expected-error: ctgrad::matmul: inner dims differ: (2,3) @ (4,5)
// expected-error-fixed: ctgrad::matmul: inner dims differ
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 3>::ones();
  auto b = ctgrad::Tensor<float, 4, 5>::ones();
  auto c = t.matmul(b);
  (void)c;
}
