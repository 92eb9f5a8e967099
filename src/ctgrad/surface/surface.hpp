#pragma once
// TensorSurface<Self>: the member spellings of the op surface (x.softmax<A>(), x.conv2d<...>(w)). Tensor derives
// from it (CRTP); each member forwards to the free function of the same name, defined in the group headers below,
// which use only Tensor's public API. Self is incomplete here: its members are used inside function bodies only.
#include "ctgrad/surface/activation.hpp"
#include "ctgrad/surface/elementwise.hpp"
#include "ctgrad/surface/mode.hpp"
#include "ctgrad/surface/reduce.hpp"

namespace ctgrad {

template <class Self>
class TensorSurface {
  const Self& self() const { return static_cast<const Self&>(*this); }

 public:
  // ---- elementwise ----
  auto square() const { return ctgrad::square(self()); }
  auto rsqrt() const { return ctgrad::rsqrt(self()); }
  auto exp2() const { return ctgrad::exp2(self()); }
  auto log2() const { return ctgrad::log2(self()); }
  auto log10() const { return ctgrad::log10(self()); }
  auto tan() const { return ctgrad::tan(self()); }
  auto asin() const { return ctgrad::asin(self()); }
  auto acos() const { return ctgrad::acos(self()); }
  auto atan() const { return ctgrad::atan(self()); }
  auto sinh() const { return ctgrad::sinh(self()); }
  auto cosh() const { return ctgrad::cosh(self()); }
  auto asinh() const { return ctgrad::asinh(self()); }
  auto acosh() const { return ctgrad::acosh(self()); }
  auto atanh() const { return ctgrad::atanh(self()); }
  auto erf() const { return ctgrad::erf(self()); }
  auto trunc() const { return ctgrad::trunc(self()); }
  auto floor() const { return ctgrad::floor(self()); }
  auto ceil() const { return ctgrad::ceil(self()); }
  auto round() const { return ctgrad::round(self()); }
  auto sign() const { return ctgrad::sign(self()); }
  template <class S>
  auto copysign(const S& s) const { return ctgrad::copysign(self(), s); }
  auto isnan() const { return ctgrad::isnan(self()); }
  auto isinf(bool detect_positive = true, bool detect_negative = true) const { return ctgrad::isinf(self(), detect_positive, detect_negative); }
  auto isfinite() const { return ctgrad::isfinite(self()); }
  auto logical_not() const { return ctgrad::logical_not(self()); }
  auto bitwise_not() const { return ctgrad::bitwise_not(self()); }
  template <class Y>
  auto bitwise_and(const Y& y) const { return self() & y; }
  template <class Y>
  auto bitwise_or(const Y& y) const { return self() | y; }
  template <class Y>
  auto bitwise_xor(const Y& y) const { return self() ^ y; }
  auto lshift(unsigned n) const { return ctgrad::lshift(self(), n); }
  auto rshift(unsigned n) const { return ctgrad::rshift(self(), n); }
  template <class Y>
  auto pow(const Y& y) const { return ctgrad::pow(self(), y); }
  template <class Y>
  auto logaddexp(const Y& y) const { return ctgrad::logaddexp(self(), y); }
  template <class Y, class W>
  auto lerp(const Y& end, const W& weight) const { return ctgrad::lerp(self(), end, weight); }
  template <class Y>
  auto fmod(const Y& y) const { return ctgrad::fmod(self(), y); }
  template <class Y>
  auto mod(const Y& y) const { return ctgrad::mod(self(), y); }
  template <class Lo, class Hi>
  auto clip(const Lo& lo, const Hi& hi) const { return ctgrad::clip(self(), lo, hi); }
  template <class Lo, class Hi>
  auto clamp(const Lo& lo, const Hi& hi) const { return ctgrad::clip(self(), lo, hi); }
  // tinygrad's method names of the operators
  auto neg() const { return -self(); }
  template <class Y> auto add(const Y& y) const { return self() + y; }
  template <class Y> auto sub(const Y& y) const { return self() - y; }
  template <class Y> auto mul(const Y& y) const { return self() * y; }
  template <class Y> auto div(const Y& y) const { return self() / y; }
  template <class Y> auto eq(const Y& y) const { return self() == y; }
  template <class Y> auto ne(const Y& y) const { return self() != y; }

  // ---- activations ----
  auto relu6() const { return ctgrad::relu6(self()); }
  auto leaky_relu(double neg_slope = 0.01) const { return ctgrad::leaky_relu(self(), neg_slope); }
  auto elu(double alpha = 1.0) const { return ctgrad::elu(self(), alpha); }
  auto celu(double alpha = 1.0) const { return ctgrad::celu(self(), alpha); }
  auto selu(double alpha = 1.67326, double gamma = 1.0507) const { return ctgrad::selu(self(), alpha, gamma); }
  auto silu() const { return ctgrad::silu(self()); }
  auto swish() const { return ctgrad::silu(self()); }
  auto gelu() const { return ctgrad::gelu(self()); }
  auto quick_gelu() const { return ctgrad::quick_gelu(self()); }
  auto softplus(double beta = 1.0) const { return ctgrad::softplus(self(), beta); }
  auto logsigmoid() const { return ctgrad::logsigmoid(self()); }
  auto mish() const { return ctgrad::mish(self()); }
  auto softsign() const { return ctgrad::softsign(self()); }
  auto hardtanh(double min_val = -1.0, double max_val = 1.0) const { return ctgrad::hardtanh(self(), min_val, max_val); }
  auto hardsigmoid(double alpha = 1.0 / 6, double beta = 0.5) const { return ctgrad::hardsigmoid(self(), alpha, beta); }
  auto hardswish() const { return ctgrad::hardswish(self()); }

  // ---- reductions and scans ----
  template <int A = -1> auto softmax() const { return ctgrad::softmax<A>(self()); }
  template <int A = -1> auto log_softmax() const { return ctgrad::log_softmax<A>(self()); }
  template <int A = -1> auto softmin() const { return ctgrad::softmin<A>(self()); }
  template <std::size_t... Axes> auto logsumexp() const { return ctgrad::logsumexp<Axes...>(self()); }
  template <std::size_t... Axes> auto logsumexp(KeepDim k) const { return ctgrad::logsumexp<Axes...>(self(), k); }
  template <std::size_t... Axes> auto var(double correction = 1.0) const { return ctgrad::var<Axes...>(self(), correction); }
  template <std::size_t... Axes> auto var(KeepDim k, double correction = 1.0) const { return ctgrad::var<Axes...>(self(), k, correction); }
  template <std::size_t... Axes> auto std(double correction = 1.0) const { return ctgrad::std<Axes...>(self(), correction); }
  template <std::size_t... Axes> auto std(KeepDim k, double correction = 1.0) const { return ctgrad::std<Axes...>(self(), k, correction); }
  template <std::size_t... Axes> auto var_mean(double correction = 1.0) const { return ctgrad::var_mean<Axes...>(self(), correction); }
  template <std::size_t... Axes> auto std_mean(double correction = 1.0) const { return ctgrad::std_mean<Axes...>(self(), correction); }
  template <std::size_t... Axes> auto any() const { return ctgrad::any<Axes...>(self()); }
  template <std::size_t... Axes> auto all() const { return ctgrad::all<Axes...>(self()); }
  template <int A = all_axes> auto argmax() const { return ctgrad::argmax<A>(self()); }
  template <int A = all_axes> auto argmax(KeepDim k) const { return ctgrad::argmax<A>(self(), k); }
  template <int A = all_axes> auto argmin() const { return ctgrad::argmin<A>(self()); }
  template <int A = all_axes> auto argmin(KeepDim k) const { return ctgrad::argmin<A>(self(), k); }
  template <int A = 0> auto cumsum() const { return ctgrad::cumsum<A>(self()); }
  template <int A = 0> auto cumprod() const { return ctgrad::cumprod<A>(self()); }
  template <int A = 0> auto cummax() const { return ctgrad::cummax<A>(self()); }
  template <int A = 0> auto cummin() const { return ctgrad::cummin<A>(self()); }
  template <int A = 0> auto logcumsumexp() const { return ctgrad::logcumsumexp<A>(self()); }
};

}  // namespace ctgrad
