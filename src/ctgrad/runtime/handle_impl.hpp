#pragma once
// The definitions of handle.hpp: compiled once into libctgrad, or inline with CTGRAD_HEADER_ONLY.
#include "ctgrad/runtime/autograd.hpp"
#include "ctgrad/runtime/handle.hpp"
#include "ctgrad/runtime/movement.hpp"

namespace ctgrad::rt {

CTGRAD_API UOpPtr TensorImpl::node() const { return is_identity(view, base->shape) ? base : view_uop(base, view); }

CTGRAD_API ImplPtr op_result(UOpPtr node, const View& shape, std::string device) {
  return make_impl(recorded(std::move(node)), stack_of(shape), std::move(device));
}

CTGRAD_API ImplPtr buffer_result(const std::shared_ptr<Buffer>& buf, const View& shape, std::string device) {
  return make_impl(buffer_uop(buf), stack_of(shape), std::move(device));
}


CTGRAD_API ImplPtr moved(const TensorImpl& t, const Movement& m, const View& out) {
  if (t.base->needs_grad && grad_enabled()) return make_impl(move_uop(t.node(), m), stack_of(out), t.device);
  return make_impl(detach_uop(t.base), fold_movement(t.view, m), t.device);
}

CTGRAD_API ImplPtr rebased_if_full(const ImplPtr& t, const View& shape) {
  if (t->view.depth < kMaxViews) return t;
  return op_result(t->node(), shape, t->device);
}

}  // namespace ctgrad::rt
