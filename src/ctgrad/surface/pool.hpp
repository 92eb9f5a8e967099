#pragma once
// Sliding windows as views (tinygrad's _pool), and the pools and unfold built on them. A window of K taps with
// stride S and dilation D over a dim of size i becomes two dims (o, K) of one view: no im2col buffer, no pool UOp;
// the consumer's reduction reads the input through the folded view.
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

// (..., i) -> (..., o, K) with out[..., a, j] = x[..., a * S + j * D].
template <std::size_t K, std::size_t S, std::size_t D, class X>
auto pool_last(const X& x) {
  constexpr std::size_t N = X::ndim, i = X::shape[N - 1], o = windows(i, K, S, D);
  constexpr auto lead = remove_axis(X::shape, N - 1);
  if constexpr (D == 1 && K <= S) {
    // disjoint windows: trim or pad to o * S, split into (o, S), keep the first K of each
    auto fit = [&] {
      if constexpr (o * S <= i) return shrink_as<shrink_pairs(X::shape, N - 1, 0, o * S)>(x);
      else return pad_as<pad_pairs<N>(N - 1, 0, o * S - i)>(x);
    }();
    auto grid = reshape_as<concat(lead, Shape<2>{o, S})>(fit);
    return shrink_as<shrink_pairs(decltype(grid)::shape, N, 0, K)>(grid);
  } else {
    // repeat the dim e times, read it as rows of L = i + D (+ i ...) so that row j starts at j * D (mod i)
    constexpr std::size_t L = [] {
      std::size_t l = i + D;
      while (l < o * S) l += i;
      return l;
    }();
    constexpr std::size_t e = (K * L + i - 1) / i;
    auto rep = reshape_as<concat(lead, Shape<1>{e * i})>(expand_as<concat(lead, Shape<2>{e, i})>(x.template unsqueeze<N - 1>()));
    auto rows = reshape_as<concat(lead, Shape<2>{K, L})>(shrink_as<shrink_pairs(concat(lead, Shape<1>{e * i}), N - 1, 0, K * L)>(rep));
    auto strided = reshape_as<concat(lead, Shape<3>{K, o, S})>(shrink_as<shrink_pairs(concat(lead, Shape<2>{K, L}), N, 0, o * S)>(rows));
    auto taps = reshape_as<concat(lead, Shape<2>{K, o})>(shrink_as<shrink_pairs(concat(lead, Shape<3>{K, o, S}), N + 1, 0, 1)>(strided));
    return permute_as<[] {
      Shape<N + 1> p{};
      for (std::size_t d = 0; d + 1 < N; ++d) p[d] = d;
      p[N - 1] = N, p[N] = N - 1;
      return p;
    }()>(taps);
  }
}

// (..., H, W) -> (..., oh, ow, kh, kw).
template <Hw K, Hw S, Hw D, class X>
auto pool2d(const X& x) {
  constexpr std::size_t N = X::ndim;
  auto pw = pool_last<K.w, S.w, D.w>(x);                        // (..., H, ow, kw)
  auto ph = pool_last<K.h, S.h, D.h>(move_to_last<N - 2>(pw));  // (..., ow, kw, oh, kh)
  return permute_as<[] {
    Shape<N + 2> p{};
    for (std::size_t d = 0; d + 2 < N; ++d) p[d] = d;
    p[N - 2] = N, p[N - 1] = N - 2, p[N] = N + 1, p[N + 1] = N - 1;
    return p;
  }()>(ph);
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
