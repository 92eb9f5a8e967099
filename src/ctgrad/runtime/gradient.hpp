#pragma once
// Gradients as rules: one rule per primitive UOp (tinygrad's gradient.py). A rule maps the gradient of a node's
// output (ctx) to the gradients of its sources, built from ordinary lazy UOps, so the backward graph fuses, schedules
// and caches like any forward graph. Rules are data in a matcher indexed by op, composable with `+`.
#include <numbers>
#include <unordered_map>
#include <unordered_set>

#include "ctgrad/runtime/grad_ops.hpp"
#include "ctgrad/runtime/rewrite.hpp"

namespace ctgrad::rt {

// The gradients of a node's sources, in source order; a null entry gets none.
using GradFn = std::function<std::vector<UOpPtr>(const UOpPtr& ctx, const UOpPtr& node)>;
struct GradRule {
  Pat pattern;
  GradFn gradient;
};

class GradMatcher {
 public:
  GradMatcher(std::initializer_list<GradRule> rules) : rules_(rules) {}
  friend GradMatcher operator+(GradMatcher a, const GradMatcher& b) {
    a.rules_.insert(a.rules_.end(), b.rules_.begin(), b.rules_.end());
    return a;
  }
  // The first rule whose pattern matches; throws when none does (a primitive without a rule is a ctgrad bug).
  std::vector<UOpPtr> gradient(const UOpPtr& ctx, const UOpPtr& node) const {
    for (const GradRule& r : rules_) {
      Binds b{};
      if (r.pattern.match(node, b)) return r.gradient(ctx, node);
    }
    throw Error(std::string("ctgrad::backward: no gradient rule for ") + name(node->op));
  }

 private:
  std::vector<GradRule> rules_;
};

namespace detail {

inline Pat reduce_with(Ops alu) { return Pat{{Ops::Reduce}, {}, -1, false, [alu](const UOp& n) { return n.arg.alu == alu; }}; }
inline Pat move_of(Move kind) {
  return Pat{{Ops::View}, {}, -1, false, [kind](const UOp& n) { return n.arg.move && n.arg.move->kind == kind; }};
}
inline const Movement& move(const UOpPtr& n) { return *n->arg.move; }

// The adjoint of one movement op: permute by the inverse, sum what expand repeated, pad and shrink undo each other.
inline GradMatcher movement_gradients() {
  using namespace grad_ops;
  const auto& in = [](const UOpPtr& n) -> const NodeShape& { return n->src[0]->shape; };
  return {
      {move_of(Move::Reshape), [in](const UOpPtr& ctx, const UOpPtr& n) { return std::vector{move_uop(ctx, reshape_move(in(n)))}; }},
      {move_of(Move::Permute),
       [](const UOpPtr& ctx, const UOpPtr& n) {
         Dims inverse{};
         for (std::uint8_t d = 0; d < n->rank(); ++d) inverse[static_cast<std::size_t>(move(n).a[d])] = d;
         return std::vector{move_uop(ctx, permute_move(n->rank(), inverse))};
       }},
      {move_of(Move::Expand),
       [in](const UOpPtr& ctx, const UOpPtr& n) {
         std::uint32_t axes = 0;
         for (std::uint8_t d = 0; d < n->rank(); ++d)
           if (in(n).shape[d] != n->shape.shape[d]) axes |= 1u << d;
         return std::vector{sum(ctx, axes)};
       }},
      {move_of(Move::Pad),
       [in](const UOpPtr& ctx, const UOpPtr& n) {
         Dims end{};
         for (std::uint8_t d = 0; d < n->rank(); ++d) end[d] = move(n).a[d] + in(n).shape[d];
         return std::vector{move_uop(ctx, shrink_move(n->rank(), move(n).a, end))};
       }},
      {move_of(Move::Shrink),
       [in](const UOpPtr& ctx, const UOpPtr& n) {
         Dims after{};
         for (std::uint8_t d = 0; d < n->rank(); ++d) after[d] = in(n).shape[d] - move(n).b[d];
         return std::vector{move_uop(ctx, pad_move(n->rank(), move(n).a, after))};
       }},
      {move_of(Move::Flip), [](const UOpPtr& ctx, const UOpPtr& n) { return std::vector{move_uop(ctx, move(n))}; }},
  };
}

// Reductions: a sum spreads the gradient back; max shares it equally among the tied maxima (tinygrad's rule); a
// product gives each element the product of the others (as ret / x, so it is undefined where x is 0, as in tinygrad).
inline GradMatcher reduce_gradients() {
  using namespace grad_ops;
  return {
      {reduce_with(Ops::Add), [](const UOpPtr& ctx, const UOpPtr& n) { return std::vector{expand(ctx, n->src[0]->shape)}; }},
      {reduce_with(Ops::Max),
       [](const UOpPtr& ctx, const UOpPtr& n) {
         const UOpPtr& x = n->src[0];
         auto is_max = cast(cmp(Ops::CmpEq, x, expand(n, x->shape)), x->dtype);
         auto count = expand(sum(is_max, n->arg.axes), x->shape);
         return std::vector{is_max / count * expand(ctx, x->shape)};
       }},
      {reduce_with(Ops::Mul),
       [](const UOpPtr& ctx, const UOpPtr& n) { return std::vector{expand(ctx * n, n->src[0]->shape) / n->src[0]}; }},
  };
}

// Elementwise ops: the chain rule with each op's derivative. Max splits a tie evenly, as tinygrad does.
inline GradMatcher alu_gradients() {
  using namespace grad_ops;
  using G = std::vector<UOpPtr>;
  auto op = [](Ops o) { return Pat{{o}, {}, -1, false, {}}; };
  return {
      {op(Ops::Add), [](const UOpPtr& ctx, const UOpPtr&) { return G{ctx, ctx}; }},
      {op(Ops::Sub), [](const UOpPtr& ctx, const UOpPtr&) { return G{ctx, -ctx}; }},
      {op(Ops::Mul), [](const UOpPtr& ctx, const UOpPtr& n) { return G{ctx * n->src[1], ctx * n->src[0]}; }},
      {op(Ops::Div),
       [](const UOpPtr& ctx, const UOpPtr& n) {
         const UOpPtr &x = n->src[0], &y = n->src[1];
         return G{ctx / y, -(ctx * x) / (y * y)};
       }},
      {op(Ops::Neg), [](const UOpPtr& ctx, const UOpPtr&) { return G{-ctx}; }},
      {op(Ops::Exp2), [](const UOpPtr& ctx, const UOpPtr& n) { return G{ctx * n * std::numbers::ln2}; }},
      {op(Ops::Log2), [](const UOpPtr& ctx, const UOpPtr& n) { return G{ctx / (n->src[0] * std::numbers::ln2)}; }},
      {op(Ops::Sin),
       [](const UOpPtr& ctx, const UOpPtr& n) {
         const UOpPtr& x = n->src[0];
         return G{ctx * alu(Ops::Sin, alu(Ops::Sub, cnst(x, std::numbers::pi / 2), x))};
       }},
      {op(Ops::Sqrt), [](const UOpPtr& ctx, const UOpPtr& n) { return G{ctx / (n * 2.0)}; }},
      {op(Ops::Recip), [](const UOpPtr& ctx, const UOpPtr& n) { return G{-(ctx * n * n)}; }},
      {op(Ops::Max),
       [](const UOpPtr& ctx, const UOpPtr& n) {
         const UOpPtr &x = n->src[0], &y = n->src[1];
         auto zero = cnst(ctx, 0), half = ctx * 0.5;
         auto differ = cmp(Ops::CmpNe, x, y);
         return G{where(cmp(Ops::CmpLt, y, x), ctx, where(differ, zero, half)), where(cmp(Ops::CmpLt, x, y), ctx, where(differ, zero, half))};
       }},
      {op(Ops::Where),
       [](const UOpPtr& ctx, const UOpPtr& n) {
         auto zero = cnst(ctx, 0);
         return G{nullptr, where(n->src[0], ctx, zero), where(n->src[0], zero, ctx)};
       }},
      {op(Ops::Cast),
       [](const UOpPtr& ctx, const UOpPtr& n) { return G{is_float(n->src[0]->dtype) ? cast(ctx, n->src[0]->dtype) : nullptr}; }},
  };
}

// An Adjoint node carries its own rule: nothing for its value (computed from detached inputs), the function's for the rest.
inline GradMatcher adjoint_gradients() {
  return {{Pat{{Ops::Adjoint}, {}, -1, false, {}}, [](const UOpPtr& ctx, const UOpPtr& n) {
             std::vector<UOpPtr> g{nullptr};
             for (auto& s : n->arg.adjoint->gradients(ctx)) g.push_back(s);
             if (g.size() != n->src.size())
               throw Error("ctgrad::backward: the adjoint of " + n->arg.adjoint->name + " gave " + std::to_string(g.size() - 1) + " gradients for " +
                           std::to_string(n->src.size() - 1) + " inputs");
             return g;
           }}};
}

}  // namespace detail

inline const GradMatcher& gradient_rules() {
  static const GradMatcher rules = detail::alu_gradients() + detail::reduce_gradients() + detail::movement_gradients() + detail::adjoint_gradients();
  return rules;
}

// The gradients of `root` (seeded with root_grad) with respect to each target, through the nodes that lie on a path
// from root to a target (tinygrad's compute_gradient). A target the root does not depend on gets nullptr.
inline std::vector<UOpPtr> compute_gradient(const UOpPtr& root, const UOpPtr& root_grad, const std::vector<UOpPtr>& targets) {
  std::unordered_set<const UOp*> target_set;
  for (auto& t : targets) target_set.insert(t.get());
  // post-order over the nodes that reach a target; only nodes that need a gradient can be on such a path
  std::unordered_map<const UOp*, bool> reaches;
  std::vector<UOpPtr> order;
  auto walk = [&](auto&& self, const UOpPtr& n) -> bool {
    if (auto it = reaches.find(n.get()); it != reaches.end()) return it->second;
    bool r = target_set.count(n.get()) != 0;
    for (auto& s : n->src)
      if (s->needs_grad) r = self(self, s) || r;
    reaches.emplace(n.get(), r);
    if (r) order.push_back(n);
    return r;
  };
  walk(walk, root);
  std::unordered_map<const UOp*, UOpPtr> grads{{root.get(), root_grad}};
  for (auto it = order.rbegin(); it != order.rend(); ++it) {
    const UOpPtr& n = *it;
    auto g = grads.find(n.get());
    if (g == grads.end() || n->src.empty()) continue;
    auto src_grads = gradient_rules().gradient(g->second, n);
    for (std::size_t i = 0; i < n->src.size(); ++i) {
      const UOpPtr& s = n->src[i];
      if (!src_grads[i] || !s->needs_grad || !reaches[s.get()]) continue;
      auto [slot, fresh] = grads.emplace(s.get(), src_grads[i]);
      if (!fresh) slot->second = grad_ops::operator+(slot->second, src_grads[i]);
    }
  }
  std::vector<UOpPtr> out;
  for (auto& t : targets) {
    auto g = grads.find(t.get());
    out.push_back(g == grads.end() ? nullptr : g->second);
  }
  return out;
}

}  // namespace ctgrad::rt
