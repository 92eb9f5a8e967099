#pragma once
// Devices, as tinygrad's `Device` names them: the default one (library.hpp's default_device()), the ones present,
// what each is, and waiting for queued kernels.
#include <string>
#include <vector>

#include "ctgrad/runtime/device.hpp"
#include "ctgrad/runtime/errors.hpp"
#include "ctgrad/runtime/library.hpp"

namespace ctgrad {

// One device of this build: whether it opens on this machine, and what it is (or why it does not open).
struct DeviceInfo {
  std::string name;
  bool available = false;
  std::string description;
};

// ctgrad::Device::synchronize() is tinygrad's Device[Device.DEFAULT].synchronize(): realize() on a GPU returns once
// the kernels are queued, so time GPU work up to a synchronize().
struct Device {
  Device() = delete;
  static std::string default_name() { return default_device(); }
  // The devices this program was built with, whether or not they open here.
  static std::vector<std::string> built() { return rt::device_names(); }
  static DeviceInfo describe(const std::string& name = default_device()) {
    try {
      return {name, true, rt::device(name).description()};
    } catch (const DeviceError& e) {
      return {name, false, e.what()};
    }
  }
  // The devices that open here (tinygrad's get_available_devices), the default one first.
  static std::vector<std::string> available() {
    std::vector<std::string> out;
    if (describe().available) out.push_back(default_device());
    for (const auto& name : built())
      if (name != default_device() && describe(name).available) out.push_back(name);
    return out;
  }
  // Waits until every kernel queued on the device has finished. Throws DeviceError for an unknown device.
  static void synchronize(const std::string& name = default_device()) { rt::device(name).synchronize(); }
};

}  // namespace ctgrad
