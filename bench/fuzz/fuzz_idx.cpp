// libFuzzer harness for the idx(.gz) reader. A bad file may only ever be an IoError; a file that loads holds
// exactly the bytes its dims and type call for.
#include <cstdint>
#include <cstdlib>

#include "ctgrad/io/idx.hpp"

namespace io = ctgrad::io;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    const auto t = io::parse_idx({reinterpret_cast<const std::byte*>(data), size}, "fuzz-input");
    if (t.numel() < 0 || t.bytes.size() != static_cast<std::size_t>(t.numel()) * ctgrad::rt::itemsize(t.dtype)) std::abort();
  } catch (const io::IoError&) {
  }
  return 0;
}
