#pragma once
// VIZ=1 (tinygrad's VIZ for ctgrad): records what each realize did — its graph, the kernels it became, each kernel's
// UOps at every stage (fused graph, kernel AST, linearized program), the optimizer's actions, the rendered source and
// the time — and writes it at exit (or on ctgrad::viz::write) as one self-contained HTML page (viz_page.hpp), to
// $VIZ_PATH or ./ctgrad_viz.html. Off by default: then each hook in realize.hpp is one branch on a bool.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <unordered_map>
#include <unordered_set>

#include "ctgrad/runtime/buffer.hpp"
#include "ctgrad/runtime/debug.hpp"
#include "ctgrad/runtime/device.hpp"
#include "ctgrad/runtime/uop.hpp"
#include "ctgrad/runtime/viz_page.hpp"

namespace ctgrad::rt::viz {

inline constexpr std::size_t kMaxGraphNodes = 2000;  // per graph: hash-consed DAGs can be huge, the page stays usable
inline constexpr std::size_t kMaxRealizes = 1000;    // recorded in detail; later ones only add to the kernel totals

// Read once from VIZ (any value but 0 or empty turns it on); tests may override it with set_enabled.
inline bool& enabled_flag() {
  static bool on = getenv_or("VIZ", "0") != "0";
  return on;
}
inline bool enabled() { return enabled_flag(); }
inline void set_enabled(bool on) { enabled_flag() = on; }

inline std::string shape_text(const NodeShape& s) {
  std::string out = "(";
  for (std::uint8_t d = 0; d < s.rank; ++d) out += (d ? "," : "") + std::to_string(s.shape[d]);
  return out + ")";
}
inline std::string number_text(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// A view stack as "(4,8):(8,1)+0 [mask 0..4,0..6] | ...", bottom view first.
inline std::string view_text(const ViewStack& s) {
  std::string out;
  for (std::uint8_t v = 0; v < s.depth; ++v) {
    const View& w = s.views[v];
    std::string shape, stride, mask;
    for (std::uint8_t d = 0; d < w.rank; ++d) {
      shape += (d ? "," : "") + std::to_string(w.shape[d]);
      stride += (d ? "," : "") + std::to_string(w.stride[d]);
      mask += (d ? "," : "") + std::to_string(w.lo[d]) + ".." + std::to_string(w.hi[d]);
    }
    out += (v ? " | (" : "(") + shape + "):(" + stride + ")+" + std::to_string(w.offset) + (w.masked() ? " [mask " + mask + "]" : "");
  }
  return out;
}

// What distinguishes a node besides op, dtype and shape, as the page shows it.
inline std::string arg_text(const UOp& n) {
  switch (n.op) {
    case Ops::Const: return number_text(n.arg.value);
    case Ops::Special: return "< " + number_text(n.arg.value);
    case Ops::Range: return "< " + number_text(n.arg.value) + " #" + std::to_string(n.arg.index);
    case Ops::Param: return "#" + std::to_string(n.arg.index);
    case Ops::Acc: return name(n.arg.alu);
    case Ops::View: return n.arg.view ? view_text(*n.arg.view) : "";
    case Ops::Buffer: return (n.buffer ? n.buffer->device + " " : "") + std::string(n.arg.leaf ? "leaf" : "");
    case Ops::Reduce: {
      std::string axes;
      for (std::uint32_t d = 0; d < 32; ++d)
        if (n.arg.axes >> d & 1u) axes += (axes.empty() ? "" : ",") + std::to_string(d);
      return std::string(name(n.arg.alu)) + " axes " + axes;
    }
    default: return "";
  }
}

// The graph under `roots`, cut at Buffers and realized nodes (an earlier kernel's output). Breadth first from the
// roots, so when more than `cap` nodes are reachable the ones kept are those nearest the outputs; all are counted.
inline Graph capture(const std::vector<const UOp*>& roots, std::size_t cap = kMaxGraphNodes) {
  auto expands = [](const UOp* n) { return n->op != Ops::Buffer && !n->realized; };
  std::unordered_set<const UOp*> seen, kept;
  std::vector<const UOp*> queue;  // breadth-first order; the first `cap` entries are kept
  for (const UOp* r : roots)
    if (seen.insert(r).second) queue.push_back(r);
  for (std::size_t next = 0; next < queue.size(); ++next) {
    const UOp* n = queue[next];
    if (kept.size() < cap) kept.insert(n);
    if (!expands(n)) continue;
    for (auto& s : n->src)
      if (seen.insert(s.get()).second) queue.push_back(s.get());
  }
  Graph g;
  g.total = seen.size();
  // ids in post-order over the kept nodes (sources first), without recursion: graphs can be deep
  std::unordered_map<const UOp*, int> id;
  std::vector<std::pair<const UOp*, std::size_t>> stack;
  for (const UOp* r : roots) {
    if (id.count(r)) continue;
    stack.emplace_back(r, 0);
    while (!stack.empty()) {
      auto& [n, next] = stack.back();
      if (expands(n) && next < n->src.size()) {
        const UOp* s = n->src[next++].get();
        if (kept.count(s) && !id.count(s)) stack.emplace_back(s, 0);  // a DAG: s cannot be on the stack already
        continue;
      }
      Node node{name(n->op), name(n->dtype), shape_text(n->shape), arg_text(*n), {}, 0, n->realized != nullptr};
      if (expands(n)) {
        for (auto& s : n->src) {
          if (auto it = id.find(s.get()); it != id.end()) {
            node.src.push_back(it->second);
          } else {
            ++node.omitted_srcs;
          }
        }
      }
      id.emplace(n, static_cast<int>(g.nodes.size()));
      g.nodes.push_back(std::move(node));
      stack.pop_back();
    }
  }
  return g;
}

// A linearized program as a graph: one node per instruction, edges from its operands.
inline Graph capture(const KernelProgram& p, std::size_t cap = kMaxGraphNodes) {
  Graph g;
  g.total = p.insts.size();
  const std::size_t first = p.insts.size() > cap ? p.insts.size() - cap : 0;  // the end of the program holds the stores
  for (std::size_t i = first; i < p.insts.size(); ++i) {
    const KInst& in = p.insts[i];
    std::string arg;
    switch (in.op) {
      case KOp::Const: arg = is_float(in.dtype) ? number_text(in.farg) : std::to_string(in.iarg); break;
      case KOp::Param: arg = "#" + std::to_string(in.iarg); break;
      case KOp::Range: arg = "< " + std::to_string(in.iarg); break;
      case KOp::Insert: case KOp::Extract: arg = "lane " + std::to_string(in.iarg); break;
      default: break;
    }
    Node node{name(in.op), std::string(name(in.dtype)) + (in.lanes > 1 ? "x" + std::to_string(in.lanes) : ""), "", arg, {}, 0, false};
    for (auto s : in.src) {
      if (s < 0) continue;
      if (static_cast<std::size_t>(s) >= first) {
        node.src.push_back(static_cast<int>(s - first));
      } else {
        ++node.omitted_srcs;
      }
    }
    g.nodes.push_back(std::move(node));
  }
  return g;
}

inline std::uint64_t graph_fingerprint(const Graph& g) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](std::string_view s) {
    for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
    h = (h ^ 0xff) * 0x100000001b3ull;
  };
  for (const Node& n : g.nodes) {
    mix(n.op), mix(n.dtype), mix(n.shape), mix(n.arg);
    for (int s : n.src) mix(std::to_string(s));
  }
  return h ^ g.total;
}

class Recorder {
 public:
  static Recorder& instance() {
    static Recorder recorder;
    return recorder;
  }
  ~Recorder() {
    if (!enabled() || !dirty_) return;
    try {
      write("");
    } catch (const std::exception& e) {
      std::fprintf(stderr, "VIZ: %s\n", e.what());
    }
  }

  // A realize starts (the outermost one of this thread; realizes nested in it add to it).
  void begin_realize(const std::vector<const UOp*>& roots) {
    if (depth_++ > 0) return;
    current_ = npos;
    // nothing to compute (a read-back of realized tensors): not a realize worth a line on the page
    if (std::all_of(roots.begin(), roots.end(), [](const UOp* r) { return r->op == Ops::Buffer || r->realized; })) return;
    Graph g = capture(roots);
    std::lock_guard lock(mutex_);
    dirty_ = true;
    current_ = npos;
    if (data_.realizes.size() >= kMaxRealizes) {
      ++data_.unrecorded_realizes;
      return;
    }
    const std::uint64_t fp = graph_fingerprint(g);
    auto [it, fresh] = graph_index_.emplace(fp, data_.graphs.size());
    if (fresh) data_.graphs.push_back(std::move(g));
    current_ = data_.realizes.size();
    data_.realizes.push_back({it->second, roots.size(), {}, 0});
  }
  void end_realize(double seconds) {
    if (--depth_ > 0) return;
    std::lock_guard lock(mutex_);
    if (current_ != npos) data_.realizes[current_].seconds = seconds;
    current_ = npos;
  }

  // A kernel ran for `target`; `ast` is its lowered AST (null when the schedule came from the cache: then the kernel
  // was recorded before). The stages, source and notes are taken on the kernel's first launch only.
  void kernel_ran(Device& dev, const KernelProgram& p, const std::vector<std::string>& notes, const UOp& target, const UOp* ast,
                  double seconds) {
    std::lock_guard lock(mutex_);
    dirty_ = true;
    const std::string key = dev.name() + ":" + p.name;
    auto [it, fresh] = kernel_index_.emplace(key, data_.kernels.size());
    if (fresh) {
      KernelRecord k{p.name, dev.name(), shape_text(target.shape), dev.render(p), notes, {}, p.bytes, p.flops, 0, 0};
      k.stages.push_back({"fused graph", capture({&target})});
      if (ast) k.stages.push_back({"kernel AST", capture({ast})});
      k.stages.push_back({"program", capture(p)});
      data_.kernels.push_back(std::move(k));
    }
    KernelRecord& k = data_.kernels[it->second];
    ++k.runs;
    k.seconds += seconds;
    if (current_ != npos) data_.realizes[current_].launches.push_back({it->second, seconds});
  }

  // Writes the page to `path` (empty: $VIZ_PATH, else ./ctgrad_viz.html); returns the absolute path written.
  std::string write(const std::string& path) {
    const std::filesystem::path file = std::filesystem::absolute(path.empty() ? getenv_or("VIZ_PATH", "ctgrad_viz.html") : path);
    std::string page;
    std::size_t realizes, kernels;
    {
      std::lock_guard lock(mutex_);
      page = render_page(data_);
      realizes = data_.realizes.size(), kernels = data_.kernels.size();
      dirty_ = false;
    }
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << page;
    if (!out) throw Error("ctgrad::viz::write: cannot write " + file.string());
    std::fprintf(stderr, "VIZ: wrote %s (%zu realize%s, %zu kernel%s)\n", file.c_str(), realizes, realizes == 1 ? "" : "s", kernels,
                 kernels == 1 ? "" : "s");
    return file.string();
  }

  // A copy of what was recorded so far (tests read it), and a fresh start.
  Recording recording() {
    std::lock_guard lock(mutex_);
    return data_;
  }
  void clear() {
    std::lock_guard lock(mutex_);
    data_ = Recording{};
    data_.node_cap = kMaxGraphNodes;
    graph_index_.clear();
    kernel_index_.clear();
    dirty_ = false;
  }

 private:
  Recorder() { data_.node_cap = kMaxGraphNodes; }
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  std::mutex mutex_;
  Recording data_;
  std::unordered_map<std::uint64_t, std::size_t> graph_index_;
  std::unordered_map<std::string, std::size_t> kernel_index_;
  bool dirty_ = false;
  // the realize this thread is in (realizes on other threads are recorded separately)
  static inline thread_local int depth_ = 0;
  static inline thread_local std::size_t current_ = npos;
};

// Brackets one realize_all: records its graph before any kernel runs, and its wall time.
class RealizeScope {
 public:
  explicit RealizeScope(const std::vector<std::pair<UOpPtr, std::string>>& nodes) {
    if (!enabled()) return;
    active_ = true;
    std::vector<const UOp*> roots;
    for (auto& [node, device] : nodes) roots.push_back(node.get());
    Recorder::instance().begin_realize(roots);
    t0_ = std::chrono::steady_clock::now();
  }
  ~RealizeScope() {
    if (active_) Recorder::instance().end_realize(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count());
  }
  RealizeScope(const RealizeScope&) = delete;
  RealizeScope& operator=(const RealizeScope&) = delete;

 private:
  bool active_ = false;
  std::chrono::steady_clock::time_point t0_;
};

}  // namespace ctgrad::rt::viz
