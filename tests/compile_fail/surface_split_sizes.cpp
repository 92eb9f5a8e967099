// expected-error: ctgrad::split<..., 1>: sizes do not cover that dim of (2,5)
// expected-error-fixed: ctgrad::split: sizes do not cover the dim
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 5>::ones().split<ctgrad::sizes<1, 3>, 1>();
  (void)r;
}
