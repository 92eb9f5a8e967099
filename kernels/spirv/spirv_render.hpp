#pragma once
// KernelProgram -> SPIR-V assembly text (SPIR-V 1.5, Vulkan 1.2 environment).
//
// Shape of every kernel: GLCompute with LocalSize 64 or 256 in x; g is rebuilt from GlobalInvocationId (x, or
// y * row + x when more than 65535 workgroups are needed, see spirv_dispatch.hpp) and the body runs under
// `if (g < global_size)`. Each kernel parameter i is a StorageBuffer runtime array at set 0, binding i.
// DefAcc and Range counters are Function-storage variables; a Range is a structured loop (OpLoopMerge), a gated
// Load a structured selection whose untaken side never touches memory, merged with OpPhi. Every float add, sub,
// mul, div and negate is decorated NoContraction so no driver fuses a*b+c into an FMA the CPU backends don't do.
#include <string>

#include "ctgrad/runtime/kernel_program.hpp"

namespace ctgrad::rt::spirv {

// Throws CompileError (naming the kernel and the instruction) for a malformed program or an op a dtype lacks.
std::string render(const KernelProgram& program);

}  // namespace ctgrad::rt::spirv
