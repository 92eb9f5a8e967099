#pragma once
// The definitions of movement.hpp's views and nodes: compiled once into libctgrad, or inline with CTGRAD_HEADER_ONLY.
#include "ctgrad/runtime/movement.hpp"

namespace ctgrad::rt {

CTGRAD_API ViewStack movement_view(const Movement& m, const NodeShape& in) { return fold_movement(stack_of(contiguous(in.rank, in.shape)), m); }

CTGRAD_API ViewStack fold_movement(const ViewStack& s, const Movement& m) {
  switch (m.kind) {
    case Move::Reshape: return reshape(s, static_cast<std::uint8_t>(m.rank), m.a);
    case Move::Permute: return permute(s, m.a);
    case Move::Expand: return expand(s, m.a);
    case Move::Pad: return pad(s, m.a, m.b);
    case Move::Shrink: return shrink(s, m.a, m.b);
    case Move::Flip: {
      std::array<bool, kMaxRank> axes{};
      for (std::size_t d = 0; d < kMaxRank; ++d) axes[d] = m.a[d] != 0;
      return flip(s, axes);
    }
  }
  throw Error("ctgrad: unknown movement");
}

CTGRAD_API UOpPtr move_uop(const UOpPtr& x, const Movement& m) {
  UArg a;
  a.view = std::make_shared<const ViewStack>(movement_view(m, x->shape));
  a.move = std::make_shared<const Movement>(m);
  NodeShape shape;
  shape.rank = a.view->rank();
  shape.shape = a.view->shape();
  return make_uop(Ops::View, x->dtype, {x}, a, shape);
}

}  // namespace ctgrad::rt
