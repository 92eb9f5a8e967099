#pragma once
// The hand-coded actions for GPU devices. Each thread computes a register tile (UPCAST) over a pair of output axes
// along which the reduction's two operands vary in turn (matmul's M and N: A varies along M and is broadcast along
// N, B the reverse), so every value it loads serves a row or a column of its tile. The threads of a block (LOCAL)
// cover a square of such tiles, the reduction is unrolled by 16 steps, and where the renderer has shared memory the
// block loads both operands' values for those steps into it together (STAGE: stage.hpp) instead of each thread
// loading its own. Only actions the PTX and SPIR-V renderers take: no vector lanes and no packed copies yet.
#include "ctgrad/runtime/block_reduce.hpp"
#include "ctgrad/runtime/opt/heuristic.hpp"

namespace ctgrad::rt::opt {

inline constexpr int kGpuTile = 8;       // outputs per thread along each axis of the pair, at most
inline constexpr int kGpuBlockSide = 16; // threads per block along each axis of the pair, at most (256 in all)
inline constexpr std::int64_t kGpuMinThreads = 1 << 13;  // tiles that leave fewer threads than this idle the GPU
inline constexpr int kGpuStagedSteps = 16;  // reduction steps per shared-memory fill (each fill costs two barriers), or 8

// Axis actions the GPU renderers can take (the rest are dropped from a forced list; STAGE is applied apart).
inline bool gpu_axis_action(const Opt& o) {
  return o.op != OptOp::Vectorize && o.op != OptOp::Pack && o.op != OptOp::Stage && o.op != OptOp::Inner;
}

// The largest of {cap, cap/2, ..., 2} that divides `size`; 1 when none does.
inline int largest_power_of_two_factor(std::int64_t size, int cap) {
  for (int c = cap; c >= 2; c /= 2)
    if (size % c == 0) return c;
  return 1;
}

// The register tile's axes: n, the innermost output axis some operand reads with unit stride (consecutive threads,
// coalesced loads); m, an output axis that operand is broadcast along and another operand, broadcast along n, varies
// along. n < 0 when there is no such pair.
struct TilePair {
  int n = -1, m = -1;
  int along_n = -1, along_m = -1;  // the operands (collect_facts numbering) that vary along n and along m
};

inline TilePair find_tile_pair(const OptKernel& k, const KernelFacts& f) {
  const auto& axes = k.axes();
  auto coef = [&](const UOpPtr& index, std::size_t axis) {
    std::unordered_map<const UOp*, std::optional<std::int64_t>> memo;
    return coefficient(index, axes[axis].var.get(), memo);
  };
  auto broadcast = [&](const Operand& o, std::size_t axis) { return coef(o.index, axis) == 0 && (!o.gate || coef(o.gate, axis) == 0); };
  auto varies = [&](const Operand& o, std::size_t axis) { auto s = coef(o.index, axis); return s && *s != 0; };
  auto output = [&](std::size_t i) { return axes[i].kind == AxisKind::Global && axes[i].size >= 2; };
  for (std::size_t i = axes.size(); i-- > 0;) {
    if (!output(i)) continue;
    for (std::size_t p = 0; p < f.operands.size(); ++p) {
      if (coef(f.operands[p].index, i) != 1) continue;
      for (std::size_t j = 0; j < axes.size(); ++j) {
        if (j == i || !output(j) || !broadcast(f.operands[p], j)) continue;
        for (std::size_t q = 0; q < f.operands.size(); ++q)
          if (q != p && varies(f.operands[q], j) && broadcast(f.operands[q], i))
            return {static_cast<int>(i), static_cast<int>(j), static_cast<int>(p), static_cast<int>(q)};
      }
    }
  }
  return {};
}

inline std::vector<Opt> gpu_opts(const OptKernel& k, bool shared_memory) {
  KernelFacts f;
  std::unordered_set<const UOp*> seen;
  collect_facts(k.ast(), false, f, seen);
  // a reduction this long is left to the block per output: tiles would only lengthen each thread's serial loop
  if (!f.acc || f.operands.size() < 2 || k.lowered().reduce_size >= block_reduce::kLongTrip) return {};
  const auto& axes = k.axes();
  const TilePair pair = find_tile_pair(k, f);
  const int n = pair.n, m = pair.m;
  if (n < 0) return {};
  const std::int64_t n_size = axes[static_cast<std::size_t>(n)].size, m_size = axes[static_cast<std::size_t>(m)].size;
  const std::int64_t outputs = output_count(axes);
  // the block first, innermost in each axis: a thread's tile values are a block-width apart, so the threads of a warp
  // read consecutive addresses (coalesced global loads, conflict-free shared ones) and store consecutive outputs
  const int bm = largest_power_of_two_factor(m_size, kGpuBlockSide), bn = largest_power_of_two_factor(n_size, kGpuBlockSide);
  const bool local = bm * bn >= 64;  // smaller blocks would cap the threads an SM holds (blocks per SM are limited)
  int tm = largest_power_of_two_factor(local ? m_size / bm : m_size, kGpuTile);
  int tn = largest_power_of_two_factor(local ? n_size / bn : n_size, kGpuTile);
  while (tm * tn > 1 && outputs / (tm * tn) < kGpuMinThreads) (tm >= tn ? tm : tn) /= 2;
  if (!local && tm * tn == 1) return {};
  std::vector<Opt> opts;
  if (local && bm > 1) opts.push_back({OptOp::Local, m, bm});
  if (local && bn > 1) opts.push_back({OptOp::Local, n, bn});  // n last: innermost in g, consecutive threads along n
  if (tm > 1) opts.push_back({OptOp::Upcast, m, tm});
  if (tn > 1) opts.push_back({OptOp::Upcast, n, tn});
  if (!local) return opts;
  int reduced = -1;  // the innermost reduced axis: unrolled, and the loop a staged fill sits in
  for (std::size_t i = 0; i < axes.size(); ++i)
    if (axes[i].kind == AxisKind::Reduce) reduced = static_cast<int>(i);
  if (reduced < 0) return opts;
  const std::int64_t steps = axes[static_cast<std::size_t>(reduced)].size;
  const int unroll = steps % kGpuStagedSteps == 0 ? kGpuStagedSteps : steps % 8 == 0 ? 8 : 0;
  if (unroll == 0) return opts;
  opts.push_back({OptOp::Unroll, reduced, unroll});  // unstaged too: fewer loop branches, loads of 16 steps in flight
  if (!shared_memory) return opts;
  opts.push_back({OptOp::Stage, pair.along_n, 0});
  opts.push_back({OptOp::Stage, pair.along_m, 0});
  return opts;
}

}  // namespace ctgrad::rt::opt
