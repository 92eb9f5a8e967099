#pragma once
// Lowering: one fused kernel for a graph node. Views are pushed down to the loads (through elementwise ops), whatever
// cannot be fused (a second reduction, a view of a reduction, a padded computation) is realized first, and the
// kernel's iteration space is simplified by merging axes every load traverses contiguously. The result is a kernel
// AST of kernel-level UOps whose index arithmetic the rule sets simplify.
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include "ctgrad/runtime/symbolic.hpp"
#include "ctgrad/runtime/view_nodes.hpp"

namespace ctgrad::rt {

// Realizes a graph node (another kernel) and returns its buffer: the lowering calls it for what it cannot fuse.
using RealizeFn = std::function<std::shared_ptr<Buffer>(const UOpPtr&)>;

// One axis of a kernel's iteration space (a group of merged dims). Its variable is a Range leaf with
// arg.value = size and arg.index = a number unique in the kernel (>= 1; 0 is the flat reduction counter).
struct KernelAxis {
  std::int64_t size;
  bool reduce;
  UOpPtr var;
};

struct LoweredKernel {
  UOpPtr ast;                                  // the Store, indexed by the axes' variables
  std::vector<std::shared_ptr<Buffer>> params; // params[0] is the output
  std::vector<std::string> notes;              // optimizations applied (DEBUG=3)
  std::vector<KernelAxis> axes;                // output axes and reduced axes, outermost first (a reduce has at least one)
  std::int64_t global_size = 1, reduce_size = 1;
  DType index_dtype = DType::Int32;
  RealizeFn realize;  // realizes another graph node (the optimizer packs operands with it); valid during realization
};

inline UOpPtr axis_var(DType index_dtype, std::int64_t size, std::int64_t id) {
  UArg a;
  a.value = static_cast<double>(size);
  a.index = id;
  return make_uop(Ops::Range, index_dtype, {}, a, scalar_shape());
}

class KernelLowering {
 public:
  KernelLowering(const UOpPtr& target, std::shared_ptr<Buffer> out, RealizeFn realize) : realize_(std::move(realize)) {
    params_.push_back(std::move(out));
    find_reduce(target);
    // A reduction seen through a plain reshape (sum<1>() without keepdim): the kernel iterates in the reduction's
    // keepdim shape, and the reshape is pushed to the other loads instead (same element order, so same output).
    std::optional<ViewStack> into_reduce;
    if (reduce_ && !(reduce_->shape == target->shape))
      into_reduce = reshape(identity_stack(*target), reduce_->shape.rank, reduce_->shape.shape);
    UOpPtr tree = normalize(target, into_reduce);
    full_ = reduce_ ? reduce_->src[0]->shape : target->shape;
    collect_loads(tree);
    plan_axes();
    result_.ast = emit_store(tree);
    result_.ast = graph_rewrite(result_.ast, algebraic_rules() + index_rules());
    result_.params = params_;
    result_.realize = realize_;
  }
  LoweredKernel& result() { return result_; }

 private:
  // -- 1. the one reduction this kernel computes: the first reachable through elementwise ops only --
  void find_reduce(const UOpPtr& n) {
    if (reduce_ || n->realized || n->op == Ops::Buffer) return;
    if (n->op == Ops::Reduce) {
      reduce_ = n;
      return;
    }
    if (n->op == Ops::View && is_plain_reshape(*n->arg.view, n->src[0]->numel()) && n->src[0]->op == Ops::Reduce && !n->src[0]->realized) {
      reduce_ = n->src[0];
      return;
    }
    if (n->op == Ops::Adjoint) find_reduce(n->src[0]);
    if (is_alu(n->op) || n->op == Ops::Detach)
      for (auto& s : n->src) find_reduce(s);
  }

  UOpPtr realized_view(const UOpPtr& n, const std::optional<ViewStack>& v) {
    auto buf = n->realized ? n->realized : (n->op == Ops::Buffer ? n->buffer : realize_(n));
    ViewStack base = identity_stack(*n);
    auto s = v ? compose(base, *v) : std::optional<ViewStack>(base);
    return view_uop(buffer_uop(buf), *s);
  }

  // -- 2. push views to the leaves: the tree afterwards has Views only directly over Buffers and Consts --
  // Memoized per (node, view): a shared subgraph is normalized once, not once per path to it.
  UOpPtr normalize(const UOpPtr& n, const std::optional<ViewStack>& v) {
    auto& seen = normalized_[n.get()];
    for (auto& [view, out] : seen)
      if (view == v) return out;
    UOpPtr out = normalize_once(n, v);
    normalized_[n.get()].emplace_back(v, out);
    return out;
  }
  UOpPtr normalize_once(const UOpPtr& n, const std::optional<ViewStack>& v) {
    if (n->realized || n->op == Ops::Buffer) return realized_view(n, v);
    switch (n->op) {
      case Ops::Const: return v ? view_uop(n, *v) : n;
      case Ops::Detach:   // stops gradients only
      case Ops::Adjoint:  // its inputs are there for the gradient
        return normalize(n->src[0], v);
      case Ops::View: {
        if (!v) return normalize(n->src[0], *n->arg.view);
        if (auto c = compose(*n->arg.view, *v)) return normalize(n->src[0], *c);
        return realized_view(n, v);  // too deep to fold: materialize the inner view first
      }
      case Ops::Reduce:
        if (n == reduce_ && (!v || is_identity(*v, n->shape))) {
          in_reduce_ = true;
          UOpPtr body = normalize(n->src[0], std::nullopt);
          in_reduce_ = false;
          return make_uop(Ops::Reduce, n->dtype, {body}, n->arg, n->shape);
        }
        return realized_view(n, v);
      default: {
        // A view with a mask over a computation would need the padding value of the whole expression: realize.
        if (v && has_mask(*v)) return realized_view(n, v);
        if (in_reduce_ && v && recomputed_in_reduce(*n, *v)) return realized_view(n, v);
        std::vector<UOpPtr> src;
        for (auto& s : n->src) src.push_back(normalize(s, v));
        NodeShape shape = n->shape;
        if (v) shape.rank = v->rank(), shape.shape = v->shape();
        return make_uop(n->op, n->dtype, std::move(src), n->arg, shape);
      }
    }
  }

  // A computation the reduction reads through a view that repeats its elements (a convolution's overlapping windows
  // over relu(conv + bias), a matmul's broadcast operand) is realized first: fused, the reduction loop would compute
  // every element again at each repeat (25 times under a 5x5 window), and the optimizer tiles a buffer's loads best.
  // Small ones stay fused (a per-channel scale under a batch norm): a kernel launch costs more than their repeats.
  static constexpr std::int64_t kMinRealizedRepeats = 2, kMinRealizedElements = std::int64_t{1} << 14;
  static bool recomputed_in_reduce(const UOp& n, const ViewStack& v) {
    return n.numel() >= kMinRealizedElements && v.top().numel() >= kMinRealizedRepeats * n.numel();
  }

  // -- 3. the iteration space: merge adjacent axes that every load walks contiguously --
  void collect_loads(const UOpPtr& n) {
    if (!seen_.insert(n.get()).second) return;
    if (n->op == Ops::View) {
      loads_.push_back(n->arg.view->top());
      return;
    }
    for (auto& s : n->src) collect_loads(s);
  }

  static bool full_dim(const View& v, std::uint8_t d) { return v.lo[d] == 0 && v.hi[d] == v.shape[d]; }

  void plan_axes() {
    const std::uint32_t red = reduce_ ? reduce_->arg.axes : 0;
    auto is_red = [&](std::uint8_t d) { return ((red >> d) & 1u) != 0; };
    auto mergeable = [&](std::uint8_t a, std::uint8_t b) {
      for (const View& v : loads_) {
        if (v.shape[a] == 1 && v.shape[b] == 1) continue;  // post-reduce loads see reduced axes as size 1
        if (!full_dim(v, a) || !full_dim(v, b) || v.stride[a] != v.stride[b] * v.shape[b]) return false;
      }
      return true;
    };
    for (std::uint8_t d = 0; d < full_.rank; ++d) {
      if (full_.shape[d] == 1) {
        bool all_full = true;
        for (const View& v : loads_) all_full = all_full && full_dim(v, d);
        if (all_full) continue;  // a size-1 axis every load covers fully contributes nothing to any index
      }
      if (!groups_.empty() && is_red(groups_.back().back()) == is_red(d) && mergeable(groups_.back().back(), d)) {
        groups_.back().push_back(d);
      } else {
        groups_.push_back({d});
      }
    }
    std::size_t kept = 0;
    for (auto& g : groups_) kept += g.size();
    if (groups_.size() < kept) result_.notes.push_back("merged " + std::to_string(kept) + " axes into " + std::to_string(groups_.size()));
    for (auto& g : groups_) {
      std::int64_t size = 1;
      for (auto d : g) size *= full_.shape[d];
      (is_red(g.front()) ? result_.reduce_size : result_.global_size) *= size;
    }
    // int32 indices when every offset any load can form fits (they are cheaper on every target)
    std::int64_t extent = std::max(result_.global_size, result_.reduce_size);
    for (auto& b : params_) extent = std::max(extent, b->numel);
    for (const View& v : loads_) {
      std::int64_t reach = std::abs(v.offset);
      for (std::uint8_t d = 0; d < v.rank; ++d) reach += std::abs(v.stride[d]) * v.shape[d];
      extent = std::max(extent, reach);
    }
    result_.index_dtype = extent < (std::int64_t{1} << 30) ? DType::Int32 : DType::Int64;
    if (debug_level() >= 3) result_.notes.push_back(std::string("index ") + name(result_.index_dtype));
    for (auto& g : groups_) {
      std::int64_t size = 1;
      for (auto d : g) size *= full_.shape[d];
      const auto id = static_cast<std::int64_t>(result_.axes.size()) + 1;
      result_.axes.push_back({size, is_red(g.front()), axis_var(result_.index_dtype, size, id)});
    }
    bool any_reduce = false;
    for (auto& a : result_.axes) any_reduce = any_reduce || a.reduce;
    if (reduce_ && !any_reduce) {  // every reduced dim was dropped as size 1: a one-step reduction keeps the Acc's loop
      const auto id = static_cast<std::int64_t>(result_.axes.size()) + 1;
      result_.axes.push_back({1, true, axis_var(result_.index_dtype, 1, id)});
    }
    for (auto& a : result_.axes) {
      if (a.reduce && !ridx_) ridx_ = a.var;
      if (!a.reduce) out_axes_.push_back(a.var);
    }
  }

  // -- 4. the kernel AST --
  UOpPtr idx_const(std::int64_t v) const {
    UArg a;
    a.value = static_cast<double>(v);
    return make_uop(Ops::Const, result_.index_dtype, {}, a, scalar_shape());
  }
  UOpPtr bin(Ops op, const UOpPtr& a, const UOpPtr& b) const {
    DType dt = (op == Ops::CmpLt || op == Ops::And) && a->dtype != DType::Bool ? DType::Bool : a->dtype;
    return make_uop(op, dt, {a, b}, {}, scalar_shape());
  }
  UOpPtr bool_const(bool v) const {
    UArg a;
    a.value = v;
    return make_uop(Ops::Const, DType::Bool, {}, a, scalar_shape());
  }

  // Coordinates of each merged axis group: its axis variable (reduced groups read 0 after the reduction).
  std::vector<UOpPtr> group_coords(bool post) {
    std::vector<UOpPtr> coord(groups_.size());
    for (std::size_t gi = 0; gi < groups_.size(); ++gi) coord[gi] = post && result_.axes[gi].reduce ? idx_const(0) : result_.axes[gi].var;
    return coord;
  }
  // The output element index: the output axes in row-major order.
  UOpPtr output_index() const {
    UOpPtr idx = idx_const(0);
    std::int64_t inner = 1;
    for (std::size_t i = out_axes_.size(); i-- > 0;) {
      idx = bin(Ops::Add, idx, bin(Ops::Mul, out_axes_[i], idx_const(inner)));
      inner *= static_cast<std::int64_t>(out_axes_[i]->arg.value);
    }
    return idx;
  }

  // Index and validity of a load through a stack whose top view has the kernel's full (or output) shape.
  std::pair<UOpPtr, UOpPtr> index_of(const ViewStack& s, const std::vector<UOpPtr>& coord) {
    UOpPtr valid = bool_const(true);
    const View& top = s.top();
    UOpPtr idx = idx_const(top.offset);
    for (std::size_t gi = 0; gi < groups_.size(); ++gi) {
      const auto& g = groups_[gi];
      const auto last = g.back();
      std::int64_t size = 1;
      for (auto d : g) size *= top.shape[d];
      for (auto d : g)  // an empty size-1 dim makes every element invalid, also where its group merged with others
        if (top.shape[d] == 1 && !full_dim(top, d)) valid = bool_const(false);
      if (g.size() == 1 && !full_dim(top, last)) {
        valid = bin(Ops::And, valid, bin(Ops::CmpLt, coord[gi], idx_const(top.hi[last])));
        valid = bin(Ops::And, valid, bin(Ops::CmpLt, idx_const(top.lo[last] - 1), coord[gi]));
      }
      if (top.stride[last] != 0 && size > 1) idx = bin(Ops::Add, idx, bin(Ops::Mul, coord[gi], idx_const(top.stride[last])));
    }
    for (int vi = static_cast<int>(s.depth) - 2; vi >= 0; --vi) {  // unravel into each lower view
      const View& v = s.views[static_cast<std::size_t>(vi)];
      UOpPtr next = idx_const(v.offset);
      std::int64_t inner = 1;
      for (int d = v.rank - 1; d >= 0; --d) {
        const auto du = static_cast<std::size_t>(d);
        UOpPtr c = bin(Ops::Mod, bin(Ops::IDiv, idx, idx_const(inner)), idx_const(v.shape[du]));
        if (!full_dim(v, static_cast<std::uint8_t>(d))) {
          valid = bin(Ops::And, valid, bin(Ops::CmpLt, c, idx_const(v.hi[du])));
          valid = bin(Ops::And, valid, bin(Ops::CmpLt, idx_const(v.lo[du] - 1), c));
        }
        if (v.stride[du] != 0) next = bin(Ops::Add, next, bin(Ops::Mul, c, idx_const(v.stride[du])));
        inner *= v.shape[du];
      }
      idx = next;
    }
    return {idx, valid};
  }

  static DType compute_dtype(DType d) { return d == DType::Half || d == DType::BFloat16 ? DType::Float32 : d; }

  UOpPtr param(const std::shared_ptr<Buffer>& b) {
    auto it = param_of_.find(b.get());
    std::int64_t k;
    if (it != param_of_.end()) {
      k = it->second;
    } else {
      k = static_cast<std::int64_t>(params_.size());
      params_.push_back(b);
      param_of_[b.get()] = k;
    }
    UArg a;
    a.index = k;
    return make_uop(Ops::Param, b->dtype, {}, a, scalar_shape());
  }

  UOpPtr emit(const UOpPtr& n, bool post) {
    auto key = std::make_pair(n.get(), post);
    if (auto it = emitted_.find(key); it != emitted_.end()) return it->second;
    UOpPtr out;
    const DType dt = compute_dtype(n->dtype);
    if (n->op == Ops::Const) {
      UArg a;
      a.value = n->arg.value;
      out = make_uop(Ops::Const, dt, {}, a, scalar_shape());
    } else if (n->op == Ops::View) {
      auto [idx, valid] = index_of(*n->arg.view, group_coords(post));
      const UOp& leaf = *n->src[0];
      if (leaf.op == Ops::Const) {
        UArg a;
        a.value = leaf.arg.value;
        out = make_uop(Ops::Where, dt, {valid, make_uop(Ops::Const, dt, {}, a, scalar_shape()), make_uop(Ops::Const, dt, {}, {}, scalar_shape())}, {},
                       scalar_shape());
      } else {
        std::vector<UOpPtr> src{param(leaf.buffer), idx};
        if (!(valid->op == Ops::Const && valid->arg.value != 0)) src.push_back(valid);
        out = make_uop(Ops::Load, leaf.dtype, std::move(src), {}, scalar_shape());
        if (dt != leaf.dtype) out = make_uop(Ops::Cast, dt, {out}, {}, scalar_shape());
      }
    } else if (n->op == Ops::Reduce) {
      UArg a;
      a.alu = n->arg.alu;
      out = make_uop(Ops::Acc, dt, {emit(n->src[0], false), ridx_}, a, scalar_shape());
    } else {
      std::vector<UOpPtr> src;
      for (auto& s : n->src) src.push_back(emit(s, post));
      out = make_uop(n->op, dt, std::move(src), {}, scalar_shape());
    }
    emitted_[key] = out;
    return out;
  }

  UOpPtr emit_store(const UOpPtr& tree) {
    UOpPtr value = emit(tree, reduce_ != nullptr);
    const DType out_dt = params_[0]->dtype;
    if (value->dtype != out_dt) value = make_uop(Ops::Cast, out_dt, {value}, {}, scalar_shape());
    UArg a;
    a.index = 0;
    auto out = make_uop(Ops::Param, out_dt, {}, a, scalar_shape());
    return make_uop(Ops::Store, out_dt, {out, output_index(), value}, {}, scalar_shape());
  }

  struct PairHash {
    std::size_t operator()(const std::pair<const UOp*, bool>& p) const { return std::hash<const UOp*>{}(p.first) * 2 + p.second; }
  };

  RealizeFn realize_;
  UOpPtr reduce_, ridx_;
  bool in_reduce_ = false;  // normalizing the reduction's body (the loop that would recompute a repeated computation)
  std::vector<UOpPtr> out_axes_;
  NodeShape full_{};
  std::vector<View> loads_;
  std::unordered_set<const UOp*> seen_;
  std::unordered_map<const UOp*, std::vector<std::pair<std::optional<ViewStack>, UOpPtr>>> normalized_;  // graph nodes stay alive
  std::vector<std::vector<std::uint8_t>> groups_;
  std::vector<std::shared_ptr<Buffer>> params_;
  std::unordered_map<const Buffer*, std::int64_t> param_of_;
  std::unordered_map<std::pair<const UOp*, bool>, UOpPtr, PairHash> emitted_;
  LoweredKernel result_;
};

}  // namespace ctgrad::rt
