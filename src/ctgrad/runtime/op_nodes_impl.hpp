#pragma once
// The definitions of op_nodes.hpp: compiled once into libctgrad, or inline with CTGRAD_HEADER_ONLY.
#include "ctgrad/runtime/errors.hpp"
#include "ctgrad/runtime/handle.hpp"
#include "ctgrad/runtime/movement.hpp"
#include "ctgrad/runtime/op_nodes.hpp"

namespace ctgrad::rt {

namespace detail {

inline UOpPtr node(Ops op, DType dtype, std::vector<UOpPtr> src, const View& shape, UArg arg = {}) {
  return make_uop(op, dtype, std::move(src), std::move(arg), shape);
}
inline UOpPtr const_node(DType dtype, double v, const View& shape) {
  UArg a;
  a.value = v;
  return node(Ops::Const, dtype, {}, shape, a);
}

// Integer division never divides by zero in a kernel: x / 0 is defined as 0 (a crash is never an answer).
inline UOpPtr safe_idiv(const UOpPtr& x, const UOpPtr& y, DType t, const View& s) {
  auto zero = const_node(t, 0, s), one = const_node(t, 1, s);
  auto is_zero = node(Ops::CmpEq, DType::Bool, {y, zero}, s);
  if (is_int(t) && !is_unsigned(t)) {  // and x / -1 is -x (wrapping at the minimum), which some targets trap on
    auto minus_one = const_node(t, -1, s);
    auto is_minus_one = node(Ops::CmpEq, DType::Bool, {y, minus_one}, s);
    auto special = node(Ops::Or, DType::Bool, {is_zero, is_minus_one}, s);
    auto quotient = node(Ops::IDiv, t, {x, node(Ops::Where, t, {special, one, y}, s)}, s);
    auto negated = node(Ops::Sub, t, {zero, x}, s);
    return node(Ops::Where, t, {is_zero, zero, node(Ops::Where, t, {is_minus_one, negated, quotient}, s)}, s);
  }
  auto divisor = node(Ops::Where, t, {is_zero, one, y}, s);
  return node(Ops::Where, t, {is_zero, zero, node(Ops::IDiv, t, {x, divisor}, s)}, s);
}

inline bool same_shape(const ViewStack& v, const View& out) {
  if (v.rank() != out.rank) return false;
  for (std::uint8_t d = 0; d < out.rank; ++d)
    if (v.shape()[d] != out.shape[d]) return false;
  return true;
}

}  // namespace detail

CTGRAD_API void same_device(const std::string& a, const std::string& b, const char* op) {
  if (a != b) throw DeviceError(std::string(op) + ": operands on different devices: " + a + " and " + b + " (move one with .to())");
}

// Tensor::expand_to (a reshape adding leading size-1 dims first, then the expand), then cast<to>.
CTGRAD_API ImplPtr broadcast(const ImplPtr& t, DType from, DType to, const View& out) {
  ImplPtr e = t;
  if (!detail::same_shape(t->view, out)) {
    const std::uint8_t rank = t->view.rank();
    if (out.rank > rank) {
      Dims padded{};
      for (std::uint8_t d = 0; d < out.rank; ++d) padded[d] = d < out.rank - rank ? 1 : t->view.shape()[d - (out.rank - rank)];
      const View v = contiguous(out.rank, padded);
      e = moved(*e, reshape_move(NodeShape(v)), v);
    }
    e = moved(*e, expand_move(NodeShape(out)), out);
  }
  if (from == to) return e;
  return op_result(detail::node(Ops::Cast, to, {e->node()}, out), out, e->device);
}

CTGRAD_API ImplPtr binary(BinaryForm form, Ops alu, DType compute, DType result, const ImplPtr& a, DType da, const ImplPtr& b, DType db,
                          const View& out, const char* name) {
  same_device(a->device, b->device, name);
  auto x = broadcast(a, da, compute, out)->node(), y = broadcast(b, db, compute, out)->node();
  UOpPtr n;
  switch (form) {
    case BinaryForm::Alu: n = detail::node(alu, result, {x, y}, out); break;
    case BinaryForm::IntDiv: n = detail::safe_idiv(x, y, compute, out); break;
    case BinaryForm::Greater: n = detail::node(Ops::CmpLt, DType::Bool, {y, x}, out); break;
    case BinaryForm::LessEqual:
    case BinaryForm::GreaterEqual: {
      auto lt = form == BinaryForm::LessEqual ? detail::node(Ops::CmpLt, DType::Bool, {y, x}, out)
                                              : detail::node(Ops::CmpLt, DType::Bool, {x, y}, out);
      n = detail::node(Ops::Xor, DType::Bool, {lt, detail::const_node(DType::Bool, 1, out)}, out);
      break;
    }
  }
  return op_result(n, out, a->device);
}

CTGRAD_API ImplPtr where(const ImplPtr& cond, DType dc, const ImplPtr& a, DType da, const ImplPtr& b, DType db, DType dtype, const View& out) {
  same_device(a->device, b->device, "ctgrad::where");
  same_device(a->device, cond->device, "ctgrad::where");
  auto c = broadcast(cond, dc, DType::Bool, out)->node();
  auto x = broadcast(a, da, dtype, out)->node();
  auto y = broadcast(b, db, dtype, out)->node();
  return op_result(detail::node(Ops::Where, dtype, {c, x, y}, out), out, a->device);
}

CTGRAD_API ImplPtr reduce(const ImplPtr& t, DType from, DType acc, Ops alu, std::uint32_t axes, const View& kept) {
  const View in = contiguous(t->view.rank(), t->view.shape());
  auto src = from == acc ? t : op_result(detail::node(Ops::Cast, acc, {t->node()}, in), in, t->device);
  UArg arg;
  arg.alu = alu;
  arg.axes = axes;
  return op_result(detail::node(Ops::Reduce, acc, {src->node()}, kept, arg), kept, t->device);
}

}  // namespace ctgrad::rt
