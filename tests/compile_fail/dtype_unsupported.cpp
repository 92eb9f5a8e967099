// expected-error: ctgrad::Tensor: unsupported dtype (use bool, an integer type, half, bfloat16, float or double)
// expected-error-fixed: ctgrad::Tensor: unsupported dtype
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<char*, 2>::zeros();
  (void)t;
}
