#pragma once
// Reductions and scans beyond sum/prod/max/min/mean: softmax and friends, logsumexp, var/std, argmax/argmin,
// any/all, and the cumulative ops. One axis is an `int` template argument (negative counts from the end, tinygrad's
// defaults); several axes are `std::size_t...` as in sum<...> (none = all). Scans are a masked reduction over a
// triangular (n, n) mask: O(n^2) work, one fused kernel, no special UOp.
#include <climits>
#include <tuple>

#include "ctgrad/surface/elementwise.hpp"

namespace ctgrad {

// The "no axis" of argmax/argmin: the whole tensor, flattened (tinygrad's axis=None).
inline constexpr int all_axes = INT_MIN;

namespace surface {
template <int A, class X>
constexpr bool one_axis_ok = axis_ok(A, X::ndim);

#define CTGRAD_AXIS_CHECK(name, A, X)                                                                                                       \
  CTGRAD_STATIC_CHECK((::ctgrad::surface::one_axis_ok<A, X>), "ctgrad::" name ": axis out of range",                                          \
                      ::ctgrad::surface::put(detail::Message{} << "ctgrad::" name "<", A) << ">: axis out of range for " << X::shape)

// (..., n) -> (..., n, n) with out[..., i, j] = x[..., j] where j <= i, else `fill`.
template <class X, class F>
auto triangle(const X& x, F fill) {
  constexpr std::size_t N = X::ndim, n = X::shape[N - 1];
  auto ar = arange_on<std::int32_t, n>(x);
  auto keep = ar.template reshape<1, n>() <= ar.template reshape<n, 1>();
  constexpr auto wide = insert_axis(X::shape, N - 1, n);
  return keep.where(expand_as<wide>(x.template unsqueeze<N - 1>()), fill);
}
}  // namespace surface

template <int A = -1, TensorLike X>
auto softmax(const X& x) {
  CTGRAD_AXIS_CHECK("softmax", A, X);
  if constexpr (surface::one_axis_ok<A, X>) {
    constexpr std::size_t ax = surface::axis_of(A, X::ndim);
    auto f = surface::as_float(x);
    auto e = (f - f.template max<ax>(keepdim)).exp();
    return e / e.template sum<ax>(keepdim);
  }
}
template <int A = -1, TensorLike X>
auto log_softmax(const X& x) {
  CTGRAD_AXIS_CHECK("log_softmax", A, X);
  if constexpr (surface::one_axis_ok<A, X>) {
    constexpr std::size_t ax = surface::axis_of(A, X::ndim);
    auto f = surface::as_float(x);
    auto m = f - f.template max<ax>(keepdim);
    return m - m.exp().template sum<ax>(keepdim).log();
  }
}
template <int A = -1, TensorLike X>
auto softmin(const X& x) {
  CTGRAD_AXIS_CHECK("softmin", A, X);
  if constexpr (surface::one_axis_ok<A, X>) return ctgrad::softmax<A>(-surface::as_float(x));
}

namespace surface {
template <class X, std::size_t... Axes>
constexpr bool axes_ok = shape::axes_valid<X::ndim>(std::array<std::size_t, sizeof...(Axes)>{Axes...});
#define CTGRAD_AXES_CHECK(name, X, Axes)                                                                                                  \
  CTGRAD_STATIC_CHECK((::ctgrad::surface::axes_ok<X, Axes...>), "ctgrad::" name ": axes out of range or repeated",                          \
                      detail::Message{} << "ctgrad::" name ": axes " << std::array<std::size_t, sizeof...(Axes)>{Axes...}                     \
                                        << " out of range or repeated for " << X::shape)
// The number of elements reduced by Axes... (all when empty).
template <class X, std::size_t... Axes>
constexpr std::size_t reduced_count() {
  if constexpr (sizeof...(Axes) == 0) return X::numel;
  else return (std::size_t{1} * ... * X::shape[Axes]);
}
template <bool KeepDim, std::size_t... Axes, class X>
auto sum_of(const X& x) {
  if constexpr (KeepDim) return x.template sum<Axes...>(keepdim);
  else return x.template sum<Axes...>();
}
template <bool KeepDim, std::size_t... Axes, class X>
auto logsumexp_impl(const X& x) {
  auto f = as_float(x);
  auto m = f.template max<Axes...>(keepdim);
  auto s = (f - m).exp().template sum<Axes...>(keepdim).log() + m;
  if constexpr (KeepDim) return s;
  else return reshape_as<decltype(f.template max<Axes...>())::shape>(s);
}
template <bool KeepDim, std::size_t... Axes, class X>
auto var_impl(const X& x, double correction) {
  auto f = as_float(x);
  auto d = f - f.template mean<Axes...>(keepdim);
  const double n = static_cast<double>(reduced_count<X, Axes...>()) - correction;
  return sum_of<KeepDim, Axes...>(d * d) * (1.0 / (n > 0 ? n : 0.0));
}
}  // namespace surface

// log(sum(exp(x))) over Axes... (all by default), computed around the max so it does not overflow.
template <std::size_t... Axes, TensorLike X>
auto logsumexp(const X& x) {
  CTGRAD_AXES_CHECK("logsumexp", X, Axes);
  if constexpr (surface::axes_ok<X, Axes...>) return surface::logsumexp_impl<false, Axes...>(x);
}
template <std::size_t... Axes, TensorLike X>
auto logsumexp(const X& x, KeepDim) {
  CTGRAD_AXES_CHECK("logsumexp", X, Axes);
  if constexpr (surface::axes_ok<X, Axes...>) return surface::logsumexp_impl<true, Axes...>(x);
}

// Variance with Bessel's correction by default (tinygrad's correction=1); std is its square root.
template <std::size_t... Axes, TensorLike X>
auto var(const X& x, double correction = 1.0) {
  CTGRAD_AXES_CHECK("var", X, Axes);
  if constexpr (surface::axes_ok<X, Axes...>) return surface::var_impl<false, Axes...>(x, correction);
}
template <std::size_t... Axes, TensorLike X>
auto var(const X& x, KeepDim, double correction = 1.0) {
  CTGRAD_AXES_CHECK("var", X, Axes);
  if constexpr (surface::axes_ok<X, Axes...>) return surface::var_impl<true, Axes...>(x, correction);
}
template <std::size_t... Axes, TensorLike X>
auto std(const X& x, double correction = 1.0) {
  CTGRAD_AXES_CHECK("std", X, Axes);
  if constexpr (surface::axes_ok<X, Axes...>) return surface::var_impl<false, Axes...>(x, correction).sqrt();
}
template <std::size_t... Axes, TensorLike X>
auto std(const X& x, KeepDim, double correction = 1.0) {
  CTGRAD_AXES_CHECK("std", X, Axes);
  if constexpr (surface::axes_ok<X, Axes...>) return surface::var_impl<true, Axes...>(x, correction).sqrt();
}
// (var, mean) and (std, mean), as tinygrad.
template <std::size_t... Axes, TensorLike X>
auto var_mean(const X& x, double correction = 1.0) {
  CTGRAD_AXES_CHECK("var_mean", X, Axes);
  if constexpr (surface::axes_ok<X, Axes...>) return std::tuple{surface::var_impl<false, Axes...>(x, correction), x.template mean<Axes...>()};
}
template <std::size_t... Axes, TensorLike X>
auto std_mean(const X& x, double correction = 1.0) {
  CTGRAD_AXES_CHECK("std_mean", X, Axes);
  if constexpr (surface::axes_ok<X, Axes...>) return std::tuple{surface::var_impl<false, Axes...>(x, correction).sqrt(), x.template mean<Axes...>()};
}

// any / all over Axes... (all by default): bool results.
template <std::size_t... Axes, TensorLike X>
auto any(const X& x) {
  CTGRAD_AXES_CHECK("any", X, Axes);
  if constexpr (surface::axes_ok<X, Axes...>) return (x != typename X::dtype(0)).template max<Axes...>();
}
template <std::size_t... Axes, TensorLike X>
auto all(const X& x) {
  CTGRAD_AXES_CHECK("all", X, Axes);
  if constexpr (surface::axes_ok<X, Axes...>) return (x == typename X::dtype(0)).template max<Axes...>() ^ true;
}

namespace surface {
// The first index of the maximum along `ax` (tinygrad: the max of mask * (n - i), subtracted from n).
template <std::size_t ax, bool KeepDim, class X>
auto argmax_along(const X& x) {
  constexpr std::size_t n = X::shape[ax];
  auto rev = n - arange_on<std::int32_t, n>(x);
  constexpr auto col = [] {
    std::array<std::size_t, X::ndim - ax> s{};
    for (auto& d : s) d = 1;
    s[0] = n;
    return s;
  }();
  auto hit = (x == x.template max<ax>(keepdim)).template cast<std::int32_t>() * reshape_as<col>(rev);
  if constexpr (KeepDim) return n - hit.template max<ax>(keepdim);
  else return n - hit.template max<ax>();
}
template <int A, bool KeepDim, class X>
auto argmax_impl(const X& x) {
  if constexpr (A == all_axes) {
    auto flat = argmax_along<0, false>(x.template reshape<X::numel>());
    if constexpr (KeepDim) {
      constexpr auto ones = [] {
        std::array<std::size_t, X::ndim> s{};
        for (auto& d : s) d = 1;
        return s;
      }();
      return reshape_as<ones>(flat);
    } else {
      return flat;
    }
  } else {
    return argmax_along<axis_of(A, X::ndim), KeepDim>(x);
  }
}
template <class X>
auto inverse_order(const X& x) {  // a map that reverses the order: -x, or ~x for integers (no overflow)
  if constexpr (std::is_integral_v<typename X::dtype>) return ctgrad::bitwise_not(x);
  else return -x;
}
template <int A, class X>
constexpr bool arg_axis_ok = A == all_axes || axis_ok(A, X::ndim);
}  // namespace surface

// Index of the first maximum (minimum) along A, int32; by default over the whole tensor, flattened.
template <int A = all_axes, TensorLike X>
auto argmax(const X& x) {
  CTGRAD_STATIC_CHECK((surface::arg_axis_ok<A, X>), "ctgrad::argmax: axis out of range",
                      surface::put(detail::Message{} << "ctgrad::argmax<", A) << ">: axis out of range for " << X::shape);
  if constexpr (surface::arg_axis_ok<A, X>) return surface::argmax_impl<A, false>(x);
}
template <int A = all_axes, TensorLike X>
auto argmax(const X& x, KeepDim) {
  CTGRAD_STATIC_CHECK((surface::arg_axis_ok<A, X>), "ctgrad::argmax: axis out of range",
                      surface::put(detail::Message{} << "ctgrad::argmax<", A) << ">: axis out of range for " << X::shape);
  if constexpr (surface::arg_axis_ok<A, X>) return surface::argmax_impl<A, true>(x);
}
template <int A = all_axes, TensorLike X>
auto argmin(const X& x) {
  CTGRAD_STATIC_CHECK((surface::arg_axis_ok<A, X>), "ctgrad::argmin: axis out of range",
                      surface::put(detail::Message{} << "ctgrad::argmin<", A) << ">: axis out of range for " << X::shape);
  if constexpr (surface::arg_axis_ok<A, X>) return surface::argmax_impl<A, false>(surface::inverse_order(x));
}
template <int A = all_axes, TensorLike X>
auto argmin(const X& x, KeepDim) {
  CTGRAD_STATIC_CHECK((surface::arg_axis_ok<A, X>), "ctgrad::argmin: axis out of range",
                      surface::put(detail::Message{} << "ctgrad::argmin<", A) << ">: axis out of range for " << X::shape);
  if constexpr (surface::arg_axis_ok<A, X>) return surface::argmax_impl<A, true>(surface::inverse_order(x));
}

namespace surface {
enum class Scan { Sum, Prod, Max };
template <Scan Op, std::size_t ax, class X>
auto scan(const X& x) {
  using T = typename X::dtype;
  constexpr std::size_t last = X::ndim;  // the triangle's new axis
  auto xl = move_to_last<ax>(x);
  if constexpr (Op == Scan::Sum) return move_from_last<ax>(triangle(xl, T(0)).template sum<last>());
  else if constexpr (Op == Scan::Prod) return move_from_last<ax>(triangle(xl, T(1)).template prod<last>());
  else return move_from_last<ax>(triangle(xl, std::numeric_limits<T>::has_infinity ? -std::numeric_limits<T>::infinity() : std::numeric_limits<T>::lowest()).template max<last>());
}
// The first index j <= i where x[j] equals the running maximum at i (tinygrad's cummax indices).
template <std::size_t ax, class X, class V>
auto scan_argmax(const X& x, const V& values) {
  constexpr std::size_t N = X::ndim, n = X::shape[ax];
  auto xl = move_to_last<ax>(x), vl = move_to_last<ax>(values);
  constexpr auto wide = insert_axis(decltype(xl)::shape, N, n);  // (..., i, j)
  auto ar = arange_on<std::int32_t, n>(x);
  auto upto = ar.template reshape<1, n>() <= ar.template reshape<n, 1>();  // j <= i
  auto match = upto & (expand_as<wide>(xl.template unsqueeze<N - 1>()) == expand_as<wide>(vl.template unsqueeze<N>()));
  auto first = n - (match.template cast<std::int32_t>() * (n - ar)).template max<N>();
  return move_from_last<ax>(first);
}
}  // namespace surface

#define CTGRAD_SCAN(name, op)                                                                 \
  template <int A = 0, TensorLike X>                                                          \
  auto name(const X& x) {                                                                     \
    CTGRAD_AXIS_CHECK(#name, A, X);                                                           \
    if constexpr (surface::one_axis_ok<A, X>) return surface::scan<op, surface::axis_of(A, X::ndim)>(x); \
  }
CTGRAD_SCAN(cumsum, surface::Scan::Sum)
CTGRAD_SCAN(cumprod, surface::Scan::Prod)
#undef CTGRAD_SCAN

// (values, indices) of the running maximum / minimum, as tinygrad.
template <int A = 0, TensorLike X>
auto cummax(const X& x) {
  CTGRAD_AXIS_CHECK("cummax", A, X);
  if constexpr (surface::one_axis_ok<A, X>) {
    constexpr std::size_t ax = surface::axis_of(A, X::ndim);
    auto values = surface::scan<surface::Scan::Max, ax>(x);
    return std::tuple{values, surface::scan_argmax<ax>(x, values)};
  }
}
template <int A = 0, TensorLike X>
auto cummin(const X& x) {
  CTGRAD_AXIS_CHECK("cummin", A, X);
  if constexpr (surface::one_axis_ok<A, X>) {
    constexpr std::size_t ax = surface::axis_of(A, X::ndim);
    auto inv = surface::inverse_order(x);
    auto values = surface::scan<surface::Scan::Max, ax>(inv);
    return std::tuple{surface::inverse_order(values), surface::scan_argmax<ax>(inv, values)};
  }
}
// log(cumsum(exp(x))), each prefix computed around its own running maximum so that none underflows to -inf.
template <int A = 0, TensorLike X>
auto logcumsumexp(const X& x) {
  CTGRAD_AXIS_CHECK("logcumsumexp", A, X);
  if constexpr (surface::one_axis_ok<A, X>) {
    constexpr std::size_t ax = surface::axis_of(A, X::ndim), N = X::ndim;
    auto f = surface::move_to_last<ax>(surface::as_float(x));
    using F = typename decltype(f)::dtype;
    auto running = surface::scan<surface::Scan::Max, N - 1>(f);
    auto wide = surface::triangle(f, -std::numeric_limits<F>::infinity()) - running.template unsqueeze<N>();
    return surface::move_from_last<ax>(wide.exp().template sum<N>().log() + running);
  }
}

}  // namespace ctgrad
