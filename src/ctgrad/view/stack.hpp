#pragma once
// ViewStack: the views between a buffer and a tensor (tinygrad's ShapeTracker). views[0] reads the buffer; each view
// above reads the flat (row-major) index space of the one below; views[depth-1] has the tensor's shape. Ops rewrite
// the top view; only a reshape that one view cannot express pushes a second, and the stack is re-merged after each op.
#include "ctgrad/view/merge.hpp"

namespace ctgrad {

struct ViewStack {
  std::uint8_t depth = 0;
  std::array<View, kMaxViews> views{};  // views[depth-1] is the top (current shape); unused slots are View{}

  constexpr const View& top() const {
    detail::expects(depth >= 1 && depth <= kMaxViews, "ctgrad::ViewStack: empty stack");
    return views[depth - 1u];
  }
  constexpr std::uint8_t rank() const { return top().rank; }
  constexpr Dims shape() const { return top().shape; }
  constexpr bool operator==(const ViewStack&) const = default;
};

// A one-view stack: stack_of(contiguous(2, {3, 4})) is a fresh (3,4) tensor.
constexpr ViewStack stack_of(const View& v) {
  ViewStack s;
  s.depth = 1;
  s.views[0] = canonicalize(v);
  return s;
}

namespace detail {

// Merges the top two views while a merge succeeds: [(3,4) contiguous, (4,3):(1,4)] -> [(4,3):(1,4)].
constexpr ViewStack simplify(ViewStack s) {
  while (s.depth >= 2) {
    const MaybeView m = merge(s.views[s.depth - 2u], s.views[s.depth - 1u]);
    if (!m.ok) break;
    s.views[s.depth - 2u] = m.view;
    s.views[s.depth - 1u] = View{};
    --s.depth;
  }
  return s;
}

// Replaces the top view (callers read s.top() first, which rejects an empty stack).
constexpr ViewStack with_top(ViewStack s, const View& top) {
  s.views[s.depth - 1u] = top;
  return simplify(s);
}

}  // namespace detail

// The stack-level movement ops: the view-level op on the top view, then simplify.
constexpr ViewStack permute(const ViewStack& s, const Dims& order) { return detail::with_top(s, permute(s.top(), order)); }
constexpr ViewStack expand(const ViewStack& s, const Dims& new_shape) { return detail::with_top(s, expand(s.top(), new_shape)); }
constexpr ViewStack pad(const ViewStack& s, const Dims& before, const Dims& after) { return detail::with_top(s, pad(s.top(), before, after)); }
constexpr ViewStack shrink(const ViewStack& s, const Dims& begin, const Dims& end) { return detail::with_top(s, shrink(s.top(), begin, end)); }
constexpr ViewStack flip(const ViewStack& s, const std::array<bool, kMaxRank>& axes) { return detail::with_top(s, flip(s.top(), axes)); }

// Reshape the top view, or push a fresh contiguous view of new_shape over it when one view cannot express it.
// (2,3,4) permute {1,0,2} then reshape (6,4) -> [(3,2,4):(4,12,1), (6,4) contiguous]. Throws std::logic_error
// (a compile error in constant evaluation) when the stack would exceed kMaxViews.
constexpr ViewStack reshape(const ViewStack& s, std::uint8_t new_rank, const Dims& new_shape) {
  if (const MaybeView r = reshape(s.top(), new_rank, new_shape); r.ok) return detail::with_top(s, r.view);
  const View fresh = contiguous(new_rank, new_shape);
  if (const MaybeView m = merge(s.top(), fresh); m.ok) return detail::with_top(s, m.view);  // no slot needed
  detail::expects(s.depth < kMaxViews, "ctgrad::reshape: the view stack is full (kMaxViews views); realize the tensor first");
  ViewStack pushed = s;
  pushed.views[pushed.depth++] = fresh;
  return detail::simplify(pushed);
}

}  // namespace ctgrad
