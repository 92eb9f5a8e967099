#pragma once
// Integer helpers for the view algebra. Index math sees negative offsets (pad) and negative strides (flip), where
// C++'s truncating `/` and `%` differ from the floor semantics the algebra is written in (tinygrad's `//`, `%`).
#include <cstdint>
#include <stdexcept>

namespace ctgrad::detail {

// Throws std::logic_error(what) unless ok. In constant evaluation the throw is a hard compile error naming `what`.
constexpr void expects(bool ok, const char* what) {
  if (!ok) throw std::logic_error(what);
}

// floor(a / b) for any signs of a and b. floordiv(-1, 4) == -1, floordiv(1, -4) == -1, floordiv(7, 2) == 3.
constexpr std::int64_t floordiv(std::int64_t a, std::int64_t b) {
  expects(b != 0, "ctgrad view: division by zero");
  std::int64_t q = a / b;
  if (a % b != 0 && ((a < 0) != (b < 0))) --q;
  return q;
}

// a - b * floordiv(a, b): has the sign of b. floormod(-1, 4) == 3.
constexpr std::int64_t floormod(std::int64_t a, std::int64_t b) { return a - floordiv(a, b) * b; }

// ceil(a / b) for any signs. ceildiv(-1, 4) == 0, ceildiv(5, 2) == 3, ceildiv(5, -2) == -2.
constexpr std::int64_t ceildiv(std::int64_t a, std::int64_t b) { return -floordiv(-a, b); }

// a * b, throwing instead of overflowing (sizes are products of user dims).
constexpr std::int64_t mul_checked(std::int64_t a, std::int64_t b) {
  std::int64_t r = 0;
  expects(!__builtin_mul_overflow(a, b, &r), "ctgrad view: size overflows int64");
  return r;
}

}  // namespace ctgrad::detail
