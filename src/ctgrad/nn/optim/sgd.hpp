#pragma once
// SGD as torch.optim.SGD (dampening 0): g += wd * p; buf = momentum * buf + g; g = nesterov ? g + momentum * buf : buf;
// p -= lr * g. LARS as tinygrad's: a layer-wise trust ratio tcoef * |p| / (|g| + wd |p|), classic momentum.
#include <cmath>

#include "ctgrad/nn/optim/optimizer.hpp"

namespace ctgrad::nn::optim {

class SGD : public Optimizer {
 public:
  float momentum, weight_decay;
  bool nesterov;
  SGD(std::vector<AnyTensor> ps, float lr_, float momentum_ = 0, float weight_decay_ = 0, bool nesterov_ = false)
      : Optimizer(std::move(ps), lr_), momentum(momentum_), weight_decay(weight_decay_), nesterov(nesterov_) {}

 protected:
  void update(const Slot& s, std::vector<Update>& out) override {
    using namespace graph;
    UOpPtr g = s.grad;
    if (weight_decay != 0) g = g + weight_decay * s.param;
    if (momentum != 0) {
      auto& buf = state(bufs_, s);
      auto b = momentum * value(buf) + g;
      set(out, buf, b);
      g = nesterov ? g + momentum * b : b;
    }
    set(out, s, s.param - learning_rate(s) * g);
  }

 private:
  std::vector<rt::ImplPtr> bufs_;
};

class LARS : public Optimizer {
 public:
  float momentum, weight_decay, tcoef;
  bool nesterov, classic, pre_wd;
  LARS(std::vector<AnyTensor> ps, float lr_ = 0.001f, float momentum_ = 0.9f, float weight_decay_ = 1e-4f, bool nesterov_ = false,
       bool classic_ = true, bool pre_wd_ = true, float tcoef_ = 0.001f)
      : Optimizer(std::move(ps), lr_), momentum(momentum_), weight_decay(weight_decay_), tcoef(tcoef_), nesterov(nesterov_), classic(classic_),
        pre_wd(pre_wd_) {}

 protected:
  void update(const Slot& s, std::vector<Update>& out) override {
    using namespace graph;
    UOpPtr g = s.grad;
    UOpPtr r = cnst(g, 1.0);
    if (tcoef != 0) {
      auto r1 = norm(s.param), r2 = norm(g);
      r = where_positive(r1, where_positive(r2, tcoef * r1 / (r2 + weight_decay * r1), r), r);
    }
    if (pre_wd && weight_decay > 0) g = g + weight_decay * s.param;
    auto lr_in = learning_rate(s);
    if (classic) g = g * r * lr_in;
    if (momentum != 0) {
      auto& buf = state(bufs_, s);
      auto b = momentum * value(buf) + g;
      set(out, buf, b);
      g = nesterov ? g + momentum * b : b;
    }
    if (!classic) g = g * r * lr_in;
    set(out, s, s.param - g);
  }

 private:
  std::vector<rt::ImplPtr> bufs_;
};

}  // namespace ctgrad::nn::optim
