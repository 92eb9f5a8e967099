#pragma once
// Process-wide autograd and training modes (tinygrad's Tensor.no_grad and Tensor.training), switched by RAII guards.
namespace ctgrad {

namespace rt {
inline bool& grad_enabled_flag() {
  static bool on = true;
  return on;
}
inline bool& training_flag() {
  static bool on = false;
  return on;
}
}  // namespace rt

// Whether ops record a gradient graph now (false inside a NoGrad scope).
inline bool grad_enabled() { return rt::grad_enabled_flag(); }
// Whether training behaviour (dropout, batch statistics) is on now (true inside a Train scope).
inline bool training() { return rt::training_flag(); }

// Inside, results are cut from the gradient graph (inference, optimizer updates). Scopes nest.
class NoGrad {
 public:
  NoGrad() : saved_(rt::grad_enabled_flag()) { rt::grad_enabled_flag() = false; }
  ~NoGrad() { rt::grad_enabled_flag() = saved_; }
  NoGrad(const NoGrad&) = delete;
  NoGrad& operator=(const NoGrad&) = delete;

 private:
  bool saved_;
};

// Inside, training() is true. Scopes nest; Train guard(false) switches training off for a scope.
class Train {
 public:
  explicit Train(bool on = true) : saved_(rt::training_flag()) { rt::training_flag() = on; }
  ~Train() { rt::training_flag() = saved_; }
  Train(const Train&) = delete;
  Train& operator=(const Train&) = delete;

 private:
  bool saved_;
};

}  // namespace ctgrad
