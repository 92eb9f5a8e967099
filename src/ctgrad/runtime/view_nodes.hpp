#pragma once
// Graph nodes over buffers and views, and the view-stack queries the front end and the lowering share.
#include <memory>
#include <optional>

#include "ctgrad/runtime/buffer.hpp"
#include "ctgrad/runtime/uop.hpp"

namespace ctgrad::rt {

inline bool has_mask(const ViewStack& s) {
  for (std::uint8_t i = 0; i < s.depth; ++i)
    if (s.views[i].masked()) return true;
  return false;
}
inline bool is_identity(const ViewStack& s, const NodeShape& base_shape) {
  return s.depth == 1 && s.views[0].rank == base_shape.rank && s.views[0].shape == base_shape.shape && s.views[0].contiguous();
}

// A single view that only regroups the dims of `numel` elements in row-major order.
inline bool is_plain_reshape(const ViewStack& s, std::int64_t numel) {
  return s.depth == 1 && s.views[0].contiguous() && s.views[0].numel() == numel;
}

// u then v (v was made for a tensor of u's top shape); nullopt when the stack would get too deep.
CTGRAD_API std::optional<ViewStack> compose(const ViewStack& u, const ViewStack& v);
// The node of a realized buffer, and a View node of x.
CTGRAD_API UOpPtr buffer_uop(const std::shared_ptr<Buffer>& b);
CTGRAD_API UOpPtr view_uop(const UOpPtr& x, const ViewStack& s);
// A view of a realized buffer seen with the node's own (contiguous) shape.
inline ViewStack identity_stack(const UOp& n) { return stack_of(contiguous(n.rank(), n.shape.shape)); }

}  // namespace ctgrad::rt

#ifdef CTGRAD_HEADER_ONLY
#include "ctgrad/runtime/view_nodes_impl.hpp"  // NOLINT: the definitions follow their declarations
#endif
