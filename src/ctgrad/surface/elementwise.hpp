#pragma once
// Elementwise math beyond the primitives of ops.hpp: powers, erf, inverse trigonometry and hyperbolics, rounding,
// predicates (isnan, isinf...), bitwise helpers, lerp and friends. Float functions of integer tensors compute in
// float, as in tinygrad. All are compositions of the primitive ops, so they fuse into their consumers.
#include <cmath>
#include <limits>
#include <numbers>

#include "ctgrad/surface/detail.hpp"

namespace ctgrad {

namespace surface {
template <class X>
auto as_float(const X& x) {
  return x.template cast<mean_t<typename X::dtype>>();
}
// The integer type a float of dtype T truncates through, and the magnitude from which every T is integral.
template <class T>
using trunc_int_t = std::conditional_t<sizeof(T) >= 8, std::int64_t, std::int32_t>;
template <class T>
inline constexpr double integral_from = sizeof(T) >= 8 ? 4503599627370496.0 : 8388608.0;  // 2^52, 2^23
}  // namespace surface

template <TensorLike X> auto square(const X& x) { return x * x; }
template <TensorLike X> auto rsqrt(const X& x) { return x.sqrt().reciprocal(); }
template <TensorLike X> auto exp2(const X& x) { return (surface::as_float(x) * std::numbers::ln2).exp(); }
template <TensorLike X> auto log2(const X& x) { return x.log() * (1.0 / std::numbers::ln2); }
template <TensorLike X> auto log10(const X& x) { return x.log() * (1.0 / std::numbers::ln10); }
template <TensorLike X> auto tan(const X& x) { return x.sin() / x.cos(); }

// Rounding: integers are already integral; a float is truncated through an integer where it is not integral
// already (|x| < 2^23 in float), so large values, infinities and NaN pass through unchanged.
template <TensorLike X>
auto trunc(const X& x) {
  using T = typename X::dtype;
  if constexpr (!surface::is_float_v<T>) {
    return x;
  } else {
    using I = surface::trunc_int_t<T>;
    return (x.abs() < surface::integral_from<T>).where(x.template cast<I>().template cast<T>(), x);
  }
}
template <TensorLike X>
auto floor(const X& x) {
  if constexpr (!surface::is_float_v<typename X::dtype>) return x;
  else {
    auto t = ctgrad::trunc(x);
    return (x < t).where(t - 1, t);
  }
}
template <TensorLike X>
auto ceil(const X& x) {
  if constexpr (!surface::is_float_v<typename X::dtype>) return x;
  else {
    auto t = ctgrad::trunc(x);
    return (x > t).where(t + 1, t);
  }
}
// Half to even, like tinygrad and numpy: round(0.5) = 0, round(1.5) = 2.
template <TensorLike X>
auto round(const X& x) {
  if constexpr (!surface::is_float_v<typename X::dtype>) return x;
  else {
    auto r = ctgrad::floor(x + 0.5);
    auto odd = (r - ctgrad::floor(r * 0.5) * 2) != 0;
    return ((r - x == 0.5) & odd).where(r - 1, r);
  }
}
// -1, 0 or 1 in the tensor's dtype (NaN stays NaN).
template <TensorLike X>
auto sign(const X& x) {
  using T = typename X::dtype;
  auto s = (x > T(0)).where(T(1), (x < T(0)).where(T(-1), T(0)));
  if constexpr (surface::is_float_v<T>) return s + x * T(0);
  else return s;
}
template <TensorLike X>
auto copysign(const X& x, double sign_of) {
  return std::signbit(sign_of) ? -x.abs() : x.abs();
}
template <TensorLike X, TensorLike Y>
auto copysign(const X& x, const Y& sign_of) {
  // -0.0 counts as negative: 1 / -0 is -inf
  return ((sign_of < 0) | (sign_of.reciprocal() < 0)).where(-x.abs(), x.abs());
}

template <TensorLike X> auto isnan(const X& x) { return x != x; }
template <TensorLike X>
auto isinf(const X& x, bool detect_positive = true, bool detect_negative = true) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  return ((x == inf) & detect_positive) | ((x == -inf) & detect_negative);
}
template <TensorLike X> auto isfinite(const X& x) { return (ctgrad::isinf(x) | ctgrad::isnan(x)) ^ true; }
template <TensorLike X> auto logical_not(const X& x) { return x == typename X::dtype(0); }
template <TensorLike X>
auto bitwise_not(const X& x) {
  using T = typename X::dtype;
  if constexpr (std::is_same_v<T, bool>) return x ^ true;
  else return x ^ static_cast<T>(~static_cast<std::make_unsigned_t<T>>(0));
}
// Shifts by a constant are multiplications and divisions by 2^n (rshift of a negative integer truncates).
template <TensorLike X> auto lshift(const X& x, unsigned n) { return x * static_cast<typename X::dtype>(std::uint64_t{1} << n); }
template <TensorLike X> auto rshift(const X& x, unsigned n) { return x / static_cast<typename X::dtype>(std::uint64_t{1} << n); }

// erf by Abramowitz and Stegun 7.1.26 (what tinygrad uses): absolute error below 1.5e-7.
template <TensorLike X>
auto erf(const X& x) {
  auto f = surface::as_float(x);
  auto t = (f.abs() * 0.3275911 + 1.0).reciprocal();
  auto poly = ((((t * 1.061405429 - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return ctgrad::sign(f) * (1.0 - poly * (-(f * f)).exp());
}

// Inverse trigonometry (asin as a polynomial in |x|, tinygrad's: error about 2e-8) and hyperbolics.
template <TensorLike X>
auto asin(const X& x) {
  auto f = surface::as_float(x), a = f.abs();
  auto poly = ((((((a * -0.0012624911 + 0.0066700901) * a - 0.0170881256) * a + 0.0308918810) * a - 0.0501743046) * a + 0.0889789874) * a -
               0.2145988016) * a + 1.5707963050;
  return ctgrad::sign(f) * (std::numbers::pi / 2 - (1.0 - a).sqrt() * poly);
}
template <TensorLike X> auto acos(const X& x) { return std::numbers::pi / 2 - ctgrad::asin(x); }
template <TensorLike X>
auto atan(const X& x) {
  auto f = surface::as_float(x);
  return ctgrad::asin(f / (f * f + 1.0).sqrt());
}
template <TensorLike X> auto sinh(const X& x) { return (x.exp() - (-surface::as_float(x)).exp()) * 0.5; }
template <TensorLike X> auto cosh(const X& x) { return (x.exp() + (-surface::as_float(x)).exp()) * 0.5; }
template <TensorLike X>
auto asinh(const X& x) {  // odd, computed on |x| so large negative x does not cancel
  auto f = surface::as_float(x), a = f.abs();
  return ctgrad::sign(f) * (a + (a * a + 1.0).sqrt()).log();
}
template <TensorLike X>
auto acosh(const X& x) {
  auto f = surface::as_float(x);
  return (f + (f * f - 1.0).sqrt()).log();
}
template <TensorLike X>
auto atanh(const X& x) {
  auto f = surface::as_float(x);
  return ((1.0 + f) / (1.0 - f)).log() * 0.5;
}

// x ** y in float. A whole constant exponent multiplies (exact, and right for negative bases); any other constant
// goes through exp(y log x), which gives NaN for a negative base as it should.
template <TensorLike X>
auto pow(const X& x, double y) {
  auto f = surface::as_float(x);
  if (y == std::trunc(y) && std::abs(y) <= 64) {
    auto acc = surface::full_on<decltype(f)>(f, 1.0);  // x^0 = 1 for every x, as in numpy
    auto p = f;
    for (auto n = static_cast<std::uint64_t>(std::abs(y)); n != 0; n >>= 1, p = p * p)
      if (n & 1) acc = acc * p;
    return y < 0 ? acc.reciprocal() : acc;
  }
  return (f.log() * y).exp();
}
template <TensorLike X, TensorLike Y>
auto pow(const X& x, const Y& y) {
  // |x|^y, then the sign for a negative base: negative for an odd whole y, NaN for a fractional y; 0^0 is 1
  auto fx = surface::as_float(x);
  auto fy = surface::as_float(y);
  auto mag = (fx.abs().log() * fy).exp();
  auto whole = ctgrad::trunc(fy) == fy;
  auto odd = whole & ((fy - ctgrad::trunc(fy * 0.5) * 2) != 0);
  auto negative = fx < 0;
  using F = typename decltype(mag)::dtype;
  auto signed_mag = (negative & odd).where(-mag, mag);
  return (fy == 0).where(F(1), (negative & (whole ^ true)).where(std::numeric_limits<F>::quiet_NaN(), signed_mag));
}
template <TensorLike X>
auto pow(double base, const X& y) {
  return (surface::as_float(y) * std::log(base)).exp();
}

// (a, b) -> log(exp(a) + exp(b)) without overflow.
template <TensorLike X, class Y>
auto logaddexp(const X& a, const Y& b) {
  auto m = a.maximum(b);
  return m + ((a - m).exp() + (b - m).exp()).log();
}
template <TensorLike X, class Y, class W>
auto lerp(const X& start, const Y& end, const W& weight) {
  return start + (end - start) * weight;
}

// Remainders: fmod truncates (C's fmod, sign of x), mod floors (Python's %, sign of y). Integer x % 0 is 0.
template <TensorLike X, class Y>
auto fmod(const X& x, const Y& y) {
  if constexpr (surface::is_float_v<typename decltype(x / y)::dtype>) return x - ctgrad::trunc(x / y) * y;
  else return x - (x / y) * y;
}
template <TensorLike X, class Y>
auto mod(const X& x, const Y& y) {
  auto r = ctgrad::fmod(x, y);
  return ((r != 0) & ((r < 0) != (y < 0))).where(r + y, r);
}

template <TensorLike X, class Lo, class Hi>
auto clip(const X& x, const Lo& lo, const Hi& hi) {
  return x.maximum(lo).minimum(hi);
}
template <TensorLike X, class Lo, class Hi>
auto clamp(const X& x, const Lo& lo, const Hi& hi) {
  return ctgrad::clip(x, lo, hi);
}

// |x - y| <= atol + rtol |y| (NaNs equal only with equal_nan), and its all() as a 0-D bool tensor.
template <TensorLike X, class Y>
auto isclose(const X& x, const Y& y, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false) {
  auto close = (x - y).abs() <= (y * 1.0).abs() * rtol + atol;
  auto both_nan = (x != x) & (y != y);
  return close | (both_nan & equal_nan) | (x == y);  // x == y: equal infinities
}
template <TensorLike X, class Y>
auto allclose(const X& x, const Y& y, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false) {
  return (ctgrad::isclose(x, y, rtol, atol, equal_nan) ^ true).max() ^ true;
}
// x + ys... and x * ys... (or and and for bool), tinygrad's usum / uprod
template <TensorLike X, class... Ys>
auto usum(const X& x, const Ys&... ys) {
  return (x + ... + ys);
}
template <TensorLike X, class... Ys>
auto uprod(const X& x, const Ys&... ys) {
  return (x * ... * ys);
}

}  // namespace ctgrad
