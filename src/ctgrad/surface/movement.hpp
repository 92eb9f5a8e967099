#pragma once
// Movement built from the view ops (reshape, permute, expand, pad, shrink, flip): flatten/unflatten, cat/stack,
// split/chunk, repeat, roll, pad_to/shrink_to, static slicing, diagonals, meshgrid. Shapes, offsets and counts are
// template arguments; every result is a view of its inputs or a sum of padded views (cat), so nothing is copied
// until a consumer's kernel reads it.
#include <tuple>

#include "ctgrad/surface/detail.hpp"

namespace ctgrad {

// A list of sizes as one template argument: x.split<sizes<2, 3>, 1>().
template <std::size_t... S>
struct Sizes {
  static constexpr std::array<std::size_t, sizeof...(S)> values{S...};
};
template <std::size_t... S>
inline constexpr Sizes<S...> sizes{};

// ---- flatten / unflatten ----
namespace surface {
template <std::size_t N>
constexpr bool flatten_ok(long start, long end) {
  if (N == 0) return start == 0 && (end == 0 || end == -1);
  return axis_ok(start, N) && axis_ok(end, N) && axis_of(start, N) <= axis_of(end, N);
}
template <std::size_t N, std::size_t S, std::size_t E>
constexpr auto flattened(const Shape<N>& s) {
  Shape<N - (E - S)> out{};
  for (std::size_t i = 0, j = 0; i < N; ++i) {
    if (i <= S || i > E) out[j++] = s[i];
    else out[j - 1] *= s[i];
  }
  return out;
}
}  // namespace surface

// Dims Start..End (inclusive, negative from the end) merged into one; flatten() is the whole tensor as 1-D.
template <int Start = 0, int End = -1, TensorLike X>
auto flatten(const X& x) {
  constexpr bool ok = surface::flatten_ok<X::ndim>(Start, End);
  CTGRAD_STATIC_CHECK(ok, "ctgrad::flatten: dims out of range or start after end",
                      surface::put(surface::put(detail::Message{} << "ctgrad::flatten<", Start) << ", ", End)
                          << ">: dims out of range or start after end for " << X::shape);
  if constexpr (ok) {
    if constexpr (X::ndim == 0) return x.template reshape<1>();
    else {
      constexpr std::size_t s = surface::axis_of(Start, X::ndim), e = surface::axis_of(End, X::ndim);
      return surface::reshape_as<surface::flattened<X::ndim, s, e>(X::shape)>(x);
    }
  }
}

// Dim split into Sizes... (their product must be the dim).
template <int Dim, std::size_t... Sizes_, TensorLike X>
auto unflatten(const X& x) {
  constexpr bool in_range = surface::axis_ok(Dim, X::ndim);
  constexpr bool ok = in_range && (std::size_t{1} * ... * Sizes_) == X::shape[in_range ? surface::axis_of(Dim, X::ndim) : 0];
  CTGRAD_STATIC_CHECK(ok, "ctgrad::unflatten: sizes do not multiply to the dim",
                      surface::put(detail::Message{} << "ctgrad::unflatten<", Dim)
                          << ">: sizes " << std::array<std::size_t, sizeof...(Sizes_)>{Sizes_...} << " do not multiply to that dim of " << X::shape);
  if constexpr (ok) {
    constexpr std::size_t d = surface::axis_of(Dim, X::ndim);
    constexpr auto to = [] {
      std::array<std::size_t, X::ndim - 1 + sizeof...(Sizes_)> out{};
      constexpr std::array<std::size_t, sizeof...(Sizes_)> parts{Sizes_...};
      std::size_t j = 0;
      for (std::size_t i = 0; i < X::ndim; ++i) {
        if (i == d) for (auto p : parts) out[j++] = p;
        else out[j++] = X::shape[i];
      }
      return out;
    }();
    return surface::reshape_as<to>(x);
  }
}

// ---- cat / stack ----
namespace surface {
template <std::size_t ax, class X, class... Ys>
constexpr bool cat_ok() {
  if (!((Ys::ndim == X::ndim) && ...)) return false;
  if (ax >= X::ndim) return false;
  bool ok = true;
  auto same_but_axis = [&](const auto& s) {
    for (std::size_t i = 0; i < X::ndim; ++i)
      if (i != ax && s[i] != X::shape[i]) ok = false;
  };
  (same_but_axis(Ys::shape), ...);
  return ok;
}
template <class T, class... Us>
struct promote_all {
  using type = T;
};
template <class T, class U, class... Us>
struct promote_all<T, U, Us...> : promote_all<promote_t<T, U>, Us...> {};
template <class... Ts>
using promote_all_t = typename promote_all<Ts...>::type;
template <int A, class X, class... Ys>
constexpr bool cat_axis_ok = axis_ok(A, X::ndim) && cat_ok<axis_of(A, X::ndim), X, Ys...>();
template <class X, class... Ys>
constexpr detail::Message shapes_text(detail::Message m) {
  m << X::shape;
  ((m << ", " << Ys::shape), ...);
  return m;
}
}  // namespace surface

// Joins tensors along A: every other dim must agree. Each operand is padded to the joined size and the pads are
// summed (pad reads 0), as tinygrad does; the dtype is the promotion of all operands.
template <int A = 0, TensorLike X, TensorLike... Ys>
auto cat(const X& x, const Ys&... ys) {
  constexpr bool ok = surface::cat_axis_ok<A, X, Ys...>;
  CTGRAD_STATIC_CHECK(ok, "ctgrad::cat: shapes differ outside the joined axis (or axis out of range)",
                      surface::shapes_text<X, Ys...>(surface::put(detail::Message{} << "ctgrad::cat<", A) << ">: shapes differ outside the joined axis: "));
  if constexpr (ok) {
    constexpr std::size_t ax = surface::axis_of(A, X::ndim);
    constexpr std::size_t total = (X::shape[ax] + ... + Ys::shape[ax]);
    using T = surface::promote_all_t<typename X::dtype, typename Ys::dtype...>;
    auto place = [&]<class Z>(const Z& z, auto before) {
      constexpr std::size_t b = decltype(before)::value;
      return surface::pad_as<surface::pad_pairs<X::ndim>(ax, b, total - b - Z::shape[ax])>(z.template cast<T>());
    };
    return [&]<std::size_t... I>(std::index_sequence<I...>) {
      constexpr std::array<std::size_t, 1 + sizeof...(Ys)> dims{X::shape[ax], Ys::shape[ax]...};
      constexpr auto starts = [&] {
        std::array<std::size_t, 1 + sizeof...(Ys)> s{};
        for (std::size_t i = 1; i < s.size(); ++i) s[i] = s[i - 1] + dims[i - 1];
        return s;
      }();
      auto all = std::forward_as_tuple(x, ys...);
      return (place(std::get<I>(all), std::integral_constant<std::size_t, starts[I]>{}) + ...);
    }(std::make_index_sequence<1 + sizeof...(Ys)>{});
  }
}

// Joins along a new axis A (0..ndim): every operand must have the same shape.
template <int A = 0, TensorLike X, TensorLike... Ys>
auto stack(const X& x, const Ys&... ys) {
  constexpr bool ok = ((shape::same(X::shape, Ys::shape)) && ...) && surface::axis_ok(A, X::ndim + 1);
  CTGRAD_STATIC_CHECK(ok, "ctgrad::stack: shapes differ (or axis out of range)",
                      surface::shapes_text<X, Ys...>(surface::put(detail::Message{} << "ctgrad::stack<", A) << ">: shapes differ or axis out of range: "));
  if constexpr (ok) {
    constexpr std::size_t ax = surface::axis_of(A, X::ndim + 1);
    return ctgrad::cat<static_cast<int>(ax)>(x.template unsqueeze<ax>(), ys.template unsqueeze<ax>()...);
  }
}

// ---- split / chunk: std::tuples of views ----
namespace surface {
template <std::size_t ax, auto Parts, class X>
auto split_parts(const X& x) {
  return [&]<std::size_t... I>(std::index_sequence<I...>) {
    constexpr auto starts = [] {
      std::array<std::size_t, Parts.size()> s{};
      for (std::size_t i = 1; i < s.size(); ++i) s[i] = s[i - 1] + Parts[i - 1];
      return s;
    }();
    return std::tuple{shrink_as<shrink_pairs(X::shape, ax, starts[I], starts[I] + Parts[I])>(x)...};
  }(std::make_index_sequence<Parts.size()>{});
}
template <std::size_t n, std::size_t size>
constexpr auto equal_parts() {
  std::array<std::size_t, (n + size - 1) / size> p{};
  for (std::size_t i = 0; i < p.size(); ++i) p[i] = i + 1 < p.size() ? size : n - size * i;
  return p;
}
template <auto Spec, class X, std::size_t ax>
constexpr bool split_ok() {
  if constexpr (std::is_integral_v<decltype(Spec)>) {
    return Spec > 0;
  } else {
    std::size_t total = 0;
    for (auto p : decltype(Spec)::values) total += p;
    return total == X::shape[ax];
  }
}
}  // namespace surface

// split<Size, Dim>: pieces of Size along Dim (the last one smaller); split<sizes<a, b, ...>, Dim>: those sizes.
template <auto Spec, int Dim = 0, TensorLike X>
auto split(const X& x) {
  constexpr bool in_range = surface::axis_ok(Dim, X::ndim);
  constexpr std::size_t ax = in_range ? surface::axis_of(Dim, X::ndim) : 0;
  constexpr bool ok = in_range && surface::split_ok<Spec, X, ax>();
  CTGRAD_STATIC_CHECK(ok, "ctgrad::split: sizes do not cover the dim (or dim out of range)",
                      surface::put(detail::Message{} << "ctgrad::split<..., ", Dim) << ">: sizes do not cover that dim of " << X::shape);
  if constexpr (ok) {
    if constexpr (std::is_integral_v<decltype(Spec)>) return surface::split_parts<ax, surface::equal_parts<X::shape[ax], Spec>()>(x);
    else return surface::split_parts<ax, decltype(Spec)::values>(x);
  }
}
// chunk<N, Dim>: ceil(dim / N)-sized pieces, as tinygrad (fewer than N when the dim is small).
template <std::size_t N, int Dim = 0, TensorLike X>
auto chunk(const X& x) {
  constexpr bool ok = N > 0 && surface::axis_ok(Dim, X::ndim);
  CTGRAD_STATIC_CHECK(ok, "ctgrad::chunk: zero chunks or dim out of range",
                      surface::put(detail::Message{} << "ctgrad::chunk<" << N << ", ", Dim) << ">: zero chunks or dim out of range for " << X::shape);
  if constexpr (ok) {
    constexpr std::size_t n = X::shape[surface::axis_of(Dim, X::ndim)];
    return ctgrad::split<(n + N - 1) / N, Dim>(x);
  }
}

// ---- repeat / repeat_interleave / roll ----
namespace surface {
// repeat<R...>: shapes of the interleaved (r0, d0, r1, d1, ...) form and of the result
template <std::size_t R, std::size_t N>
constexpr auto padded_front(const Shape<N>& s) {
  Shape<R> out{};
  for (std::size_t i = 0; i < R; ++i) out[i] = i < R - N ? 1 : s[i - (R - N)];
  return out;
}
template <std::size_t R>
constexpr auto interleaved(const Shape<R>& s, const Shape<R>& reps, bool with_reps) {
  Shape<2 * R> out{};
  for (std::size_t i = 0; i < R; ++i) out[2 * i] = with_reps ? reps[i] : 1, out[2 * i + 1] = s[i];
  return out;
}
template <std::size_t R>
constexpr auto times(const Shape<R>& s, const Shape<R>& reps) {
  Shape<R> out{};
  for (std::size_t i = 0; i < R; ++i) out[i] = s[i] * reps[i];
  return out;
}
}  // namespace surface

// Tiles the tensor: repeat<2, 3>() of a (4, 5) tensor is (8, 15); extra leading counts add dims (tinygrad).
template <std::size_t... R, TensorLike X>
auto repeat(const X& x) {
  constexpr std::size_t N = sizeof...(R);
  constexpr bool ok = N >= X::ndim && 2 * N <= kMaxRank;
  CTGRAD_STATIC_CHECK(ok, "ctgrad::repeat: needs a count per dim (at most 4 dims)",
                      detail::Message{} << "ctgrad::repeat: counts " << std::array<std::size_t, N>{R...} << " for " << X::shape
                                        << ": needs a count per dim (at most 4 dims)");
  if constexpr (ok) {
    constexpr std::array<std::size_t, N> reps{R...};
    constexpr auto s = surface::padded_front<N>(X::shape);
    constexpr auto one = surface::interleaved(s, reps, false), many = surface::interleaved(s, reps, true);
    return surface::reshape_as<surface::times(s, reps)>(surface::expand_as<many>(surface::reshape_as<one>(x)));
  }
}
// Each element Rep times in a row along Dim: (a, b) -> (a, a, b, b).
template <std::size_t Rep, int Dim = 0, TensorLike X>
auto repeat_interleave(const X& x) {
  CTGRAD_STATIC_CHECK(surface::axis_ok(Dim, X::ndim), "ctgrad::repeat_interleave: dim out of range",
                      surface::put(detail::Message{} << "ctgrad::repeat_interleave<" << Rep << ", ", Dim) << ">: dim out of range for " << X::shape);
  if constexpr (surface::axis_ok(Dim, X::ndim)) {
    constexpr std::size_t ax = surface::axis_of(Dim, X::ndim);
    constexpr auto wide = surface::insert_axis(X::shape, ax + 1, Rep);
    return surface::reshape_as<surface::with_axis(X::shape, ax, X::shape[ax] * Rep)>(surface::expand_as<wide>(x.template unsqueeze<ax + 1>()));
  }
}
// Rotates along Dim by Shift (negative: the other way): out[i] = x[(i - Shift) mod n].
template <long Shift, int Dim = 0, TensorLike X>
auto roll(const X& x) {
  CTGRAD_STATIC_CHECK(surface::axis_ok(Dim, X::ndim), "ctgrad::roll: dim out of range",
                      surface::put(surface::put(detail::Message{} << "ctgrad::roll<", Shift) << ", ", Dim) << ">: dim out of range for " << X::shape);
  if constexpr (surface::axis_ok(Dim, X::ndim)) {
    constexpr std::size_t ax = surface::axis_of(Dim, X::ndim), n = X::shape[ax];
    constexpr std::size_t s = n == 0 ? 0 : static_cast<std::size_t>(((Shift % static_cast<long>(n)) + static_cast<long>(n)) % static_cast<long>(n));
    if constexpr (s == 0) {
      return x;
    } else {
      auto head = surface::shrink_as<surface::shrink_pairs(X::shape, ax, n - s, n)>(x);
      auto tail = surface::shrink_as<surface::shrink_pairs(X::shape, ax, 0, n - s)>(x);
      return ctgrad::cat<static_cast<int>(ax)>(head, tail);
    }
  }
}

// ---- pad_to / shrink_to / static slicing ----
template <std::size_t... D, TensorLike X>
auto pad_to(const X& x) {
  constexpr std::array<std::size_t, sizeof...(D)> to{D...};
  constexpr bool ok = sizeof...(D) == X::ndim && [&] {
    for (std::size_t i = 0; i < to.size(); ++i)
      if (to[i] < X::shape[i]) return false;
    return true;
  }();
  CTGRAD_STATIC_CHECK(ok, "ctgrad::pad_to: the target is smaller than the shape",
                      detail::Message{} << "ctgrad::pad_to: cannot pad " << X::shape << " to " << to);
  if constexpr (ok) {
    constexpr auto pairs = [&] {
      std::array<std::size_t, 2 * X::ndim> p{};
      for (std::size_t i = 0; i < X::ndim; ++i) p[2 * i + 1] = to[i] - X::shape[i];
      return p;
    }();
    return surface::pad_as<pairs>(x);
  }
}
template <std::size_t... D, TensorLike X>
auto shrink_to(const X& x) {
  constexpr std::array<std::size_t, sizeof...(D)> to{D...};
  constexpr bool ok = sizeof...(D) == X::ndim && [&] {
    for (std::size_t i = 0; i < to.size(); ++i)
      if (to[i] > X::shape[i]) return false;
    return true;
  }();
  CTGRAD_STATIC_CHECK(ok, "ctgrad::shrink_to: the target is larger than the shape",
                      detail::Message{} << "ctgrad::shrink_to: cannot shrink " << X::shape << " to " << to);
  if constexpr (ok) {
    constexpr auto pairs = [&] {
      std::array<std::size_t, 2 * X::ndim> p{};
      for (std::size_t i = 0; i < X::ndim; ++i) p[2 * i + 1] = to[i];
      return p;
    }();
    return surface::shrink_as<pairs>(x);
  }
}

// x[..., Begin:End:Step, ...] on Axis (a Python slice with static bounds; Step >= 1): shrink, then a strided view
// by pad + reshape + shrink.
template <std::size_t Axis, std::size_t Begin, std::size_t End, std::size_t Step = 1, TensorLike X>
auto slice(const X& x) {
  constexpr bool ok = Axis < X::ndim && Step >= 1 && Begin <= End && End <= X::shape[Axis < X::ndim ? Axis : 0];
  CTGRAD_STATIC_CHECK(ok, "ctgrad::slice: axis or bounds out of range",
                      detail::Message{} << "ctgrad::slice<" << Axis << ", " << Begin << ", " << End << ", " << Step << ">: axis or bounds out of range for "
                                        << X::shape);
  if constexpr (ok) {
    auto part = surface::shrink_as<surface::shrink_pairs(X::shape, Axis, Begin, End)>(x);
    if constexpr (Step == 1) {
      return part;
    } else {
      constexpr std::size_t len = End - Begin, out = (len + Step - 1) / Step;
      using P = decltype(part);
      auto padded = surface::pad_as<surface::pad_pairs<X::ndim>(Axis, 0, out * Step - len)>(part);
      constexpr auto split_shape = [] {
        auto s = surface::insert_axis(P::shape, Axis + 1, Step);
        s[Axis] = out;
        return s;
      }();
      auto grid = surface::reshape_as<split_shape>(padded);
      return surface::reshape_as<surface::with_axis(P::shape, Axis, out)>(
          surface::shrink_as<surface::shrink_pairs(split_shape, Axis + 1, 0, 1)>(grid));
    }
  }
}
// x[I] (axis 0 removed), and x[..., I, ...] on Axis with select<Axis, I>.
template <std::size_t Axis, std::size_t I, TensorLike X>
auto select(const X& x) {
  constexpr bool ok = Axis < X::ndim && I < X::shape[Axis < X::ndim ? Axis : 0];
  CTGRAD_STATIC_CHECK(ok, "ctgrad::select: index out of range",
                      detail::Message{} << "ctgrad::select<" << Axis << ", " << I << ">: index out of range for " << X::shape);
  if constexpr (ok) return ctgrad::slice<Axis, I, I + 1>(x).template squeeze<Axis>();
}

// ---- diagonals, transpose, meshgrid ----
// diag(): a 1-D tensor as the diagonal of a square matrix (zeros elsewhere).
template <TensorLike X>
auto diag(const X& x) {
  CTGRAD_STATIC_CHECK(X::ndim == 1, "ctgrad::diag: needs a 1-D tensor", detail::Message{} << "ctgrad::diag: needs a 1-D tensor, got " << X::shape);
  if constexpr (X::ndim == 1) {
    constexpr std::size_t n = X::shape[0];
    // (n, 1) padded to (n, n + 1) and flattened: every (n + 1)-th element is x, then trimmed to n * n
    auto wide = x.template reshape<n, 1>().template pad<0, 0, 0, n>().template reshape<n * (n + 1)>();
    return wide.template shrink<0, n * n>().template reshape<n, n>();
  }
}
// diagonal(): the main diagonal of the last two dims (tinygrad's dim1=-2, dim2=-1 for square matrices).
template <TensorLike X>
auto diagonal(const X& x) {
  constexpr std::size_t N = X::ndim;
  constexpr bool ok = N >= 2 && X::shape[N >= 2 ? N - 1 : 0] == X::shape[N >= 2 ? N - 2 : 0];
  CTGRAD_STATIC_CHECK(ok, "ctgrad::diagonal: needs square last two dims",
                      detail::Message{} << "ctgrad::diagonal: needs square last two dims, got " << X::shape);
  if constexpr (ok) {
    constexpr std::size_t n = X::shape[N - 1];
    constexpr auto lead = [] {
      std::array<std::size_t, N - 2> s{};
      for (std::size_t i = 0; i + 2 < N; ++i) s[i] = X::shape[i];
      return s;
    }();
    // flattened n * n, padded to n * (n + 1): row i of the (n, n + 1) view starts with element (i, i)
    constexpr auto flat = surface::concat(lead, surface::Shape<1>{n * n});
    constexpr auto rows = surface::concat(lead, surface::Shape<2>{n, n + 1});
    auto f = surface::pad_as<surface::pad_pairs<N - 1>(N - 2, 0, n)>(surface::reshape_as<flat>(x));
    auto r = surface::reshape_as<rows>(f);
    return surface::reshape_as<surface::concat(lead, surface::Shape<1>{n})>(surface::shrink_as<surface::shrink_pairs(rows, N - 1, 0, 1)>(r));
  }
}
// T(): dims 0 and 1 swapped (tinygrad's T is transpose(1, 0)).
template <TensorLike X>
auto T(const X& x) {
  CTGRAD_STATIC_CHECK(X::ndim >= 2, "ctgrad::T: needs at least two dims", detail::Message{} << "ctgrad::T: needs at least two dims, got " << X::shape);
  if constexpr (X::ndim >= 2) return x.template transpose<0, 1>();
}

enum class Indexing { ij, xy };
// meshgrid(a, b, ...) of 1-D tensors: a tuple of grids, each (na, nb, ...) for ij indexing ("xy" swaps the first two).
template <Indexing I = Indexing::ij, TensorLike... Xs>
auto meshgrid(const Xs&... xs) {
  constexpr bool ok = sizeof...(Xs) >= 1 && ((Xs::ndim == 1) && ...);
  CTGRAD_STATIC_CHECK(ok, "ctgrad::meshgrid: needs 1-D tensors", surface::shapes_text<Xs...>(detail::Message{} << "ctgrad::meshgrid: needs 1-D tensors: "));
  if constexpr (ok) {
    constexpr std::size_t K = sizeof...(Xs);
    constexpr std::array<std::size_t, K> ns{Xs::shape[0]...};
    constexpr auto grid = [&] {
      auto g = ns;
      if (I == Indexing::xy && K >= 2) std::swap(g[0], g[1]);
      return g;
    }();
    auto one = [&]<std::size_t J, class X>(std::integral_constant<std::size_t, J>, const X& x) {
      constexpr std::size_t pos = I == Indexing::xy && K >= 2 && J < 2 ? 1 - J : J;
      constexpr auto col = [&] {
        std::array<std::size_t, K> s{};
        for (auto& d : s) d = 1;
        s[pos] = X::shape[0];
        return s;
      }();
      return surface::expand_as<grid>(surface::reshape_as<col>(x));
    };
    return [&]<std::size_t... J>(std::index_sequence<J...>) {
      auto all = std::forward_as_tuple(xs...);
      return std::tuple{one(std::integral_constant<std::size_t, J>{}, std::get<J>(all))...};
    }(std::make_index_sequence<K>{});
  }
}

}  // namespace ctgrad
