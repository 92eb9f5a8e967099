#pragma once
// Normalization layers with torch.nn's state and defaults: BatchNorm (batch statistics and running-stat updates in
// training(), running statistics otherwise), LayerNorm, RMSNorm, GroupNorm, InstanceNorm (no affine state by default).
#include <limits>
#include <utility>

#include "ctgrad/nn/linear.hpp"

namespace ctgrad::nn {

namespace detail {
// The mean over every axis but the channel axis 1 of a (B,C), (B,C,L) or (B,C,H,W) tensor: (C).
template <class X>
auto channel_mean(const X& x) {
  if constexpr (X::ndim == 2) return x.template mean<0>();
  else if constexpr (X::ndim == 3) return x.template mean<0, 2>();
  else return x.template mean<0, 2, 3>();
}
// layernorm over the last sizeof...(I) axes
template <class X, std::size_t... I>
auto normalize_last(const X& x, double eps, std::index_sequence<I...>) {
  return x.template layernorm<(static_cast<int>(I) - static_cast<int>(sizeof...(I)))...>(eps);
}
// (B, C, rest...) normalized over each group of C/G channels with its spatial positions
template <std::size_t G, class X>
auto group_normalized(const X& x, double eps) {
  constexpr std::size_t B = X::shape[0];
  return x.template reshape<B, G, X::numel / B / G>().template layernorm<-1>(eps).template reshape_as<X::shape>();
}
// a (C) tensor shaped (C, 1, ...) to broadcast over the channel axis of X
template <class X, class T>
auto per_channel(const T& t) {
  constexpr auto to = [] {
    std::array<std::size_t, X::ndim - 1> s{};
    s.fill(1);
    s[0] = X::shape[1];
    return s;
  }();
  return t.template reshape_as<to>();
}
template <class X, std::size_t... D>
constexpr bool ends_with() {
  constexpr std::size_t k = sizeof...(D);
  constexpr std::array<std::size_t, k> d{D...};
  if (X::ndim < k) return false;
  for (std::size_t i = 0; i < k; ++i)
    if (X::shape[X::ndim - k + i] != d[i]) return false;
  return true;
}
// "ctgrad::nn::LayerNorm<4,5>"
template <std::size_t... D>
constexpr ::ctgrad::detail::Message layernorm_name() {
  ::ctgrad::detail::Message m{};
  m << "ctgrad::nn::LayerNorm<";
  std::size_t i = 0;
  ((m << (i++ ? "," : "") << D), ...);
  return m << ">";
}
template <class X>
constexpr bool channels_ok(std::size_t c, std::size_t min_rank, std::size_t max_rank) {
  return X::ndim >= min_rank && X::ndim <= max_rank && X::shape[X::ndim > 1 ? 1 : 0] == c;
}
}  // namespace detail

template <std::size_t C>
struct BatchNorm {
  Tensor<float, C> weight = Tensor<float, C>::ones().requires_grad_();
  Tensor<float, C> bias = Tensor<float, C>::zeros().requires_grad_();
  Tensor<float, C> running_mean = Tensor<float, C>::zeros();
  Tensor<float, C> running_var = Tensor<float, C>::ones();
  Tensor<std::int64_t> num_batches_tracked = Tensor<std::int64_t>::zeros();
  double eps = 1e-5, momentum = 0.1;
  CTGRAD_NN_MODULE(BatchNorm, weight, bias, running_mean, running_var, num_batches_tracked);

  // In training(): normalizes with the batch's mean and biased variance, and moves the running statistics toward
  // them (the variance unbiased, as torch does). The updates are lazy assigns: they run with the next realize.
  template <TensorLike X>
  auto operator()(const X& x) const {
    constexpr bool ok = detail::channels_ok<X>(C, 2, 4);
    CTGRAD_STATIC_CHECK(ok, "ctgrad::nn::BatchNorm: the input must be (B,C), (B,C,L) or (B,C,H,W)",
                        ::ctgrad::detail::Message{} << "ctgrad::nn::BatchNorm<" << C << ">: input " << X::shape << " does not fit weight "
                                                    << Tensor<float, C>::shape << " (need (B," << C << "), (B," << C << ",L) or (B," << C
                                                    << ",H,W))");
    if constexpr (ok) {
      if (!training()) return x.batchnorm(weight, bias, running_mean, (running_var + eps).rsqrt());
      auto mean = detail::channel_mean(x);
      auto var = detail::channel_mean((x - detail::per_channel<X>(mean)).square());
      constexpr double n = static_cast<double>(X::numel / C);
      {
        NoGrad no_grad;
        auto rm = running_mean, rv = running_var;  // handles: assigning them updates the module's tensors
        auto nbt = num_batches_tracked;
        rm.assign(running_mean * (1.0 - momentum) + mean.detach() * momentum);
        rv.assign(running_var * (1.0 - momentum) + var.detach() * (momentum * n / std::max(n - 1.0, 1.0)));
        nbt.assign(num_batches_tracked + std::int64_t{1});
      }
      return x.batchnorm(weight, bias, mean, (var + eps).rsqrt());
    }
  }
};

template <std::size_t... D>
struct LayerNorm {
  Tensor<float, D...> weight = Tensor<float, D...>::ones().requires_grad_();
  Tensor<float, D...> bias = Tensor<float, D...>::zeros().requires_grad_();
  double eps = 1e-5;
  CTGRAD_NN_MODULE(LayerNorm, weight, bias);

  template <TensorLike X>
  auto operator()(const X& x) const {
    constexpr bool ok = detail::ends_with<X, D...>();
    CTGRAD_STATIC_CHECK(ok, "ctgrad::nn::LayerNorm: the input's last dims must be the normalized shape",
                        detail::layernorm_name<D...>() << ": input " << X::shape
                                                    << " does not fit weight " << Tensor<float, D...>::shape
                                                    << " (the input must end in the weight's dims)");
    if constexpr (ok) return detail::normalize_last(x, eps, std::make_index_sequence<sizeof...(D)>{}) * weight + bias;
  }
};

// x / sqrt(mean(x^2) + eps) * weight over the last axis; eps defaults to float's epsilon, as torch's eps=None.
template <std::size_t D>
struct RMSNorm {
  Tensor<float, D> weight = Tensor<float, D>::ones().requires_grad_();
  double eps = std::numeric_limits<float>::epsilon();
  CTGRAD_NN_MODULE(RMSNorm, weight);

  template <TensorLike X>
  auto operator()(const X& x) const {
    constexpr bool ok = detail::ends_with<X, D>();
    CTGRAD_STATIC_CHECK(ok, "ctgrad::nn::RMSNorm: the input's last dim must be D",
                        ::ctgrad::detail::Message{} << "ctgrad::nn::RMSNorm<" << D << ">: input " << X::shape << " does not fit weight "
                                                    << Tensor<float, D>::shape << " (need (...," << D << "))");
    if constexpr (ok) return x * (x.square().template mean<X::ndim - 1>(keepdim) + eps).rsqrt() * weight;
  }
};

template <std::size_t G, std::size_t C>
struct GroupNorm {
  static_assert(G > 0 && C % G == 0, "ctgrad::nn::GroupNorm: C must be a multiple of G");
  Tensor<float, C> weight = Tensor<float, C>::ones().requires_grad_();
  Tensor<float, C> bias = Tensor<float, C>::zeros().requires_grad_();
  double eps = 1e-5;
  CTGRAD_NN_MODULE(GroupNorm, weight, bias);

  template <TensorLike X>
  auto operator()(const X& x) const {
    constexpr bool ok = detail::channels_ok<X>(C, 2, 8);
    CTGRAD_STATIC_CHECK(ok, "ctgrad::nn::GroupNorm: the input must be (B,C,...)",
                        ::ctgrad::detail::Message{} << "ctgrad::nn::GroupNorm<" << G << "," << C << ">: input " << X::shape << " does not fit weight "
                                                    << Tensor<float, C>::shape << " (need (B," << C << ",...))");
    if constexpr (ok) return detail::group_normalized<G>(x, eps) * detail::per_channel<X>(weight) + detail::per_channel<X>(bias);
  }
};

// Each (sample, channel) normalized over its spatial positions. torch's default has no affine state (Affine = false).
template <std::size_t C, bool Affine = false>
struct InstanceNorm {
  [[no_unique_address]] std::conditional_t<Affine, Tensor<float, C>, NoBias> weight = [] {
    if constexpr (Affine) return Tensor<float, C>::ones().requires_grad_();
    else return NoBias{};
  }();
  [[no_unique_address]] std::conditional_t<Affine, Tensor<float, C>, NoBias> bias = [] {
    if constexpr (Affine) return Tensor<float, C>::zeros().requires_grad_();
    else return NoBias{};
  }();
  double eps = 1e-5;
  CTGRAD_NN_MODULE(InstanceNorm, weight, bias);

  template <TensorLike X>
  auto operator()(const X& x) const {
    constexpr bool ok = detail::channels_ok<X>(C, 3, 8);
    CTGRAD_STATIC_CHECK(ok, "ctgrad::nn::InstanceNorm: the input must be (B,C,L,...)",
                        ::ctgrad::detail::Message{} << "ctgrad::nn::InstanceNorm<" << C << ">: input " << X::shape << " does not fit (need (B," << C
                                                    << ",L,...))");
    if constexpr (ok) {
      auto y = detail::group_normalized<C>(x, eps);
      if constexpr (Affine) return y * detail::per_channel<X>(weight) + detail::per_channel<X>(bias);
      else return y;
    }
  }
};

}  // namespace ctgrad::nn
