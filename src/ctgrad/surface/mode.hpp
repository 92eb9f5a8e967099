#pragma once
// Training mode: what dropout (and later batchnorm's running statistics) ask. Off by default; on inside a Train
// guard, per thread, and guards nest (each restores what it found).
namespace ctgrad {

namespace detail {
inline bool& training_flag() {
  thread_local bool on = false;
  return on;
}
}  // namespace detail

inline bool training() { return detail::training_flag(); }

// { ctgrad::Train t; ... } runs the block in training mode.
struct Train {
  Train() : previous_(detail::training_flag()) { detail::training_flag() = true; }
  ~Train() { detail::training_flag() = previous_; }
  Train(const Train&) = delete;
  Train& operator=(const Train&) = delete;

 private:
  bool previous_;
};

}  // namespace ctgrad
