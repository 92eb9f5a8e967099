// expected-error: ctgrad::scaled_dot_product_attention: query (4,8), key (6,7), value (6,8)
// expected-error-fixed: ctgrad::scaled_dot_product_attention: query, key and value shapes do not fit
#include "ctgrad/ctgrad.hpp"

void use() {
  auto q = ctgrad::Tensor<float, 4, 8>::ones();
  auto r = q.scaled_dot_product_attention(ctgrad::Tensor<float, 6, 7>::ones(), ctgrad::Tensor<float, 6, 8>::ones());
  (void)r;
}
