#pragma once
// The default device: env DEVICE=C|LLVM|CUDA|VULKAN, else LLVM when this program links it, else the header-only C.
#include <string>

#include "ctgrad/runtime/backends.hpp"
#include "ctgrad/runtime/c/c_device.hpp"
#include "ctgrad/runtime/debug.hpp"

namespace ctgrad {

inline std::string default_device() {
  static const std::string name = [] {
    auto env = rt::getenv_or("DEVICE", "");
    if (!env.empty()) return env;
#ifdef CTGRAD_WITH_LLVM
    return std::string("LLVM");
#else
    return std::string("C");
#endif
  }();
  return name;
}

}  // namespace ctgrad
