// expected-error: ctgrad::stack<1>: shapes differ or axis out of range: (2,3), (3,2)
// expected-error-fixed: ctgrad::stack: shapes differ (or axis out of range)
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::stack<1>(ctgrad::Tensor<float, 2, 3>::ones(), ctgrad::Tensor<float, 3, 2>::ones());
  (void)r;
}
