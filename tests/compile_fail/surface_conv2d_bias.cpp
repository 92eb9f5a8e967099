// expected-error: ctgrad::conv2d: input (1,2,8,8) and weight (4,2,3,3) do not fit (groups 1; input (B,Cin,H,W), weight (Cout,Cin/groups,KH,KW)) with bias (3)
// expected-error-fixed: ctgrad::conv2d: input, weight and bias shapes do not fit
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 1, 2, 8, 8>::ones().conv2d(ctgrad::Tensor<float, 4, 2, 3, 3>::ones(), ctgrad::Tensor<float, 3>::ones());
  (void)r;
}
