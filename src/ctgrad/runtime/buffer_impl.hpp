#pragma once
// The definitions of buffer.hpp's device accesses: compiled once into libctgrad, or inline with CTGRAD_HEADER_ONLY.
#include <algorithm>

#include "ctgrad/runtime/buffer.hpp"
#include "ctgrad/runtime/device.hpp"

namespace ctgrad::rt {

CTGRAD_API DeviceBuffer& Buffer::storage() {
  if (!memory) memory = rt::device(device).alloc(std::max<std::size_t>(nbytes(), 1));
  return *memory;
}
CTGRAD_API void Buffer::copy_in(const void* src) { rt::device(device).copy_in(storage(), src, nbytes()); }
CTGRAD_API void Buffer::copy_out(void* dst) {
  auto& dev = rt::device(device);
  dev.synchronize();
  dev.copy_out(dst, storage(), nbytes());
}

}  // namespace ctgrad::rt
