#pragma once
// Movement nodes: on a gradient path each movement op is a View node of its own, carrying the op (arg.move) beside
// its one-op view. The lowering folds chains of them like any views; the gradient rules read arg.move for the adjoint.
// Off gradient paths movement ops stay folded into the tensor's view and make no node at all.
#include "ctgrad/runtime/view_nodes.hpp"

namespace ctgrad::rt {

// The view a movement applies to a source of shape `in`, read through the source's contiguous layout.
CTGRAD_API ViewStack movement_view(const Movement& m, const NodeShape& in);
// The stack `s` folded with m (the movement ops of view/stack.hpp, spelled by the record).
CTGRAD_API ViewStack fold_movement(const ViewStack& s, const Movement& m);
// x moved by m: a View node that carries the movement for the gradient rules.
CTGRAD_API UOpPtr move_uop(const UOpPtr& x, const Movement& m);

// Movement records, spelled like the tensor ops.
inline Movement reshape_move(const NodeShape& to) { return {Move::Reshape, to.rank, to.shape, {}}; }
inline Movement expand_move(const NodeShape& to) { return {Move::Expand, to.rank, to.shape, {}}; }
inline Movement permute_move(std::uint8_t rank, const Dims& order) { return {Move::Permute, rank, order, {}}; }
inline Movement pad_move(std::uint8_t rank, const Dims& before, const Dims& after) { return {Move::Pad, rank, before, after}; }
inline Movement shrink_move(std::uint8_t rank, const Dims& begin, const Dims& end) { return {Move::Shrink, rank, begin, end}; }
inline Movement flip_move(std::uint8_t rank, const std::array<bool, kMaxRank>& axes) {
  Movement m{Move::Flip, rank, {}, {}};
  for (std::size_t d = 0; d < kMaxRank; ++d) m.a[d] = axes[d] ? 1 : 0;
  return m;
}

}  // namespace ctgrad::rt

#ifdef CTGRAD_HEADER_ONLY
#include "ctgrad/runtime/movement_impl.hpp"  // NOLINT: the definitions follow their declarations
#endif
