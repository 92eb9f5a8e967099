#pragma once
// The graph work of ops.hpp's elementwise ops and reductions at run-time shapes: the typed entry checks the shapes
// at compile time and passes its result's shape as a View, so each shape instantiates a call, not the broadcast,
// cast and node building (binary() was the largest function family of the flagship's code).
#include "ctgrad/runtime/api.hpp"
#include "ctgrad/runtime/tensor_impl.hpp"

namespace ctgrad::rt {

// How binary() makes its node from the broadcast operands: one ALU op, integer division that never divides by
// zero, or a comparison built from CmpLt (x > y is y < x; x <= y is !(y < x); x >= y is !(x < y)).
enum class BinaryForm : std::uint8_t { Alu, IntDiv, Greater, LessEqual, GreaterEqual };

// Throws DeviceError naming `op` unless the operands are on one device.
CTGRAD_API void same_device(const std::string& a, const std::string& b, const char* op);
// t (of dtype `from`) broadcast to `out` and cast to `to`: ops.hpp's broadcast_to.
CTGRAD_API ImplPtr broadcast(const ImplPtr& t, DType from, DType to, const View& out);
// a op b in `compute` (their promoted dtype), a result of dtype `result` and shape `out`.
CTGRAD_API ImplPtr binary(BinaryForm form, Ops alu, DType compute, DType result, const ImplPtr& a, DType da, const ImplPtr& b, DType db,
                          const View& out, const char* name);
// cond ? a : b in `dtype`, all three broadcast to `out` (cond cast to bool; a, b of dtype da, db cast to `dtype`).
CTGRAD_API ImplPtr where(const ImplPtr& cond, DType dc, const ImplPtr& a, DType da, const ImplPtr& b, DType db, DType dtype, const View& out);
// t (of dtype `from`) cast to `acc` and reduced with `alu` over the axes in the bit set, keeping them as size 1 (`kept`).
CTGRAD_API ImplPtr reduce(const ImplPtr& t, DType from, DType acc, Ops alu, std::uint32_t axes, const View& kept);

}  // namespace ctgrad::rt

#ifdef CTGRAD_HEADER_ONLY
#include "ctgrad/runtime/op_nodes_impl.hpp"  // NOLINT: the definitions follow their declarations
#endif
