#pragma once
// View: one strided, masked, row-major layout (tinygrad's View, fixed capacity so it is usable as an NTTP).
// The element at coordinate c is valid iff lo[d] <= c[d] < hi[d] for every dim d; a valid element sits at buffer
// index offset + sum(c[d] * stride[d]). Strides and offset may be negative (flip, pad). Every function of the view
// algebra returns a canonical view (see canonicalize), so equal layouts compare equal as values and as types.
#include <array>
#include <cstddef>
#include <cstdint>

#include "ctgrad/view/intmath.hpp"

namespace ctgrad {

inline constexpr std::size_t kMaxRank = 8, kMaxViews = 4;
using Dims = std::array<std::int64_t, kMaxRank>;  // unused slots are zero

struct View {
  std::uint8_t rank = 0;
  Dims shape{}, stride{}, lo{}, hi{};  // mask = [lo, hi) per dim; unmasked means lo = 0, hi = shape
  std::int64_t offset = 0;

  constexpr std::int64_t numel() const;
  constexpr bool masked() const;
  constexpr bool contiguous() const;
  constexpr bool operator==(const View&) const = default;
};

struct MaybeView {
  bool ok;
  View view;
};

// The canonical form of v (tinygrad's View.create). Unused slots are zeroed; a dim whose mask admits one index gets
// stride 0 with the offset adjusted (size-1 dims included); a zero-size view is contiguous; a view with an empty mask
// becomes the unique all-invalid view of its shape (strides 0, offset 0, every mask [0,0)).
// Example: (3,4):(4,1) masked [1,2)x[0,4) -> strides (0,1), offset 4.
constexpr View canonicalize(View v) {
  detail::expects(v.rank <= kMaxRank, "ctgrad view: rank exceeds kMaxRank");
  for (std::size_t d = v.rank; d < kMaxRank; ++d) v.shape[d] = v.stride[d] = v.lo[d] = v.hi[d] = 0;
  bool zero_size = false, empty_mask = false;
  for (int d = 0; d < v.rank; ++d) {
    detail::expects(v.shape[d] >= 0, "ctgrad view: negative dimension");
    detail::expects(0 <= v.lo[d] && v.lo[d] <= v.hi[d] && v.hi[d] <= v.shape[d], "ctgrad view: mask outside the shape");
    zero_size = zero_size || v.shape[d] == 0;
    empty_mask = empty_mask || v.lo[d] == v.hi[d];
  }
  if (zero_size || empty_mask) {
    v.offset = 0;
    for (int d = 0; d < v.rank; ++d) {
      v.stride[d] = 0;
      v.lo[d] = 0;
      v.hi[d] = zero_size ? v.shape[d] : 0;
    }
    return v;
  }
  for (int d = 0; d < v.rank; ++d) {
    if (v.hi[d] - v.lo[d] == 1) {  // one valid index: its stride only shifts the offset
      v.offset += v.stride[d] * v.lo[d];
      v.stride[d] = 0;
    }
  }
  return v;
}

// The row-major view of a fresh buffer of `shape`. contiguous(2, {3,4}) = (3,4):(4,1), offset 0, unmasked.
constexpr View contiguous(std::uint8_t rank, const Dims& shape) {
  detail::expects(rank <= kMaxRank, "ctgrad view: rank exceeds kMaxRank");
  View v;
  v.rank = rank;
  std::int64_t step = 1;
  for (int d = rank - 1; d >= 0; --d) {
    detail::expects(shape[d] >= 0, "ctgrad view: negative dimension");
    v.shape[d] = v.hi[d] = shape[d];
    v.stride[d] = step;
    step = detail::mul_checked(step, shape[d]);
  }
  return canonicalize(v);
}

// contiguous(std::array<std::size_t, 2>{3, 4}) == contiguous(2, {3, 4}): the form Tensor<T, Dims...> has at hand.
template <std::size_t N>
constexpr View contiguous(const std::array<std::size_t, N>& shape) {
  static_assert(N <= kMaxRank, "ctgrad::contiguous: rank exceeds kMaxRank");
  Dims dims{};
  for (std::size_t d = 0; d < N; ++d) dims[d] = static_cast<std::int64_t>(shape[d]);
  return contiguous(static_cast<std::uint8_t>(N), dims);
}

// Number of coordinates (valid or not). A rank-0 view has one.
constexpr std::int64_t View::numel() const {
  std::int64_t n = 1;
  for (int d = 0; d < rank; ++d) n = detail::mul_checked(n, shape[d]);
  return n;
}

constexpr bool View::masked() const {
  for (int d = 0; d < rank; ++d)
    if (lo[d] != 0 || hi[d] != shape[d]) return true;
  return false;
}

// Row-major strides over the whole shape, offset 0, no mask: the view of a fresh buffer.
constexpr bool View::contiguous() const {
  if (offset != 0) return false;
  if (numel() == 0) return *this == ctgrad::contiguous(rank, shape);  // zero-size views canonicalize to strides 0
  std::int64_t step = 1;
  for (int d = rank - 1; d >= 0; --d) {
    if (lo[d] != 0 || hi[d] != shape[d] || stride[d] != (shape[d] == 1 ? 0 : step)) return false;
    step *= shape[d];
  }
  return true;
}

namespace detail {
// True for the canonical all-invalid view (nothing valid, though the shape is not empty).
constexpr bool all_invalid(const View& v) { return v.rank > 0 && v.hi[0] == 0 && v.shape[0] != 0; }
}  // namespace detail

}  // namespace ctgrad
