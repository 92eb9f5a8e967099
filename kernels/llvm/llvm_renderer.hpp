#pragma once
// KernelProgram -> textual LLVM IR for the CPU kernel ABI of runtime/cpu.hpp:
//   define void @<name>(ptr %bufs, i64 %start, i64 %end)   ; bufs points to an array of buffer pointers
// The exported function loads the buffer pointers and calls an always-inlined body whose pointer arguments are
// `noalias`, so after inlining the optimizer knows the buffers do not overlap and vectorizes without alias checks.
// Assumption this encodes: a buffer written by the kernel is not also bound to another parameter.
#include <string>

#include "ctgrad/runtime/kernel_program.hpp"

namespace ctgrad::rt {

// Throws CompileError naming the kernel and the instruction when the program is malformed.
std::string render_llvm_ir(const KernelProgram& program);

}  // namespace ctgrad::rt
