#pragma once
// The hand-coded choice of actions (the default; BEAM=n searches instead). It recognises reductions by the strides
// their loads have along each axis, not by op names:
//  - output axis contiguous in the output and read with stride 0 or 1 by every load (matmul's N, a column sum):
//    vectorize it, and upcast it into a few vectors;
//  - another output axis along which the vector-read operand is broadcast (matmul's M): upcast it into a register
//    tile (MR x NR accumulators, the BLAS micro-kernel shape) and walk tiles along it, so consecutive tiles (and each
//    thread's tiles) reuse the NR-wide panel of the broadcast operand from cache;
//  - otherwise, the innermost reduced axis read contiguously (row sums, softmax rows, matvec): lane partial sums.
#include <algorithm>
#include <limits>
#include <optional>

#include "ctgrad/runtime/opt/space.hpp"

namespace ctgrad::rt::opt {

// Bytes in the widest SIMD register of this CPU (the JIT compiles for the host).
inline int cpu_vector_bytes() {
#if defined(__x86_64__) || defined(__i386__)
  if (__builtin_cpu_supports("avx512f")) return 64;
  if (__builtin_cpu_supports("avx2")) return 32;
#endif
  return 16;
}
inline int cpu_vector_registers() { return cpu_vector_bytes() == 64 ? 32 : 16; }

// The coefficient of `var` in the affine index `n`; nothing when n is not affine in it (div/mod of it, products).
inline std::optional<std::int64_t> coefficient(const UOpPtr& n, const UOp* var, std::unordered_map<const UOp*, std::optional<std::int64_t>>& memo) {
  if (auto it = memo.find(n.get()); it != memo.end()) return it->second;
  std::optional<std::int64_t> c;
  if (n.get() == var) {
    c = 1;
  } else if (n->op == Ops::Const || n->op == Ops::Param || (n->op == Ops::Range && n.get() != var) || n->op == Ops::Special) {
    c = 0;
  } else if (n->op == Ops::Add || n->op == Ops::Sub) {
    auto a = coefficient(n->src[0], var, memo), b = coefficient(n->src[1], var, memo);
    if (a && b) c = n->op == Ops::Add ? *a + *b : *a - *b;
  } else if (n->op == Ops::Mul) {
    auto a = coefficient(n->src[0], var, memo), b = coefficient(n->src[1], var, memo);
    if (a && b && *a == 0 && n->src[0]->op == Ops::Const) c = *b * static_cast<std::int64_t>(n->src[0]->arg.value);
    else if (a && b && *b == 0 && n->src[1]->op == Ops::Const) c = *a * static_cast<std::int64_t>(n->src[1]->arg.value);
    else if (a && b && *a == 0 && *b == 0) c = 0;
  } else {
    bool free = true;  // any other node is fine as long as var does not occur in it
    for (auto& s : n->src) {
      auto k = coefficient(s, var, memo);
      free = free && k && *k == 0;
    }
    if (free) c = 0;
  }
  memo[n.get()] = c;
  return c;
}

// A reduction's operand: a load under the Acc, or an elementwise expression of loads (a ReLU's backward beside the
// input window in a weight gradient: dout * (conv + bias > 0)) in which one load reads every axis the others read.
// The heuristic reads an operand's strides off that load's index, and PACK computes an expression into its copy, so
// the tile kernel loads one value for it.
struct Operand {
  UOpPtr node;   // the Load, or the expression's root
  UOpPtr index;  // the element it reads (an expression's: its widest load's)
  UOpPtr gate;   // a load's validity (padding); null when always valid
  int param;     // the kernel parameter it reads (an expression's widest load's); -1 when not a parameter
  bool plain() const { return param >= 0 && !gate; }  // a packable affine read
};

// What the heuristic reads off a kernel: the operands inside the reduction and the output index.
struct KernelFacts {
  std::vector<Operand> operands;
  UOpPtr out_index;
  UOpPtr acc;
};

// The axis variables an index reads.
inline void index_vars(const UOpPtr& n, std::vector<const UOp*>& out) {
  if (n->op == Ops::Range && std::find(out.begin(), out.end(), n.get()) == out.end()) out.push_back(n.get());
  for (auto& s : n->src) index_vars(s, out);
}

// The loads of the elementwise expression `n`, each an ungated read of a parameter; false when `n` holds anything else.
inline bool expression_loads(const UOpPtr& n, std::vector<UOpPtr>& loads) {
  if (n->op == Ops::Const) return true;
  if (n->op == Ops::Load) {
    if (n->src.size() != 2 || n->src[0]->op != Ops::Param) return false;
    if (std::find(loads.begin(), loads.end(), n) == loads.end()) loads.push_back(n);
    return true;
  }
  if (!is_alu(n->op)) return false;
  for (auto& s : n->src)
    if (!expression_loads(s, loads)) return false;
  return true;
}

// The load of `loads` whose index reads every axis the others' read (a conv's output beside its bias); null when none does.
inline UOpPtr widest_load(const std::vector<UOpPtr>& loads) {
  std::vector<std::vector<const UOp*>> vars(loads.size());
  for (std::size_t i = 0; i < loads.size(); ++i) index_vars(loads[i]->src[1], vars[i]);
  for (std::size_t i = 0; i < loads.size(); ++i) {
    bool covers = true;
    for (auto& other : vars)
      for (const UOp* v : other) covers = covers && std::find(vars[i].begin(), vars[i].end(), v) != vars[i].end();
    if (covers) return loads[i];
  }
  return nullptr;
}

// Outputs of the kernel before any tiling: the product of its output (Global) axes.
inline std::int64_t output_count(const std::vector<Axis>& axes) {
  std::int64_t n = 1;
  for (const auto& a : axes)
    if (a.kind == AxisKind::Global) n *= a.size;
  return n;
}

// Invocations times loop trips: the steps of the kernel's whole iteration space.
inline std::int64_t iteration_steps(const std::vector<Axis>& axes) {
  std::int64_t n = 1;
  for (const auto& a : axes) n *= a.size;
  return n;
}

inline void collect_facts(const UOpPtr& n, bool under_acc, KernelFacts& f, std::unordered_set<const UOp*>& seen) {
  if (!seen.insert(n.get()).second) return;
  if (n->op == Ops::Acc) {
    f.acc = n;
    under_acc = true;
  }
  if (under_acc && is_alu(n->op)) {
    std::vector<UOpPtr> loads;
    if (expression_loads(n, loads) && loads.size() >= 2) {
      if (UOpPtr widest = widest_load(loads)) {
        f.operands.push_back({n, widest->src[1], nullptr, static_cast<int>(widest->src[0]->arg.index)});
        return;
      }
    }
  }
  if (n->op == Ops::Load && under_acc) {
    const bool direct = n->src[0]->op == Ops::Param;
    f.operands.push_back({n, n->src[1], n->src.size() > 2 ? n->src[2] : nullptr, direct ? static_cast<int>(n->src[0]->arg.index) : -1});
  }
  for (auto& s : n->src) collect_facts(s, under_acc, f, seen);
}

// Without a contiguous output axis (a convolution's output width is rarely a multiple of the vector width): the lanes
// go along an output axis that exactly one operand varies along and every other operand is broadcast along (a
// convolution's output channels: the weight varies, the input window does not; for the weight gradient, the output
// gradient). That operand is PACKed so its lanes are contiguous, unless they already are; the output is stored lane
// by lane, once per output after the whole reduction. Packing only in kernels of 2^20 steps or more, and only where
// the copy holds no more than the operand (no im2col-sized copies). The register tile's other axes are the output
// axes that operand is broadcast along and another operand varies along (output width and height; input channel and
// kernel offsets), upcast innermost first while the accumulators fit.
inline std::vector<Opt> strided_tile_opts(const OptKernel& k, const KernelFacts& f, int width) {
  const auto& axes = k.axes();
  auto stride = [&](const UOpPtr& n, std::size_t axis) {
    std::unordered_map<const UOp*, std::optional<std::int64_t>> memo;
    return coefficient(n, axes[axis].var.get(), memo);
  };
  if (f.operands.size() < 2) return {};
  constexpr std::int64_t kUnknown = std::numeric_limits<std::int64_t>::max();
  auto footprint = [&](const Operand& l) {  // elements a packed copy of operand l holds (kUnknown: not packable)
    if (!l.plain()) return kUnknown;
    std::int64_t n = 1;
    for (std::size_t i = 0; i < axes.size(); ++i) {
      auto s = stride(l.index, i);
      if (!s) return kUnknown;
      if (*s != 0) n *= axes[i].size;
    }
    return n;
  };
  // a packed copy costs a kernel launch and a lowering on every call: only for kernels with work enough to hide them
  const bool may_pack = iteration_steps(axes) >= (std::int64_t{1} << 20);
  int lane = -1, packed = -1;
  bool needs_pack = false;
  std::int64_t best = kUnknown;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    if (axes[i].kind != AxisKind::Global || axes[i].size % width != 0) continue;
    int varying = -1, count = 0;
    for (std::size_t j = 0; j < f.operands.size(); ++j) {
      auto s = stride(f.operands[j].index, i);
      if (!s || (f.operands[j].gate && stride(f.operands[j].gate, i) != 0)) count = 2;
      else if (*s != 0) varying = static_cast<int>(j), ++count;
    }
    if (count != 1) continue;
    const Operand& l = f.operands[static_cast<std::size_t>(varying)];
    const bool unit = stride(l.index, i) == 1;
    const std::int64_t size = unit ? 0 : footprint(l);
    if (!unit && (!may_pack || size == kUnknown || size > k.lowered().params[static_cast<std::size_t>(l.param)]->numel)) continue;
    if (size < best) best = size, lane = static_cast<int>(i), packed = varying, needs_pack = !unit;
  }
  if (lane < 0) return {};
  const Operand& lane_operand = f.operands[static_cast<std::size_t>(packed)];
  std::vector<Opt> opts{{OptOp::Vectorize, lane, width}};
  const std::int64_t lane_size = axes[static_cast<std::size_t>(lane)].size;
  const int nr = lane_size % (2 * width) == 0 ? 2 : 1;
  if (nr > 1) opts.push_back({OptOp::Upcast, lane, nr});
  std::int64_t accs = nr;
  const std::int64_t max_accs = cpu_vector_registers() - 8;  // room for the lane operand's vectors and broadcasts
  for (std::size_t i = axes.size(); i-- > 0;) {
    if (axes[i].kind != AxisKind::Global || static_cast<int>(i) == lane || axes[i].size < 2 || stride(lane_operand.index, i) != 0) continue;
    bool varies = false;
    for (auto& l : f.operands) varies = varies || stride(l.index, i).value_or(1) != 0;
    if (!varies) continue;
    for (std::int64_t c = std::min<std::int64_t>(axes[i].size, max_accs / accs); c >= 2; --c)
      if (axes[i].size % c == 0) {
        opts.push_back({OptOp::Upcast, static_cast<int>(i), static_cast<int>(c)});
        accs *= c;
        break;
      }
  }
  if (needs_pack) opts.push_back({OptOp::Pack, packed, 0});
  return opts;
}

// An elementwise kernel whose output axes are not one contiguous run (a BatchNorm's backward over (B,C,H,W), a
// max-pool's backward reading its window's maximum at (y/2, x/2)), or a reduction of a few elements per output (a
// 2x2 max-pool): a tile of outputs along the innermost output axis (and the next one out, while the tile is short),
// lanes where the axis allows, and a short reduction unrolled. The index arithmetic that takes g apart, and every
// value that does not vary along the tile (a channel's scale, a window's maximum), then happen once per tile instead
// of once per output. Kernels of one contiguous output axis keep the flat loop LLVM vectorizes on its own.
inline std::vector<Opt> output_tile_opts(const OptKernel& k, DType out) {
  const auto& axes = k.axes();
  std::vector<int> outputs;
  for (std::size_t i = 0; i < axes.size(); ++i)
    if (axes[i].kind == AxisKind::Global) outputs.push_back(static_cast<int>(i));
  if (outputs.size() < 2 || !vector_dtype(out)) return {};
  constexpr std::int64_t kMaxTile = 64, kMaxCopies = 16;  // outputs per tile; copies of the expression per tile
  const int width = cpu_vector_bytes() / static_cast<int>(itemsize(out));
  std::vector<Opt> opts;
  const int inner = outputs.back(), next = outputs[outputs.size() - 2];
  const std::int64_t size = axes[static_cast<std::size_t>(inner)].size;
  int lanes = 1;
  for (int w = width; w >= 4 && lanes == 1; w /= 2)
    if (size % w == 0) lanes = w;
  if (lanes > 1) opts.push_back({OptOp::Vectorize, inner, lanes});
  std::int64_t tile = lanes, copies = 1;
  auto upcast = [&](int axis, std::int64_t rest) {  // the largest factor of `rest` the tile has room for
    for (std::int64_t c = std::min(rest, kMaxCopies / copies); c >= 2; --c)
      if (rest % c == 0 && tile * c <= kMaxTile) {
        opts.push_back({OptOp::Upcast, axis, static_cast<int>(c)});
        tile *= c, copies *= c;
        return c == rest;
      }
    return false;
  };
  if (upcast(inner, size / lanes) || size / lanes == 1)
    if (tile < kMaxTile / 2) upcast(next, axes[static_cast<std::size_t>(next)].size);
  for (std::size_t i = 0; i < axes.size(); ++i)
    if (axes[i].kind == AxisKind::Reduce && axes[i].size > 1) opts.push_back({OptOp::Unroll, static_cast<int>(i), static_cast<int>(axes[i].size)});
  return opts;
}

inline std::vector<Opt> hand_coded_opts(const OptKernel& k) {
  KernelFacts f;
  std::unordered_set<const UOp*> seen;
  f.out_index = k.ast()->src[1];
  collect_facts(k.ast(), false, f, seen);
  constexpr std::int64_t kShortReduce = 16;  // elements per output up to which a reduction is tiled as elementwise work
  if (!f.acc) return output_tile_opts(k, k.ast()->dtype);
  if (!vector_dtype(f.acc->dtype)) return {};
  if (k.lowered().reduce_size <= kShortReduce && output_count(k.axes()) >= 4096) return output_tile_opts(k, f.acc->dtype);
  const auto& axes = k.axes();
  auto stride = [&](const UOpPtr& n, std::size_t axis) {
    std::unordered_map<const UOp*, std::optional<std::int64_t>> memo;
    return coefficient(n, axes[axis].var.get(), memo);
  };
  const int width = cpu_vector_bytes() / static_cast<int>(itemsize(f.acc->dtype));
  std::vector<Opt> opts;

  // output axis read with stride 0/1 by every load and written contiguously
  int vn = -1;
  for (std::size_t i = axes.size(); i-- > 0;) {
    if (axes[i].kind != AxisKind::Global || axes[i].size % width != 0 || stride(f.out_index, i) != 1) continue;
    bool ok = true, any_unit = false;
    for (auto& l : f.operands) {
      auto s = stride(l.index, i);
      ok = ok && s && (*s == 0 || *s == 1) && (!l.gate || stride(l.gate, i) == 0);
      any_unit = any_unit || (s && *s == 1);
    }
    if (ok && any_unit) vn = static_cast<int>(i);
    break;  // only the innermost output axis is contiguous in the output
  }
  if (vn >= 0) {
    // an output axis the unit-stride operand is broadcast along, read by another operand: the tile's rows
    int vm = -1;
    for (std::size_t i = 0; i < axes.size(); ++i) {
      if (axes[i].kind != AxisKind::Global || static_cast<int>(i) == vn || axes[i].size < 2) continue;
      bool bcast = false, varies = false;
      for (auto& l : f.operands) {
        auto sn = stride(l.index, static_cast<std::size_t>(vn)), sm = stride(l.index, i);
        if (sn == 1 && sm == 0) bcast = true;
        if (sm && *sm != 0) varies = true;
      }
      if (bcast && varies) vm = static_cast<int>(i);
    }
    const std::int64_t n_size = axes[static_cast<std::size_t>(vn)].size;
    const int regs = cpu_vector_registers() - 2;
    const std::int64_t outputs = output_count(axes);
    // without an M axis and with a long reduction (a column sum): a run of up to kInnerRun outputs per invocation,
    // summed in the output buffer by a loop inside the reduction's (INNER), so each thread reads whole runs of a
    // row in order (one stream) instead of a register tile's 1 KiB per row, which tops out at 2/3 of copy bandwidth
    constexpr std::int64_t kInnerRun = 4096, kInnerMinTrips = 256;
    if (vm < 0 && k.lowered().reduce_size >= kInnerMinTrips && n_size >= 64 * width && k.accumulates_in_output()) {
      std::int64_t run = 1;
      for (std::int64_t c = std::min(kInnerRun, n_size) / width; c >= 2 && run == 1; --c)
        if ((n_size / width) % c == 0 && outputs / (c * width) >= 2) run = c;
      if (run > 1) {
        std::vector<Opt> inner{{OptOp::Vectorize, vn, width}, {OptOp::Inner, vn, static_cast<int>(run)}};
        // 4 rows a step (in order: the same additions), one load and one store of the sums for each 4 reads
        for (std::size_t i = axes.size(); i-- > 0;)
          if (axes[i].kind == AxisKind::Reduce) {
            for (int u : {4, 2})
              if (axes[i].size % u == 0) {
                inner.push_back({OptOp::Unroll, static_cast<int>(i), u});
                break;
              }
            break;
          }
        return inner;
      }
    }
    // vectors per tile row: 2 beside an MR-row tile; without one (a short column sum) as many as the registers allow,
    // since each reduction step then reads one long run of a row instead of a short run per page
    int nr = 1;
    for (int c : {16, 8, 4, 2})
      if (n_size % (static_cast<std::int64_t>(c) * width) == 0 && (vm >= 0 ? c <= 2 : c <= regs / 2) && outputs / (c * width) >= 2) {
        nr = c;
        break;
      }
    opts.push_back({OptOp::Vectorize, vn, width});
    if (nr > 1) opts.push_back({OptOp::Upcast, vn, nr});
    if (vm >= 0) {
      int mr = 1;
      for (int c : {8, 6, 4, 3, 2})
        if (axes[static_cast<std::size_t>(vm)].size % c == 0 && c * nr + nr <= regs) {
          mr = c;
          break;
        }
      if (mr > 1) opts.push_back({OptOp::Upcast, vm, mr});
      opts.push_back({OptOp::Swap, vm, vn});  // tiles walk along M: the B panel stays in cache
      // pack operands whose rows alias in cache (a stride of a multiple of 1 KiB), where the product is large enough
      // to pay for the copies and for the lowering they cost on every call (a kernel with packed copies is lowered
      // again each time: its schedule holds buffers no cache entry can name)
      const std::int64_t work = iteration_steps(axes);
      for (std::size_t j = 0; j < f.operands.size() && work >= (std::int64_t{1} << 27); ++j) {
        bool aliasing = false;
        for (std::size_t i = 0; i < axes.size(); ++i) {
          auto s = stride(f.operands[j].index, i);
          const std::int64_t bytes = s ? std::abs(*s) * static_cast<std::int64_t>(itemsize(f.operands[j].node->dtype)) : 0;
          aliasing = aliasing || (bytes >= 1024 && bytes % 1024 == 0);
        }
        if (aliasing) opts.push_back({OptOp::Pack, static_cast<int>(j), 0});
      }
    }
    return opts;
  }
  // the innermost reduced axis, read contiguously: lane partial sums (several vectors, so the adds overlap); where
  // it is not (or its size is no multiple of the lanes), a register tile over strided output axes; failing both,
  // narrower lanes on a short row (a 20-wide image row that a pooled window's gather keeps from merging with the
  // next), the rest of the row unrolled so each loop step reads all of it
  int row = -1;
  for (std::size_t i = axes.size(); i-- > 0;) {
    if (axes[i].kind != AxisKind::Reduce) continue;
    bool ok = true, any_unit = false;
    for (auto& l : f.operands) {  // a gather along it (not affine: a pooled window's x / 2) is read lane by lane
      auto s = stride(l.index, i);
      ok = ok && (!s || *s == 0 || *s == 1) && (!l.gate || stride(l.gate, i) == 0);
      any_unit = any_unit || (s && *s == 1);
    }
    if (ok && any_unit) row = static_cast<int>(i);
    break;
  }
  const std::int64_t row_size = row >= 0 ? axes[static_cast<std::size_t>(row)].size : 0;
  for (int lanes : {4 * width, 2 * width, width})
    if (row >= 0 && lanes <= 64 && row_size % lanes == 0) return {{OptOp::Vectorize, row, lanes}};
  if (auto tiled = strided_tile_opts(k, f, width); !tiled.empty() || row < 0) return tiled;
  for (int lanes = width / 2; lanes >= 4; lanes /= 2)
    if (row_size % lanes == 0) {
      opts.push_back({OptOp::Vectorize, row, lanes});
      if (const std::int64_t rest = row_size / lanes; rest >= 2 && rest <= 8) opts.push_back({OptOp::Unroll, row, static_cast<int>(rest)});
      break;
    }
  return opts;
}

}  // namespace ctgrad::rt::opt
