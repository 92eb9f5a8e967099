#pragma once
// LSTMCell<In, H>: one step of torch.nn.LSTMCell. Gates (i, f, g, o) in that order along weight_ih's rows; every
// tensor ~ U(-1/sqrt(H), 1/sqrt(H)) as torch's. cell(x, h, c) and cell(x) (zero state) return (h', c').
#include <cmath>
#include <tuple>

#include "ctgrad/nn/linear.hpp"

namespace ctgrad::nn {

template <std::size_t In, std::size_t H>
struct LSTMCell {
  template <class T>
  static T init() {
    const double bound = 1.0 / std::sqrt(static_cast<double>(H));
    return T::uniform(-bound, bound).requires_grad_();
  }
  Tensor<float, 4 * H, In> weight_ih = init<Tensor<float, 4 * H, In>>();
  Tensor<float, 4 * H, H> weight_hh = init<Tensor<float, 4 * H, H>>();
  Tensor<float, 4 * H> bias_ih = init<Tensor<float, 4 * H>>();
  Tensor<float, 4 * H> bias_hh = init<Tensor<float, 4 * H>>();
  CTGRAD_NN_MODULE(LSTMCell, weight_ih, weight_hh, bias_ih, bias_hh);

  template <TensorLike X, TensorLike Hs, TensorLike Cs>
  auto operator()(const X& x, const Hs& h, const Cs& c) const {
    constexpr std::size_t B = X::shape[0];
    constexpr bool ok = X::ndim == 2 && X::shape[X::ndim - 1] == In && Hs::ndim == 2 && Hs::shape == std::array<std::size_t, 2>{B, H} &&
                        Cs::ndim == 2 && Cs::shape == std::array<std::size_t, 2>{B, H};
    CTGRAD_STATIC_CHECK(ok, "ctgrad::nn::LSTMCell: the input must be (B,In) and the state (B,H)",
                        ::ctgrad::detail::Message{} << "ctgrad::nn::LSTMCell<" << In << "," << H << ">: input " << X::shape << ", h " << Hs::shape
                                                    << ", c " << Cs::shape << " do not fit weight_ih " << Tensor<float, 4 * H, In>::shape
                                                    << " (need (B," << In << "), (B," << H << "), (B," << H << "))");
    if constexpr (ok) {
      auto gates = x.matmul(weight_ih.template transpose<0, 1>()) + bias_ih + h.matmul(weight_hh.template transpose<0, 1>()) + bias_hh;
      auto i = gates.template slice<1, 0, H>().sigmoid(), f = gates.template slice<1, H, 2 * H>().sigmoid();
      auto g = gates.template slice<1, 2 * H, 3 * H>().tanh(), o = gates.template slice<1, 3 * H, 4 * H>().sigmoid();
      auto c2 = f * c + i * g;
      auto h2 = o * c2.tanh();
      return std::tuple{h2, c2};
    }
  }
  template <TensorLike X>
  auto operator()(const X& x) const {
    constexpr bool ok = X::ndim == 2;
    CTGRAD_STATIC_CHECK(ok, "ctgrad::nn::LSTMCell: the input must be (B,In)",
                        ::ctgrad::detail::Message{} << "ctgrad::nn::LSTMCell<" << In << "," << H << ">: input " << X::shape
                                                    << " does not fit weight_ih " << Tensor<float, 4 * H, In>::shape << " (need (B," << In << "))");
    if constexpr (ok) {
      using S = Tensor<float, X::shape[0], H>;
      return (*this)(x, S::zeros().to(x.device()), S::zeros().to(x.device()));
    }
  }
};

}  // namespace ctgrad::nn
