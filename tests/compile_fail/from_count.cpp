// expected-error: ctgrad::Tensor::from: 5 values for shape (2,3) (6 elements)
// expected-error-fixed: ctgrad::Tensor::from: wrong number of values
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 3>::from({1, 2, 3, 4, 5});
  (void)t;
}
