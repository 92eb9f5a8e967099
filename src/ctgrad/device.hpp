#pragma once
// Devices, as tinygrad's `Device` names them: the default one (library.hpp's default_device()), the ones present,
// what each is, and waiting for queued kernels.
#include <string>
#include <vector>

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
  CTGRAD_API static std::vector<std::string> built();
  CTGRAD_API static DeviceInfo describe(const std::string& name = default_device());
  // The devices that open here (tinygrad's get_available_devices), the default one first.
  CTGRAD_API static std::vector<std::string> available();
  // Waits until every kernel queued on the device has finished. Throws DeviceError for an unknown device.
  CTGRAD_API static void synchronize(const std::string& name = default_device());
};

}  // namespace ctgrad

#ifdef CTGRAD_HEADER_ONLY
#include "ctgrad/device_impl.hpp"  // NOLINT: the definitions follow their declarations
#endif
