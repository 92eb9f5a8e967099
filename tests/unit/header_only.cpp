// Compiled by the suite with nothing but -I src (clang-19 and g++-12, -std=c++20): the headers stand alone, and the
// header-only C device runs the kernels.
#include <cstdio>
#include <ctgrad/ctgrad.hpp>

int main() {
  using namespace ctgrad;
  auto a = Tensor<float, 2, 3>::from({1, 2, 3, 4, 5, 6});
  auto s = ((a * 2.0f + 1.0f).relu().sum<0>()).tolist();  // column sums of 2a+1: 12, 16, 20
  bool ok = s.size() == 3 && s[0] == 12.0f && s[1] == 16.0f && s[2] == 20.0f;
  std::printf("header-only on %s: %s\n", default_device().c_str(), ok ? "ok" : "WRONG");
  return ok ? 0 : 1;
}
