// expected-error: ctgrad::operator>: shapes cannot broadcast: (3) and (4)
// expected-error-fixed: ctgrad: operand shapes cannot broadcast
#include "ctgrad/ctgrad.hpp"

// a > b is implemented as b < a; the message must still name the operator and the operand order the user wrote.
void use() {
  auto a = ctgrad::Tensor<float, 3>::ones();
  auto b = ctgrad::Tensor<float, 4>::ones();
  auto c = a > b;
  (void)c;
}
