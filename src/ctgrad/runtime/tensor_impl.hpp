#pragma once
// TensorImpl: what a Tensor handle points to. Copies of a Tensor share one impl, so they share the value, the
// gradient and assign() (the reference semantics of tinygrad and PyTorch). It carries no type: the static layer
// puts dtype and shape in Tensor's type, and AnyTensor holds the same impl with a run-time dtype and shape.
#include <memory>
#include <string>

#include "ctgrad/runtime/api.hpp"
#include "ctgrad/runtime/view_nodes.hpp"

namespace ctgrad::rt {

struct TensorImpl {
  UOpPtr base;        // the lazy node (or a Buffer) the tensor sees
  ViewStack view{};   // how it sees it: folded movement ops (identity on gradient paths, where movement ops are nodes)
  std::string device;
  std::shared_ptr<TensorImpl> grad;  // accumulated by backward(), detached from the graph; null until then

  // The node of the tensor's value: the base itself when the view is its identity, else a View node over it
  // (handle_impl.hpp: every op calls it).
  CTGRAD_API UOpPtr node() const;
};
using ImplPtr = std::shared_ptr<TensorImpl>;

inline ImplPtr make_impl(UOpPtr base, const ViewStack& view, std::string device) {
  auto t = std::make_shared<TensorImpl>();
  t->base = std::move(base);
  t->view = view;
  t->device = std::move(device);
  return t;
}

}  // namespace ctgrad::rt

#ifdef CTGRAD_HEADER_ONLY
#include "ctgrad/runtime/handle_impl.hpp"  // NOLINT: the definitions follow their declarations
#endif
