#pragma once
// Realization: turn a lazy graph node into a buffer. Each node gets one fused kernel; what a kernel cannot fuse is
// realized first (recursively), so the kernels run in dependency order. Results are memoized on the node, so shared
// subgraphs are computed once.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "ctgrad/runtime/implementation.hpp"
//
#include "ctgrad/runtime/cache.hpp"
#include "ctgrad/runtime/capture.hpp"
#include "ctgrad/runtime/library.hpp"
#include "ctgrad/runtime/linearize.hpp"
#include "ctgrad/runtime/viz.hpp"

namespace ctgrad::rt {

struct RealizeStats {
  int kernels = 0;
  double seconds = 0;
};

namespace detail {

inline std::string shape_text(const NodeShape& s) {
  std::string out = "(";
  for (std::uint8_t d = 0; d < s.rank; ++d) out += (d ? "," : "") + std::to_string(s.shape[d]);
  return out + ")";
}

inline void check_buffers(const std::vector<std::shared_ptr<Buffer>>& params, Device& dev, const std::string& device) {
  for (auto& b : params) {
    if (b->device != device)
      throw DeviceError("ctgrad: a kernel on " + device + " reads a buffer on " + b->device + ": move it first with .to(\"" + device + "\")");
    if (!dev.supports(b->dtype)) throw DeviceError("ctgrad: device " + device + " does not support dtype " + name(b->dtype));
  }
}

inline void run_kernel(Device& dev, const KernelProgram& p, const std::vector<std::shared_ptr<Buffer>>& params,
                       const std::vector<std::string>& notes, const UOp& target, RealizeStats& stats, const UOp* ast = nullptr) {
  std::vector<DeviceBuffer*> bufs;  // allocated first: running out of memory is reported as such, before any compile
  for (auto& b : params) bufs.push_back(&b->storage());
  auto kernel = KernelCache::instance().get(dev, p);
  if (Capture* capture = active_capture()) capture->kernels.push_back({&dev, kernel, p, params});
  const bool timed = debug_level() >= 1 || viz::enabled();
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
  if (viz::enabled()) viz::Recorder::instance().kernel_ran(dev, p, notes, target, ast, s);
  if (debug_level() >= 2) {
    std::fprintf(stderr, "%-8s %-28s out %-16s %10.3f ms %8.2f GB/s %8.2f GFLOP/s\n", dev.name().c_str(), p.name.c_str(),
                 shape_text(target.shape).c_str(), s * 1e3, static_cast<double>(p.bytes) / s * 1e-9, static_cast<double>(p.flops) / s * 1e-9);
  }
  if (debug_level() >= 3)
    for (auto& note : notes) std::fprintf(stderr, "         opt: %s\n", note.c_str());
}

// A graph's structure with its input buffers abstracted: graphs with equal keys lower to the same kernel program,
// so a training loop that rebuilds the same graph over new buffers skips lowering (the host-overhead fast path).
struct GraphKey {
  std::uint64_t hash = 0;
  std::vector<std::shared_ptr<Buffer>> inputs;  // in first-visit order
};
inline GraphKey graph_key(const UOpPtr& root) {
  GraphKey key;
  std::unordered_map<const UOp*, std::uint64_t> memo;
  std::unordered_map<const Buffer*, std::size_t> ordinal;
  auto visit = [&](auto&& self, const UOp* n) -> std::uint64_t {
    if (auto it = memo.find(n); it != memo.end()) return it->second;
    std::uint64_t h;
    const auto& buf = n->op == Ops::Buffer ? n->buffer : n->realized;
    if (n->op == Ops::Adjoint && !buf) {
      h = self(self, n->src[0].get());  // its value; the gradient function's identity must not defeat the cache
    } else if (buf) {
      auto [it, fresh] = ordinal.emplace(buf.get(), key.inputs.size());
      if (fresh) key.inputs.push_back(buf);
      h = hash_mix(hash_mix(0xb0ffe7ull, static_cast<std::size_t>(buf->dtype) << 48 ^ static_cast<std::size_t>(buf->numel)), it->second);
      // a Buffer's identity is abstracted away, its shape is not (a leaf has the tensor's shape); a realized node keeps its own
      h = hash_mix(h, n->op == Ops::Buffer ? detail::local_hash_of(Ops::Buffer, n->dtype, {}, n->shape) : n->local_hash);
    } else {
      h = n->local_hash;
      for (auto& s : n->src) h = hash_mix(h, self(self, s.get()));
    }
    memo.emplace(n, h);
    return h;
  };
  key.hash = visit(visit, root.get());
  return key;
}

struct CachedSchedule {
  KernelProgram program;
  std::vector<std::size_t> param_inputs;  // params[i + 1] = inputs[param_inputs[i]]
  std::vector<std::string> notes;
};
inline constexpr std::size_t kMaxCachedSchedules = 4096;
inline std::unordered_map<std::string, CachedSchedule>& schedule_cache() {
  static std::unordered_map<std::string, CachedSchedule> cache;
  return cache;
}
inline std::mutex& schedule_mutex() {
  static std::mutex m;
  return m;
}

inline std::shared_ptr<Buffer> realize_node(const UOpPtr& node, const std::string& device, RealizeStats& stats) {
  if (node->op == Ops::Buffer) return node->buffer;
  if (node->realized) return node->realized;
  if (node->op == Ops::Detach || node->op == Ops::Adjoint) return node->realized = realize_node(node->src[0], device, stats);  // the same values
  if (debug_level() >= 5) std::cerr << "--- UOps of " << name(node->op) << " ---\n" << to_string(node);
  auto out = std::make_shared<Buffer>(device, node->dtype, node->numel());
  Device& dev = rt::device(device);
  GraphKey key = graph_key(node);
  const std::string cache_key = device + ":" + std::to_string(key.hash);
  {
    std::unique_lock lock(schedule_mutex());
    if (auto it = schedule_cache().find(cache_key); it != schedule_cache().end()) {
      const CachedSchedule& hit = it->second;
      std::vector<std::shared_ptr<Buffer>> params{out};
      for (auto i : hit.param_inputs) params.push_back(key.inputs.at(i));
      lock.unlock();
      check_buffers(params, dev, device);
      run_kernel(dev, hit.program, params, hit.notes, *node, stats);
      node->realized = out;
      return out;
    }
  }
  int sub_kernels = 0;
  KernelLowering lowering(node, out, [&](const UOpPtr& n) {
    ++sub_kernels;
    return realize_node(n, device, stats);
  });
  auto& lowered = lowering.result();
  check_buffers(lowered.params, dev, device);
  KernelProgram program = linearize(lowered);
  if (sub_kernels == 0) {  // a single-kernel graph: its schedule depends only on its structure
    CachedSchedule entry{program, {}, lowered.notes};
    std::unordered_map<const Buffer*, std::size_t> ordinal;
    for (std::size_t i = 0; i < key.inputs.size(); ++i) ordinal.emplace(key.inputs[i].get(), i);
    bool complete = true;
    for (std::size_t i = 1; i < lowered.params.size(); ++i) {
      auto it = ordinal.find(lowered.params[i].get());
      complete = complete && it != ordinal.end();
      if (it != ordinal.end()) entry.param_inputs.push_back(it->second);
    }
    std::lock_guard lock(schedule_mutex());
    if (schedule_cache().size() >= kMaxCachedSchedules) schedule_cache().clear();  // a bound, not an LRU: rebuilding is cheap
    if (complete) schedule_cache().emplace(cache_key, std::move(entry));
  }
  run_kernel(dev, program, lowered.params, lowered.notes, *node, stats, lowered.ast.get());
  node->realized = out;
  return out;
}

// The reductions of a schedule that more than one kernel would compute. A kernel fuses the first reduction it reaches
// through elementwise ops, so a reduction that two kernels reach that way (a convolution read by its ReLU and by the
// ReLU's backward mask) would be computed by each: those are realized first, once, innermost first. The kernels that
// may compute one are found by walking up from it through elementwise ops and views to where fusion ends: a schedule
// root, a reduction reading it, or the source of a padded view (realized on its own); a view of the reduction itself
// other than a reshape is read from the reduction's own kernel.
inline std::vector<std::pair<UOpPtr, std::string>> shared_reductions(const std::vector<std::pair<UOpPtr, std::string>>& roots) {
  std::unordered_map<const UOp*, std::vector<const UOp*>> parents;
  std::unordered_map<const UOp*, const std::string*> device_of;  // the device of the first root that reaches the node
  std::vector<UOpPtr> reductions;  // post-order: sources before their consumers
  auto fused_sources = [](const UOp& n) -> std::size_t { return n.op == Ops::Adjoint ? 1 : n.src.size(); };  // an Adjoint's other sources are for the gradient only
  auto visit = [&](auto&& self, const UOpPtr& n, const std::string* device) -> void {
    if (!device_of.emplace(n.get(), device).second || n->realized || n->op == Ops::Buffer) return;
    for (std::size_t i = 0; i < fused_sources(*n); ++i) {
      auto& ps = parents[n->src[i].get()];
      if (std::find(ps.begin(), ps.end(), n.get()) == ps.end()) ps.push_back(n.get());
      self(self, n->src[i], device);
    }
    if (n->op == Ops::Reduce) reductions.push_back(n);
  };
  std::unordered_set<const UOp*> is_root;
  for (auto& [node, device] : roots) {
    visit(visit, node, &device);
    is_root.insert(node.get());
  }
  std::vector<std::pair<UOpPtr, std::string>> shared;
  for (auto& r : reductions) {
    std::unordered_set<const UOp*> ends, seen{r.get()};
    std::vector<const UOp*> frontier{r.get()};
    while (!frontier.empty() && ends.size() < 2) {
      const UOp* n = frontier.back();
      frontier.pop_back();
      if (is_root.count(n)) ends.insert(n);
      for (const UOp* p : parents[n]) {
        if (p->op == Ops::Reduce) ends.insert(p);
        else if (p->op == Ops::View && n == r.get() && !is_plain_reshape(*p->arg.view, n->numel())) ends.insert(n);
        else if (p->op == Ops::View && has_mask(*p->arg.view)) ends.insert(n);
        else if (seen.insert(p).second) frontier.push_back(p);
      }
    }
    if (ends.size() >= 2) shared.emplace_back(r, *device_of[r.get()]);
  }
  return shared;
}

}  // namespace detail

CTGRAD_API std::vector<std::shared_ptr<Buffer>> realize_all(const std::vector<std::pair<UOpPtr, std::string>>& nodes) {
  RealizeStats stats;
  viz::RealizeScope viz_scope(nodes);
  auto t0 = std::chrono::steady_clock::now();
  for (auto& [node, device] : detail::shared_reductions(nodes)) detail::realize_node(node, device, stats);
  std::vector<std::shared_ptr<Buffer>> out;
  for (auto& [node, device] : nodes) out.push_back(detail::realize_node(node, device, stats));
  if (debug_level() >= 1 && stats.kernels > 0) {
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "realize: %d kernel%s for %zu output%s, %.3f ms in kernels, %.3f ms in all\n", stats.kernels, stats.kernels == 1 ? "" : "s",
                 nodes.size(), nodes.size() == 1 ? "" : "s", stats.seconds * 1e3, wall * 1e3);
  }
  return out;
}

CTGRAD_API std::shared_ptr<Buffer> realize(const UOpPtr& node, const std::string& device) { return realize_all({{node, device}})[0]; }

}  // namespace ctgrad::rt
