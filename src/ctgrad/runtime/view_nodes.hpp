#pragma once
// Graph nodes over buffers and views, and the view-stack queries the front end and the lowering share.
#include <array>
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
inline std::optional<ViewStack> compose(const ViewStack& u, const ViewStack& v) {
  if (u.depth + v.depth > kMaxViews + 1) return std::nullopt;
  std::array<View, 2 * kMaxViews> all{};
  std::size_t n = 0;
  for (std::uint8_t i = 0; i < u.depth; ++i) all[n++] = u.views[i];
  for (std::uint8_t i = 0; i < v.depth; ++i) {
    View next = v.views[i];
    if (n > 0) {
      if (auto m = merge(all[n - 1], next); m.ok) {
        all[n - 1] = m.view;
        continue;
      }
    }
    all[n++] = next;
  }
  if (n > kMaxViews) return std::nullopt;
  ViewStack out{};
  out.depth = static_cast<std::uint8_t>(n);
  for (std::size_t i = 0; i < n; ++i) out.views[i] = all[i];
  return out;
}

inline UOpPtr buffer_uop(const std::shared_ptr<Buffer>& b) {
  UArg a;
  a.index = reinterpret_cast<std::intptr_t>(b.get());
  return make_uop(Ops::Buffer, b->dtype, {}, a, contiguous(1, Dims{b->numel}), b);
}
inline UOpPtr view_uop(const UOpPtr& x, const ViewStack& s) {
  UArg a;
  a.view = std::make_shared<const ViewStack>(s);
  NodeShape shape;
  shape.rank = s.rank();
  shape.shape = s.shape();
  return make_uop(Ops::View, x->dtype, {x}, a, shape);
}
// A view of a realized buffer seen with the node's own (contiguous) shape.
inline ViewStack identity_stack(const UOp& n) { return stack_of(contiguous(n.rank(), n.shape.shape)); }

}  // namespace ctgrad::rt
