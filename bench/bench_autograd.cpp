// Autograd benchmark (issue: autograd), one table: forward+backward of a 3-layer MLP (784-512-512-10, batch 256, MSE
// loss) as one schedule: kernels per step, host time per step (building the forward graph and the backward graph,
// no kernel runs), the whole step's time, and the same step in PyTorch CPU with the same threads, side by side.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <ctgrad/ctgrad.hpp>

using namespace ctgrad;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }
double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

// PyTorch's step time in seconds, or a negative value (with the reason printed) when python3 or torch is missing.
double torch_seconds(std::size_t threads) {
  const std::string python = rt::getenv_or("CTGRAD_PYTHON", "python3");
  const std::string cmd = python + " " + CTGRAD_BENCH_DIR "/peer_mlp_torch.py " + std::to_string(threads) + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  double s = -1;
  char name[64];
  if (p && std::fscanf(p, "%63s %lf", name, &s) != 2) s = -1;
  if (p) pclose(p);
  if (s < 0) std::printf("(PyTorch peer skipped: %s has no torch; set CTGRAD_PYTHON to a python with torch)\n", python.c_str());
  return s;
}

}  // namespace

int main() {
  manual_seed(0);
  auto w1 = (Tensor<float, 784, 512>::randn() * 0.05f).requires_grad_();
  auto b1 = Tensor<float, 512>::zeros().requires_grad_();
  auto w2 = (Tensor<float, 512, 512>::randn() * 0.05f).requires_grad_();
  auto b2 = Tensor<float, 512>::zeros().requires_grad_();
  auto w3 = (Tensor<float, 512, 10>::randn() * 0.05f).requires_grad_();
  auto b3 = Tensor<float, 10>::zeros().requires_grad_();
  auto x = Tensor<float, 256, 784>::randn().realize();
  auto y = Tensor<float, 256, 10>::randn().realize();
  std::vector<double> host, step;
  std::int64_t kernels = 0;
  for (int it = 0; it < 6; ++it) {
    for (const rt::ImplPtr& p : {w1.impl(), b1.impl(), w2.impl(), b2.impl(), w3.impl(), b3.impl()}) p->grad.reset();
    const auto t0 = Clock::now();
    auto out = ((x.matmul(w1) + b1).relu().matmul(w2) + b2).relu().matmul(w3) + b3;
    auto loss = ((out - y) * (out - y)).mean();
    loss.backward();
    const double graph_s = seconds_since(t0);
    const std::int64_t before = rt::counters().kernels_run;
    realize(loss, w1.grad(), b1.grad(), w2.grad(), b2.grad(), w3.grad(), b3.grad());
    rt::device(x.device()).synchronize();
    if (it == 0) continue;  // compiles
    host.push_back(graph_s);
    step.push_back(seconds_since(t0));
    kernels = rt::counters().kernels_run - before;
  }
  const std::size_t threads = rt::ThreadPool::instance().size();
  const double torch_s = torch_seconds(threads);
  std::printf("\nMLP 784-512-512-10, batch 256, forward+backward, %s, %zu threads (median of %zu steps)\n", x.device().c_str(), threads, step.size());
  std::printf("%-34s %12s\n", "measure", "value");
  std::printf("%-34s %12lld\n", "kernels per step", static_cast<long long>(kernels));
  std::printf("%-34s %9.3f ms\n", "host time per step (graphs)", median(host) * 1e3);
  std::printf("%-34s %9.3f ms\n", "ctgrad step", median(step) * 1e3);
  if (torch_s > 0) {
    std::printf("%-34s %9.3f ms\n", "PyTorch CPU step", torch_s * 1e3);
    std::printf("%-34s %11.3fx\n", "ctgrad speed / PyTorch", torch_s / median(step));
  }
  return 0;
}
