#pragma once
// Packing (the BLAS step that makes a micro-kernel's operand reads sequential): a load under the reduction is
// replaced by a load of a copy laid out in the order the tile kernel walks it: output-tile axes outermost, then the
// reduction, then the register tile's axes. A row of a power-of-two matrix is a multiple of 4 KiB away from the
// next, so unpacked panels land in a handful of L1 sets and one page per row; packed, each reduction step reads one
// short contiguous run. The copy is an ordinary (strided) kernel through the realize callback.
#include "ctgrad/runtime/opt/heuristic.hpp"

namespace ctgrad::rt::opt {

// The loads under the reduction, in a fixed order (the operand numbers PACK actions name).
inline std::vector<UOpPtr> reduce_loads(const UOpPtr& ast) {
  KernelFacts f;
  std::unordered_set<const UOp*> seen;
  collect_facts(ast, false, f, seen);
  return f.loads;
}

// Packs operand `which`; false (nothing changed) when it is not a plain affine load.
inline bool pack_load(OptKernel& ok, LoweredKernel& k, int which, std::string& note) {
  auto loads = reduce_loads(ok.ast());
  if (which < 0 || which >= static_cast<int>(loads.size()) || !k.realize) return false;
  const UOpPtr load = loads[static_cast<std::size_t>(which)];
  if (load->src.size() > 2 || load->src[0]->op != Ops::Param) return false;
  const auto& axes = ok.axes();
  std::vector<std::size_t> order;  // varying axes, in packed order
  std::vector<std::int64_t> coef(axes.size(), 0);
  std::unordered_map<const UOp*, UOpPtr> zero;
  for (std::size_t i = 0; i < axes.size(); ++i) {
    std::unordered_map<const UOp*, std::optional<std::int64_t>> memo;
    auto c = coefficient(load->src[1], axes[i].var.get(), memo);
    if (!c) return false;
    coef[i] = *c;
    UArg a;
    zero[axes[i].var.get()] = make_uop(Ops::Const, k.index_dtype, {}, a, scalar_shape());
  }
  for (AxisKind kind : {AxisKind::Global, AxisKind::Reduce, AxisKind::Unroll, AxisKind::ReduceVector, AxisKind::Upcast, AxisKind::Vector})
    for (std::size_t i = 0; i < axes.size(); ++i)
      if (axes[i].kind == kind && coef[i] != 0 && axes[i].size > 1) order.push_back(i);
  const UOpPtr offset = simplify(substitute(load->src[1], zero));
  if (offset->op != Ops::Const || order.size() > kMaxRank || order.empty()) return false;
  View v;
  v.rank = static_cast<std::uint8_t>(order.size());
  for (std::size_t d = 0; d < order.size(); ++d) {
    v.shape[d] = v.hi[d] = axes[order[d]].size;
    v.stride[d] = coef[order[d]];
  }
  v.offset = static_cast<std::int64_t>(offset->arg.value);
  const auto& source = k.params[static_cast<std::size_t>(load->src[0]->arg.index)];
  auto packed = k.realize(view_uop(buffer_uop(source), stack_of(canonicalize(v))));
  UArg p;
  p.index = static_cast<std::int64_t>(k.params.size());
  k.params.push_back(packed);
  UOpPtr idx = make_uop(Ops::Const, k.index_dtype, {}, UArg{}, scalar_shape());
  std::int64_t step = 1;
  for (std::size_t d = order.size(); d-- > 0;) {
    UArg s;
    s.value = static_cast<double>(step);
    UOpPtr term = make_uop(Ops::Mul, k.index_dtype, {axes[order[d]].var, make_uop(Ops::Const, k.index_dtype, {}, s, scalar_shape())}, {}, scalar_shape());
    idx = make_uop(Ops::Add, k.index_dtype, {idx, term}, {}, scalar_shape());
    step *= axes[order[d]].size;
  }
  ok.replace(load.get(), make_uop(Ops::Load, load->dtype, {make_uop(Ops::Param, load->dtype, {}, p, scalar_shape()), simplify(idx)}, {}, scalar_shape()));
  note += " packed operand " + std::to_string(which);
  return true;
}

}  // namespace ctgrad::rt::opt
