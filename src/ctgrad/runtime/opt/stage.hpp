#pragma once
// The STAGE action (GPU): at each step of the innermost reduction loop the threads of a block load one reduction
// operand's values for the whole block tile into shared memory together, wait at a barrier, and compute from there.
// Unstaged, each thread loads what its own register tile needs, so the threads of a 16x16 block load each value of
// a matmul's A sixteen times; staged, the block loads it from global memory once.
//
// The slots are the values the block's tile reads in one loop step: the operand's coordinates along its in-block
// axes (LOCAL, UPCAST and UNROLL axes it varies along), the axis with the smallest stride innermost, so consecutive
// threads fill consecutive addresses. The operand's node in the AST becomes a load of its slot; the tile linearizer
// (tile_linearize.hpp) emits the fill and the barriers.
#include <algorithm>

#include "ctgrad/runtime/opt/heuristic.hpp"

namespace ctgrad::rt::opt {

inline constexpr std::int64_t kMaxSharedBytes = 48 * 1024;  // static shared memory every CUDA GPU grants a block

inline std::int64_t staged_bytes(const OptKernel& k) {
  std::int64_t bytes = 0;
  for (auto& s : k.staged()) bytes += s.slots * static_cast<std::int64_t>(itemsize(s.local->dtype));
  return bytes;
}

inline bool in_block(AxisKind kind) { return kind == AxisKind::Local || kind == AxisKind::Upcast || kind == AxisKind::Unroll; }

// Stages operand `which` (numbered as collect_facts finds them). Refused (false, nothing changed) without LOCAL axes,
// for an operand that stays the same over the whole reduction, that reads a vector axis, whose slots do not split
// evenly over the block's threads, or that would overflow the shared memory.
inline bool stage_operand(OptKernel& ok, int which) {
  const std::int64_t threads = ok.local_size();
  if (threads < 2) return false;
  KernelFacts f;
  std::unordered_set<const UOp*> seen;
  collect_facts(ok.ast(), false, f, seen);
  if (which < 0 || which >= static_cast<int>(f.operands.size())) return false;
  const Operand& operand = f.operands[static_cast<std::size_t>(which)];
  const UOpPtr node = operand.node;
  if (node->op == Ops::Load && node->src[0]->op == Ops::Local) return false;  // staged already
  if (itemsize(node->dtype) < 4) return false;  // 8- and 16-bit shared arrays need device features Vulkan may lack
  std::vector<const UOp*> vars;
  index_vars(node, vars);
  const auto& axes = ok.axes();
  auto reads = [&](std::size_t i) { return std::find(vars.begin(), vars.end(), axes[i].var.get()) != vars.end(); };
  std::vector<std::size_t> slot_axes;
  bool varies_in_loop = false;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    if (!reads(i)) continue;
    if (axes[i].kind == AxisKind::Vector || axes[i].kind == AxisKind::ReduceVector) return false;
    varies_in_loop = varies_in_loop || axes[i].kind == AxisKind::Reduce || axes[i].kind == AxisKind::Unroll;
    if (in_block(axes[i].kind)) slot_axes.push_back(i);
  }
  if (!varies_in_loop) return false;  // loaded once per thread anyway
  auto stride = [&](std::size_t i) {  // unknown (not affine): outermost
    std::unordered_map<const UOp*, std::optional<std::int64_t>> memo;
    auto c = coefficient(operand.index, axes[i].var.get(), memo);
    return c ? std::abs(*c) : std::numeric_limits<std::int64_t>::max();
  };
  std::sort(slot_axes.begin(), slot_axes.end(), [&](std::size_t a, std::size_t b) { return stride(a) != stride(b) ? stride(a) > stride(b) : a < b; });
  std::int64_t slots = 1;
  for (auto i : slot_axes) slots *= axes[i].size;
  if (slots % threads != 0) return false;
  if (staged_bytes(ok) + slots * static_cast<std::int64_t>(itemsize(node->dtype)) > kMaxSharedBytes) return false;

  auto c = [&](std::int64_t v) { return const_like(*axes.front().var, static_cast<double>(v)); };  // an index constant
  UArg arg;
  arg.value = static_cast<double>(slots);
  arg.index = static_cast<std::int64_t>(ok.staged().size());
  UOpPtr local = make_uop(Ops::Local, node->dtype, {}, arg, scalar_shape());
  UOpPtr slot = c(0);
  std::int64_t inner = 1;
  for (std::size_t k = slot_axes.size(); k-- > 0;) {
    const Axis& a = axes[slot_axes[k]];
    slot = make_uop(Ops::Add, slot->dtype, {slot, make_uop(Ops::Mul, slot->dtype, {a.var, c(inner)}, {}, scalar_shape())}, {}, scalar_shape());
    inner *= a.size;
  }
  ok.add_staged({local, node, slot_axes, slots});
  ok.replace(node.get(), make_uop(Ops::Load, node->dtype, {local, simplify(slot)}, {}, scalar_shape()));
  ok.record({OptOp::Stage, which, 0});
  return true;
}

}  // namespace ctgrad::rt::opt
