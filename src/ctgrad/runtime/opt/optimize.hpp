#pragma once
// Where a lowered kernel gets its optimizations: none with NOOPT=1; on GPU devices the GPU heuristic's tiling
// (gpu_heuristic.hpp); on CPU devices BEAM=n search results (beam.hpp), else the hand-coded heuristic. DEBUG=3 prints
// the actions applied to each kernel.
#include "ctgrad/runtime/cpu.hpp"
#include "ctgrad/runtime/opt/beam.hpp"
#include "ctgrad/runtime/opt/gpu_heuristic.hpp"
#include "ctgrad/runtime/opt/heuristic.hpp"
#include "ctgrad/runtime/opt/pack.hpp"
#include "ctgrad/runtime/opt/stage.hpp"
#include "ctgrad/runtime/opt/tile_linearize.hpp"

namespace ctgrad::rt {

inline bool optimizer_enabled() { return getenv_or("NOOPT", "0") == "0"; }

// CTGRAD_OPTS="VECTORIZE(1,16) UPCAST(0,8)" forces one action list on every kernel (for experiments; illegal actions are skipped)
inline bool forced_opts(std::vector<opt::Opt>& opts) {
  const std::string forced = getenv_or("CTGRAD_OPTS", "");
  if (forced.empty()) return false;
  if (!opt::parse_opts(forced, opts)) throw Error("ctgrad: CTGRAD_OPTS: cannot parse '" + forced + "'");
  return true;
}

// GPU devices: tiling actions only (gpu_heuristic.hpp), STAGE where the renderer has shared memory; BEAM does not
// search them yet.
inline KernelProgram linearize_gpu(LoweredKernel& k, bool shared_memory) {
  opt::OptKernel ok(k);
  std::vector<opt::Opt> opts;
  if (!forced_opts(opts)) opts = opt::gpu_opts(ok, shared_memory);
  for (auto& o : opts)
    if (opt::gpu_axis_action(o)) ok.apply(o);
  for (auto& o : opts)  // last: the slots follow the final axes; only where the renderer has shared memory
    if (o.op == opt::OptOp::Stage && shared_memory) opt::stage_operand(ok, o.axis);
  if (ok.applied().empty()) {
    // a reduction of many outputs still goes through the tile linearizer: a loop per reduced axis instead of one
    // counter taken apart by div/mod, and index_fold.hpp's folding (without FMA: the same bits as NOOPT=1). Few
    // outputs or long reductions keep the flat loop the PTX renderer gives a block per output (ptx_reduce_plan.hpp).
    const bool block_per_output = k.global_size <= block_reduce::kMaxOutputs || k.reduce_size >= block_reduce::kLongTrip;
    if (!opt::has_reduce(ok) || block_per_output) return linearize_unoptimized(k);
    return opt::TileLinearizer(ok, false).program();
  }
  k.notes.push_back("opts " + opt::to_string(ok.applied()));
  return opt::TileLinearizer(ok, true).program();
}

inline KernelProgram linearize(LoweredKernel& k) {
  const std::string& dev_name = k.params[0]->device;
  if (!optimizer_enabled()) return linearize_unoptimized(k);
  if (Device& dev = device(dev_name); dynamic_cast<CpuDeviceBase*>(&dev) == nullptr) return linearize_gpu(k, dev.renders_shared_memory());
  opt::OptKernel ok(k);
  const int beam = std::stoi(getenv_or("BEAM", "0"));
  std::vector<opt::Opt> opts;
  if (!forced_opts(opts)) opts = beam > 0 ? opt::beam_opts(k, beam) : opt::hand_coded_opts(ok);
  for (auto& o : opts) ok.apply(o);  // STAGE is refused here: the CPU renderers have no shared memory
  // a reduction without actions still goes through the tile linearizer, for its index simplification (index_fold.hpp)
  if (ok.applied().empty() && !opt::has_reduce(ok)) return linearize_unoptimized(k);
  std::string packed;
  for (auto& o : opts)  // last: a packed layout follows the final axes
    if (o.op == opt::OptOp::Pack && opt::pack_load(ok, k, o.axis, packed)) ok.record(o);
  if (!ok.applied().empty()) k.notes.push_back("opts " + opt::to_string(ok.applied()) + (beam > 0 ? " (BEAM=" + std::to_string(beam) + ")" : "") + packed);
  return opt::TileLinearizer(ok, true).program();
}

}  // namespace ctgrad::rt
