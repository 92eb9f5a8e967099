#pragma once
// Indexing with integer tensors, as tinygrad lowers it: an index becomes a one-hot mask (index == arange), and the
// selection is a masked sum over the indexed axis. No gather UOp: the mask, the where and the sum fuse into one
// reduction kernel. Out-of-range indices select nothing (zeros); negative indices count from the end in x[idx].
#include "ctgrad/surface/movement.hpp"

namespace ctgrad {

namespace surface {
// one_hot along a new last axis of size C: (idx[..., None] == arange(C)), bool
template <std::size_t C, class I>
auto one_hot_mask(const I& idx) {
  constexpr auto wide = concat(I::shape, Shape<1>{C});
  auto cols = reshape_as<concat(filled_ones<I::ndim>(), Shape<1>{C})>(arange_on<typename I::dtype, C>(idx));
  return expand_as<wide>(idx.template unsqueeze<I::ndim>()) == cols;
}
template <class I>
constexpr bool integer_index = std::is_integral_v<typename I::dtype> && !std::is_same_v<typename I::dtype, bool>;
}  // namespace surface

// x[idx]: rows of axis 0 picked by an integer tensor idx of any shape: the result is (idx.shape..., x.shape[1:]...).
template <TensorLike X, TensorLike I>
auto index(const X& x, const I& idx) {
  constexpr bool ok = X::ndim >= 1 && surface::integer_index<I> && I::ndim + X::ndim <= kMaxRank;
  CTGRAD_STATIC_CHECK(ok, "ctgrad::operator[]: needs an integer index tensor and a tensor of rank >= 1",
                      detail::Message{} << "ctgrad::operator[]: cannot index " << X::shape << " with an index tensor of shape " << I::shape
                                        << " (it must be of an integer dtype)");
  if constexpr (ok) {
    constexpr std::size_t n = X::shape[0], K = I::numel, R = X::ndim;
    using T = typename I::dtype;
    auto flat = idx.template reshape<K>();
    if constexpr (std::is_signed_v<T>) flat = (flat < T(0)).where(flat + static_cast<T>(n), flat);
    constexpr auto rest = [] {
      std::array<std::size_t, R - 1> s{};
      for (std::size_t i = 1; i < R; ++i) s[i - 1] = X::shape[i];
      return s;
    }();
    // mask (K, n, 1, ...) against x (1, n, rest...), summed over n
    auto mask = surface::reshape_as<surface::concat(surface::Shape<2>{K, n}, surface::filled_ones<R - 1>())>(surface::one_hot_mask<n>(flat));
    auto picked = mask.where(x.template unsqueeze<0>(), typename X::dtype(0)).template sum<1>();
    return surface::reshape_as<surface::concat(I::shape, rest)>(picked.template cast<typename X::dtype>());
  }
}

// out[p] = x[p with p[A] replaced by idx[p]]; idx has x's rank and no larger dims except along A (tinygrad).
template <int A, TensorLike X, TensorLike I>
auto gather(const X& x, const I& idx) {
  constexpr bool ok = surface::integer_index<I> && I::ndim == X::ndim && surface::axis_ok(A, X::ndim) && X::ndim < kMaxRank && [] {
    for (std::size_t d = 0; d < X::ndim; ++d)
      if (d != surface::axis_of(A, X::ndim) && I::shape[d] > X::shape[d]) return false;
    return true;
  }();
  CTGRAD_STATIC_CHECK(ok, "ctgrad::gather: index shape exceeds the tensor's outside the axis (or axis, rank or dtype wrong)",
                      surface::put(detail::Message{} << "ctgrad::gather<", A)
                          << ">: cannot gather from " << X::shape << " with an index of shape " << I::shape);
  if constexpr (ok) {
    constexpr std::size_t ax = surface::axis_of(A, X::ndim), N = X::ndim, n = X::shape[ax];
    // x shrunk to idx's shape except along A, with A moved to a new last axis and idx's A dim expanded in its place
    auto xs = surface::shrink_as<[] {
      std::array<std::size_t, 2 * N> p{};
      for (std::size_t d = 0; d < N; ++d) p[2 * d + 1] = d == ax ? n : I::shape[d];
      return p;
    }()>(x);
    constexpr auto wide = surface::concat(I::shape, surface::Shape<1>{n});
    auto xe = surface::expand_as<wide>(surface::move_to_last<ax>(xs).template unsqueeze<ax>());
    return surface::one_hot_mask<n>(idx).where(xe, typename X::dtype(0)).template sum<N>().template cast<typename X::dtype>();
  }
}

enum class ScatterReduce { Sum, Prod, Mean, Amax, Amin };

namespace surface {
template <int A, class X, class I, class S>
constexpr bool scatter_ok() {
  if (!(integer_index<I> && I::ndim == X::ndim && S::ndim == X::ndim && axis_ok(A, X::ndim) && X::ndim < kMaxRank)) return false;
  for (std::size_t d = 0; d < X::ndim; ++d)
    if ((d != axis_of(A, X::ndim) && I::shape[d] > X::shape[d]) || I::shape[d] > S::shape[d]) return false;
  return true;
}
// src and the one-hot mask in x's shape plus a last axis over idx's A dim (tinygrad's _pre_scatter).
template <std::size_t ax, class X, class I, class S>
auto pre_scatter(const X&, const I& idx, const S& src) {
  constexpr std::size_t N = X::ndim, n = X::shape[ax];
  auto s = shrink_as<[] {
    std::array<std::size_t, 2 * N> p{};
    for (std::size_t d = 0; d < N; ++d) p[2 * d + 1] = I::shape[d];
    return p;
  }()>(src.template cast<typename X::dtype>());
  constexpr auto wide = concat(I::shape, Shape<1>{n});
  // (I..., n) with the last two of {A, last} swapped: (I with n at A ..., I[A])
  constexpr auto swap = [] {
    Shape<N + 1> p{};
    for (std::size_t d = 0; d <= N; ++d) p[d] = d == ax ? N : d == N ? ax : d;
    return p;
  }();
  auto se = permute_as<swap>(expand_as<wide>(s.template unsqueeze<N>()));
  auto mask = permute_as<swap>(one_hot_mask<n>(idx));
  constexpr auto full = [] {
    Shape<2 * (N + 1)> p{};
    for (std::size_t d = 0; d < N; ++d) p[2 * d + 1] = X::shape[d] - (d == ax ? n : I::shape[d]);
    return p;
  }();
  return std::tuple{pad_as<full>(se), pad_as<full>(mask)};
}
}  // namespace surface

// self with src's values written at idx along A. Duplicate indices add up (torch leaves them undefined).
template <int A, TensorLike X, TensorLike I, TensorLike S>
auto scatter(const X& x, const I& idx, const S& src) {
  constexpr bool ok = surface::scatter_ok<A, X, I, S>();
  CTGRAD_STATIC_CHECK(ok, "ctgrad::scatter: index shape exceeds the tensor's or the source's (or axis, rank or dtype wrong)",
                      surface::put(detail::Message{} << "ctgrad::scatter<", A)
                          << ">: cannot scatter into " << X::shape << " with an index of shape " << I::shape << " and a source of shape " << S::shape);
  if constexpr (ok) {
    constexpr std::size_t ax = surface::axis_of(A, X::ndim), N = X::ndim;
    auto [s, mask] = surface::pre_scatter<ax>(x, idx, src);
    auto values = mask.where(s, typename X::dtype(0)).template sum<N>().template cast<typename X::dtype>();
    return mask.template max<N>().where(values, x);
  }
}
// Reduces src's values into self at idx along A: sum, prod, mean, amax or amin, counting self's value when
// include_self (tinygrad and torch semantics).
template <int A, TensorLike X, TensorLike I, TensorLike S>
auto scatter_reduce(const X& x, const I& idx, const S& src, ScatterReduce reduce, bool include_self = true) {
  constexpr bool ok = surface::scatter_ok<A, X, I, S>();
  CTGRAD_STATIC_CHECK(ok, "ctgrad::scatter_reduce: index shape exceeds the tensor's or the source's (or axis, rank or dtype wrong)",
                      surface::put(detail::Message{} << "ctgrad::scatter_reduce<", A)
                          << ">: cannot scatter into " << X::shape << " with an index of shape " << I::shape << " and a source of shape " << S::shape);
  if constexpr (ok) {
    using T = typename X::dtype;
    constexpr std::size_t ax = surface::axis_of(A, X::ndim), N = X::ndim;
    auto [s, mask] = surface::pre_scatter<ax>(x, idx, src);
    auto hit = mask.template max<N>();
    auto count = mask.template sum<N>();
    constexpr T lowest = std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest();
    constexpr T highest = std::numeric_limits<T>::has_infinity ? std::numeric_limits<T>::infinity() : std::numeric_limits<T>::max();
    auto keep = [&](auto reduced) { return hit.where(reduced.template cast<T>(), x); };
    switch (reduce) {
      case ScatterReduce::Sum: {
        auto total = mask.where(s, T(0)).template sum<N>();
        return keep(include_self ? total + x : total);
      }
      case ScatterReduce::Prod: {
        auto total = mask.where(s, T(1)).template prod<N>();
        return keep(include_self ? total * x : total);
      }
      case ScatterReduce::Mean: {
        auto total = mask.where(s, T(0)).template sum<N>();
        auto sum = include_self ? total + x : total;
        auto n = include_self ? count + 1 : count;
        if constexpr (surface::is_float_v<T>) return keep(sum / n.template cast<T>());
        else return keep(ctgrad::floor(sum.template cast<double>() / n.template cast<double>()));
      }
      case ScatterReduce::Amax: {
        auto top = mask.where(s, lowest).template max<N>();
        return keep(include_self ? top.maximum(x) : top);
      }
      default: {
        auto bottom = mask.where(s, highest).template min<N>();
        return keep(include_self ? bottom.minimum(x) : bottom);
      }
    }
  }
}

// (..., C) int32 one-hot rows of an integer tensor; out-of-range values give all-zero rows.
template <std::size_t C, TensorLike I>
auto one_hot(const I& idx) {
  CTGRAD_STATIC_CHECK((surface::integer_index<I> && I::ndim < kMaxRank), "ctgrad::one_hot: needs an integer tensor",
                      detail::Message{} << "ctgrad::one_hot<" << C << ">: needs an integer tensor of rank < 8, got shape " << I::shape);
  if constexpr (surface::integer_index<I> && I::ndim < kMaxRank) return surface::one_hot_mask<C>(idx).template cast<std::int32_t>();
}

// mask.where(value, x): value where mask is true.
template <TensorLike X, TensorLike M>
auto masked_fill(const X& x, const M& mask, double value) {
  return mask.where(static_cast<typename X::dtype>(value), x);
}

namespace surface {
template <bool Upper, class X>
auto triangle_of(const X& x, long diagonal) {
  constexpr std::size_t N = X::ndim, r = X::shape[N - 2], c = X::shape[N - 1];
  auto rows = arange_on<std::int32_t, r>(x).template reshape<r, 1>();
  auto cols = arange_on<std::int32_t, c>(x).template reshape<1, c>();
  auto offset = cols - rows;  // j - i
  auto keep = Upper ? offset >= static_cast<std::int32_t>(diagonal) : offset <= static_cast<std::int32_t>(diagonal);
  return keep.where(x, typename X::dtype(0));
}
}  // namespace surface
// Upper / lower triangle of the last two dims: keep j - i >= diagonal (triu) or <= diagonal (tril).
template <TensorLike X>
auto triu(const X& x, long diagonal = 0) {
  CTGRAD_STATIC_CHECK(X::ndim >= 2, "ctgrad::triu: needs at least two dims", detail::Message{} << "ctgrad::triu: needs at least two dims, got " << X::shape);
  if constexpr (X::ndim >= 2) return surface::triangle_of<true>(x, diagonal);
}
template <TensorLike X>
auto tril(const X& x, long diagonal = 0) {
  CTGRAD_STATIC_CHECK(X::ndim >= 2, "ctgrad::tril: needs at least two dims", detail::Message{} << "ctgrad::tril: needs at least two dims, got " << X::shape);
  if constexpr (X::ndim >= 2) return surface::triangle_of<false>(x, diagonal);
}

}  // namespace ctgrad
