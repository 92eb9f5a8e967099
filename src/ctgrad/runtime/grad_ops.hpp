#pragma once
// Graph builders on untyped nodes, shared by the gradient rules and the optimizers' update math.
#include "ctgrad/runtime/movement.hpp"

namespace ctgrad::rt {

// Graph builders for the rules: same shape and dtype as the first operand unless said otherwise.
namespace grad_ops {
inline UOpPtr alu(Ops op, const UOpPtr& a, const UOpPtr& b) { return make_uop(op, a->dtype, {a, b}, {}, a->shape); }
inline UOpPtr alu(Ops op, const UOpPtr& a) { return make_uop(op, a->dtype, {a}, {}, a->shape); }
inline UOpPtr cmp(Ops op, const UOpPtr& a, const UOpPtr& b) { return make_uop(op, DType::Bool, {a, b}, {}, a->shape); }
inline UOpPtr cnst(const UOpPtr& like, double v) { return const_like(*like, v); }
inline UOpPtr cast(const UOpPtr& x, DType d) { return x->dtype == d ? x : make_uop(Ops::Cast, d, {x}, {}, x->shape); }
inline UOpPtr where(const UOpPtr& c, const UOpPtr& a, const UOpPtr& b) { return make_uop(Ops::Where, a->dtype, {c, a, b}, {}, a->shape); }
inline UOpPtr operator+(const UOpPtr& a, const UOpPtr& b) { return alu(Ops::Add, a, b); }
inline UOpPtr operator*(const UOpPtr& a, const UOpPtr& b) { return alu(Ops::Mul, a, b); }
inline UOpPtr operator/(const UOpPtr& a, const UOpPtr& b) { return alu(Ops::Div, a, b); }
inline UOpPtr operator-(const UOpPtr& a) { return alu(Ops::Neg, a); }
inline UOpPtr operator*(const UOpPtr& a, double v) { return a * cnst(a, v); }

// Sum over the axes in the bit set, keeping them as size 1.
inline UOpPtr sum(const UOpPtr& x, std::uint32_t axes) {
  if (axes == 0) return x;
  UArg a;
  a.alu = Ops::Add;
  a.axes = axes;
  NodeShape shape = x->shape;
  for (std::uint8_t d = 0; d < shape.rank; ++d)
    if ((axes >> d) & 1u) shape.shape[d] = 1;
  return make_uop(Ops::Reduce, x->dtype, {x}, a, shape);
}
inline UOpPtr expand(const UOpPtr& x, const NodeShape& to) { return x->shape == to ? x : move_uop(x, expand_move(to)); }
}  // namespace grad_ops

}  // namespace ctgrad::rt
