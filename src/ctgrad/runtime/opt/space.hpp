#pragma once
// A lowered kernel's iteration space with optimization actions applied. Every action is a substitution of one axis
// variable by an expression of new ones (split: v -> outer*amount + inner), so the kernel AST stays one expression
// and the linearizer decides from each axis's kind how it becomes code: a tile index, a loop, registers or lanes.
#include <algorithm>
#include <unordered_map>

#include "ctgrad/runtime/lower.hpp"
#include "ctgrad/runtime/opt/index_fold.hpp"
#include "ctgrad/runtime/opt/opt.hpp"

namespace ctgrad::rt::opt {

enum class AxisKind : std::uint8_t {
  Global,        // enumerated by the invocation index g (threads split g)
  Reduce,        // a loop inside the invocation
  Upcast,        // output axis computed in registers: one copy of the code per value
  Vector,        // output axis as SIMD lanes
  Unroll,        // reduced axis unrolled in the loop body
  ReduceVector,  // reduced axis as SIMD lanes of the accumulator, summed across lanes after the loop
  Local,         // output axis enumerated by the threads of one GPU block: the innermost part of g
  Inner,         // output axis enumerated by a loop inside the reduced axes' loops; its sums live in the output buffer
};

struct Axis {
  std::int64_t size;
  AxisKind kind;
  UOpPtr var;
};

// A reduction operand a GPU block loads into shared memory together (stage.hpp). Its node in the AST was replaced by
// a load of `local` at the slot its in-block coordinates name; the tile linearizer fills the slots from `operand`.
struct StagedOperand {
  UOpPtr local;                 // the Ops::Local array
  UOpPtr operand;               // the operand's expression, as it was in the AST
  std::vector<std::size_t> slot_axes;  // the in-block axes it varies along, outermost slot coordinate first
  std::int64_t slots;           // the array's elements: the product of those axes' sizes
};

// Dtypes the optimizer puts in SIMD vectors (others are computed lane by lane).
inline bool vector_dtype(DType d) { return d == DType::Float32 || d == DType::Float64 || d == DType::Int32 || d == DType::Int64; }

// The distinct Acc nodes under n, in the order a depth-first walk meets them (an Acc's own sources are not entered).
inline void collect_accs(const UOpPtr& n, std::vector<UOpPtr>& out) {
  if (n->op == Ops::Acc) {
    if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    return;
  }
  for (auto& s : n->src) collect_accs(s, out);
}

inline const Matcher& simplify_rules() {
  static const Matcher m = algebraic_rules() + index_rules() + sum_divmod_rules();
  return m;
}
inline UOpPtr simplify(const UOpPtr& n) { return graph_rewrite(n, simplify_rules()); }

// Replaces the nodes in `with` (keys by address) throughout `root`. An Acc keeps a Range as its second source: where
// that Range is replaced, `acc_range` stands in (nullptr: the Acc keeps its own).
inline UOpPtr substitute(const UOpPtr& root, const std::unordered_map<const UOp*, UOpPtr>& with, const UOpPtr& acc_range = nullptr) {
  std::unordered_map<const UOp*, UOpPtr> done;
  auto visit = [&](auto&& self, const UOpPtr& n) -> UOpPtr {
    if (auto it = with.find(n.get()); it != with.end()) return it->second;
    if (auto it = done.find(n.get()); it != done.end()) return it->second;
    std::vector<UOpPtr> src;
    bool changed = false;
    for (std::size_t i = 0; i < n->src.size(); ++i) {
      const bool keep_range = n->op == Ops::Acc && i == 1;
      src.push_back(keep_range ? (acc_range && with.count(n->src[1].get()) ? acc_range : n->src[1]) : self(self, n->src[i]));
      changed |= src.back() != n->src[i];
    }
    UOpPtr out = changed ? make_uop(n->op, n->dtype, std::move(src), n->arg, n->shape, n->buffer) : n;
    done.emplace(n.get(), out);
    return out;
  };
  return visit(visit, root);
}

class OptKernel {
 public:
  explicit OptKernel(const LoweredKernel& k) : k_(k), ast_(k.ast) {
    for (auto& a : k.axes) {
      axes_.push_back({a.size, a.reduce ? AxisKind::Reduce : AxisKind::Global, a.var});
      next_id_ = std::max(next_id_, a.var->arg.index + 1);
    }
  }

  // Applies `o` when it is legal here; returns false (and changes nothing) otherwise.
  bool apply(const Opt& o) {
    if (o.op == OptOp::Pack || o.op == OptOp::Stage) return false;  // pack.hpp, stage.hpp
    if (o.axis < 0 || o.axis >= static_cast<int>(axes_.size())) return false;
    Axis& a = axes_[static_cast<std::size_t>(o.axis)];
    if (o.op == OptOp::Swap) {
      if (o.amount < 0 || o.amount >= static_cast<int>(axes_.size()) || o.amount == o.axis) return false;
      if (a.kind != AxisKind::Global || axes_[static_cast<std::size_t>(o.amount)].kind != AxisKind::Global) return false;
      std::swap(axes_[static_cast<std::size_t>(o.axis)], axes_[static_cast<std::size_t>(o.amount)]);
      applied_.push_back(o);
      return true;
    }
    if (o.amount < 2 || a.size % o.amount != 0) return false;
    const bool reduce = a.kind == AxisKind::Reduce;
    if (!reduce && a.kind != AxisKind::Global) return false;
    AxisKind inner;
    switch (o.op) {
      case OptOp::Upcast:
        if (reduce || tile_size() * o.amount > 1024) return false;
        inner = AxisKind::Upcast;
        break;
      case OptOp::Unroll:
        if (!reduce || unroll_size() * o.amount > 64) return false;
        inner = AxisKind::Unroll;
        break;
      case OptOp::Local:  // a block holds at most 1024 threads on every GPU ctgrad targets
        if (reduce || local_size() * o.amount > 1024) return false;
        inner = AxisKind::Local;
        break;
      case OptOp::Inner:  // one such loop, in a reduction whose outputs are stored as its one Acc's value
        if (reduce || product({AxisKind::Inner}) > 1 || !accumulates_in_output()) return false;
        inner = AxisKind::Inner;
        break;
      default:  // Vectorize
        if (lane_axis() >= 0 || o.amount > 64 || (o.amount & (o.amount - 1)) != 0) return false;
        if (!reduce && tile_size() * o.amount > 1024) return false;
        inner = reduce ? AxisKind::ReduceVector : AxisKind::Vector;
    }
    const std::int64_t outer_size = a.size / o.amount;
    UOpPtr outer = axis_var(k_.index_dtype, outer_size, next_id_++), in = axis_var(k_.index_dtype, o.amount, next_id_++);
    auto c = [&](std::int64_t v) {
      UArg arg;
      arg.value = static_cast<double>(v);
      return make_uop(Ops::Const, k_.index_dtype, {}, arg, scalar_shape());
    };
    UOpPtr expr = make_uop(Ops::Add, k_.index_dtype, {make_uop(Ops::Mul, k_.index_dtype, {outer, c(o.amount)}, {}, scalar_shape()), in}, {},
                           scalar_shape());
    ast_ = substitute(ast_, {{a.var.get(), expr}}, outer);
    const AxisKind kind = a.kind;
    a = {outer_size, kind, outer};
    axes_.push_back({o.amount, inner, in});
    applied_.push_back(o);
    return true;
  }

  void record(const Opt& o) { applied_.push_back(o); }
  void add_staged(StagedOperand s) { staged_.push_back(std::move(s)); }
  const std::vector<StagedOperand>& staged() const { return staged_; }
  // Replaces one node of the AST (packing swaps a load for a load of the packed copy).
  void replace(const UOp* from, const UOpPtr& to) { ast_ = substitute(ast_, {{from, to}}); }

  const std::vector<Axis>& axes() const { return axes_; }
  const UOpPtr& ast() const { return ast_; }
  const std::vector<Opt>& applied() const { return applied_; }
  const LoweredKernel& lowered() const { return k_; }

  // Values one invocation computes in registers (upcast and vector axes).
  std::int64_t tile_size() const { return product({AxisKind::Upcast, AxisKind::Vector}); }
  std::int64_t unroll_size() const { return product({AxisKind::Unroll}); }
  std::int64_t local_size() const { return product({AxisKind::Local}); }
  // Whether the kernel is one reduction whose Acc holds the stored value's dtype, so its partial sums can live in the
  // output buffer (INNER): the Store's value reads exactly one Acc, of the stored dtype.
  bool accumulates_in_output() const {
    std::vector<UOpPtr> accs;
    collect_accs(ast_->src[2], accs);
    return accs.size() == 1 && accs[0]->dtype == ast_->dtype;
  }
  int lane_axis() const {
    for (std::size_t i = 0; i < axes_.size(); ++i)
      if (axes_[i].kind == AxisKind::Vector || axes_[i].kind == AxisKind::ReduceVector) return static_cast<int>(i);
    return -1;
  }

 private:
  std::int64_t product(std::initializer_list<AxisKind> kinds) const {
    std::int64_t n = 1;
    for (auto& a : axes_)
      for (auto k : kinds)
        if (a.kind == k) n *= a.size;
    return n;
  }
  const LoweredKernel& k_;
  UOpPtr ast_;
  std::vector<Axis> axes_;
  std::vector<Opt> applied_;
  std::vector<StagedOperand> staged_;
  std::int64_t next_id_ = 1;
};

inline bool has_reduce(const OptKernel& k) {
  for (auto& a : k.axes())
    if (a.kind == AxisKind::Reduce) return true;
  return false;
}

}  // namespace ctgrad::rt::opt
