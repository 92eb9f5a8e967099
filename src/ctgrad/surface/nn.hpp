#pragma once
// nn functionals (tinygrad's Tensor methods): layernorm, batchnorm with given statistics, linear, dropout,
// scaled dot-product attention. Compositions of reductions, broadcasts and matmul.
#include "ctgrad/surface/mode.hpp"
#include "ctgrad/surface/reduce.hpp"

namespace ctgrad {

namespace surface {
template <class X, int... Axes>
constexpr bool int_axes_ok() {
  if constexpr (sizeof...(Axes) == 0) {
    return X::ndim >= 1;
  } else {
    if (!(axis_ok(Axes, X::ndim) && ...)) return false;
    std::array<std::size_t, sizeof...(Axes)> a{axis_of(Axes, X::ndim)...};
    return shape::axes_valid<X::ndim>(a);
  }
}
template <class X, int... Axes>
auto normalized_over(const X& x, double eps) {
  if constexpr (sizeof...(Axes) == 0) {
    return normalized_over<X, -1>(x, eps);
  } else {
    auto f = as_float(x);
    auto y = f - f.template mean<axis_of(Axes, X::ndim)...>(keepdim);
    return y * ((y * y).template mean<axis_of(Axes, X::ndim)...>(keepdim) + eps).sqrt().reciprocal();
  }
}
}  // namespace surface

// (x - mean) / sqrt(var + eps) over Axes (the last axis by default), biased variance, no affine part.
template <int... Axes, TensorLike X>
auto layernorm(const X& x, double eps = 1e-5) {
  constexpr bool ok = surface::int_axes_ok<X, Axes...>();
  CTGRAD_STATIC_CHECK(ok, "ctgrad::layernorm: axes out of range or repeated",
                      detail::Message{} << "ctgrad::layernorm: axes out of range or repeated for " << X::shape);
  if constexpr (ok) return surface::normalized_over<X, Axes...>(x, eps);
}

namespace surface {
template <std::size_t Axis, class X, class S>
auto along(const S& s) {  // a (C) statistic shaped to broadcast along Axis of X
  constexpr auto to = [] {
    auto t = filled_ones<X::ndim>();
    t[Axis] = X::shape[Axis];
    return t;
  }();
  return reshape_as<to>(s);
}
template <std::size_t Axis, class X, class... S>
constexpr bool stats_ok = Axis < X::ndim && ((S::ndim == 1 && S::shape[0] == X::shape[Axis < X::ndim ? Axis : 0]) && ...);
}  // namespace surface

// (x - mean) * invstd (* weight + bias) with per-channel statistics (C) along Axis (tinygrad: axis 1).
template <std::size_t Axis = 1, TensorLike X, TensorLike W, TensorLike B, TensorLike M, TensorLike V>
auto batchnorm(const X& x, const W& weight, const B& bias, const M& mean, const V& invstd) {
  constexpr bool ok = surface::stats_ok<Axis, X, W, B, M, V>;
  CTGRAD_STATIC_CHECK(ok, "ctgrad::batchnorm: statistics must be (C) for the channel axis",
                      detail::Message{} << "ctgrad::batchnorm<" << Axis << ">: input " << X::shape << ", weight " << W::shape << ", bias " << B::shape
                                        << ", mean " << M::shape << ", invstd " << V::shape << " (each statistic must be (C))");
  if constexpr (ok) {
    auto y = (x - surface::along<Axis, X>(mean)) * surface::along<Axis, X>(weight) * surface::along<Axis, X>(invstd);
    return y + surface::along<Axis, X>(bias);
  }
}
template <std::size_t Axis = 1, TensorLike X, TensorLike M, TensorLike V>
auto batchnorm(const X& x, const M& mean, const V& invstd) {
  constexpr bool ok = surface::stats_ok<Axis, X, M, V>;
  CTGRAD_STATIC_CHECK(ok, "ctgrad::batchnorm: statistics must be (C) for the channel axis",
                      detail::Message{} << "ctgrad::batchnorm<" << Axis << ">: input " << X::shape << ", mean " << M::shape << ", invstd " << V::shape
                                        << " (each statistic must be (C))");
  if constexpr (ok) return (x - surface::along<Axis, X>(mean)) * surface::along<Axis, X>(invstd);
}

// x @ weight (+ bias), weight (in, out) as tinygrad's functional linear; a 1-D weight multiplies elementwise.
template <TensorLike X, TensorLike W>
auto linear(const X& x, const W& weight) {
  if constexpr (W::ndim == 1) return x * weight;
  else return x.matmul(weight);
}
template <TensorLike X, TensorLike W, TensorLike B>
auto linear(const X& x, const W& weight, const B& bias) {
  return ctgrad::linear(x, weight) + bias;
}

// In training mode (ctgrad::Train), zeroes each element with probability p and scales the rest by 1 / (1 - p);
// otherwise the identity. The mask comes from random.hpp's stream (manual_seed).
template <TensorLike X>
auto dropout(const X& x, double p = 0.5) {
  auto f = surface::as_float(x);
  using F = decltype(f);
  if (!training() || p == 0) return f;
  auto u = tensor_of_t<float, F::shape>::rand().to(x.device());
  return (u >= p).where(f, typename F::dtype(0)) * (1.0 / (1.0 - p));
}

// softmax(q k^T / sqrt(E) + mask) v over (..., L, E), (..., S, E), (..., S, Ev); a bool mask keeps where true.
template <TensorLike Q, TensorLike K, TensorLike V, TensorLike M>
auto scaled_dot_product_attention(const Q& q, const K& k, const V& v, const M& attn_mask, double dropout_p = 0.0, bool is_causal = false) {
  constexpr bool ok = Q::ndim >= 2 && K::ndim == Q::ndim && V::ndim == Q::ndim && Q::shape[Q::ndim - 1] == K::shape[K::ndim - 1] &&
                      K::shape[K::ndim - 2] == V::shape[V::ndim - 2];
  CTGRAD_STATIC_CHECK(ok, "ctgrad::scaled_dot_product_attention: query, key and value shapes do not fit",
                      detail::Message{} << "ctgrad::scaled_dot_product_attention: query " << Q::shape << ", key " << K::shape << ", value " << V::shape
                                        << " (need (...,L,E), (...,S,E), (...,S,Ev))");
  if constexpr (ok) {
    constexpr std::size_t L = Q::shape[Q::ndim - 2], S = K::shape[K::ndim - 2];
    auto fq = surface::as_float(q);
    using F = typename decltype(fq)::dtype;
    auto qk = fq.matmul(k.template transpose<K::ndim - 2, K::ndim - 1>()) * (1.0 / std::sqrt(static_cast<double>(Q::shape[Q::ndim - 1])));
    auto bias = [&] {
      if constexpr (std::is_same_v<typename M::dtype, bool>) return attn_mask.where(F(0), -std::numeric_limits<F>::infinity());
      else return attn_mask.template cast<F>();
    }();
    auto rows = surface::arange_on<std::int32_t, L>(q).template reshape<L, 1>();
    auto cols = surface::arange_on<std::int32_t, S>(q).template reshape<1, S>();
    auto causal = (cols <= rows).where(F(0), is_causal ? -std::numeric_limits<F>::infinity() : F(0));
    return ctgrad::dropout(ctgrad::softmax<-1>(qk + bias + causal), dropout_p).matmul(v);
  }
}
template <TensorLike Q, TensorLike K, TensorLike V>
auto scaled_dot_product_attention(const Q& q, const K& k, const V& v, double dropout_p = 0.0, bool is_causal = false) {
  using NoMask = Tensor<std::conditional_t<(Q::ndim > 0), bool, void>, 1>;  // dependent: Tensor is incomplete here
  auto no_mask = NoMask::from_const(1.0, q.device());
  return ctgrad::scaled_dot_product_attention(q, k, v, no_mask, dropout_p, is_causal);
}

}  // namespace ctgrad
