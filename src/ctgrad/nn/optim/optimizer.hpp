#pragma once
// Optimizer: holds the parameters (AnyTensor handles) and the learning rate `lr`; step() builds every parameter's
// and state's new value as lazy nodes, realizes them all in one schedule (the updates fuse into few kernels), then
// binds them. zero_grad() drops the accumulated gradients. Subclasses give the math (tinygrad's _step).
#include <map>
#include <string>
#include <vector>

#include "ctgrad/nn/any_tensor.hpp"
#include "ctgrad/nn/optim/graph.hpp"

namespace ctgrad::nn::optim {

// A learning-rate schedule, computed on the device from the optimizer's step count: a step captured by ctgrad::jit
// follows it on replay, where `opt.lr = ...` set by the host between replays cannot reach the captured kernels.
struct LrSchedule {
  int cosine_steps = 0;  // > 0: lr * (1 + cos(pi * (t - 1) / cosine_steps)) / 2 at step t = 1, 2, ... (torch's
                         // CosineAnnealingLR with eta_min 0 and T_max = cosine_steps, stepped after each step)
};
inline LrSchedule cosine_decay(int steps) {
  if (steps <= 0) throw Error("ctgrad::nn::optim::cosine_decay: steps must be positive, got " + std::to_string(steps));
  return {steps};
}

class Optimizer {
 public:
  std::vector<AnyTensor> params;
  float lr;
  LrSchedule schedule;  // constant lr unless set: opt.schedule = nn::optim::cosine_decay(steps)

  Optimizer(std::vector<AnyTensor> ps, float lr_) : params(std::move(ps)), lr(lr_) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto& p = params[i];
      if (!p.defined() || !rt::is_float(p.dtype()))
        throw Error("ctgrad::nn::optim: parameter " + std::to_string(i) + " is " + (p.defined() ? p.describe() : std::string("empty")) +
                    ": an optimizer needs floating-point tensors");
    }
  }
  virtual ~Optimizer() = default;

  void zero_grad() {
    for (auto& p : params) p.impl()->grad.reset();
  }
  // One update of every parameter that has a gradient (one without is left alone, as torch does). `buffers`
  // (BatchNorm's running statistics: nn::state::get_buffers) are realized in the same schedule, so their lazy
  // updates neither pile up across steps nor cost kernels of their own.
  void step(const std::vector<AnyTensor>& buffers = {}) {
    NoGrad no_grad;
    ++steps_;
    counting_.clear();
    std::vector<Update> ups;
    for (std::size_t i = 0; i < params.size(); ++i) {
      const auto& impl = params[i].impl();
      if (!impl->grad) continue;
      Slot s{i, rt::detach_uop(impl->node()), rt::detach_uop(impl->grad->node()), impl->device};
      update(s, ups);
    }
    for (auto& [device, count] : counting_) ups.push_back({counts_[device], count});
    for (const auto& b : buffers)
      if (b.impl()->base->op != rt::Ops::Buffer) ups.push_back({b.impl(), rt::detach_uop(b.impl()->node())});
    std::vector<std::pair<rt::UOpPtr, std::string>> nodes;
    for (auto& u : ups) nodes.emplace_back(u.value, u.target->device);
    auto bufs = rt::realize_all(nodes);
    for (std::size_t k = 0; k < ups.size(); ++k) {
      const auto shape = ups[k].value->shape;
      auto fresh = rt::make_impl(rt::buffer_uop(bufs[k]), stack_of(contiguous(shape.rank, shape.shape)), ups[k].target->device);
      const rt::UOpPtr keep = ups[k].target->base;  // rt::assign reads the old node's shape after rebinding a leaf
      rt::assign(ups[k].target, *fresh);  // a parameter stays a requires-grad leaf; a state tensor becomes the buffer
    }
  }
  std::size_t steps() const { return steps_; }

 protected:
  struct Slot {
    std::size_t index;
    rt::UOpPtr param, grad;  // detached
    std::string device;
  };
  struct Update {
    rt::ImplPtr target;
    rt::UOpPtr value;
  };
  virtual void update(const Slot& s, std::vector<Update>& out) = 0;

  // A state tensor of the parameter (momentum, moments): zeros on first use, created lazily.
  rt::ImplPtr& state(std::vector<rt::ImplPtr>& slots, const Slot& s) {
    if (slots.size() < params.size()) slots.resize(params.size());
    auto& t = slots[s.index];
    if (!t) {
      const auto& shape = s.param->shape;
      t = rt::make_impl(graph::cnst(s.param, 0.0), stack_of(contiguous(shape.rank, shape.shape)), s.device);
    }
    return t;
  }
  static rt::UOpPtr value(const rt::ImplPtr& t) { return rt::detach_uop(t->node()); }
  // This step's number (1, 2, ...) as a one-element float32 node, counted on the device like any state tensor: a
  // ctgrad::jit replay, which runs no host code, advances it too (bias corrections from the host's count would stay
  // those of the captured step). Exact up to 2^24 steps.
  rt::UOpPtr step_number(const std::string& device) {
    if (auto it = counting_.find(device); it != counting_.end()) return it->second;
    auto& done = counts_[device];
    if (!done)  // a buffer of its own, not a constant: equal graphs of two optimizers would share one realized count
      done = rt::make_impl(graph::scalar_buffer(0, device), stack_of(contiguous(1, graph::shape_of({1}).shape)), device);
    using graph::operator+;
    return counting_[device] = value(done) + 1.0;
  }
  // This step's learning rate in the parameter's dtype and shape: lr as a scalar buffer (no kernel depends on its
  // value), times the schedule's factor of the step count.
  rt::UOpPtr learning_rate(const Slot& s) {
    using namespace graph;
    UOpPtr rate = input(lr, s.param, s.device);
    if (schedule.cosine_steps <= 0) return rate;
    constexpr double pi = 3.141592653589793;
    const UOpPtr t = step_number(s.device);  // cos(x) as sin(x + pi/2): the core has sin only
    UOpPtr factor = 0.5 * (sin((t + -1.0) * cnst(t, pi / schedule.cosine_steps) + pi / 2) + 1.0);
    if (s.param->dtype != rt::DType::Float32) factor = rt::make_uop(Ops::Cast, s.param->dtype, {factor}, {}, factor->shape);
    return rate * broadcast(factor, s.param->shape);
  }
  void set(std::vector<Update>& out, const Slot& s, rt::UOpPtr v) { out.push_back({params[s.index].impl(), std::move(v)}); }
  static void set(std::vector<Update>& out, const rt::ImplPtr& state, rt::UOpPtr v) { out.push_back({state, std::move(v)}); }

  std::size_t steps_ = 0;

 private:
  std::map<std::string, rt::ImplPtr> counts_;      // per device: the number of steps taken
  std::map<std::string, rt::UOpPtr> counting_;     // per device: this step's number (lazy), while step() runs
};

}  // namespace ctgrad::nn::optim
