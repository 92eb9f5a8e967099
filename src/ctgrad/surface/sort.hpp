#pragma once
// Sorting by ranks: the stable rank of each element along the dim is a count of comparisons (an (n, n) mask summed),
// and the sorted values and indices are one-hot selections by rank. O(n^2) work in two fused reductions, no
// data-dependent control flow, which suits static shapes (tinygrad uses a bitonic network; the results agree,
// equal elements keeping their order). topk, argsort, randperm and multinomial build on it.
#include <tuple>

#include "ctgrad/surface/reduce.hpp"

namespace ctgrad {

namespace surface {
template <std::size_t ax, class X>
auto sort_along(const X& x, bool descending) {
  constexpr std::size_t N = X::ndim, n = X::shape[ax];
  auto xl = move_to_last<ax>(x);  // (..., n)
  constexpr auto sq = concat(decltype(xl)::shape, Shape<1>{n});
  auto a = expand_as<sq>(xl.template unsqueeze<N>());      // [..., i, j] = x[i]
  auto b = expand_as<sq>(xl.template unsqueeze<N - 1>());  // [..., i, j] = x[j]
  auto ar = arange_on<std::int32_t, n>(x);
  auto before = ar.template reshape<1, n>() < ar.template reshape<n, 1>();  // j < i
  auto ahead = descending ? b > a : b < a;
  auto rank = (ahead | ((b == a) & before)).template cast<std::int32_t>().template sum<N>();  // (..., n)
  // by[..., k, i]: element i has rank k
  auto by = rank.template unsqueeze<N - 1>() == ar.template reshape<n, 1>();
  auto values = by.where(xl.template unsqueeze<N - 1>(), typename X::dtype(0)).template sum<N>().template cast<typename X::dtype>();
  auto indices = by.where(ar.template reshape<1, n>(), 0).template sum<N>();
  return std::tuple{move_from_last<ax>(values), move_from_last<ax>(indices)};
}
}  // namespace surface

// (values, int32 indices) sorted along Dim (the last by default), ascending unless `descending`; stable.
template <int Dim = -1, TensorLike X>
auto sort(const X& x, bool descending = false) {
  constexpr bool ok = surface::axis_ok(Dim, X::ndim) && X::ndim < kMaxRank;
  CTGRAD_STATIC_CHECK(ok, "ctgrad::sort: dim out of range", surface::put(detail::Message{} << "ctgrad::sort<", Dim) << ">: dim out of range for " << X::shape);
  if constexpr (ok) return surface::sort_along<surface::axis_of(Dim, X::ndim)>(x, descending);
}
template <int Dim = -1, TensorLike X>
auto argsort(const X& x, bool descending = false) {
  constexpr bool ok = surface::axis_ok(Dim, X::ndim) && X::ndim < kMaxRank;
  CTGRAD_STATIC_CHECK(ok, "ctgrad::argsort: dim out of range", surface::put(detail::Message{} << "ctgrad::argsort<", Dim) << ">: dim out of range for " << X::shape);
  if constexpr (ok) return std::get<1>(surface::sort_along<surface::axis_of(Dim, X::ndim)>(x, descending));
}
// The K largest (or smallest) along Dim, sorted, with their indices.
template <std::size_t K, int Dim = -1, TensorLike X>
auto topk(const X& x, bool largest = true) {
  constexpr bool in_range = surface::axis_ok(Dim, X::ndim) && X::ndim < kMaxRank;
  constexpr bool ok = in_range && K <= X::shape[in_range ? surface::axis_of(Dim, X::ndim) : 0];
  CTGRAD_STATIC_CHECK(ok, "ctgrad::topk: k larger than the dim (or dim out of range)",
                      surface::put(detail::Message{} << "ctgrad::topk<" << K << ", ", Dim) << ">: k larger than the dim (or dim out of range) for " << X::shape);
  if constexpr (ok) {
    constexpr std::size_t ax = surface::axis_of(Dim, X::ndim);
    auto [values, indices] = surface::sort_along<ax>(x, largest);
    constexpr auto keep = surface::shrink_pairs(X::shape, ax, 0, K);
    return std::tuple{surface::shrink_as<keep>(values), surface::shrink_as<keep>(indices)};
  }
}

namespace surface {
// A random permutation of 0..n-1: the argsort of n uniform numbers (ties have probability ~n^2 / 2^25).
template <class TT>
TT randperm() {
  constexpr std::size_t n = TT::shape[0];
  return std::get<1>(sort_along<0>(Tensor<float, n>::rand(), false)).template cast<typename TT::dtype>();
}
}  // namespace surface

// NumSamples int32 class indices drawn from the (unnormalized) probabilities of the last dim, (C) or (B, C): the
// inverse of the cumulative distribution at uniform samples. Without replacement only one sample (tinygrad's rule).
template <std::size_t NumSamples = 1, TensorLike X>
auto multinomial(const X& probs, bool replacement = false) {
  constexpr bool ok = (X::ndim == 1 || X::ndim == 2) && NumSamples >= 1;
  CTGRAD_STATIC_CHECK(ok, "ctgrad::multinomial: needs (C) or (B, C) probabilities",
                      detail::Message{} << "ctgrad::multinomial<" << NumSamples << ">: needs (C) or (B,C) probabilities, got " << X::shape);
  if constexpr (ok) {
    if (!replacement && NumSamples > 1) throw Error("ctgrad::multinomial: without replacement only one sample is supported");
    if constexpr (X::ndim == 1) {
      return ctgrad::multinomial<NumSamples>(probs.template unsqueeze<0>(), replacement).template squeeze<0>();
    } else {
      constexpr std::size_t B = X::shape[0], C = X::shape[1];
      auto f = surface::as_float(probs);
      auto cdf = ctgrad::cumsum<1>(f) / f.template sum<1>(keepdim);  // (B, C)
      auto u = Tensor<typename decltype(f)::dtype, B, NumSamples, 1>::rand().to(probs.device());
      // the number of classes whose cumulative probability is still <= u
      return (u >= cdf.template reshape<B, 1, C>()).template cast<std::int32_t>().template sum<2>().minimum(static_cast<std::int32_t>(C - 1));
    }
  }
}

}  // namespace ctgrad
