#pragma once
// Autograd's graph nodes: requires-grad leaves, detached and adjoint nodes. The entry points behind Tensor's
// requires_grad_(), backward(), gradient() and assign() are library functions (library.hpp, autograd_impl.hpp).
#include <atomic>
#include <memory>
#include <vector>

#include "ctgrad/runtime/mode.hpp"
#include "ctgrad/runtime/tensor_impl.hpp"

namespace ctgrad::rt {

// A requires-grad leaf: a Buffer node with the tensor's own shape, owned by the handle that collects its gradient.
// Each has an id of its own, so two leaves over one buffer stay two nodes.
inline UOpPtr leaf_uop(const std::shared_ptr<Buffer>& b, const NodeShape& shape) {
  static std::atomic<std::int64_t> next_id{1};
  UArg a;
  a.index = reinterpret_cast<std::intptr_t>(b.get());
  a.value = static_cast<double>(next_id++);
  a.leaf = true;
  return make_uop(Ops::Buffer, b->dtype, {}, a, shape, b);
}

inline UOpPtr detach_uop(const UOpPtr& x) { return x->needs_grad ? make_uop(Ops::Detach, x->dtype, {x}, {}, x->shape) : x; }

// `value` (computed from detached inputs) with the gradients of `inputs` given by `adjoint` (uop.hpp's AdjointFn).
// Without a gradient path through any input it is the value itself.
inline UOpPtr adjoint_uop(const UOpPtr& value, const std::vector<UOpPtr>& inputs, std::shared_ptr<const AdjointFn> adjoint) {
  bool any = false;
  for (auto& in : inputs) any = any || in->needs_grad;
  if (!any || !grad_enabled()) return value;
  std::vector<UOpPtr> src{value};
  src.insert(src.end(), inputs.begin(), inputs.end());
  UArg a;
  a.adjoint = std::move(adjoint);
  return make_uop(Ops::Adjoint, value->dtype, std::move(src), a, value->shape);
}

// What ops wrap their results in: inside NoGrad the result is cut from the gradient graph.
inline UOpPtr recorded(UOpPtr node) { return grad_enabled() ? node : detach_uop(node); }

inline bool is_leaf(const TensorImpl& t) { return t.base->op == Ops::Buffer && t.base->arg.leaf; }

}  // namespace ctgrad::rt
