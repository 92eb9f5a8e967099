#pragma once
// Registers the compiled backends this program links (their build defines CTGRAD_WITH_<NAME>).
// The reference to each registration function is also what pulls the backend's object out of its static library.
#include "ctgrad/runtime/device.hpp"

namespace ctgrad::rt {
#ifdef CTGRAD_WITH_LLVM
bool register_llvm_device();
inline const bool llvm_device_registered = register_llvm_device();
#endif
#ifdef CTGRAD_WITH_CUDA
bool register_cuda_device();
inline const bool cuda_device_registered = register_cuda_device();
#endif
#ifdef CTGRAD_WITH_VULKAN
bool register_vulkan_device();
inline const bool vulkan_device_registered = register_vulkan_device();
#endif
}  // namespace ctgrad::rt
