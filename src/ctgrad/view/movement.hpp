#pragma once
// The single-view movement ops: each is total on valid arguments, O(rank), and returns a canonical view.
// Argument arrays are indexed by output dim; slots at or beyond the rank are ignored.
#include "ctgrad/view/view.hpp"

namespace ctgrad {

// Output dim i is input dim order[i]. (3,4):(4,1) permute {1,0} -> (4,3):(1,4).
constexpr View permute(const View& v, const Dims& order) {
  View out = v;
  std::array<bool, kMaxRank> seen{};
  for (int i = 0; i < v.rank; ++i) {
    detail::expects(0 <= order[i] && order[i] < v.rank && !seen[order[i]], "ctgrad::permute: order is not a permutation");
    const auto src = static_cast<std::size_t>(order[i]);
    seen[src] = true;
    out.shape[i] = v.shape[src];
    out.stride[i] = v.stride[src];
    out.lo[i] = v.lo[src];
    out.hi[i] = v.hi[src];
  }
  return canonicalize(out);
}

// Broadcast size-1 dims to new_shape (same rank; other dims must match). The stride of a size-1 dim is already 0;
// its mask [0,1) grows to [0,n), an empty one stays empty. (3,1):(1,0) expand (3,5) -> (3,5):(1,0).
constexpr View expand(const View& v, const Dims& new_shape) {
  View out = v;
  for (int d = 0; d < v.rank; ++d) {
    if (new_shape[d] == v.shape[d]) continue;
    detail::expects(v.shape[d] == 1 && new_shape[d] >= 0, "ctgrad::expand: only size-1 dims can change");
    out.shape[d] = new_shape[d];
    out.hi[d] = v.hi[d] == 1 ? new_shape[d] : 0;
  }
  if (v.numel() == 0) return contiguous(v.rank, out.shape);
  return canonicalize(out);
}

// Add before[d] invalid elements in front of dim d and after[d] behind it. The offset moves back by before*stride and
// the mask shifts with the data. (3,4):(4,1) pad ((1,1),(0,2)) -> (5,6):(4,1), offset -4, mask [1,4)x[0,4).
constexpr View pad(const View& v, const Dims& before, const Dims& after) {
  View out = v;
  for (int d = 0; d < v.rank; ++d) {
    detail::expects(before[d] >= 0 && after[d] >= 0, "ctgrad::pad: negative padding");
    out.shape[d] = v.shape[d] + before[d] + after[d];
    out.offset -= before[d] * v.stride[d];
    out.lo[d] = v.lo[d] + before[d];
    out.hi[d] = v.hi[d] + before[d];
  }
  return canonicalize(out);
}

// Keep [begin[d], end[d]) of dim d. The offset moves to the new origin; the mask shifts back and is clipped.
// (5,6):(4,1) offset -4 mask [1,4)x[0,4), shrink ((0,3),(1,6)) -> (3,5):(4,1), offset -3, mask [1,3)x[0,3).
constexpr View shrink(const View& v, const Dims& begin, const Dims& end) {
  View out = v;
  for (int d = 0; d < v.rank; ++d) {
    detail::expects(0 <= begin[d] && begin[d] <= end[d] && end[d] <= v.shape[d], "ctgrad::shrink: bounds outside the shape");
    const std::int64_t size = end[d] - begin[d];
    auto clip = [size](std::int64_t x) { return x < 0 ? 0 : (x > size ? size : x); };
    out.shape[d] = size;
    out.offset += begin[d] * v.stride[d];
    out.lo[d] = clip(v.lo[d] - begin[d]);
    out.hi[d] = clip(v.hi[d] - begin[d]);
  }
  return canonicalize(out);
}

// Reverse the dims in axes: stride -> -stride, the origin moves to the old last index, mask [b,e) -> [s-e, s-b).
// (3,4):(4,1) flip axis 1 -> (3,4):(4,-1), offset 3.
constexpr View flip(const View& v, const std::array<bool, kMaxRank>& axes) {
  View out = v;
  for (int d = 0; d < v.rank; ++d) {
    if (!axes[d] || v.shape[d] == 0) continue;
    out.offset += (v.shape[d] - 1) * v.stride[d];
    out.stride[d] = -v.stride[d];
    out.lo[d] = v.shape[d] - v.hi[d];
    out.hi[d] = v.shape[d] - v.lo[d];
  }
  return canonicalize(out);
}

}  // namespace ctgrad
