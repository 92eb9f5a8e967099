// expected-error: ctgrad::topk<4, -1>: k larger than the dim (or dim out of range) for (2,3)
// expected-error-fixed: ctgrad::topk: k larger than the dim
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().topk<4>();
  (void)r;
}
