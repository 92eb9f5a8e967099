#pragma once
// The autograd entry points behind Tensor's requires_grad_(), backward(), gradient() and assign() (declared in
// library.hpp). They work on untyped tensor handles: the static layer has already checked every shape and dtype.
#include "ctgrad/runtime/implementation.hpp"
//
#include "ctgrad/runtime/autograd.hpp"
#include "ctgrad/runtime/gradient.hpp"
#include "ctgrad/runtime/library.hpp"
#include "ctgrad/runtime/realize.hpp"

namespace ctgrad::rt {

// The base's own buffer when the view only regroups it.
CTGRAD_API std::shared_ptr<Buffer> contiguous_buffer(const TensorImpl& t) {
  if (!is_plain_reshape(t.view, t.base->numel())) return realize(detach_uop(t.node()), t.device);
  return t.base->op == Ops::Buffer ? t.base->buffer : realize(detach_uop(t.base), t.device);
}

// Rebinds the handle to a leaf node over `values` (a buffer of the tensor's row-major layout).
inline void bind_leaf(const ImplPtr& t, const std::shared_ptr<Buffer>& values, NodeShape shape) {  // by value: may be the old node's
  t->base = leaf_uop(values, shape);
  t->view = stack_of(contiguous(shape.rank, shape.shape));
  t->base->owner = t;
}

CTGRAD_API void requires_grad(const ImplPtr& t, bool on) {
  if (on == is_leaf(*t)) return;
  const NodeShape shape = t->node()->shape;
  auto values = contiguous_buffer(*t);
  if (on) {
    bind_leaf(t, values, shape);
  } else {
    t->base = buffer_uop(values);  // flat, seen through the tensor's shape, as every plain tensor's buffer
    t->view = stack_of(contiguous(shape.rank, shape.shape));
  }
}

// A gradient as a tensor: movement nodes at its top stay a view of what they move, so realizing it needs no copy
// kernel (a matmul's weight gradient stays a permuted read, fused into the optimizer's update). Cut from the graph.
inline ImplPtr gradient_impl(UOpPtr g, const std::string& device) {
  ViewStack view = stack_of(contiguous(g->rank(), g->shape.shape));
  while (g->op == Ops::View && g->arg.move) {
    auto composed = compose(*g->arg.view, view);
    if (!composed) break;
    view = *composed;
    g = g->src[0];
  }
  return make_impl(detach_uop(g), view, device);
}

// Accumulates d(loss)/d(leaf) into every requires-grad leaf the loss depends on; the gradients stay lazy, so the
// optimizer's realize schedules forward, backward and update together.
CTGRAD_API void backward(const TensorImpl& loss) {
  const UOpPtr root = loss.node();
  if (!root->needs_grad)
    throw Error("ctgrad::backward: the loss does not depend on any tensor that requires grad (call requires_grad_() on a parameter)");
  std::vector<UOpPtr> leaves;
  std::unordered_set<const UOp*> seen;
  auto find = [&](auto&& self, const UOpPtr& n) -> void {
    if (!n->needs_grad || !seen.insert(n.get()).second) return;
    if (n->op == Ops::Buffer) leaves.push_back(n);
    for (auto& s : n->src) self(self, s);
  };
  find(find, root);
  auto grads = compute_gradient(root, const_like(*root, 1.0), leaves);
  for (std::size_t i = 0; i < leaves.size(); ++i) {
    auto owner = leaves[i]->owner.lock();
    if (!owner || !grads[i]) continue;  // a leaf whose tensor is gone keeps no gradient
    UOpPtr g = grads[i];
    if (owner->grad) g = make_uop(Ops::Add, g->dtype, {owner->grad->node(), detach_uop(g)}, {}, g->shape);
    owner->grad = gradient_impl(g, owner->device);
  }
}

// d(loss)/d(target) for each target, without touching any accumulated gradient.
CTGRAD_API std::vector<ImplPtr> gradients(const TensorImpl& loss, const std::vector<const TensorImpl*>& targets) {
  std::vector<UOpPtr> nodes;
  for (std::size_t i = 0; i < targets.size(); ++i) {
    nodes.push_back(targets[i]->node());
    if (!nodes.back()->needs_grad)
      throw Error("ctgrad::gradient: target " + std::to_string(i) + " does not require grad: call requires_grad_() on it before computing the loss");
  }
  const UOpPtr root = loss.node();
  auto grads = compute_gradient(root, const_like(*root, 1.0), nodes);
  std::vector<ImplPtr> out;
  for (std::size_t i = 0; i < grads.size(); ++i) {
    if (!grads[i]) throw Error("ctgrad::gradient: the loss does not depend on target " + std::to_string(i));
    out.push_back(gradient_impl(grads[i], targets[i]->device));
  }
  return out;
}

// t takes src's value: every copy of t sees it. A leaf stays a leaf (the value is realized into a new buffer and
// earlier lazy graphs keep the old one: buffers are never written twice); anything else takes src's lazy node.
CTGRAD_API void assign(const ImplPtr& t, const TensorImpl& src) {
  if (t->device != src.device) throw DeviceError("ctgrad::assign: value on " + src.device + ", tensor on " + t->device + " (move it with .to())");
  if (Capture* capture = active_capture()) {  // a jit replay must move the new value back to where the kernels read it
    // where the kernels read t: an earlier assign may have bound it to a buffer seen through a Detach or a reshape
    UOpPtr base = t->base;
    while (!base->realized && (base->op == Ops::Detach || (base->op == Ops::View && base->arg.view && !base->arg.move &&
                                                           is_plain_reshape(*base->arg.view, base->src[0]->numel()))))
      base = base->src[0];
    auto before = base->op == Ops::Buffer ? base->buffer : base->realized;
    if (!before) throw Error("ctgrad::jit: a captured function assigned to a tensor whose value was never computed (realize it first)");
    capture->assigns.push_back({t, before});
  }
  if (is_leaf(*t)) {
    bind_leaf(t, contiguous_buffer(src), t->base->shape);
  } else {
    t->base = detach_uop(src.node());
    t->view = stack_of(contiguous(t->base->rank(), t->base->shape.shape));
  }
}

}  // namespace ctgrad::rt
