#pragma once
// LAMB as tinygrad's (Adam's moments, bias-corrected, times a layer-wise trust ratio |p| / |update|); Adam and AdamW
// are LAMB without the ratio, as in tinygrad, which is exactly torch.optim.Adam / AdamW (decoupled weight decay):
// p -= lr * (m_hat / (sqrt(v_hat) + eps) + wd * p).
#include <cmath>

#include "ctgrad/nn/optim/optimizer.hpp"

namespace ctgrad::nn::optim {

class LAMB : public Optimizer {
 public:
  float b1, b2, eps, weight_decay;
  bool adam;
  LAMB(std::vector<AnyTensor> ps, float lr_ = 0.001f, float b1_ = 0.9f, float b2_ = 0.999f, float eps_ = 1e-6f, float weight_decay_ = 0,
       bool adam_ = false)
      : Optimizer(std::move(ps), lr_), b1(b1_), b2(b2_), eps(eps_), weight_decay(weight_decay_), adam(adam_) {}

 protected:
  void update(const Slot& s, std::vector<Update>& out) override {
    using namespace graph;
    const auto t = step_number(s.device);  // the bias corrections use this step's count, as torch's
    auto& m = state(m_, s);
    auto& v = state(v_, s);
    auto m1 = static_cast<double>(b1) * value(m) + (1.0 - b1) * s.grad;
    auto v1 = static_cast<double>(b2) * value(v) + (1.0 - b2) * (s.grad * s.grad);
    set(out, m, m1);
    set(out, v, v1);
    auto m_hat = m1 / (cnst(m1, 1.0) - power(b1, t, m1));
    auto v_hat = v1 / (cnst(v1, 1.0) - power(b2, t, v1));
    auto up = m_hat / (sqrt(v_hat) + eps);
    if (weight_decay != 0) up = up + weight_decay * s.param;
    UOpPtr scale = learning_rate(s);
    if (!adam) {
      auto r1 = norm(s.param), r2 = norm(up), one = cnst(r1, 1.0);
      scale = scale * where_positive(r1, where_positive(r2, r1 / r2, one), one);
    }
    set(out, s, s.param - scale * up);
  }

 private:
  std::vector<rt::ImplPtr> m_, v_;
};

class Adam : public LAMB {
 public:
  Adam(std::vector<AnyTensor> ps, float lr_ = 0.001f, float b1_ = 0.9f, float b2_ = 0.999f, float eps_ = 1e-8f)
      : LAMB(std::move(ps), lr_, b1_, b2_, eps_, 0.0f, true) {}
};

class AdamW : public LAMB {
 public:
  AdamW(std::vector<AnyTensor> ps, float lr_ = 0.001f, float b1_ = 0.9f, float b2_ = 0.999f, float eps_ = 1e-8f, float weight_decay_ = 0.01f)
      : LAMB(std::move(ps), lr_, b1_, b2_, eps_, weight_decay_, true) {}
};

}  // namespace ctgrad::nn::optim
