// Does not compile, on purpose: the build captures the compiler's message for the tour to show.
#include <ctgrad/ctgrad.hpp>
int main() {
  auto a = ctgrad::Tensor<float, 2, 3>::ones();
  auto b = ctgrad::Tensor<float, 4, 5>::ones();
  auto c = a.matmul(b);
}
