#pragma once
// Sliding windows as views (tinygrad's _pool), and the pools and unfold built on them. A window of K taps with
// stride S and dilation D over a dim of size i becomes two dims (o, K) of one view: no im2col buffer, no pool UOp;
// the consumer's reduction reads the input through the folded view.
#include "ctgrad/runtime/windows.hpp"
#include "ctgrad/surface/detail.hpp"

namespace ctgrad {

// A size per spatial dim (h, w); a single number means both: x.max_pool2d<3>() or x.max_pool2d<Hw{3, 2}>().
struct Hw {
  std::size_t h, w;
  constexpr Hw(std::size_t s) : h(s), w(s) {}  // NOLINT: implicit on purpose, so that <3> reads as <Hw{3, 3}>
  constexpr Hw(std::size_t h_, std::size_t w_) : h(h_), w(w_) {}
};

namespace surface {

// Output size of a window (K, S, D) over n elements, 0 when not even one window fits.
constexpr std::size_t windows(std::size_t n, std::size_t k, std::size_t s, std::size_t d) {
  const std::size_t span = d * (k - 1) + 1;
  return k == 0 || s == 0 || n < span ? 0 : (n - span) / s + 1;
}

// (..., i) -> (..., o, K) with out[..., a, j] = x[..., a * S + j * D] (runtime/windows.hpp).
template <std::size_t K, std::size_t S, std::size_t D, class X>
auto pool_last(const X& x) {
  constexpr std::size_t N = X::ndim;
  using Out = tensor_of_t<typename X::dtype, concat(remove_axis(X::shape, N - 1), Shape<2>{windows(X::shape[N - 1], K, S, D), K})>;
  return Out::wrap(rt::pool_last(x.impl(), K, S, D));
}

// (..., H, W) -> (..., oh, ow, kh, kw), out[..., a, b, i, j] = x[..., a * S.h + i * D.h, b * S.w + j * D.w]: the movement
// chain of tinygrad's _pool per spatial dim, built by libctgrad at run-time shapes (runtime/windows.hpp).
template <Hw K, Hw S, Hw D, class X>
auto pool2d(const X& x) {
  constexpr std::size_t N = X::ndim;
  // overlapping windows along H take one dim more than the result while they are built
  constexpr bool fits = N + 2 + (D.h == 1 && K.h <= S.h ? 0 : 1) <= kMaxRank;
  CTGRAD_STATIC_CHECK(fits, "ctgrad::pool2d: overlapping windows need a rank above 8",
                      detail::Message{} << "ctgrad::pool2d: overlapping windows over " << X::shape << " need a rank above 8 while they are built");
  if constexpr (fits) {
    constexpr auto out = concat(remove_axis(remove_axis(X::shape, N - 1), N - 2),
                                Shape<4>{windows(X::shape[N - 2], K.h, S.h, D.h), windows(X::shape[N - 1], K.w, S.w, D.w), K.h, K.w});
    using Out = tensor_of_t<typename X::dtype, out>;
    return Out::wrap(rt::pool2d(x.impl(), K.h, K.w, S.h, S.w, D.h, D.w));
  }
}

// pad<...> pairs of (p.h, p.h, p.w, p.w) on the last two dims.
template <std::size_t N>
constexpr Shape<2 * N> spatial_pads(Hw before, Hw after) {
  Shape<2 * N> p{};
  p[2 * (N - 2)] = before.h, p[2 * (N - 2) + 1] = after.h, p[2 * (N - 1)] = before.w, p[2 * (N - 1) + 1] = after.w;
  return p;
}
template <class X>
constexpr bool spatial_ok = X::ndim >= 2 && X::ndim + 2 <= kMaxRank;
template <class X, Hw K, Hw S, Hw D, Hw P>
constexpr bool pool_fits = spatial_ok<X> && windows(X::shape[X::ndim - 2] + 2 * P.h, K.h, S.h, D.h) > 0 &&
                           windows(X::shape[X::ndim - 1] + 2 * P.w, K.w, S.w, D.w) > 0;
template <class X, Hw K, Hw S, Hw D, Hw P>
constexpr detail::Message pool_message(const char* name) {
  using Pair = std::array<std::size_t, 2>;  // streamed as shapes, so that a C++20 error shows them as dims too
  return detail::Message{} << "ctgrad::" << name << "<" << Pair{K.h, K.w} << ", stride " << Pair{S.h, S.w} << ", dilation " << Pair{D.h, D.w}
                           << ", padding " << Pair{P.h, P.w} << ">: no window fits in " << X::shape;
}
}  // namespace surface

// Max over K windows of the last two dims (padding reads -inf), tinygrad's defaults: 2x2, stride = kernel.
template <Hw K = 2, Hw Stride = K, Hw Dilation = 1, Hw Padding = 0, TensorLike X>
auto max_pool2d(const X& x) {
  constexpr bool ok = surface::pool_fits<X, K, Stride, Dilation, Padding>;
  CTGRAD_STATIC_CHECK(ok, "ctgrad::max_pool2d: no window fits (or fewer than 2 dims)",
                      (surface::pool_message<X, K, Stride, Dilation, Padding>("max_pool2d")));
  if constexpr (ok) {
    constexpr std::size_t N = X::ndim;
    using T = typename X::dtype;
    constexpr auto pads = surface::spatial_pads<N>(Padding, Padding);
    auto padded = [&] {
      if constexpr (Padding.h == 0 && Padding.w == 0) return x;
      else {
        constexpr T lowest = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
        return surface::pad_as<pads>(surface::full_on<X>(x, 1.0).template cast<bool>()).where(surface::pad_as<pads>(x), lowest);
      }
    }();
    return surface::pool2d<K, Stride, Dilation>(padded).template max<N, N + 1>();
  }
}
// Mean over K windows (padding reads 0; count_include_pad = false divides by the taps inside the input instead).
template <Hw K = 2, Hw Stride = K, Hw Dilation = 1, Hw Padding = 0, TensorLike X>
auto avg_pool2d(const X& x, bool count_include_pad = true) {
  constexpr bool ok = surface::pool_fits<X, K, Stride, Dilation, Padding>;
  CTGRAD_STATIC_CHECK(ok, "ctgrad::avg_pool2d: no window fits (or fewer than 2 dims)",
                      (surface::pool_message<X, K, Stride, Dilation, Padding>("avg_pool2d")));
  if constexpr (ok) {
    constexpr std::size_t N = X::ndim;
    constexpr auto pads = surface::spatial_pads<N>(Padding, Padding);
    auto f = surface::as_float(x);
    auto windows = surface::pool2d<K, Stride, Dilation>(surface::pad_as<pads>(f));
    if (count_include_pad || (Padding.h == 0 && Padding.w == 0)) return windows.template mean<N, N + 1>();
    auto ones = surface::full_on<decltype(f)>(f, 1.0);
    auto counts = surface::pool2d<K, Stride, Dilation>(surface::pad_as<pads>(ones)).template sum<N, N + 1>();
    return windows.template sum<N, N + 1>() / counts;
  }
}

// Windows of Size with Step along Dim: that dim becomes the number of windows and a last dim of Size is added.
template <int Dim, std::size_t Size, std::size_t Step, TensorLike X>
auto unfold(const X& x) {
  constexpr bool in_range = surface::axis_ok(Dim, X::ndim);
  constexpr bool ok = in_range && Step >= 1 && Size >= 1 && X::ndim < kMaxRank - 1 && Size <= X::shape[in_range ? surface::axis_of(Dim, X::ndim) : 0];
  CTGRAD_STATIC_CHECK(ok, "ctgrad::unfold: window larger than the dim (or dim out of range, or zero size or step)",
                      surface::put(detail::Message{} << "ctgrad::unfold<", Dim) << ", " << Size << ", " << Step << ">: no window fits in " << X::shape);
  if constexpr (ok) {
    constexpr std::size_t ax = surface::axis_of(Dim, X::ndim), N = X::ndim;
    auto w = surface::pool_last<Size, Step, 1>(surface::move_to_last<ax>(x));  // (..., o, Size)
    return surface::permute_as<[] {
      surface::Shape<N + 1> p{};  // the window count back to ax, Size last
      for (std::size_t d = 0, j = 0; d < N; ++d) p[d] = d == ax ? N - 1 : j++;
      p[N] = N;
      return p;
    }()>(w);
  }
}

}  // namespace ctgrad
