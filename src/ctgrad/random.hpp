#pragma once
// Random numbers: a counter-based generator (splitmix64 of seed and counter) run on the host, so the same seed gives
// the same numbers on every device.
#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

namespace ctgrad {

namespace random {
struct State {
  std::uint64_t seed = 0;
  std::uint64_t counter = 0;
};
inline State& state() {
  static State s;
  return s;
}
inline std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}
// n values uniform in [0, 1) with 24 random bits each (exact in float).
inline std::vector<double> uniform(std::size_t n) {
  auto& s = state();
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i) out[i] = static_cast<double>(splitmix64(s.seed ^ splitmix64(s.counter++)) >> 40) / 16777216.0;
  return out;
}
// n standard normal values (Box-Muller over pairs of uniforms).
inline std::vector<double> normal(std::size_t n) {
  auto u = uniform(2 * n);
  std::vector<double> out(n);
  for (std::size_t i = 0; i < n; ++i)
    out[i] = std::sqrt(-2.0 * std::log(1.0 - u[2 * i])) * std::cos(2.0 * std::numbers::pi * u[2 * i + 1]);
  return out;
}
}  // namespace random

inline void manual_seed(std::uint64_t seed) { random::state() = {seed, 0}; }

}  // namespace ctgrad
