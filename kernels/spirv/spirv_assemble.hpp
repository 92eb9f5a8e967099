#pragma once
// SPIR-V text -> binary with SPIRV-Tools, validated in-process for the Vulkan 1.2 environment (SPIR-V 1.5).
#include <cstdint>
#include <string>
#include <vector>

namespace ctgrad::rt::spirv {

// Throws CompileError naming the kernel, with the assembler's or validator's messages and the numbered text.
std::vector<std::uint32_t> assemble_and_validate(const std::string& text, const std::string& kernel_name);

std::string spirv_tools_version();

}  // namespace ctgrad::rt::spirv
