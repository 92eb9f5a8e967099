#pragma once
// Where a lowered kernel gets its optimizations: none with NOOPT=1 or on GPU devices (their renderers take the
// unoptimized program for now), BEAM=n search results (beam.hpp), else the hand-coded heuristic. DEBUG=3 prints the
// actions applied to each kernel.
#include "ctgrad/runtime/cpu.hpp"
#include "ctgrad/runtime/opt/beam.hpp"
#include "ctgrad/runtime/opt/heuristic.hpp"
#include "ctgrad/runtime/opt/pack.hpp"
#include "ctgrad/runtime/opt/tile_linearize.hpp"

namespace ctgrad::rt {

inline bool optimizer_enabled() { return getenv_or("NOOPT", "0") == "0"; }

inline KernelProgram linearize(LoweredKernel& k) {
  const std::string& dev_name = k.params[0]->device;
  if (!optimizer_enabled() || dynamic_cast<CpuDeviceBase*>(&device(dev_name)) == nullptr) return linearize_unoptimized(k);
  opt::OptKernel ok(k);
  const int beam = std::stoi(getenv_or("BEAM", "0"));
  std::vector<opt::Opt> opts;
  // CTGRAD_OPTS="VECTORIZE(1,16) UPCAST(0,8)" forces one action list on every kernel (for experiments; illegal actions are skipped)
  if (const std::string forced = getenv_or("CTGRAD_OPTS", ""); !forced.empty()) {
    if (!opt::parse_opts(forced, opts)) throw Error("ctgrad: CTGRAD_OPTS: cannot parse '" + forced + "'");
  } else {
    opts = beam > 0 ? opt::beam_opts(k, beam) : opt::hand_coded_opts(ok);
  }
  for (auto& o : opts) ok.apply(o);
  // a reduction without actions still goes through the tile linearizer, for its index simplification (index_fold.hpp)
  if (ok.applied().empty() && !opt::has_reduce(ok)) return linearize_unoptimized(k);
  std::string packed;
  for (auto& o : opts)  // last: a packed layout follows the final axes
    if (o.op == opt::OptOp::Pack && opt::pack_load(ok, k, o.axis, packed)) ok.record(o);
  if (!ok.applied().empty()) k.notes.push_back("opts " + opt::to_string(ok.applied()) + (beam > 0 ? " (BEAM=" + std::to_string(beam) + ")" : "") + packed);
  return opt::TileLinearizer(ok, true).program();
}

}  // namespace ctgrad::rt
