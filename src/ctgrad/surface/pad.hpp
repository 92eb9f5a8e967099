#pragma once
// tinygrad's pad options beyond zeros: a constant value, and the reflect, replicate and circular modes. Free
// functions, since Tensor's own pad<...>() hides a member of that name: ctgrad::pad<1, 1, 2, 0>(x, value) and
// ctgrad::pad<PadMode::Reflect, 1, 1, 2, 0>(x). Each is views plus where (constant) or cat of views (the modes).
#include "ctgrad/surface/movement.hpp"

namespace ctgrad {

enum class PadMode { Constant, Reflect, Replicate, Circular };

namespace surface {
template <PadMode M, class X, std::size_t... P>
constexpr bool pad_mode_ok() {
  if (sizeof...(P) != 2 * X::ndim) return false;
  constexpr std::array<std::size_t, sizeof...(P)> p{P...};
  for (std::size_t d = 0; d < X::ndim; ++d) {
    const std::size_t n = X::shape[d], b = p[2 * d], a = p[2 * d + 1];
    if (M == PadMode::Reflect && (b >= n || a >= n) && (b || a)) return false;
    if (M == PadMode::Circular && (b > n || a > n)) return false;
    if (M == PadMode::Replicate && n == 0 && (b || a)) return false;
  }
  return true;
}
// One axis padded by the mode: the pieces in front and behind are views of x, joined by cat.
template <PadMode M, std::size_t d, std::size_t b, std::size_t a, class X>
auto pad_axis(const X& x) {
  constexpr std::size_t n = X::shape[d];
  if constexpr (b == 0 && a == 0) {
    return x;
  } else {
    auto part = [&]<std::size_t lo, std::size_t hi>() { return shrink_as<shrink_pairs(X::shape, d, lo, hi)>(x); };
    auto front = [&] {
      if constexpr (M == PadMode::Reflect) return part.template operator()<1, b + 1>().template flip<d>();
      else if constexpr (M == PadMode::Replicate) return expand_as<with_axis(X::shape, d, b)>(part.template operator()<0, 1>());
      else return part.template operator()<n - b, n>();
    };
    auto back = [&] {
      if constexpr (M == PadMode::Reflect) return part.template operator()<n - 1 - a, n - 1>().template flip<d>();
      else if constexpr (M == PadMode::Replicate) return expand_as<with_axis(X::shape, d, a)>(part.template operator()<n - 1, n>());
      else return part.template operator()<0, a>();
    };
    if constexpr (b == 0) return ctgrad::cat<static_cast<int>(d)>(x, back());
    else if constexpr (a == 0) return ctgrad::cat<static_cast<int>(d)>(front(), x);
    else return ctgrad::cat<static_cast<int>(d)>(front(), x, back());
  }
}
template <PadMode M, std::size_t d, auto Pairs, class X>
auto pad_axes_from(const X& x) {
  if constexpr (d == X::ndim) return x;
  else return pad_axes_from<M, d + 1, Pairs>(pad_axis<M, d, Pairs[2 * d], Pairs[2 * d + 1]>(x));
}
}  // namespace surface

// pad<b0, a0, b1, a1, ...>(x, value): padding reads `value` (tinygrad's pad(..., value=v)).
template <std::size_t... P, TensorLike X>
auto pad(const X& x, double value) {
  constexpr bool ok = surface::pad_mode_ok<PadMode::Constant, X, P...>();
  CTGRAD_STATIC_CHECK(ok, "ctgrad::pad: needs one (before, after) pair per axis",
                      detail::Message{} << "ctgrad::pad: " << sizeof...(P) << " values for " << X::shape << ": needs one (before, after) pair per axis");
  if constexpr (ok) {
    constexpr std::array<std::size_t, sizeof...(P)> pairs{P...};
    auto inside = surface::pad_as<pairs>(surface::full_on<X>(x, 1.0).template cast<bool>());
    return inside.where(surface::pad_as<pairs>(x), static_cast<typename X::dtype>(value));
  }
}
// pad<Mode, b0, a0, ...>(x): reflect (mirror without the edge; pads < dim), replicate (the edge repeated) or
// circular (wrap around; pads <= dim), as tinygrad and torch.
template <PadMode M, std::size_t... P, TensorLike X>
auto pad(const X& x) {
  constexpr bool ok = surface::pad_mode_ok<M, X, P...>();
  CTGRAD_STATIC_CHECK(ok, "ctgrad::pad: needs a (before, after) pair per axis within the mode's limits",
                      detail::Message{} << "ctgrad::pad: padding " << std::array<std::size_t, sizeof...(P)>{P...} << " for " << X::shape
                                        << ": needs a (before, after) pair per axis, below the dim for reflect, at most the dim for circular");
  if constexpr (ok) {
    if constexpr (M == PadMode::Constant) return surface::pad_as<std::array<std::size_t, sizeof...(P)>{P...}>(x);
    else return surface::pad_axes_from<M, 0, std::array<std::size_t, sizeof...(P)>{P...}>(x);
  }
}

}  // namespace ctgrad
