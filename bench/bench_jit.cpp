// The jit's host time per training step: the flagship's step (forward, loss, backward, Adam, the BatchNorm running
// statistics) captured by ctgrad::jit and replayed on new batches. Host time is a replay's wall time outside the
// kernels: the copies of the inputs and of the state the step assigns, and the launch loop. The training issue's
// target is at most 1% of the step on the CPU. Random batches: the figure does not depend on the data.
// usage: bench_jit [REPLAYS=20]
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <ctgrad/jit.hpp>

#include "../examples/fashion_mnist/model.hpp"

using namespace example;

int main(int argc, char** argv) {
  constexpr std::size_t BS = 512;
  const int replays = argc > 1 ? std::max(1, std::atoi(argv[1])) : 20;
  manual_seed(0);
  Net net;
  nn::optim::Adam opt(nn::state::get_parameters(net));
  auto step = ctgrad::jit([&](const Tensor<float, BS, 1, 28, 28>& x, const Tensor<std::int32_t, BS>& y) {
    Train training;
    opt.zero_grad();
    auto loss = net(x).sparse_categorical_crossentropy(y);
    loss.backward();
    opt.step(nn::state::get_buffers(net));
    return loss;
  });
  auto batch = [] {
    return std::pair{Tensor<float, BS, 1, 28, 28>::randn().realize(), (Tensor<float, BS>::rand() * 10.0f).cast<std::int32_t>().realize()};
  };
  for (int warm = 0; warm < 3; ++warm) {  // run, capture, first replay
    auto [x, y] = batch();
    std::printf("warm-up call %d: loss %.4f\n", warm + 1, static_cast<double>(step(x, y).item()));
  }
  std::vector<double> step_ms, host_ms;
  for (int r = 0; r < replays; ++r) {
    auto [x, y] = batch();
    step(x, y);
    const auto& t = step.last_replay();
    step_ms.push_back(t.seconds * 1e3);
    host_ms.push_back((t.seconds - t.in_kernels) * 1e3);
  }
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  const double s = median(step_ms), h = median(host_ms);
  std::printf("\nflagship training step under ctgrad::jit, batch %zu, %s, %zu kernels, median of %d replays\n", BS, default_device().c_str(),
              step.captured_kernels(), replays);
  std::printf("step ms %10.2f\nhost ms %10.3f\nhost / step %6.2f%%   (target: at most 1%%)\n", s, h, 100 * h / s);
  return 0;
}
