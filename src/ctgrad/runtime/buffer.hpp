#pragma once
// Realized storage: a typed array on one device, allocated on first use.
#include <cstdint>
#include <memory>
#include <string>

#include "ctgrad/runtime/api.hpp"
#include "ctgrad/runtime/dtype.hpp"

namespace ctgrad::rt {

struct DeviceBuffer;  // a device's memory (device.hpp)

struct Buffer {
  Buffer(std::string dev, DType dt, std::int64_t n) : device(std::move(dev)), dtype(dt), numel(n) {}
  std::string device;
  DType dtype;
  std::int64_t numel;
  std::size_t nbytes() const { return static_cast<std::size_t>(numel) * itemsize(dtype); }

  CTGRAD_API DeviceBuffer& storage();
  CTGRAD_API void copy_in(const void* src);
  CTGRAD_API void copy_out(void* dst);  // waits for the device's queued kernels first

 private:
  std::shared_ptr<DeviceBuffer> memory;
};

}  // namespace ctgrad::rt

#ifdef CTGRAD_HEADER_ONLY
#include "ctgrad/runtime/buffer_impl.hpp"  // NOLINT: the definitions follow their declarations
#endif
