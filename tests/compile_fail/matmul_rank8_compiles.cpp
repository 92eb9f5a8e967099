// expected: compiles
// A rank-8 matmul has a rank-8 result, within the limit: it must compile (no rank-9 intermediate may leak out).
#include <type_traits>

#include "ctgrad/ctgrad.hpp"

void use() {
  auto a = ctgrad::Tensor<float, 1, 1, 1, 1, 1, 1, 2, 3>::ones();
  auto b = ctgrad::Tensor<float, 3, 4>::ones();
  auto c = a.matmul(b);
  static_assert(std::is_same_v<decltype(c), ctgrad::Tensor<float, 1, 1, 1, 1, 1, 1, 2, 4>>);
}
