// expected-error: ctgrad::log_softmax<-3>: axis out of range for (2,3)
// expected-error-fixed: ctgrad::log_softmax: axis out of range
#include "ctgrad/ctgrad.hpp"

void use() {
  auto r = ctgrad::Tensor<float, 2, 3>::ones().log_softmax<-3>();
  (void)r;
}
