// expected: compiles
// The op surface's positive control: the entries the surface_* snippets misuse, used correctly, with the result
// types the shape rules promise; no diagnostic at all (warnings included).
#include <type_traits>

#include "ctgrad/ctgrad.hpp"

using ctgrad::Hw;
using ctgrad::Tensor;

template <class Want, class T>
constexpr void expect_type(const T&) {
  static_assert(std::is_same_v<T, Want>);
}

void use() {
  auto t = Tensor<float, 2, 3>::ones();
  auto img = Tensor<float, 2, 3, 8, 8>::ones();
  auto labels = Tensor<int, 2>::zeros();
  expect_type<Tensor<float, 2, 3>>(t.softmax());
  expect_type<Tensor<float, 2, 3>>(t.log_softmax<0>());
  expect_type<Tensor<float, 2>>(t.logsumexp<1>());
  expect_type<Tensor<float, 3>>(t.var<0>());
  expect_type<Tensor<int, 2>>(t.argmax<1>());
  expect_type<Tensor<int>>(t.argmax());
  expect_type<Tensor<float, 2, 3>>(t.cumsum<1>());
  expect_type<Tensor<float, 6>>(t.flatten());
  expect_type<Tensor<float, 2, 3, 1>>(Tensor<float, 2, 3>::ones().unflatten<1, 3, 1>());
  expect_type<Tensor<float, 4, 3>>(ctgrad::cat<0>(t, t));
  expect_type<Tensor<float, 2, 2, 3>>(ctgrad::stack<0>(t, t));
  expect_type<Tensor<float, 4, 9>>(t.repeat<2, 3>());
  expect_type<Tensor<float, 2, 2>>(t.slice<1, 0, 3, 2>());
  expect_type<Tensor<float, 4, 3>>(t[Tensor<int, 4>::zeros()]);
  expect_type<Tensor<float, 2, 5>>(t.gather<1>(Tensor<int, 2, 5>::zeros()));
  expect_type<Tensor<int, 2, 10>>(labels.one_hot<10>());
  expect_type<Tensor<float, 2, 4, 6, 6>>(img.conv2d(Tensor<float, 4, 3, 3, 3>::ones(), Tensor<float, 4>::ones()));
  expect_type<Tensor<float, 2, 6, 4, 4>>(img.conv2d<2, 1, 1, 3>(Tensor<float, 6, 1, 3, 3>::ones()));
  expect_type<Tensor<float, 2, 5, 17, 17>>(img.conv_transpose2d<2>(Tensor<float, 3, 5, 3, 3>::ones()));
  expect_type<Tensor<float, 2, 3, 4, 4>>(img.max_pool2d());
  expect_type<Tensor<float, 2, 3, 3, 4>>(img.avg_pool2d<Hw{3, 2}, Hw{2, 2}>());
  expect_type<Tensor<float>>(t.sparse_categorical_crossentropy(labels));
  expect_type<Tensor<float, 2>>(t.cross_entropy<ctgrad::Reduction::None>(labels));
  expect_type<Tensor<float, 2, 3>>(t.layernorm());
  expect_type<Tensor<float, 2, 5>>(t.linear(Tensor<float, 3, 5>::ones(), Tensor<float, 5>::ones()));
  expect_type<Tensor<float, 2, 2>>(ctgrad::einsum<"ij,kj->ik">(t, t));
  auto [values, indices] = t.topk<2>();
  expect_type<Tensor<float, 2, 2>>(values);
  expect_type<Tensor<int, 2, 2>>(indices);
  auto [a, b] = t.split<2, 1>();
  expect_type<Tensor<float, 2, 2>>(a);
  expect_type<Tensor<float, 2, 1>>(b);
  expect_type<Tensor<float, 3, 3>>(Tensor<float, 3, 3>::eye());
  expect_type<Tensor<int, 5>>(Tensor<int, 5>::randint(0, 3));
}
