// Kernel optimizer benchmarks (issue: kernel optimizer), one table, one run, 2 threads:
//  (a) sgemm n x n x n for n = 256, 512, 1024, 2048: ctgrad LLVM (heuristic, and BEAM=2), ctgrad C, numpy (OpenBLAS
//      from pip), PyTorch CPU, and the FMA peak of this machine measured by a small AVX-512/AVX2 kernel;
//  (b) column and row sums of an 8192 x 8192 float32 matrix against the copy bandwidth measured in the same run.
// Every figure is the best of several runs (the machine is shared; the best run is the least disturbed one).
//
// Usage: bench_gemm [python]   (a python with numpy and torch, e.g. /tmp/peers/bin/python; default python3)
// The peers run as `env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE <python> bench/peer_cpu.py`: these machines set both
// variables and OpenBLAS then picks a slow kernel. Never change them in tests or CI.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>
#include <vector>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include <ctgrad/ctgrad.hpp>

using namespace ctgrad;
using Clock = std::chrono::steady_clock;

namespace {

template <class F>
double best_seconds(int reps, F&& f) {
  double best = 1e30;
  for (int i = 0; i < reps; ++i) {
    auto t0 = Clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - t0).count());
  }
  return best;
}

#if defined(__x86_64__)
// 24 independent FMA chains (more than the FMA latency times the FMA ports), so the loop runs at the FMA throughput.
__attribute__((target("avx512f"))) float fma_loop_512(long iters) {
  __m512 acc[24];
  for (int i = 0; i < 24; ++i) acc[i] = _mm512_set1_ps(static_cast<float>(i));
  const __m512 a = _mm512_set1_ps(0.999f), b = _mm512_set1_ps(1e-6f);
  for (long it = 0; it < iters; ++it)
    for (int i = 0; i < 24; ++i) acc[i] = _mm512_fmadd_ps(acc[i], a, b);
  __m512 s = acc[0];
  for (int i = 1; i < 24; ++i) s = _mm512_add_ps(s, acc[i]);
  return _mm512_reduce_add_ps(s);
}
__attribute__((target("avx2,fma"))) float fma_loop_256(long iters) {
  __m256 acc[12];
  for (int i = 0; i < 12; ++i) acc[i] = _mm256_set1_ps(static_cast<float>(i));
  const __m256 a = _mm256_set1_ps(0.999f), b = _mm256_set1_ps(1e-6f);
  for (long it = 0; it < iters; ++it)
    for (int i = 0; i < 12; ++i) acc[i] = _mm256_fmadd_ps(acc[i], a, b);
  __m256 s = acc[0];
  for (int i = 1; i < 12; ++i) s = _mm256_add_ps(s, acc[i]);
  float out[8];
  _mm256_storeu_ps(out, s);
  return out[0];
}
#endif

// FMA peak in GFLOP/s over the pool's threads (0 where no x86 vector FMA is available).
double fma_peak() {
#if defined(__x86_64__)
  const bool wide = __builtin_cpu_supports("avx512f");
  if (!wide && !__builtin_cpu_supports("fma")) return 0;
  auto& pool = rt::ThreadPool::instance();
  const long iters = 20'000'000;
  volatile float sink = 0;
  const double s = best_seconds(5, [&] {
    pool.run(pool.size(), [&](std::size_t) { sink = sink + (wide ? fma_loop_512(iters) : fma_loop_256(iters)); });
  });
  const double flops_per_iter = wide ? 24.0 * 16 * 2 : 12.0 * 8 * 2;
  return flops_per_iter * static_cast<double>(iters) * static_cast<double>(pool.size()) / s * 1e-9;
#else
  return 0;
#endif
}

void forget_schedules() {
  std::lock_guard lock(rt::detail::schedule_mutex());
  rt::detail::schedule_cache().clear();
}

template <std::size_t N>
double sgemm_gflops(const std::string& dev) {
  auto a = Tensor<float, N, N>::rand().to(dev).realize();
  auto b = Tensor<float, N, N>::rand().to(dev).realize();
  auto run = [&] { a.matmul(b).realize(); };
  run();  // compile (and, under BEAM, search)
  return 2.0 * N * N * N / best_seconds(N <= 1024 ? 20 : 5, run) * 1e-9;
}

// The peers' numbers by name (empty when python, numpy or torch is missing).
std::map<std::string, double> peers(const std::string& python, const std::string& script, const std::string& sizes, const std::string& matrix) {
  std::map<std::string, double> out;
  const std::string cmd = "env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE " + python + " " + script + " " + sizes + " " + matrix + " 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char name[64];
  double value;
  while (std::fscanf(p, "%63s %lf", name, &value) == 2) out[name] = value;
  pclose(p);
  return out;
}

std::string cell(const std::map<std::string, double>& m, const std::string& key) {
  auto it = m.find(key);
  if (it == m.end()) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", it->second);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  const std::string python = argc > 1 ? argv[1] : "python3";
  const std::string script = std::string(CTGRAD_SOURCE_ROOT) + "/bench/peer_cpu.py";
  constexpr std::size_t R = 8192, C = 8192;
  auto& pool = rt::ThreadPool::instance();

  std::vector<float> src(R * C, 1.0f), dst(R * C, 0.0f);
  const double copy_s = best_seconds(10, [&] {
    pool.run(pool.size(), [&](std::size_t c) {
      const std::size_t lo = R * C * c / pool.size(), hi = R * C * (c + 1) / pool.size();
      std::memcpy(dst.data() + lo, src.data() + lo, (hi - lo) * sizeof(float));
    });
    asm volatile("" : : "r"(dst.data()) : "memory");
  });
  const double copy_gbs = 2.0 * R * C * sizeof(float) / copy_s * 1e-9;  // read and written
  const double peak = fma_peak();

  std::map<std::string, double> ours;
  for (const std::string dev : {"LLVM", "C"}) {
    ours["sgemm_256_" + dev] = sgemm_gflops<256>(dev);
    ours["sgemm_512_" + dev] = sgemm_gflops<512>(dev);
    ours["sgemm_1024_" + dev] = sgemm_gflops<1024>(dev);
    ours["sgemm_2048_" + dev] = sgemm_gflops<2048>(dev);
    auto x = Tensor<float, R, C>::rand().to(dev).realize();
    x.sum<0>().realize();
    x.sum<1>().realize();
    ours["colsum_" + dev] = R * C * 4.0 / best_seconds(10, [&] { x.sum<0>().realize(); }) * 1e-9;
    ours["rowsum_" + dev] = R * C * 4.0 / best_seconds(10, [&] { x.sum<1>().realize(); }) * 1e-9;
  }
  setenv("BEAM", "2", 1);
  forget_schedules();
  ours["sgemm_256_BEAM"] = sgemm_gflops<256>("LLVM");
  ours["sgemm_512_BEAM"] = sgemm_gflops<512>("LLVM");
  ours["sgemm_1024_BEAM"] = sgemm_gflops<1024>("LLVM");
  ours["sgemm_2048_BEAM"] = sgemm_gflops<2048>("LLVM");
  unsetenv("BEAM");
  auto peer = peers(python, script, "256,512,1024,2048", std::to_string(R) + "x" + std::to_string(C));

  std::printf("ctgrad kernel optimizer benchmarks (%zu threads; best of 5-20 runs)\n\n", pool.size());
  std::printf("(a) sgemm n x n x n, float32, GFLOP/s (FMA peak of this machine: %.1f)\n", peak);
  std::printf("%6s %10s %12s %10s %10s %10s %14s %14s %10s\n", "n", "LLVM", "LLVM BEAM=2", "C", "numpy", "torch", "LLVM/numpy",
              "BEAM/numpy", "LLVM/peak");
  for (int n : {256, 512, 1024, 2048}) {
    const std::string k = std::to_string(n);
    const double np = peer.count("numpy_sgemm_" + k) ? peer["numpy_sgemm_" + k] : 0;
    auto ratio = [&](double v) { return np > 0 ? std::to_string(v / np).substr(0, 4) : std::string("n/a"); };
    std::printf("%6d %10.1f %12.1f %10.1f %10s %10s %14s %14s %10.2f\n", n, ours["sgemm_" + k + "_LLVM"], ours["sgemm_" + k + "_BEAM"],
                ours["sgemm_" + k + "_C"], cell(peer, "numpy_sgemm_" + k).c_str(), cell(peer, "torch_sgemm_" + k).c_str(),
                ratio(ours["sgemm_" + k + "_LLVM"]).c_str(), ratio(ours["sgemm_" + k + "_BEAM"]).c_str(),
                peak > 0 ? ours["sgemm_" + k + "_LLVM"] / peak : 0.0);
  }
  std::printf("\n(b) sums of a %zu x %zu float32 matrix, GB/s read (copy bandwidth, read + written: %.1f GB/s)\n", R, C, copy_gbs);
  std::printf("%-14s %10s %10s %10s %10s %12s %12s\n", "reduction", "LLVM", "C", "numpy", "torch", "LLVM/copy", "C/copy");
  for (const std::string op : {"colsum", "rowsum"}) {
    std::printf("%-14s %10.1f %10.1f %10s %10s %12.2f %12.2f\n", op == "colsum" ? "sum<0> (cols)" : "sum<1> (rows)", ours[op + "_LLVM"],
                ours[op + "_C"], cell(peer, "numpy_" + op).c_str(), cell(peer, "torch_" + op).c_str(), ours[op + "_LLVM"] / copy_gbs,
                ours[op + "_C"] / copy_gbs);
  }
  return 0;
}
