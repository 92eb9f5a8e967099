// expected: compiles
// The positive control: every entry the failing snippets misuse, used correctly, must compile without a diagnostic
// (so the harness cannot pass because every snippet fails for some unrelated reason).
#include <type_traits>

#include "ctgrad/ctgrad.hpp"

using ctgrad::Tensor;

template <class Want, class T>
constexpr void expect_type(const T&) {
  static_assert(std::is_same_v<T, Want>);
}

void use() {
  auto t = Tensor<float, 2, 3>::from({1, 2, 3, 4, 5, 6});
  expect_type<Tensor<float, 2, 4>>(t.matmul(Tensor<float, 3, 4>::ones()));
  expect_type<Tensor<float, 4>>(Tensor<float, 3>::ones().matmul(Tensor<float, 3, 4>::ones()));
  expect_type<Tensor<float, 5, 2, 4>>(Tensor<float, 1, 2, 3>::ones().matmul(Tensor<float, 5, 3, 4>::ones()));
  expect_type<Tensor<float, 3, 2>>(t.reshape<3, 2>());
  expect_type<Tensor<float, 4, 2, 3>>(t + Tensor<int, 4, 1, 3>::ones());
  expect_type<Tensor<bool, 2, 3>>(Tensor<int, 3>::ones() < t);
  expect_type<Tensor<double, 2, 3>>(Tensor<bool, 2, 1>::ones().where(t, Tensor<double, 3>::ones()));
  expect_type<Tensor<float, 3, 4, 2>>(Tensor<float, 2, 3, 4>::ones().permute<1, 2, 0>());
  expect_type<Tensor<float, 3, 2>>(t.transpose<0, 1>());
  expect_type<Tensor<float, 5, 4, 3>>(Tensor<float, 4, 1>::ones().expand<5, 4, 3>());
  expect_type<Tensor<float, 4, 7>>(t.pad<1, 1, 0, 4>());
  expect_type<Tensor<float, 1, 2>>(t.shrink<1, 2, 1, 3>());
  expect_type<Tensor<float, 2, 3>>(t.flip<0, 1>());
  expect_type<Tensor<float, 2>>(Tensor<float, 2, 1>::ones().squeeze<1>());
  expect_type<Tensor<float, 2, 3, 1>>(t.unsqueeze<2>());
  expect_type<Tensor<float, 6>>(t.flatten());
  expect_type<Tensor<float, 2, 1>>(t.sum<1>(ctgrad::keepdim));
  expect_type<Tensor<float, 3>>(t.max<0>());
  expect_type<Tensor<float>>(t.mean());
  expect_type<float>(t.sum().item());
  expect_type<Tensor<bool, 2>>(Tensor<bool, 2>::zeros());
  expect_type<Tensor<float, 1, 1, 1, 1, 1, 1, 1, 1>>(Tensor<float, 1, 1, 1, 1, 1, 1, 1, 1>::zeros());
}
