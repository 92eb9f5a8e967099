#pragma once
// Realized storage: a typed array on one device, allocated on first use.
#include <memory>
#include <string>
#include <vector>

#include "ctgrad/runtime/device.hpp"

namespace ctgrad::rt {

struct Buffer {
  Buffer(std::string dev, DType dt, std::int64_t n) : device(std::move(dev)), dtype(dt), numel(n) {}
  std::string device;
  DType dtype;
  std::int64_t numel;
  std::size_t nbytes() const { return static_cast<std::size_t>(numel) * itemsize(dtype); }

  DeviceBuffer& storage() {
    if (!memory) memory = rt::device(device).alloc(std::max<std::size_t>(nbytes(), 1));
    return *memory;
  }
  void copy_in(const void* src) { rt::device(device).copy_in(storage(), src, nbytes()); }
  void copy_out(void* dst) {
    auto& dev = rt::device(device);
    dev.synchronize();
    dev.copy_out(dst, storage(), nbytes());
  }

 private:
  std::shared_ptr<DeviceBuffer> memory;
};

}  // namespace ctgrad::rt
