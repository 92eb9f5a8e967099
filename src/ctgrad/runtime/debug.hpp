#pragma once
// DEBUG levels (as tinygrad's) and the global counters tests and benchmarks read.
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace ctgrad::rt {

// DEBUG=1: kernels and time per realize; 2: each kernel with shape, time, GB/s, GFLOP/s; 3: applied optimizations;
// 4: generated source; 5: UOps. Read once; tests may override it with set_debug_level.
inline int& debug_level() {
  static int level = [] {
    const char* s = std::getenv("DEBUG");
    return s ? std::atoi(s) : 0;
  }();
  return level;
}
inline void set_debug_level(int level) { debug_level() = level; }

inline std::string getenv_or(const char* name, const std::string& fallback) {
  const char* s = std::getenv(name);
  return s && *s ? std::string(s) : fallback;
}

struct Counters {
  std::atomic<std::int64_t> kernels_run{0};
  std::atomic<std::int64_t> bytes_moved{0};
  std::atomic<std::int64_t> flops{0};
  std::atomic<std::int64_t> kernels_compiled{0};  // compiler invocations (cache misses)
  std::atomic<std::int64_t> compile_ns{0};
  std::atomic<std::int64_t> disk_cache_hits{0};
  std::atomic<std::int64_t> memory_cache_hits{0};
  void reset() {
    kernels_run = 0, bytes_moved = 0, flops = 0, kernels_compiled = 0, compile_ns = 0, disk_cache_hits = 0, memory_cache_hits = 0;
  }
};
inline Counters& counters() {
  static Counters c;
  return c;
}

}  // namespace ctgrad::rt
