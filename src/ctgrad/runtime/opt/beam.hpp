#pragma once
// BEAM=n: search over action lists by timing compiled candidates (placeholder until the search lands).
#include "ctgrad/runtime/opt/heuristic.hpp"

namespace ctgrad::rt::opt {

inline std::vector<Opt> beam_opts(const LoweredKernel& k, int) {
  OptKernel ok(k);
  return hand_coded_opts(ok);
}

}  // namespace ctgrad::rt::opt
