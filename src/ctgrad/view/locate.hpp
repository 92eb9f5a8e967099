#pragma once
// locate: the scalar reference semantics of a view stack, one coordinate at a time. Slow and obviously right; the
// index expressions the compiler emits and the property tests are both checked against it.
#include "ctgrad/view/stack.hpp"

namespace ctgrad {

struct Location {
  bool valid;
  std::int64_t offset;  // buffer index; 0 when !valid
  constexpr bool operator==(const Location&) const = default;
};

// Where coordinate coord of the top view lives in the buffer, or valid=false when it reads padding.
// (3,4) pad ((1,1),(0,2)): coord (0,0) -> invalid, (1,0) -> offset 0, (3,3) -> offset 11.
constexpr Location locate(const ViewStack& s, const Dims& coord) {
  const View& top = s.top();
  std::int64_t index = top.offset;
  for (int d = 0; d < top.rank; ++d) {
    detail::expects(0 <= coord[d] && coord[d] < top.shape[d], "ctgrad::locate: coordinate outside the shape");
    if (coord[d] < top.lo[d] || coord[d] >= top.hi[d]) return {false, 0};
    index += coord[d] * top.stride[d];
  }
  for (int k = s.depth - 2; k >= 0; --k) {  // unravel the flat index into the view below
    const View& v = s.views[static_cast<std::size_t>(k)];
    detail::expects(0 <= index && index < v.numel(), "ctgrad::locate: a view reads outside the view below it");
    std::int64_t next = v.offset;
    bool valid = true;
    for (int d = v.rank - 1; d >= 0; --d) {
      const std::int64_t c = index % v.shape[d];
      index /= v.shape[d];
      valid = valid && v.lo[d] <= c && c < v.hi[d];
      next += c * v.stride[d];
    }
    if (!valid) return {false, 0};
    index = next;
  }
  return {true, index};
}

}  // namespace ctgrad
