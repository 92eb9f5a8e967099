#pragma once
// Value-level PTX for the ALU KOps, constants and casts, shared by the kernel walk and the block-reduce combine.
// Every function returns the register holding the result (in the representation ptx_types.hpp describes) and
// throws CompileError for an op the dtype does not have (IDiv on floats, Sin on integers...).
//
// Exactness: float Add/Sub/Mul/Div/Sqrt/Recip are the IEEE round-to-nearest instructions (.rn: ptxas never fuses
// them into fma), so f32/f64 results match a CPU bit for bit; Exp2/Log2/Sin are approximations (ptx_math.hpp).
// Float -> integer casts truncate through int64 and wrap to the target width, as the reference interpreter does.
#include <cstdint>
#include <string>

#include "ctgrad/runtime/kernel_program.hpp"
#include "ptx_writer.hpp"

namespace ctgrad::rt::ptx {

// Brings a value computed in a wider register back to its dtype (sub-word integers wrap, half/bfloat16 round).
std::string narrow(PtxWriter& w, const std::string& r, DType d);
std::string emit_const(PtxWriter& w, DType d, std::int64_t iarg, double farg);
std::string emit_unary(PtxWriter& w, KOp op, DType d, const std::string& a);
// Binary ops and comparisons; `operand` is the dtype of a and b (a comparison's result is a Bool predicate).
std::string emit_binary(PtxWriter& w, KOp op, DType operand, const std::string& a, const std::string& b);
std::string emit_where(PtxWriter& w, DType d, const std::string& cond, const std::string& a, const std::string& b);
std::string emit_cast(PtxWriter& w, DType from, DType to, const std::string& a);

}  // namespace ctgrad::rt::ptx
