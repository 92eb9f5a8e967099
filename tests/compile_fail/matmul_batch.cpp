// expected-error: ctgrad::matmul: batch dims cannot broadcast: (2,3,4) @ (5,4,6)
// expected-error-fixed: ctgrad::matmul: batch dims cannot broadcast
#include "ctgrad/ctgrad.hpp"

void use() {
  auto a = ctgrad::Tensor<float, 2, 3, 4>::ones();
  auto b = ctgrad::Tensor<float, 5, 4, 6>::ones();
  auto c = a.matmul(b);
  (void)c;
}
