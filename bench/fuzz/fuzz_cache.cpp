// libFuzzer harness for the kernel cache's disk reader (rt::detail::read_cache_entry). It reads a path, so each
// input goes through a file (in /dev/shm when there is one). Whatever the bytes, the reader returns a binary or
// nothing; a binary it returns is the one its checksum names.
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "ctgrad/runtime/cache.hpp"

namespace rt = ctgrad::rt;

namespace {

// The compiler id and key the seeds are written with (make_seeds.cpp).
constexpr const char* kCompilerId = "fuzz-compiler 1";
constexpr std::uint64_t kKey = 0x1234abcd5678ef90ull;

std::filesystem::path entry_path() {
  const std::filesystem::path dir = std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
  return dir / ("ctgrad-fuzz-cache-" + std::to_string(::getpid()) + ".bin");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto path = entry_path();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    if (!out) std::abort();  // the harness's own failure, not the reader's
  }
  const auto bin = rt::detail::read_cache_entry(path, kCompilerId, kKey);
  // A binary the reader returns is the input's tail. (The header it parsed need not be byte-for-byte what the
  // writer writes: stream extraction also accepts leading zeros, "0x" and spaces; the checksum still guards.)
  if (bin && (bin->size() > size || !std::equal(bin->begin(), bin->end(), data + (size - bin->size())))) std::abort();
  return 0;
}
