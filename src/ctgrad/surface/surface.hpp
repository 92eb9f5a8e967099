#pragma once
// TensorSurface<Self>: the member spellings of the op surface (x.softmax<A>(), x.conv2d<...>(w)). Tensor derives
// from it (CRTP); each member forwards to the free function of the same name, defined in the group headers below,
// which use only Tensor's public API. Self is incomplete here: its members are used inside function bodies only.
#include "ctgrad/surface/activation.hpp"
#include "ctgrad/surface/conv.hpp"
#include "ctgrad/surface/creation.hpp"
#include "ctgrad/surface/einsum.hpp"
#include "ctgrad/surface/elementwise.hpp"
#include "ctgrad/surface/indexing.hpp"
#include "ctgrad/surface/interpolate.hpp"
#include "ctgrad/surface/loss.hpp"
#include "ctgrad/surface/mode.hpp"
#include "ctgrad/surface/movement.hpp"
#include "ctgrad/surface/nn.hpp"
#include "ctgrad/surface/pad.hpp"
#include "ctgrad/surface/pool.hpp"
#include "ctgrad/surface/reduce.hpp"
#include "ctgrad/surface/sort.hpp"

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
  template <class Y> auto dot(const Y& y) const { return self().matmul(y); }
  template <class... Ys> auto usum(const Ys&... ys) const { return ctgrad::usum(self(), ys...); }
  template <class... Ys> auto uprod(const Ys&... ys) const { return ctgrad::uprod(self(), ys...); }
  template <class Y> auto isclose(const Y& y, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false) const {
    return ctgrad::isclose(self(), y, rtol, atol, equal_nan);
  }
  template <class Y> auto allclose(const Y& y, double rtol = 1e-5, double atol = 1e-8, bool equal_nan = false) const {
    return ctgrad::allclose(self(), y, rtol, atol, equal_nan);
  }
  // A new lazy value equal to this one (it does not share later assign()s).
  auto clone() const {
    if constexpr (std::is_same_v<typename Self::dtype, bool>) return self() | false;
    else return self() + typename Self::dtype(0);
  }

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
  template <int Dim = -1> auto sort(bool descending = false) const { return ctgrad::sort<Dim>(self(), descending); }
  template <int Dim = -1> auto argsort(bool descending = false) const { return ctgrad::argsort<Dim>(self(), descending); }
  template <std::size_t K, int Dim = -1> auto topk(bool largest = true) const { return ctgrad::topk<K, Dim>(self(), largest); }
  template <std::size_t NumSamples = 1> auto multinomial(bool replacement = false) const { return ctgrad::multinomial<NumSamples>(self(), replacement); }

  // ---- movement ----
  template <int Start = 0, int End = -1> auto flatten() const { return ctgrad::flatten<Start, End>(self()); }
  template <int Dim, std::size_t... Sizes_> auto unflatten() const { return ctgrad::unflatten<Dim, Sizes_...>(self()); }
  auto T() const { return ctgrad::T(self()); }
  template <int A = 0, class... Ys> auto cat(const Ys&... ys) const { return ctgrad::cat<A>(self(), ys...); }
  template <int A = 0, class... Ys> auto stack(const Ys&... ys) const { return ctgrad::stack<A>(self(), ys...); }
  template <auto Spec, int Dim = 0> auto split() const { return ctgrad::split<Spec, Dim>(self()); }
  template <std::size_t N, int Dim = 0> auto chunk() const { return ctgrad::chunk<N, Dim>(self()); }
  template <std::size_t... R> auto repeat() const { return ctgrad::repeat<R...>(self()); }
  template <std::size_t Rep, int Dim = 0> auto repeat_interleave() const { return ctgrad::repeat_interleave<Rep, Dim>(self()); }
  template <long Shift, int Dim = 0> auto roll() const { return ctgrad::roll<Shift, Dim>(self()); }
  template <std::size_t... D> auto pad_to() const { return ctgrad::pad_to<D...>(self()); }
  template <std::size_t... D> auto shrink_to() const { return ctgrad::shrink_to<D...>(self()); }
  template <std::size_t Axis, std::size_t Begin, std::size_t End, std::size_t Step = 1> auto slice() const {
    return ctgrad::slice<Axis, Begin, End, Step>(self());
  }
  template <std::size_t Axis, std::size_t I> auto select() const { return ctgrad::select<Axis, I>(self()); }
  auto diag() const { return ctgrad::diag(self()); }
  auto diagonal() const { return ctgrad::diagonal(self()); }
  template <std::size_t... Size> auto interpolate(Interpolation mode = Interpolation::Linear, bool align_corners = false) const {
    return ctgrad::interpolate<Size...>(self(), mode, align_corners);
  }
  template <int Dim, std::size_t Size, std::size_t Step> auto unfold() const { return ctgrad::unfold<Dim, Size, Step>(self()); }

  // ---- indexing ----
  template <class I> auto operator[](const I& idx) const { return ctgrad::index(self(), idx); }
  template <int A, class I> auto gather(const I& idx) const { return ctgrad::gather<A>(self(), idx); }
  template <int A, class I, class S> auto scatter(const I& idx, const S& src) const { return ctgrad::scatter<A>(self(), idx, src); }
  template <int A, class I, class S> auto scatter_reduce(const I& idx, const S& src, ScatterReduce r, bool include_self = true) const {
    return ctgrad::scatter_reduce<A>(self(), idx, src, r, include_self);
  }
  template <std::size_t Classes> auto one_hot() const { return ctgrad::one_hot<Classes>(self()); }
  template <class M> auto masked_fill(const M& mask, double value) const { return ctgrad::masked_fill(self(), mask, value); }
  auto triu(long diagonal = 0) const { return ctgrad::triu(self(), diagonal); }
  auto tril(long diagonal = 0) const { return ctgrad::tril(self(), diagonal); }

  // ---- creation (static: Tensor<float, 3, 3>::eye()) and the *_like family ----
  static auto eye() { return surface::eye<Self>(); }
  static auto linspace(double start, double stop) { return surface::linspace<Self>(start, stop); }
  static auto randint(long low = 0, long high = 10) { return surface::randint<Self>(low, high); }
  static auto uniform(double low = 0.0, double high = 1.0) { return surface::uniform<Self>(low, high); }
  static auto normal(double mean = 0.0, double std = 1.0) { return surface::normal<Self>(mean, std); }
  static auto kaiming_uniform(double a = 0.01) { return surface::kaiming_uniform<Self>(a); }
  static auto kaiming_normal(double a = 0.01) { return surface::kaiming_normal<Self>(a); }
  static auto glorot_uniform() { return surface::glorot_uniform<Self>(); }
  static auto scaled_uniform() { return surface::scaled_uniform<Self>(); }
  static auto randperm() { return surface::randperm<Self>(); }
  static auto random_bits() { return surface::random_bits<Self>(); }
  auto full_like(double value) const { return Self::from_const(value, self().device()); }
  auto const_like(double value) const { return Self::from_const(value, self().device()); }
  auto zeros_like() const { return Self::from_const(0.0, self().device()); }
  auto ones_like() const { return Self::from_const(1.0, self().device()); }
  auto empty_like() const { return Self::empty().to(self().device()); }
  auto rand_like() const { return Self::rand().to(self().device()); }
  auto randn_like() const { return Self::randn().to(self().device()); }

  // ---- processing ----
  template <Hw Stride = 1, Hw Padding = 0, Hw Dilation = 1, std::size_t Groups = 1, class W> auto conv2d(const W& w) const {
    return ctgrad::conv2d<Stride, Padding, Dilation, Groups>(self(), w);
  }
  template <Hw Stride = 1, Hw Padding = 0, Hw Dilation = 1, std::size_t Groups = 1, class W, class B> auto conv2d(const W& w, const B& b) const {
    return ctgrad::conv2d<Stride, Padding, Dilation, Groups>(self(), w, b);
  }
  template <Hw Stride = 1, Hw Padding = 0, Hw OutputPadding = 0, Hw Dilation = 1, std::size_t Groups = 1, class W>
  auto conv_transpose2d(const W& w) const {
    return ctgrad::conv_transpose2d<Stride, Padding, OutputPadding, Dilation, Groups>(self(), w);
  }
  template <Hw Stride = 1, Hw Padding = 0, Hw OutputPadding = 0, Hw Dilation = 1, std::size_t Groups = 1, class W, class B>
  auto conv_transpose2d(const W& w, const B& b) const {
    return ctgrad::conv_transpose2d<Stride, Padding, OutputPadding, Dilation, Groups>(self(), w, b);
  }
  template <Hw K = 2, Hw Stride = K, Hw Dilation = 1, Hw Padding = 0> auto max_pool2d() const {
    return ctgrad::max_pool2d<K, Stride, Dilation, Padding>(self());
  }
  template <Hw K = 2, Hw Stride = K, Hw Dilation = 1, Hw Padding = 0> auto avg_pool2d(bool count_include_pad = true) const {
    return ctgrad::avg_pool2d<K, Stride, Dilation, Padding>(self(), count_include_pad);
  }

  // ---- losses ----
  template <Reduction R = Reduction::Mean, class Y>
  auto sparse_categorical_crossentropy(const Y& labels, long ignore_index = -1, double label_smoothing = 0.0) const {
    return ctgrad::sparse_categorical_crossentropy<R>(self(), labels, ignore_index, label_smoothing);
  }
  template <Reduction R = Reduction::Mean, class Y> auto cross_entropy(const Y& target, double label_smoothing = 0.0) const {
    return ctgrad::cross_entropy<R>(self(), target, label_smoothing);
  }
  template <Reduction R = Reduction::Mean, class Y> auto nll_loss(const Y& target, long ignore_index = -100) const {
    return ctgrad::nll_loss<R>(self(), target, ignore_index);
  }
  template <Reduction R = Reduction::Mean, class Y, TensorLike W> auto nll_loss(const Y& target, const W& weight, long ignore_index = -100) const {
    return ctgrad::nll_loss<R>(self(), target, weight, ignore_index);
  }
  template <Reduction R = Reduction::Mean, class Y> auto binary_crossentropy(const Y& y) const { return ctgrad::binary_crossentropy<R>(self(), y); }
  template <Reduction R = Reduction::Mean, class Y> auto binary_crossentropy_logits(const Y& y, double pos_weight = 1.0) const {
    return ctgrad::binary_crossentropy_logits<R>(self(), y, pos_weight);
  }

  // ---- nn functionals ----
  template <int... Axes> auto layernorm(double eps = 1e-5) const { return ctgrad::layernorm<Axes...>(self(), eps); }
  template <std::size_t Axis = 1, class... S> auto batchnorm(const S&... stats) const { return ctgrad::batchnorm<Axis>(self(), stats...); }
  template <class... WB> auto linear(const WB&... wb) const { return ctgrad::linear(self(), wb...); }
  auto dropout(double p = 0.5) const { return ctgrad::dropout(self(), p); }
  template <class... Args> auto scaled_dot_product_attention(const Args&... args) const {
    return ctgrad::scaled_dot_product_attention(self(), args...);
  }
  // x.sequential(f, g) is g(f(x))
  template <class... Fs> auto sequential(const Fs&... fs) const { return surface::apply_in_turn(self(), fs...); }

  // ---- properties ----
  static constexpr std::size_t element_size() { return sizeof(typename Self::dtype); }
  static constexpr std::size_t nbytes() { return Self::numel * sizeof(typename Self::dtype); }
  template <int D> static constexpr std::size_t size() { return Self::shape[surface::axis_of(D, Self::ndim)]; }
  static constexpr bool is_floating_point() { return surface::is_float_v<typename Self::dtype>; }
};

}  // namespace ctgrad
