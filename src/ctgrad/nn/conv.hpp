#pragma once
// Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d: torch.nn's layers (square kernels, one stride, padding and
// dilation for every spatial dim) over the surface's conv2d / conv_transpose2d; the 1-d ones as 2-d with height 1.
#include "ctgrad/nn/linear.hpp"

namespace ctgrad::nn {

namespace detail {
// "<1,8,3>" or, with any non-default, "<1,8,3,2,1,1,1>" (stride, padding, dilation, groups), then ",false" without bias.
constexpr ::ctgrad::detail::Message conv_name(const char* name, std::size_t in, std::size_t out, std::size_t k, std::size_t s, std::size_t p,
                                           std::size_t d, std::size_t g, bool bias) {
  ::ctgrad::detail::Message m{};
  m << "ctgrad::nn::" << name << "<" << in << "," << out << "," << k;
  if (s != 1 || p != 0 || d != 1 || g != 1 || !bias) m << "," << s << "," << p << "," << d << "," << g;
  if (!bias) m << ",false";
  return m << ">";
}
// A convolution's window fits: n + 2p >= d (k - 1) + 1.
constexpr bool window_fits(std::size_t n, std::size_t k, std::size_t p, std::size_t d) { return n + 2 * p >= d * (k - 1) + 1; }
}  // namespace detail

template <std::size_t InC, std::size_t OutC, std::size_t K, std::size_t Stride = 1, std::size_t Padding = 0, std::size_t Dilation = 1,
          std::size_t Groups = 1, bool Bias = true>
struct Conv2d {
  static_assert(Groups > 0 && InC % Groups == 0 && OutC % Groups == 0, "ctgrad::nn::Conv2d: InC and OutC must be multiples of Groups");
  using Weight = Tensor<float, OutC, InC / Groups, K, K>;
  Weight weight = detail::default_weight<Weight>();
  [[no_unique_address]] std::conditional_t<Bias, Tensor<float, OutC>, NoBias> bias = detail::maybe_bias<Bias, Tensor<float, OutC>, Weight>();
  CTGRAD_NN_MODULE(Conv2d, weight, bias);

  template <TensorLike X>
  auto operator()(const X& x) const {
    constexpr bool ok = X::ndim == 4 && X::shape[1] == InC && detail::window_fits(X::shape[2 % X::ndim], K, Padding, Dilation) &&
                        detail::window_fits(X::shape[3 % X::ndim], K, Padding, Dilation);
    CTGRAD_STATIC_CHECK(ok, "ctgrad::nn::Conv2d: the input must be (B,InC,H,W) with room for the kernel",
                        detail::conv_name("Conv2d", InC, OutC, K, Stride, Padding, Dilation, Groups, Bias)
                            << ": input " << X::shape << " does not fit weight " << Weight::shape << " (need (B," << InC << ",H,W))");
    if constexpr (ok) {
      if constexpr (Bias) return x.template conv2d<Stride, Padding, Dilation, Groups>(weight, bias);
      else return x.template conv2d<Stride, Padding, Dilation, Groups>(weight);
    }
  }
};

template <std::size_t InC, std::size_t OutC, std::size_t K, std::size_t Stride = 1, std::size_t Padding = 0, std::size_t Dilation = 1,
          std::size_t Groups = 1, bool Bias = true>
struct Conv1d {
  static_assert(Groups > 0 && InC % Groups == 0 && OutC % Groups == 0, "ctgrad::nn::Conv1d: InC and OutC must be multiples of Groups");
  using Weight = Tensor<float, OutC, InC / Groups, K>;
  Weight weight = detail::default_weight<Weight>();
  [[no_unique_address]] std::conditional_t<Bias, Tensor<float, OutC>, NoBias> bias = detail::maybe_bias<Bias, Tensor<float, OutC>, Weight>();
  CTGRAD_NN_MODULE(Conv1d, weight, bias);

  template <TensorLike X>
  auto operator()(const X& x) const {
    constexpr bool ok = X::ndim == 3 && X::shape[1] == InC && detail::window_fits(X::shape[2 % X::ndim], K, Padding, Dilation);
    CTGRAD_STATIC_CHECK(ok, "ctgrad::nn::Conv1d: the input must be (B,InC,L) with room for the kernel",
                        detail::conv_name("Conv1d", InC, OutC, K, Stride, Padding, Dilation, Groups, Bias)
                            << ": input " << X::shape << " does not fit weight " << Weight::shape << " (need (B," << InC << ",L))");
    if constexpr (ok) {
      constexpr std::size_t B = X::shape[0], L = X::shape[2];
      auto x4 = x.template reshape<B, InC, 1, L>();
      auto w4 = weight.template reshape<OutC, InC / Groups, 1, K>();
      auto y = [&] {
        if constexpr (Bias) return x4.template conv2d<Hw{1, Stride}, Hw{0, Padding}, Hw{1, Dilation}, Groups>(w4, bias);
        else return x4.template conv2d<Hw{1, Stride}, Hw{0, Padding}, Hw{1, Dilation}, Groups>(w4);
      }();
      using Y = decltype(y);
      return y.template reshape<B, OutC, Y::shape[3]>();
    }
  }
};

// weight (InC, OutC/Groups, K, K), as torch's (its fan_in for the init is OutC/Groups * K * K, as torch's).
template <std::size_t InC, std::size_t OutC, std::size_t K, std::size_t Stride = 1, std::size_t Padding = 0, std::size_t OutputPadding = 0,
          std::size_t Dilation = 1, std::size_t Groups = 1, bool Bias = true>
struct ConvTranspose2d {
  static_assert(Groups > 0 && InC % Groups == 0 && OutC % Groups == 0, "ctgrad::nn::ConvTranspose2d: InC and OutC must be multiples of Groups");
  using Weight = Tensor<float, InC, OutC / Groups, K, K>;
  Weight weight = detail::default_weight<Weight>();
  [[no_unique_address]] std::conditional_t<Bias, Tensor<float, OutC>, NoBias> bias = detail::maybe_bias<Bias, Tensor<float, OutC>, Weight>();
  CTGRAD_NN_MODULE(ConvTranspose2d, weight, bias);

  template <TensorLike X>
  auto operator()(const X& x) const {
    constexpr bool ok = X::ndim == 4 && X::shape[1] == InC;
    CTGRAD_STATIC_CHECK(ok, "ctgrad::nn::ConvTranspose2d: the input must be (B,InC,H,W)",
                        detail::conv_name("ConvTranspose2d", InC, OutC, K, Stride, Padding, Dilation, Groups, Bias)
                            << ": input " << X::shape << " does not fit weight " << Weight::shape << " (need (B," << InC << ",H,W))");
    if constexpr (ok) {
      if constexpr (Bias) return x.template conv_transpose2d<Stride, Padding, OutputPadding, Dilation, Groups>(weight, bias);
      else return x.template conv_transpose2d<Stride, Padding, OutputPadding, Dilation, Groups>(weight);
    }
  }
};

template <std::size_t InC, std::size_t OutC, std::size_t K, std::size_t Stride = 1, std::size_t Padding = 0, std::size_t OutputPadding = 0,
          std::size_t Dilation = 1, std::size_t Groups = 1, bool Bias = true>
struct ConvTranspose1d {
  static_assert(Groups > 0 && InC % Groups == 0 && OutC % Groups == 0, "ctgrad::nn::ConvTranspose1d: InC and OutC must be multiples of Groups");
  using Weight = Tensor<float, InC, OutC / Groups, K>;
  Weight weight = detail::default_weight<Weight>();
  [[no_unique_address]] std::conditional_t<Bias, Tensor<float, OutC>, NoBias> bias = detail::maybe_bias<Bias, Tensor<float, OutC>, Weight>();
  CTGRAD_NN_MODULE(ConvTranspose1d, weight, bias);

  template <TensorLike X>
  auto operator()(const X& x) const {
    constexpr bool ok = X::ndim == 3 && X::shape[1] == InC;
    CTGRAD_STATIC_CHECK(ok, "ctgrad::nn::ConvTranspose1d: the input must be (B,InC,L)",
                        detail::conv_name("ConvTranspose1d", InC, OutC, K, Stride, Padding, Dilation, Groups, Bias)
                            << ": input " << X::shape << " does not fit weight " << Weight::shape << " (need (B," << InC << ",L))");
    if constexpr (ok) {
      constexpr std::size_t B = X::shape[0], L = X::shape[2];
      auto x4 = x.template reshape<B, InC, 1, L>();
      auto w4 = weight.template reshape<InC, OutC / Groups, 1, K>();
      constexpr Hw s{1, Stride}, p{0, Padding}, op{0, OutputPadding}, d{1, Dilation};
      auto y = [&] {
        if constexpr (Bias) return x4.template conv_transpose2d<s, p, op, d, Groups>(w4, bias);
        else return x4.template conv_transpose2d<s, p, op, d, Groups>(w4);
      }();
      using Y = decltype(y);
      return y.template reshape<B, OutC, Y::shape[3]>();
    }
  }
};

}  // namespace ctgrad::nn
