#pragma once
// ctgrad::jit (tinygrad's TinyJit): the first call runs f as usual (compiling its kernels), the second runs it while
// capturing every kernel it launches and every tensor it assigns, and later calls replay the captured kernels on the
// new inputs without building any graph. f takes its inputs as tensor arguments (their values are copied into the
// captured input buffers) and returns a tensor, a std::tuple of tensors, or nothing; the same result handles are
// returned by every replay, holding that replay's values. Tensors f assigns (parameters, optimizer state) keep
// working: before each replay their newest values move back into the buffers the captured kernels read.
#include <chrono>
#include <cstdio>
#include <tuple>
#include <type_traits>
#include <vector>

#include "ctgrad/ctgrad.hpp"
#include "ctgrad/runtime/capture.hpp"
#include "ctgrad/runtime/debug.hpp"

namespace ctgrad {

namespace detail {
template <class R, class Fn>
void for_each_tensor(const R& r, Fn&& fn) {
  if constexpr (TensorLike<R>) {
    fn(*r.impl());
  } else {
    std::apply([&](const auto&... t) { (fn(*t.impl()), ...); }, r);
  }
}
inline void copy_buffer(rt::Buffer& from, rt::Buffer& to) {
  if (from.numel != to.numel || from.dtype != to.dtype) throw Error("ctgrad::jit: a captured tensor changed its dtype or size between calls");
  std::vector<std::uint8_t> host(from.nbytes());
  from.copy_out(host.data());
  to.copy_in(host.data());
}
}  // namespace detail

template <class F>
class Jit {
 public:
  explicit Jit(F f) : f_(std::move(f)) {}

  template <class... Args, class R = std::invoke_result_t<F&, const Args&...>>
  R operator()(const Args&... args) {
    static_assert((TensorLike<Args> && ...), "ctgrad::jit: the function's arguments must be tensors (its inputs)");
    ++calls_;
    if (calls_ == 1) return f_(args...);
    if (calls_ == 2) return capture<R>(args...);
    replay(args...);
    if constexpr (!std::is_void_v<R>) return *static_cast<R*>(result_.get());
  }
  std::size_t captured_kernels() const { return capture_.kernels.size(); }
  // The last replay's wall time, and the part of it inside the kernels' run calls (on the CPU the kernels themselves;
  // on a GPU, which queues them, their launches): the rest is the jit's host work (copies of the inputs and state).
  struct ReplayTimes {
    double seconds = 0, in_kernels = 0;
  };
  const ReplayTimes& last_replay() const { return last_replay_; }

 private:
  // f runs on copies of the arguments in buffers of the jit's own: replays overwrite them, never a caller's tensor.
  template <class T>
  T own_copy(const T& t) {
    auto from = rt::contiguous_buffer(*t.impl());
    auto mine = std::make_shared<rt::Buffer>(t.device(), from->dtype, from->numel);
    detail::copy_buffer(*from, *mine);
    inputs_.push_back(mine);
    return T::from_buffer(mine, t.device());
  }
  template <class R, class... Args>
  R capture(const Args&... args) {
    auto own = std::tuple{own_copy(args)...};
    rt::active_capture() = &capture_;
    struct Stop {
      ~Stop() { rt::active_capture() = nullptr; }
    } stop;
    if constexpr (std::is_void_v<R>) {
      std::apply(f_, own);
      finish();
    } else {
      auto out = std::make_shared<R>(std::apply(f_, own));
      detail::for_each_tensor(*out, [](const rt::TensorImpl& t) { rt::contiguous_buffer(t); });  // computed inside the capture
      finish();
      result_ = out;
      return *out;
    }
  }
  // The tensors f assigned hold their new values in new buffers: realize the lazy ones now (inside the capture) and
  // remember which buffer each one's kernels read.
  void finish() {
    for (auto& a : capture_.assigns) {
      auto t = a.tensor.lock();
      if (!t) continue;
      auto after = rt::contiguous_buffer(*t);
      if (after != a.before) state_.push_back({after, a.before});
    }
    if (rt::debug_level() >= 1)
      std::fprintf(stderr, "jit: captured %zu kernels, %zu inputs, %zu state tensors\n", capture_.kernels.size(), inputs_.size(), state_.size());
  }
  template <class... Args>
  void replay(const Args&... args) {
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    double in_kernels = 0;
    std::size_t i = 0;
    (detail::copy_buffer(*rt::contiguous_buffer(*args.impl()), *inputs_[i++]), ...);
    for (auto& [after, before] : state_) detail::copy_buffer(*after, *before);
    std::vector<rt::DeviceBuffer*> bufs;
    for (auto& k : capture_.kernels) {
      bufs.clear();
      for (auto& b : k.params) bufs.push_back(&b->storage());
      const auto k0 = clock::now();
      k.kernel->run(bufs, k.program);
      in_kernels += std::chrono::duration<double>(clock::now() - k0).count();
    }
    rt::counters().kernels_run += static_cast<std::int64_t>(capture_.kernels.size());
    last_replay_ = {std::chrono::duration<double>(clock::now() - start).count(), in_kernels};
  }

  F f_;
  int calls_ = 0;
  rt::Capture capture_;
  std::vector<std::shared_ptr<rt::Buffer>> inputs_;
  std::vector<std::pair<std::shared_ptr<rt::Buffer>, std::shared_ptr<rt::Buffer>>> state_;  // (newest value, where kernels read it)
  std::shared_ptr<void> result_;
  ReplayTimes last_replay_;
};

template <class F>
Jit<F> jit(F f) {
  return Jit<F>(std::move(f));
}

}  // namespace ctgrad
