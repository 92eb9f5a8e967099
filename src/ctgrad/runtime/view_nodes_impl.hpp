#pragma once
// The definitions of view_nodes.hpp's node constructors: compiled once into libctgrad, or inline with CTGRAD_HEADER_ONLY.
#include <array>

#include "ctgrad/runtime/view_nodes.hpp"

namespace ctgrad::rt {

CTGRAD_API std::optional<ViewStack> compose(const ViewStack& u, const ViewStack& v) {
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

CTGRAD_API UOpPtr buffer_uop(const std::shared_ptr<Buffer>& b) {
  UArg a;
  a.index = reinterpret_cast<std::intptr_t>(b.get());
  return make_uop(Ops::Buffer, b->dtype, {}, a, contiguous(1, Dims{b->numel}), b);
}
CTGRAD_API UOpPtr view_uop(const UOpPtr& x, const ViewStack& s) {
  UArg a;
  a.view = std::make_shared<const ViewStack>(s);
  NodeShape shape;
  shape.rank = s.rank();
  shape.shape = s.shape();
  return make_uop(Ops::View, x->dtype, {x}, a, shape);
}

}  // namespace ctgrad::rt
