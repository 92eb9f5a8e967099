#pragma once
// The typed front end's handle work, out of line: a Tensor<T, Dims...> member passes its shape as a run-time View
// and gets an impl back, so each shape instantiates a call instead of its own copy of the impl construction, the
// view folding and the gradient-path test (they were half of the flagship's code; docs/design.md).
#include <memory>
#include <string>

#include "ctgrad/runtime/api.hpp"
#include "ctgrad/runtime/tensor_impl.hpp"

namespace ctgrad::rt {

// An op's result of `shape` over `node`: inside NoGrad it is cut from the gradient graph.
CTGRAD_API ImplPtr op_result(UOpPtr node, const View& shape, std::string device);
// A fresh buffer's tensor of `shape`.
CTGRAD_API ImplPtr buffer_result(const std::shared_ptr<Buffer>& buf, const View& shape, std::string device);
// t moved by m (a result of shape `out`): the folded view over the same base, or on a gradient path a movement node.
CTGRAD_API ImplPtr moved(const TensorImpl& t, const Movement& m, const View& out);
// t itself while its view stack has room for another view; else its current view as a lazy View node (no kernel
// now), seen through the identity view of `shape`.
CTGRAD_API ImplPtr rebased_if_full(const ImplPtr& t, const View& shape);

}  // namespace ctgrad::rt

#ifdef CTGRAD_HEADER_ONLY
#include "ctgrad/runtime/handle_impl.hpp"  // NOLINT: the definitions follow their declarations
#endif
