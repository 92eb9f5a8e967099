#pragma once
// Helpers shared by the op-surface headers: axis normalization, constexpr shape edits, movement ops driven by
// constexpr arrays, constants and aranges on a tensor's device. Everything goes through Tensor's public API, so
// every op built on these gets gradients from the primitives it uses.
#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "ctgrad/check.hpp"
#include "ctgrad/shape.hpp"

namespace ctgrad {

template <class DType, std::size_t... Dims>
class Tensor;

namespace surface {

template <std::size_t N>
using Shape = std::array<std::size_t, N>;

// tinygrad's axes: negative counts from the end. Valid when -N <= a < N.
constexpr bool axis_ok(long a, std::size_t n) { return a < static_cast<long>(n) && a >= -static_cast<long>(n); }
constexpr std::size_t axis_of(long a, std::size_t n) { return a < 0 ? static_cast<std::size_t>(a + static_cast<long>(n)) : static_cast<std::size_t>(a); }

// A Message with a signed number appended (check.hpp's Message prints unsigned numbers only).
constexpr detail::Message put(detail::Message m, long v) {
  if (v < 0) m << "-";
  m << static_cast<std::size_t>(v < 0 ? -v : v);
  return m;
}

template <std::size_t N>
constexpr Shape<N - 1> remove_axis(const Shape<N>& s, std::size_t axis) {
  Shape<N - 1> out{};
  for (std::size_t i = 0, j = 0; i < N; ++i)
    if (i != axis) out[j++] = s[i];
  return out;
}
template <std::size_t N>
constexpr Shape<N + 1> insert_axis(const Shape<N>& s, std::size_t axis, std::size_t size) {
  Shape<N + 1> out{};
  for (std::size_t i = 0, j = 0; i <= N; ++i) out[i] = i == axis ? size : s[j++];
  return out;
}
template <std::size_t N>
constexpr Shape<N> with_axis(Shape<N> s, std::size_t axis, std::size_t size) {
  s[axis] = size;
  return s;
}
template <std::size_t N, std::size_t M>
constexpr Shape<N + M> concat(const Shape<N>& a, const Shape<M>& b) {
  Shape<N + M> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = a[i];
  for (std::size_t i = 0; i < M; ++i) out[N + i] = b[i];
  return out;
}
template <std::size_t N>
constexpr Shape<N> filled_ones() {
  Shape<N> s{};
  for (auto& d : s) d = 1;
  return s;
}
// The permutation that moves `axis` to the end, and its inverse.
template <std::size_t N>
constexpr Shape<N> axis_to_last(std::size_t axis) {
  Shape<N> p{};
  for (std::size_t i = 0, j = 0; i < N; ++i)
    if (i != axis) p[j++] = i;
  p[N - 1] = axis;
  return p;
}
template <std::size_t N>
constexpr Shape<N> inverse(const Shape<N>& p) {
  Shape<N> q{};
  for (std::size_t i = 0; i < N; ++i) q[p[i]] = i;
  return q;
}
// (before, after) pairs for pad<...>/shrink<...>: `lo`/`hi` on `axis`, 0 / the full dim elsewhere.
template <std::size_t N>
constexpr Shape<2 * N> pad_pairs(std::size_t axis, std::size_t before, std::size_t after) {
  Shape<2 * N> p{};
  p[2 * axis] = before, p[2 * axis + 1] = after;
  return p;
}
template <std::size_t N>
constexpr Shape<2 * N> shrink_pairs(const Shape<N>& s, std::size_t axis, std::size_t begin, std::size_t end) {
  Shape<2 * N> p{};
  for (std::size_t i = 0; i < N; ++i) p[2 * i] = 0, p[2 * i + 1] = s[i];
  p[2 * axis] = begin, p[2 * axis + 1] = end;
  return p;
}

// Movement ops whose arguments are constexpr arrays.
template <auto Order, class X>
auto permute_as(const X& x) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) { return x.template permute<Order[I]...>(); }(std::make_index_sequence<Order.size()>{});
}
template <auto Pairs, class X>
auto pad_as(const X& x) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) { return x.template pad<Pairs[I]...>(); }(std::make_index_sequence<Pairs.size()>{});
}
template <auto Pairs, class X>
auto shrink_as(const X& x) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) { return x.template shrink<Pairs[I]...>(); }(std::make_index_sequence<Pairs.size()>{});
}
template <auto To, class X>
auto reshape_as(const X& x) {
  return x.template reshape_as<To>();
}
template <auto To, class X>
auto expand_as(const X& x) {
  return x.template expand_to<To>();
}
// x with `axis` moved to the end, and back.
template <std::size_t Axis, class X>
auto move_to_last(const X& x) {
  return permute_as<axis_to_last<X::ndim>(Axis)>(x);
}
template <std::size_t Axis, class X>
auto move_from_last(const X& x) {
  return permute_as<inverse(axis_to_last<X::ndim>(Axis))>(x);
}

// Constants and aranges on the device of `like` (creation ops build on the default device).
template <class TT, class Like>
TT full_on(const Like& like, double value) {
  return TT::from_const(value, like.device());
}
template <class T, std::size_t N, class Like>
auto arange_on(const Like& like) {
  return Tensor<T, N>::arange().to(like.device());
}

// f2(f1(x)) for sequential(f1, f2, ...)
template <class X>
auto apply_in_turn(const X& x) {
  return x;
}
template <class X, class F, class... Fs>
auto apply_in_turn(const X& x, const F& f, const Fs&... fs) {
  return apply_in_turn(f(x), fs...);
}

template <class T>
inline constexpr bool is_float_v = std::is_floating_point_v<T> || !std::is_arithmetic_v<T>;  // half, bfloat16 included

}  // namespace surface
}  // namespace ctgrad
