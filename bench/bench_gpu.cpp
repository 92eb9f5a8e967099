// GPU benchmarks, one table per GPU device present (CUDA, VULKAN), each beside PyTorch on the same GPU in the same run:
//  - the chain ((a*b+1).relu()*0.5-a) over 2^28 floats, end to end per call, vs the copy bandwidth torch measures;
//  - fp32 matmuls of 1024, 2048 and 4096 vs torch (cuBLAS, TF32 off), reported whatever the ratio;
//  - launch overhead: a whole realize() of a 16-element kernel, vs torch's tiny-op time.
// Usage: bench_gpu [path/to/peer_torch.py]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include <ctgrad/ctgrad.hpp>

using namespace ctgrad;

namespace {

template <class F>
double median_seconds(int reps, F&& f) {
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    auto t0 = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

std::map<std::string, double> run_peer(const std::string& script) {
  std::map<std::string, double> r;
  FILE* p = popen(("python3 " + script + " 2>/dev/null").c_str(), "r");
  if (!p) return r;
  char name[64];
  double v;
  while (std::fscanf(p, "%63s %lf", name, &v) == 2) r[name] = v;
  pclose(p);
  return r;
}

// An N x N fp32 matmul, median of 5 after a warm-up call (which compiles the kernel), beside torch's time.
template <std::size_t N>
void matmul(const std::string& dev, double torch_s) {
  auto m = Tensor<float, N, N>::rand().to(dev).realize(), k = Tensor<float, N, N>::rand().to(dev).realize();
  auto once = [&] {
    m.matmul(k).realize();
    Device::synchronize(dev);
  };
  once();
  const double s = median_seconds(5, once);
  const double flop = 2.0 * N * N * N;
  std::printf("  matmul %4zu fp32, ms         %12.3f %12.3f %14.3f  (%.1f vs %.1f TFLOP/s)\n", N, s * 1e3, torch_s * 1e3, torch_s / s,
              flop / s * 1e-12, flop / torch_s * 1e-12);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  const auto peer = run_peer(argc > 1 ? argv[1] : "bench/peer_torch.py");
  auto get = [&](const char* k) { auto it = peer.find(k); return it == peer.end() ? -1.0 : it->second; };
  const double copy_bw = get("copy_bytes_per_s");
  constexpr std::size_t N = std::size_t{1} << 28;
  constexpr double kChainBytes = 3.0 * N * sizeof(float);
  std::printf("peer (PyTorch) copy bandwidth: %.0f GB/s%s\n", copy_bw * 1e-9, copy_bw < 0 ? " (torch or GPU not found)" : "");
  for (const std::string dev : {"CUDA", "VULKAN"}) {
    if (const auto info = Device::describe(dev); !info.available) {
      std::printf("\n%s: skipped (%s)\n", dev.c_str(), info.description.c_str());
      continue;
    }
    auto sync = [&] { Device::synchronize(dev); };
    std::printf("\n%s                         %12s %12s %14s\n", dev.c_str(), "ctgrad", "PyTorch", "ctgrad/torch");
    auto a = Tensor<float, N>::rand().to(dev).realize(), b = Tensor<float, N>::rand().to(dev).realize();
    const double chain = median_seconds(20, [&] {
      ((a * b + 1.0f).relu() * 0.5f - a).realize();
      sync();
    });
    std::printf("  chain 2^28, ms/call         %12.3f %12.3f %14.2f\n", chain * 1e3, get("torch_eager_chain_s") * 1e3,
                get("torch_eager_chain_s") / chain);
    std::printf("  chain vs torch.compile       %12.3f %12.3f %14.2f\n", chain * 1e3, get("torch_compile_chain_s") * 1e3,
                get("torch_compile_chain_s") / chain);
    std::printf("  chain GB/s (limit: copy)     %12.0f %12.0f %14.2f  (fraction of copy bandwidth)\n", kChainBytes / chain * 1e-9,
                copy_bw * 1e-9, kChainBytes / chain / copy_bw);
    matmul<1024>(dev, get("torch_matmul_1024_s"));
    matmul<2048>(dev, get("torch_matmul_2048_s"));
    matmul<4096>(dev, get("torch_matmul_4096_s"));
    auto tiny = Tensor<float, 16>::rand().to(dev).realize();
    const double launch = median_seconds(200, [&] {
      (tiny * 2.0f).realize();
      sync();
    });
    std::printf("  launch (16 floats), us       %12.2f %12.2f %14.2f\n", launch * 1e6, get("torch_launch_s") * 1e6, get("torch_launch_s") / launch);
  }
  return 0;
}
