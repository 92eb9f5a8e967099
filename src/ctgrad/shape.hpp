#pragma once
// Shape rules as constexpr functions over values: broadcasting, reductions, matmul, permutations. The Tensor layer
// calls them from its public entries and turns invalid results into one static_assert each.
#include <array>
#include <cstddef>

#include "ctgrad/view.hpp"

namespace ctgrad::shape {

template <std::size_t N>
using Shape = std::array<std::size_t, N>;

template <std::size_t N>
constexpr std::size_t numel(const Shape<N>& s) {
  std::size_t n = 1;
  for (auto d : s) n *= d;
  return n;
}

template <std::size_t A, std::size_t B>
constexpr bool same(const Shape<A>& a, const Shape<B>& b) {
  if constexpr (A != B) {
    return false;
  } else {
    return a == b;
  }
}

// numpy broadcasting: align right; equal dims or a 1 on either side.
template <std::size_t A, std::size_t B>
constexpr bool broadcastable(const Shape<A>& a, const Shape<B>& b) {
  for (std::size_t i = 0; i < A && i < B; ++i) {
    const std::size_t x = a[A - 1 - i], y = b[B - 1 - i];
    if (x != y && x != 1 && y != 1) return false;
  }
  return true;
}
template <std::size_t A, std::size_t B>
constexpr Shape<(A > B ? A : B)> broadcast(const Shape<A>& a, const Shape<B>& b) {
  constexpr std::size_t R = A > B ? A : B;
  Shape<R> out{};
  for (std::size_t i = 0; i < R; ++i) {
    const std::size_t x = i < A ? a[A - 1 - i] : 1, y = i < B ? b[B - 1 - i] : 1;
    out[R - 1 - i] = x == 1 ? y : x;
  }
  return out;
}

// expand (tinygrad): new leading dims allowed; an existing dim must equal the target or be 1.
template <std::size_t A, std::size_t B>
constexpr bool expandable(const Shape<A>& from, const Shape<B>& to) {
  if (B < A) return false;
  for (std::size_t i = 0; i < A; ++i)
    if (from[A - 1 - i] != to[B - 1 - i] && from[A - 1 - i] != 1) return false;
  return true;
}

template <std::size_t N>
constexpr bool is_permutation(const Shape<N>& p) {
  std::array<bool, N> seen{};
  for (auto a : p) {
    if (a >= N || seen[a]) return false;
    seen[a] = true;
  }
  return true;
}
template <std::size_t N>
constexpr Shape<N> permuted(const Shape<N>& s, const Shape<N>& p) {
  Shape<N> out{};
  for (std::size_t i = 0; i < N; ++i) out[i] = s[p[i]];
  return out;
}

template <std::size_t N, std::size_t K>
constexpr bool axes_valid(const Shape<K>& axes) {
  std::array<bool, N> seen{};
  for (auto a : axes) {
    if (a >= N || seen[a]) return false;
    seen[a] = true;
  }
  return true;
}
// The shape after reducing `axes`: removed (keepdim = false) or kept as 1.
template <bool KeepDim, std::size_t N, std::size_t K>
constexpr auto reduced(const Shape<N>& s, const Shape<K>& axes) {
  constexpr std::size_t R = KeepDim ? N : N - K;
  Shape<R> out{};
  std::size_t j = 0;
  for (std::size_t i = 0; i < N; ++i) {
    bool r = false;
    for (auto a : axes) r = r || a == i;
    if (KeepDim) out[j++] = r ? 1 : s[i];
    else if (!r) out[j++] = s[i];
  }
  return out;
}
template <std::size_t N, std::size_t K>
constexpr std::uint32_t axis_mask(const Shape<K>& axes) {
  std::uint32_t m = 0;
  for (auto a : axes) m |= 1u << a;
  return m;
}

// Dims as the view layer's fixed-capacity array.
template <std::size_t N>
constexpr Dims to_dims(const Shape<N>& s) {
  Dims d{};
  for (std::size_t i = 0; i < N; ++i) d[i] = static_cast<std::int64_t>(s[i]);
  return d;
}

}  // namespace ctgrad::shape
