#pragma once
// Activation functions, tinygrad's names, defaults and formulas; the scalars (slopes, alphas, bounds) are function
// arguments. Each is a short composition of primitive ops and fuses into its neighbours.
#include <cmath>
#include <numbers>

#include "ctgrad/surface/elementwise.hpp"

namespace ctgrad {

template <TensorLike X> auto relu6(const X& x) { return x.relu() - (x - 6).relu(); }
template <TensorLike X> auto leaky_relu(const X& x, double neg_slope = 0.01) { return (x < 0).where(x * neg_slope, x); }
template <TensorLike X> auto elu(const X& x, double alpha = 1.0) { return x.relu() - ((1.0 - x.exp()).relu() * alpha); }
template <TensorLike X> auto celu(const X& x, double alpha = 1.0) { return x.maximum(0) + (((x / alpha).exp() - 1.0) * alpha).minimum(0); }
template <TensorLike X>
auto selu(const X& x, double alpha = 1.67326, double gamma = 1.0507) {
  return (x >= 0).where(surface::as_float(x), (x.exp() - 1.0) * alpha) * gamma;
}
template <TensorLike X> auto silu(const X& x) { return x * x.sigmoid(); }
template <TensorLike X> auto swish(const X& x) { return ctgrad::silu(x); }
template <TensorLike X>
auto gelu(const X& x) {  // the tanh approximation, as tinygrad
  auto f = surface::as_float(x);
  return f * 0.5 * (1.0 + ((f + f * f * f * 0.044715) * std::sqrt(2.0 / std::numbers::pi)).tanh());
}
template <TensorLike X> auto quick_gelu(const X& x) { return x * (x * 1.702).sigmoid(); }
// log(1 + exp(beta x)) / beta, as max(z, 0) + log(1 + exp(-|z|)) so that large |z| neither overflows nor cancels
template <TensorLike X>
auto softplus(const X& x, double beta = 1.0) {
  auto z = surface::as_float(x) * beta;
  return (z.relu() + ((-z.abs()).exp() + 1.0).log()) * (1.0 / beta);
}
template <TensorLike X> auto logsigmoid(const X& x) { return -ctgrad::softplus(-surface::as_float(x)); }
template <TensorLike X> auto mish(const X& x) { return x * ctgrad::softplus(x).tanh(); }
template <TensorLike X> auto softsign(const X& x) { return x / (x.abs() + 1.0); }
template <TensorLike X> auto hardtanh(const X& x, double min_val = -1.0, double max_val = 1.0) { return ctgrad::clip(x, min_val, max_val); }
template <TensorLike X>
auto hardsigmoid(const X& x, double alpha = 1.0 / 6, double beta = 0.5) {
  auto y = x * alpha + beta;
  return y.relu() - (y - 1.0).relu();
}
template <TensorLike X> auto hardswish(const X& x) { return x * ctgrad::relu6(x + 3) * (1.0 / 6); }

}  // namespace ctgrad
