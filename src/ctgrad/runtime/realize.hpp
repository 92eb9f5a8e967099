#pragma once
// Realization: turn a lazy graph node into a buffer. Each node gets one fused kernel; what a kernel cannot fuse is
// realized first (recursively), so the kernels run in dependency order. Results are memoized on the node, so shared
// subgraphs are computed once.
#include <chrono>
#include <iostream>

#include "ctgrad/runtime/cache.hpp"
#include "ctgrad/runtime/linearize.hpp"

namespace ctgrad::rt {

struct RealizeStats {
  int kernels = 0;
  double seconds = 0;
};

namespace detail {

inline std::string shape_text(const View& s) {
  std::string out = "(";
  for (std::uint8_t d = 0; d < s.rank; ++d) out += (d ? "," : "") + std::to_string(s.shape[d]);
  return out + ")";
}

inline void run_kernel(Device& dev, const KernelProgram& p, const std::vector<std::shared_ptr<Buffer>>& params, const LoweredKernel& k,
                       const UOp& target, RealizeStats& stats) {
  auto kernel = KernelCache::instance().get(dev, p);
  std::vector<DeviceBuffer*> bufs;
  for (auto& b : params) bufs.push_back(&b->storage());
  const bool timed = debug_level() >= 1;
  auto t0 = std::chrono::steady_clock::now();
  kernel->run(bufs, p);
  if (timed) dev.synchronize();
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  auto& c = counters();
  ++c.kernels_run;
  c.bytes_moved += p.bytes;
  c.flops += p.flops;
  ++stats.kernels;
  stats.seconds += s;
  if (debug_level() >= 2) {
    std::fprintf(stderr, "%-8s %-28s out %-16s %10.3f ms %8.2f GB/s %8.2f GFLOP/s\n", dev.name().c_str(), p.name.c_str(),
                 shape_text(target.shape).c_str(), s * 1e3, static_cast<double>(p.bytes) / s * 1e-9, static_cast<double>(p.flops) / s * 1e-9);
  }
  if (debug_level() >= 3)
    for (auto& note : k.notes) std::fprintf(stderr, "         opt: %s\n", note.c_str());
}

inline std::shared_ptr<Buffer> realize_node(const UOpPtr& node, const std::string& device, RealizeStats& stats) {
  if (node->op == Ops::Buffer) return node->buffer;
  if (node->realized) return node->realized;
  if (debug_level() >= 5) std::cerr << "--- UOps of " << name(node->op) << " ---\n" << to_string(node);
  auto out = std::make_shared<Buffer>(device, node->dtype, node->numel());
  KernelLowering lowering(node, out, [&](const UOpPtr& n) { return realize_node(n, device, stats); });
  auto& lowered = lowering.result();
  for (auto& b : lowered.params)
    if (b->device != device)
      throw DeviceError("ctgrad: a kernel on " + device + " reads a buffer on " + b->device + ": move it first with .to(\"" + device + "\")");
  Device& dev = rt::device(device);
  for (auto& b : lowered.params)
    if (!dev.supports(b->dtype)) throw DeviceError("ctgrad: device " + device + " does not support dtype " + name(b->dtype));
  KernelProgram program = linearize(lowered);
  run_kernel(dev, program, lowered.params, lowered, *node, stats);
  node->realized = out;
  return out;
}

}  // namespace detail

// Computes `node` on `device` (and everything it needs); returns its buffer.
inline std::shared_ptr<Buffer> realize(const UOpPtr& node, const std::string& device) {
  RealizeStats stats;
  auto t0 = std::chrono::steady_clock::now();
  auto buf = detail::realize_node(node, device, stats);
  if (debug_level() >= 1 && stats.kernels > 0) {
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "realize: %d kernel%s on %s, %.3f ms in kernels, %.3f ms in all\n", stats.kernels, stats.kernels == 1 ? "" : "s",
                 device.c_str(), stats.seconds * 1e3, wall * 1e3);
  }
  return buf;
}

}  // namespace ctgrad::rt
