#pragma once
// Linear<In, Out>: y = x @ weight.T + bias over the last axis, weight (Out, In), as torch.nn.Linear.
#include <cmath>

#include "ctgrad/nn/module.hpp"

namespace ctgrad::nn {

namespace detail {
// PyTorch's default init (tinygrad's too): kaiming_uniform(a = sqrt(5)) for the weight, i.e. U(-1/sqrt(fan_in), ..),
// and U(-1/sqrt(fan_in), 1/sqrt(fan_in)) for the bias.
template <class W>
W default_weight() {
  return W::kaiming_uniform(std::sqrt(5.0)).requires_grad_();
}
template <class B, class W>
B default_bias() {
  const double bound = 1.0 / std::sqrt(surface::fan_in<W>());
  return B::uniform(-bound, bound).requires_grad_();
}
template <bool Bias, class B, class W>
auto maybe_bias() {
  if constexpr (Bias) return default_bias<B, W>();
  else return NoBias{};
}
}  // namespace detail

template <std::size_t In, std::size_t Out, bool Bias = true>
struct Linear {
  using Weight = Tensor<float, Out, In>;
  Weight weight = detail::default_weight<Weight>();
  [[no_unique_address]] std::conditional_t<Bias, Tensor<float, Out>, NoBias> bias = detail::maybe_bias<Bias, Tensor<float, Out>, Weight>();
  CTGRAD_NN_MODULE(Linear, weight, bias);

  template <TensorLike X>
  auto operator()(const X& x) const {
    constexpr bool ok = X::ndim >= 1 && X::shape[X::ndim ? X::ndim - 1 : 0] == In;
    CTGRAD_STATIC_CHECK(ok, "ctgrad::nn::Linear: the input's last dim must be In",
                        ::ctgrad::detail::Message{} << "ctgrad::nn::Linear<" << In << "," << Out << (Bias ? "" : ",false") << ">: input " << X::shape
                                          << " does not fit weight " << Weight::shape << " (need (...," << In << "))");
    if constexpr (ok) {
      auto y = x.matmul(weight.template transpose<0, 1>());
      if constexpr (Bias) return y + bias;
      else return y;
    }
  }
};

}  // namespace ctgrad::nn
