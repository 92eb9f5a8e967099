// libFuzzer harness for the safetensors loader. A bad file may only ever be an IoError; a file that loads must
// survive a write-and-reload unchanged (the writer accepts whatever the reader accepts).
#include <cstdint>
#include <cstdlib>

#include "ctgrad/io/safetensors.hpp"

namespace io = ctgrad::io;

namespace {

bool same(const io::Safetensors& a, const io::Safetensors& b) {
  if (a.metadata != b.metadata || a.tensors.size() != b.tensors.size()) return false;
  for (const auto& [name, t] : a.tensors) {
    const auto it = b.tensors.find(name);
    if (it == b.tensors.end()) return false;
    const auto& u = it->second;
    if (t.dtype != u.dtype || t.shape != u.shape || !std::equal(t.bytes.begin(), t.bytes.end(), u.bytes.begin(), u.bytes.end())) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  io::Safetensors st;
  try {
    st = io::parse_safetensors({reinterpret_cast<const std::byte*>(data), size}, "fuzz-input");
  } catch (const io::IoError&) {
    return 0;
  }
  std::string file = io::safetensors_header(st.tensors, st.metadata, "fuzz-output");
  for (const auto* kv : io::detail::file_order(st.tensors))
    file.append(reinterpret_cast<const char*>(kv->second.bytes.data()), kv->second.bytes.size());
  const auto back = io::parse_safetensors({reinterpret_cast<const std::byte*>(file.data()), file.size()}, "fuzz-output");
  if (!same(st, back)) std::abort();
  return 0;
}
