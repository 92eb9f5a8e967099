#pragma once
// Sliding windows (surface/pool.hpp's pool2d) at run-time shapes: the chain of movement ops that makes a window's
// taps dims of one view. The typed pool2d computes its result's type and calls this, so the chain's intermediate
// shapes (a dozen per pool, each a Tensor class) are never instantiated; they were most of a conv's compile time.
#include <cstddef>

#include "ctgrad/runtime/api.hpp"
#include "ctgrad/runtime/tensor_impl.hpp"

namespace ctgrad::rt {

// (..., i) -> (..., o, k) with out[..., a, j] = x[..., a * s + j * d].
CTGRAD_API ImplPtr pool_last(const ImplPtr& x, std::size_t k, std::size_t s, std::size_t d);
// (..., H, W) -> (..., oh, ow, kh, kw), with out[..., a, b, i, j] = x[..., a * sh + i * dh, b * sw + j * dw].
CTGRAD_API ImplPtr pool2d(const ImplPtr& x, std::size_t kh, std::size_t kw, std::size_t sh, std::size_t sw, std::size_t dh, std::size_t dw);

}  // namespace ctgrad::rt

#ifdef CTGRAD_HEADER_ONLY
#include "ctgrad/runtime/windows_impl.hpp"  // NOLINT: the definitions follow their declarations
#endif
