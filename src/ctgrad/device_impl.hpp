#pragma once
// The definitions of device.hpp's Device: compiled once into libctgrad, or inline with CTGRAD_HEADER_ONLY.
#include "ctgrad/device.hpp"
#include "ctgrad/runtime/device.hpp"

namespace ctgrad {

CTGRAD_API std::vector<std::string> Device::built() { return rt::device_names(); }
CTGRAD_API DeviceInfo Device::describe(const std::string& name) {
  try {
    return {name, true, rt::device(name).description()};
  } catch (const DeviceError& e) {
    return {name, false, e.what()};
  }
}
CTGRAD_API std::vector<std::string> Device::available() {
  std::vector<std::string> out;
  if (describe().available) out.push_back(default_device());
  for (const auto& name : built())
    if (name != default_device() && describe(name).available) out.push_back(name);
  return out;
}
CTGRAD_API void Device::synchronize(const std::string& name) { rt::device(name).synchronize(); }

}  // namespace ctgrad
