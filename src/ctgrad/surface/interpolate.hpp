#pragma once
// interpolate<Size...>(mode): resampling of the last dims to Size..., tinygrad's formulas: each resized dim gathers
// the source positions (nearest) or blends the two neighbours (linear), one dim at a time.
#include "ctgrad/surface/indexing.hpp"

namespace ctgrad {

enum class Interpolation { Linear, Nearest, NearestExact };

namespace surface {
// Resizes dim ax of x to n by gather (+ lerp for linear).
template <std::size_t ax, std::size_t n, class X>
auto resize_dim(const X& x, Interpolation mode, bool align_corners) {
  constexpr std::size_t m = X::shape[ax];
  constexpr auto out = with_axis(X::shape, ax, n);
  constexpr auto col = [] {
    auto s = filled_ones<X::ndim>();
    s[ax] = n;
    return s;
  }();
  const double scale = align_corners && n > 1 ? static_cast<double>(m - 1) / static_cast<double>(n - 1) : static_cast<double>(m) / static_cast<double>(n);
  auto ar = arange_on<float, n>(x);
  auto gather_at = [&](const auto& index) { return ctgrad::gather<static_cast<int>(ax)>(x, expand_as<out>(reshape_as<col>(index))); };
  if (mode == Interpolation::Linear) {
    auto f = align_corners ? ar * scale : (ar + 0.5) * scale - 0.5;
    auto index = ctgrad::clip(f, 0.0, static_cast<double>(m - 1));
    auto low = ctgrad::floor(index), high = ctgrad::ceil(index);
    auto frac = expand_as<out>(reshape_as<col>(index - low));
    auto a = as_float(gather_at(low.template cast<std::int32_t>())), b = as_float(gather_at(high.template cast<std::int32_t>()));
    return ctgrad::lerp(a, b, frac).template cast<typename X::dtype>();
  }
  auto pos = mode == Interpolation::NearestExact ? (ar + 0.5) * scale : ar * scale;
  return gather_at(ctgrad::floor(pos).template cast<std::int32_t>().minimum(static_cast<std::int32_t>(m - 1)));
}
template <std::size_t First, std::size_t... Sizes, std::size_t... I, class X>
auto resize_dims(const X& x, Interpolation mode, bool align_corners, std::index_sequence<I...>) {
  constexpr std::array<std::size_t, sizeof...(Sizes)> to{Sizes...};
  if constexpr (sizeof...(I) == 0) {
    return x;
  } else {
    // the last dim first, as tinygrad
    constexpr std::size_t k = sizeof...(I) - 1;
    auto y = resize_dim<First + k, to[k]>(x, mode, align_corners);
    return resize_dims<First, Sizes...>(y, mode, align_corners, std::make_index_sequence<k>{});
  }
}
}  // namespace surface

// The last sizeof...(Size) dims resized to Size...: Linear (bilinear, trilinear), Nearest or NearestExact.
template <std::size_t... Size, TensorLike X>
auto interpolate(const X& x, Interpolation mode = Interpolation::Linear, bool align_corners = false) {
  constexpr bool ok = sizeof...(Size) >= 1 && sizeof...(Size) <= X::ndim && ((Size > 0) && ...) && X::ndim < kMaxRank;
  CTGRAD_STATIC_CHECK(ok, "ctgrad::interpolate: needs 1 to ndim non-zero sizes",
                      detail::Message{} << "ctgrad::interpolate: sizes " << std::array<std::size_t, sizeof...(Size)>{Size...} << " for " << X::shape
                                        << " (needs 1 to ndim non-zero sizes)");
  if constexpr (ok) {
    if (align_corners && mode != Interpolation::Linear) throw Error("ctgrad::interpolate: align_corners needs the linear mode");
    return surface::resize_dims<X::ndim - sizeof...(Size), Size...>(x, mode, align_corners, std::make_index_sequence<sizeof...(Size)>{});
  }
}

}  // namespace ctgrad
