#pragma once
// How each ctgrad dtype lives in a SPIR-V kernel: its register type, its element type in a buffer, the capabilities
// the module declares for it and the Vulkan device features it therefore needs.
//
// bfloat16 has no SPIR-V type: it is stored as its 16 raw bits and computed in f32 registers (rounded to
// bfloat16's 8-bit mantissa by Cast and by Store). Bool is stored as one byte (0 or 1), computed as OpTypeBool.
#include <string_view>
#include <vector>

#include "ctgrad/runtime/dtype.hpp"
#include "spirv_module.hpp"

namespace ctgrad::rt::spirv {

Type register_type(DType d);
Type storage_type(DType d);

// Declares what using `d` needs; `in_buffer` when a kernel parameter has this element type.
void declare_capabilities(Module& m, DType d, bool in_buffer);

// The VkPhysicalDevice*Features members (by name) a kernel touching `d` needs, in registers and in buffers.
std::vector<std::string_view> features_for(DType d);

}  // namespace ctgrad::rt::spirv
