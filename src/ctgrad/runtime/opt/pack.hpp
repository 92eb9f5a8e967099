#pragma once
// Packing (the BLAS step that makes a micro-kernel's operand reads sequential): an operand under the reduction (a
// load, or an elementwise expression of loads that the copy computes: heuristic.hpp's Operand) is replaced by a load
// of a copy laid out in the order the tile kernel walks it: output-tile axes outermost, then the reduction, then the
// register tile's axes. A row of a power-of-two matrix is a multiple of 4 KiB away from the
// next, so unpacked panels land in a handful of L1 sets and one page per row; packed, each reduction step reads one
// short contiguous run. The copy is an ordinary (strided) kernel through the realize callback.
#include "ctgrad/runtime/opt/heuristic.hpp"

namespace ctgrad::rt::opt {

// The operands under the reduction, in a fixed order (the numbers PACK actions name).
inline std::vector<Operand> reduce_operands(const UOpPtr& ast) {
  KernelFacts f;
  std::unordered_set<const UOp*> seen;
  collect_facts(ast, false, f, seen);
  return f.operands;
}

// The graph expression that computes operand node `n` at every element of the packed layout: its loads become views
// of their buffers (`views`, by load).
inline UOpPtr operand_graph(const UOpPtr& n, const std::unordered_map<const UOp*, View>& views, const View& packed, const LoweredKernel& k) {
  if (n->op == Ops::Load)
    return view_uop(buffer_uop(k.params[static_cast<std::size_t>(n->src[0]->arg.index)]), stack_of(canonicalize(views.at(n.get()))));
  std::vector<UOpPtr> src;
  for (auto& s : n->src) src.push_back(operand_graph(s, views, packed, k));
  return make_uop(n->op, n->dtype, std::move(src), n->arg, packed);
}

// Packs operand `which`; false (nothing changed) when it is not a plain affine read.
inline bool pack_load(OptKernel& ok, LoweredKernel& k, int which, std::string& note) {
  auto operands = reduce_operands(ok.ast());
  if (which < 0 || which >= static_cast<int>(operands.size()) || !k.realize) return false;
  const Operand& operand = operands[static_cast<std::size_t>(which)];
  if (!operand.plain()) return false;
  const auto& axes = ok.axes();
  auto coefficients = [&](const UOpPtr& index) -> std::optional<std::vector<std::int64_t>> {
    std::vector<std::int64_t> coef(axes.size(), 0);
    for (std::size_t i = 0; i < axes.size(); ++i) {
      std::unordered_map<const UOp*, std::optional<std::int64_t>> memo;
      auto c = coefficient(index, axes[i].var.get(), memo);
      if (!c) return std::nullopt;
      coef[i] = *c;
    }
    return coef;
  };
  std::unordered_map<const UOp*, UOpPtr> zero;
  for (auto& a : axes) zero[a.var.get()] = make_uop(Ops::Const, k.index_dtype, {}, UArg{}, scalar_shape());
  auto origin = [&](const UOpPtr& index) -> std::optional<std::int64_t> {
    const UOpPtr offset = simplify(substitute(index, zero));
    if (offset->op != Ops::Const) return std::nullopt;
    return static_cast<std::int64_t>(offset->arg.value);
  };
  const auto coef = coefficients(operand.index);
  if (!coef) return false;
  std::vector<std::size_t> order;  // the operand's varying axes, in packed order
  for (AxisKind kind :
       {AxisKind::Global, AxisKind::Local, AxisKind::Reduce, AxisKind::Unroll, AxisKind::ReduceVector, AxisKind::Upcast, AxisKind::Vector})
    for (std::size_t i = 0; i < axes.size(); ++i)
      if (axes[i].kind == kind && (*coef)[i] != 0 && axes[i].size > 1) order.push_back(i);
  if (order.size() > kMaxRank || order.empty()) return false;
  View packed;
  packed.rank = static_cast<std::uint8_t>(order.size());
  for (std::size_t d = 0; d < order.size(); ++d) packed.shape[d] = packed.hi[d] = axes[order[d]].size;
  // each load's view of its buffer over the packed layout: its own strides along the packed axes (0 where it does not
  // vary), and no variation along any other axis
  std::vector<UOpPtr> loads;
  if (!expression_loads(operand.node, loads)) return false;
  std::unordered_map<const UOp*, View> views;
  for (auto& load : loads) {
    auto c = coefficients(load->src[1]);
    auto at = origin(load->src[1]);
    if (!c || !at) return false;
    View v = packed;
    for (std::size_t d = 0; d < order.size(); ++d) v.stride[d] = (*c)[order[d]];
    for (std::size_t i = 0; i < axes.size(); ++i)
      if ((*c)[i] != 0 && axes[i].size > 1 && std::find(order.begin(), order.end(), i) == order.end()) return false;
    v.offset = *at;
    views.emplace(load.get(), v);
  }
  auto copy = k.realize(operand_graph(operand.node, views, contiguous(packed.rank, packed.shape), k));
  UArg p;
  p.index = static_cast<std::int64_t>(k.params.size());
  k.params.push_back(copy);
  UOpPtr idx = make_uop(Ops::Const, k.index_dtype, {}, UArg{}, scalar_shape());
  std::int64_t step = 1;
  for (std::size_t d = order.size(); d-- > 0;) {
    UArg s;
    s.value = static_cast<double>(step);
    UOpPtr term = make_uop(Ops::Mul, k.index_dtype, {axes[order[d]].var, make_uop(Ops::Const, k.index_dtype, {}, s, scalar_shape())}, {}, scalar_shape());
    idx = make_uop(Ops::Add, k.index_dtype, {idx, term}, {}, scalar_shape());
    step *= axes[order[d]].size;
  }
  const DType dtype = operand.node->dtype;
  ok.replace(operand.node.get(), make_uop(Ops::Load, dtype, {make_uop(Ops::Param, dtype, {}, p, scalar_shape()), simplify(idx)}, {}, scalar_shape()));
  note += " packed operand " + std::to_string(which);
  return true;
}

}  // namespace ctgrad::rt::opt
