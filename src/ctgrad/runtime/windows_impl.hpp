#pragma once
// The definitions of windows.hpp: compiled once into libctgrad, or inline with CTGRAD_HEADER_ONLY. Each step is the
// movement op the typed chain made (the same Movement records through rt::moved), in the same order.
#include <vector>

#include "ctgrad/runtime/handle.hpp"
#include "ctgrad/runtime/movement.hpp"
#include "ctgrad/runtime/windows.hpp"

namespace ctgrad::rt {

namespace detail {

using Sizes = std::vector<std::int64_t>;

inline Sizes sizes_of(const TensorImpl& t) {
  const Dims s = t.view.shape();
  return Sizes(s.begin(), s.begin() + t.view.rank());
}
inline View view_of(const Sizes& s) {
  Dims d{};
  for (std::size_t i = 0; i < s.size(); ++i) d[i] = s[i];
  return contiguous(static_cast<std::uint8_t>(s.size()), d);
}
inline Sizes with_tail(Sizes lead, std::initializer_list<std::int64_t> tail) {
  lead.insert(lead.end(), tail);
  return lead;
}
// Tensor::reshape_to (no rebase: what unsqueeze uses) and Tensor::reshape_as (a full view stack rebased first).
inline ImplPtr reshaped_to(const ImplPtr& t, const Sizes& to) {
  const View v = view_of(to);
  return moved(*t, reshape_move(NodeShape(v)), v);
}
inline ImplPtr reshaped(const ImplPtr& t, const Sizes& to) { return reshaped_to(rebased_if_full(t, view_of(sizes_of(*t))), to); }
// Tensor::shrink keeping [begin, end) of `axis` (the full range elsewhere), and Tensor::pad adding `after` to it.
inline ImplPtr shrunk(const ImplPtr& t, std::size_t axis, std::int64_t begin, std::int64_t end) {
  Sizes s = sizes_of(*t);
  Dims b{}, e{};
  for (std::size_t i = 0; i < s.size(); ++i) e[i] = s[i];
  b[axis] = begin, e[axis] = end, s[axis] = end - begin;
  return moved(*t, shrink_move(static_cast<std::uint8_t>(s.size()), b, e), view_of(s));
}
inline ImplPtr padded(const ImplPtr& t, std::size_t axis, std::int64_t after) {
  Sizes s = sizes_of(*t);
  Dims b{}, a{};
  a[axis] = after, s[axis] += after;
  return moved(*t, pad_move(static_cast<std::uint8_t>(s.size()), b, a), view_of(s));
}
inline ImplPtr permuted(const ImplPtr& t, const Sizes& order) {
  const Sizes s = sizes_of(*t);
  Sizes out(s.size());
  Dims o{};
  for (std::size_t i = 0; i < s.size(); ++i) out[i] = s[static_cast<std::size_t>(order[i])], o[i] = order[i];
  return moved(*t, permute_move(static_cast<std::uint8_t>(s.size()), o), view_of(out));
}
// Tensor::expand_to between shapes of one rank (the tensor itself when they are equal).
inline ImplPtr expanded(const ImplPtr& t, const Sizes& to) {
  if (sizes_of(*t) == to) return t;
  const View v = view_of(to);
  return moved(*t, expand_move(NodeShape(v)), v);
}

constexpr std::int64_t windows(std::int64_t n, std::int64_t k, std::int64_t s, std::int64_t d) {
  const std::int64_t span = d * (k - 1) + 1;
  return k == 0 || s == 0 || n < span ? 0 : (n - span) / s + 1;
}

// surface::pool_last: (..., i) -> (..., o, K) with out[..., a, j] = x[..., a * S + j * D].
inline ImplPtr pool_last(const ImplPtr& x, std::int64_t K, std::int64_t S, std::int64_t D) {
  const Sizes shape = sizes_of(*x);
  const std::size_t N = shape.size();
  const std::int64_t i = shape[N - 1], o = windows(i, K, S, D);
  const Sizes lead(shape.begin(), shape.end() - 1);
  if (D == 1 && K <= S) {  // disjoint windows: trim or pad to o * S, split into (o, S), keep the first K of each
    auto fit = o * S <= i ? shrunk(x, N - 1, 0, o * S) : padded(x, N - 1, o * S - i);
    return shrunk(reshaped(fit, with_tail(lead, {o, S})), N, 0, K);
  }
  // repeat the dim e times, read it as rows of L = i + D (+ i ...) so that row j starts at j * D (mod i)
  std::int64_t L = i + D;
  while (L < o * S) L += i;
  const std::int64_t e = (K * L + i - 1) / i;
  auto rep = reshaped(expanded(reshaped_to(x, with_tail(lead, {1, i})), with_tail(lead, {e, i})), with_tail(lead, {e * i}));
  auto rows = reshaped(shrunk(rep, N - 1, 0, K * L), with_tail(lead, {K, L}));
  auto strided = reshaped(shrunk(rows, N, 0, o * S), with_tail(lead, {K, o, S}));
  auto taps = reshaped(shrunk(strided, N + 1, 0, 1), with_tail(lead, {K, o}));
  Sizes p(N + 1);
  for (std::size_t d = 0; d + 1 < N; ++d) p[d] = static_cast<std::int64_t>(d);
  p[N - 1] = static_cast<std::int64_t>(N), p[N] = static_cast<std::int64_t>(N - 1);
  return permuted(taps, p);
}

}  // namespace detail

CTGRAD_API ImplPtr pool_last(const ImplPtr& x, std::size_t k, std::size_t s, std::size_t d) {
  return detail::pool_last(x, static_cast<std::int64_t>(k), static_cast<std::int64_t>(s), static_cast<std::int64_t>(d));
}

CTGRAD_API ImplPtr pool2d(const ImplPtr& x, std::size_t kh, std::size_t kw, std::size_t sh, std::size_t sw, std::size_t dh, std::size_t dw) {
  using detail::Sizes;
  const auto i64 = [](std::size_t v) { return static_cast<std::int64_t>(v); };
  const std::size_t N = x->view.rank();
  auto pw = detail::pool_last(x, i64(kw), i64(sw), i64(dw));  // (..., H, ow, kw)
  Sizes to_last;                                              // surface::move_to_last<N - 2>: H to the end
  for (std::size_t i = 0; i < N + 1; ++i)
    if (i != N - 2) to_last.push_back(i64(i));
  to_last.push_back(i64(N - 2));
  auto ph = detail::pool_last(detail::permuted(pw, to_last), i64(kh), i64(sh), i64(dh));  // (..., ow, kw, oh, kh)
  Sizes p(N + 2);
  for (std::size_t d = 0; d + 2 < N; ++d) p[d] = i64(d);
  p[N - 2] = i64(N), p[N - 1] = i64(N - 2), p[N] = i64(N + 1), p[N + 1] = i64(N - 1);
  return detail::permuted(ph, p);
}

}  // namespace ctgrad::rt
