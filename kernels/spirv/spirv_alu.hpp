#pragma once
// The ALU KOps (unary, binary, comparisons, Cast) on register values, and the conversions between a dtype's
// register and buffer forms (spirv_types.hpp). Operations a dtype has no meaning for (IDiv of floats, Sin of an
// integer...) throw CompileError; the renderer adds the kernel and instruction to the message.
#include <string>

#include "ctgrad/runtime/kernel_program.hpp"
#include "spirv_module.hpp"

namespace ctgrad::rt::spirv {

std::string emit_unary(Module& m, KOp op, DType d, const std::string& a);
// `d` is the operands' dtype; comparisons return Bool.
std::string emit_binary(Module& m, KOp op, DType d, const std::string& a, const std::string& b);
std::string emit_cast(Module& m, DType from, DType to, const std::string& a);

std::string load_conversion(Module& m, DType d, const std::string& stored);   // buffer element -> register
std::string store_conversion(Module& m, DType d, const std::string& value);   // register -> buffer element

}  // namespace ctgrad::rt::spirv
