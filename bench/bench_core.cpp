// Core benchmarks (issue: dynamic core), one table:
//  (a) the chain ((a*b+1).relu()*0.5-a) over 2^24 floats, end to end per call (graph build, schedule, launch, run),
//      on each CPU device, beside numpy (when python3 with numpy is present) and memcpy measured in the same run;
//  (b) JIT compile time per kernel (median ms) per device, and the time of a cache hit;
//  (c) host overhead per op for a 100-op elementwise graph on a tiny tensor, after warm-up.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <ctgrad/ctgrad.hpp>

using namespace ctgrad;
using Clock = std::chrono::steady_clock;

namespace {

template <class F>
double median_seconds(int reps, F&& f) {
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    auto t0 = Clock::now();
    f();
    t.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

constexpr std::size_t N = std::size_t{1} << 24;
constexpr double kChainBytes = 3.0 * N * sizeof(float);  // read a and b, write the result

// numpy's time for the same chain (median of 10), or a negative value when python3/numpy is missing.
double numpy_seconds() {
  const char* script =
      "python3 -c \"import numpy as np,time\n"
      "a=np.random.rand(1<<24).astype(np.float32);b=np.random.rand(1<<24).astype(np.float32);t=[]\n"
      "for _ in range(10):\n"
      " s=time.perf_counter();r=np.maximum(a*b+1,0)*np.float32(0.5)-a;t.append(time.perf_counter()-s)\n"
      "print(sorted(t)[5])\" 2>/dev/null";
  FILE* p = popen(script, "r");
  if (!p) return -1;
  double s = -1;
  if (std::fscanf(p, "%lf", &s) != 1) s = -1;
  pclose(p);
  return s;
}

}  // namespace

int main() {
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  std::vector<float> src(N, 1.0f), dst(N);
  std::memcpy(dst.data(), src.data(), N * sizeof(float));
  // The copy limit with the same threads the kernels use: each pool thread copies its share.
  auto& pool = rt::ThreadPool::instance();
  const double copy_s = median_seconds(10, [&] {
    pool.run(pool.size(), [&](std::size_t c) {
      const std::size_t lo = N * c / pool.size(), hi = N * (c + 1) / pool.size();
      std::memcpy(dst.data() + lo, src.data() + lo, (hi - lo) * sizeof(float));
    });
    asm volatile("" : : "r"(dst.data()) : "memory");  // the copy is observed: the compiler may not drop it
  });
  const double copy_gbs = 2.0 * N * sizeof(float) / copy_s * 1e-9;  // memcpy reads and writes
  const double np_s = numpy_seconds();

  std::printf("ctgrad core benchmarks (2 cores; medians)\n\n");
  std::printf("(a) ((a*b+1).relu()*0.5-a) over 2^24 floats, end to end per call\n");
  std::printf("%-8s %10s %10s %14s %12s\n", "device", "ms/call", "GB/s", "vs copy bw", "vs numpy");
  std::printf("%-8s %10.2f %10.2f %14s %12s\n", "memcpy", copy_s * 1e3, copy_gbs, "1.00 (limit)", "");  // all pool threads
  if (np_s > 0) std::printf("%-8s %10.2f %10.2f %14.2f %12s\n", "numpy", np_s * 1e3, kChainBytes / np_s * 1e-9, kChainBytes / np_s * 1e-9 / copy_gbs, "1.00");
  else std::printf("%-8s %10s\n", "numpy", "(python3 with numpy not found)");

  struct Compile {
    std::string dev;
    double median_ms, hit_ms;
  };
  std::vector<Compile> compiles;
  for (const auto& dev : rt::device_names()) {
    if (dev == "CUDA" || dev == "VULKAN") continue;  // CPU devices here; GPU benchmarks live in their own programs
    auto a = Tensor<float, N>::rand().to(dev).realize(), b = Tensor<float, N>::rand().to(dev).realize();
    auto chain = [&] { return (((a * b + 1.0f).relu() * 0.5f - a)).realize(); };
    chain();
    const double s = median_seconds(20, chain);
    const double gbs = kChainBytes / s * 1e-9;
    std::printf("%-8s %10.2f %10.2f %14.2f %12s\n", dev.c_str(), s * 1e3, gbs, gbs / copy_gbs,
                np_s > 0 ? std::to_string(np_s / s).substr(0, 5).c_str() : "n/a");

    // (b) compile time: 20 distinct small kernels (different constants), cache disabled; then a memory-cache hit
    setenv("CTGRAD_DISK_CACHE", "0", 1);
    std::vector<double> ms;
    auto x = Tensor<float, 1024>::rand().to(dev).realize();
    for (int k = 0; k < 20; ++k) {
      auto before = rt::counters().compile_ns.load();
      ((x * static_cast<float>(1000 + k)).exp() + 1.0f).realize();
      ms.push_back(static_cast<double>(rt::counters().compile_ns.load() - before) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    unsetenv("CTGRAD_DISK_CACHE");
    const double hit = median_seconds(20, [&] { ((x * 1000.0f).exp() + 1.0f).realize(); });
    compiles.push_back({dev, ms[ms.size() / 2], hit * 1e3});
  }

  std::printf("\n(b) JIT compile time per small kernel (median of 20) and a cached call\n");
  std::printf("%-8s %14s %18s\n", "device", "compile ms", "cache-hit call ms");
  for (auto& c : compiles) std::printf("%-8s %14.2f %18.3f\n", c.dev.c_str(), c.median_ms, c.hit_ms);

  // (c) host overhead: 100 elementwise ops on 16 floats; the kernel itself is negligible
  std::printf("\n(c) host overhead, 100-op graph on 16 floats, after warm-up\n");
  std::printf("%-8s %14s %14s\n", "device", "us/graph", "us/op");
  for (const auto& dev : rt::device_names()) {
    if (dev == "CUDA" || dev == "VULKAN") continue;
    auto x = Tensor<float, 16>::rand().to(dev).realize();
    auto graph = [&] {
      auto y = x;
      for (int i = 0; i < 50; ++i) y = (y * 0.999f) + 0.001f;
      return y.realize();
    };
    graph();
    const double s = median_seconds(200, graph);
    std::printf("%-8s %14.2f %14.3f\n", dev.c_str(), s * 1e6, s * 1e6 / 100);
  }
  return 0;
}
