#pragma once
// Muon as torch.optim.Muon (2-d parameters only): p *= 1 - lr * wd; buf = lerp(buf, g, 1 - momentum);
// u = nesterov ? lerp(g, buf, momentum) : buf; u = NewtonSchulz(u); p -= lr * sqrt(max(1, rows / cols)) * u.
// torch runs Newton-Schulz in bfloat16; ctgrad runs it in the parameter's dtype.
#include <algorithm>
#include <array>
#include <cmath>

#include "ctgrad/nn/optim/optimizer.hpp"

namespace ctgrad::nn::optim {

class Muon : public Optimizer {
 public:
  float weight_decay, momentum;
  bool nesterov;
  int ns_steps;
  float eps;
  std::array<double, 3> ns_coefficients{3.4445, -4.775, 2.0315};
  Muon(std::vector<AnyTensor> ps, float lr_ = 0.001f, float weight_decay_ = 0.1f, float momentum_ = 0.95f, bool nesterov_ = true, int ns_steps_ = 5,
       float eps_ = 1e-7f)
      : Optimizer(std::move(ps), lr_), weight_decay(weight_decay_), momentum(momentum_), nesterov(nesterov_), ns_steps(ns_steps_), eps(eps_) {
    for (std::size_t i = 0; i < params.size(); ++i)
      if (params[i].shape().size() != 2)
        throw Error("ctgrad::nn::optim::Muon: parameter " + std::to_string(i) + " is " + params[i].describe() + ": Muon takes 2-d parameters only");
  }

 protected:
  // The nearest semi-orthogonal matrix to u, by the quintic Newton-Schulz iteration on the wide orientation.
  graph::UOpPtr orthogonalized(graph::UOpPtr x) const {
    using namespace graph;
    const bool tall = x->shape.shape[0] > x->shape.shape[1];
    if (tall) x = transpose(x);
    x = x / maximum(norm(x), eps);
    const auto [a, b, c] = ns_coefficients;
    for (int k = 0; k < ns_steps; ++k) {
      auto gram = matmul(x, transpose(x));
      auto poly = b * gram + c * matmul(gram, gram);
      x = a * x + matmul(poly, x);
    }
    return tall ? transpose(x) : x;
  }
  void update(const Slot& s, std::vector<Update>& out) override {
    using namespace graph;
    auto& buf = state(bufs_, s);
    auto b = static_cast<double>(momentum) * value(buf) + (1.0 - momentum) * s.grad;
    set(out, buf, b);
    auto u = nesterov ? s.grad + static_cast<double>(momentum) * (b - s.grad) : b;
    const double rows = static_cast<double>(s.param->shape.shape[0]), cols = static_cast<double>(s.param->shape.shape[1]);
    auto lr_in = learning_rate(s);
    auto decayed = s.param - static_cast<double>(weight_decay) * (lr_in * s.param);
    set(out, s, decayed - std::sqrt(std::max(1.0, rows / cols)) * (lr_in * orthogonalized(u)));
  }

 private:
  std::vector<rt::ImplPtr> bufs_;
};

}  // namespace ctgrad::nn::optim
