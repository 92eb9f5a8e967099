// expected-error: ctgrad::unsqueeze<3>: axis out of range for (2,3)
// expected-error-fixed: ctgrad::unsqueeze: axis out of range
#include "ctgrad/ctgrad.hpp"

void use() {
  auto t = ctgrad::Tensor<float, 2, 3>::ones();
  auto u = t.unsqueeze<3>();
  (void)u;
}
