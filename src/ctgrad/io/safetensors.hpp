#pragma once
// safetensors (https://github.com/huggingface/safetensors): an 8-byte little-endian header length N, N bytes of
// JSON {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, "__metadata__": {"k": "v"}},
// then the data, which the tensors' [begin, end) ranges must tile exactly (no gaps, no overlaps, nothing after).
// Every claim the file makes is checked against its size before it is used; a bad file is an IoError naming the
// file and the problem. The reader and writer are libctgrad's (safetensors_impl.hpp, with nlohmann/json), so a
// program that saves or loads does not parse the JSON library; header-only, they follow inline.
#include <algorithm>
#include <bit>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ctgrad/io/raw_tensor.hpp"
#include "ctgrad/runtime/api.hpp"

namespace ctgrad::io {

static_assert(std::endian::native == std::endian::little, "ctgrad::io: safetensors data is little-endian; this host is not");

// The format's dtype names for the dtypes ctgrad has. Others (F8_E4M3, C64, ...) are rejected by name.
inline const char* safetensors_dtype(rt::DType d) {
  using rt::DType;
  switch (d) {
    case DType::Bool:
      return "BOOL";
    case DType::Int8:
      return "I8";
    case DType::Int16:
      return "I16";
    case DType::Int32:
      return "I32";
    case DType::Int64:
      return "I64";
    case DType::UInt8:
      return "U8";
    case DType::UInt16:
      return "U16";
    case DType::UInt32:
      return "U32";
    case DType::UInt64:
      return "U64";
    case DType::Half:
      return "F16";
    case DType::BFloat16:
      return "BF16";
    case DType::Float32:
      return "F32";
    case DType::Float64:
      return "F64";
  }
  return "?";
}
inline std::optional<rt::DType> dtype_from_safetensors(const std::string& s) {
  for (int i = 0; i <= static_cast<int>(rt::DType::Float64); ++i)
    if (s == safetensors_dtype(static_cast<rt::DType>(i))) return static_cast<rt::DType>(i);
  return std::nullopt;
}

struct Safetensors {
  std::map<std::string, RawTensor> tensors;
  std::map<std::string, std::string> metadata;
};

// Parses a whole safetensors file held in `bytes`. `file` names it in errors; `owner` keeps `bytes` alive and is
// shared by every returned tensor, whose bytes point into `bytes` (no copy).
CTGRAD_API Safetensors parse_safetensors(std::span<const std::byte> bytes, const std::string& file, std::shared_ptr<const void> owner = nullptr);

// Reads `path` through mmap: the tensors' bytes point into the mapping, which lives as long as any of them.
CTGRAD_API Safetensors read_safetensors_file(const std::string& path);
inline std::map<std::string, RawTensor> read_safetensors(const std::string& path) { return read_safetensors_file(path).tensors; }

namespace detail {

// The tensors in file order: widest items first, then by name (as the reference writer does), so that with an
// 8-aligned header every tensor's data is aligned to its item size in a mapping.
inline std::vector<const std::pair<const std::string, RawTensor>*> file_order(const std::map<std::string, RawTensor>& tensors) {
  std::vector<const std::pair<const std::string, RawTensor>*> order;
  for (const auto& kv : tensors) order.push_back(&kv);
  std::sort(order.begin(), order.end(), [](auto* a, auto* b) {
    const auto wa = rt::itemsize(a->second.dtype), wb = rt::itemsize(b->second.dtype);
    return wa != wb ? wa > wb : a->first < b->first;
  });
  return order;
}

}  // namespace detail

// The bytes before the data: the 8-byte length and the JSON header, padded with spaces to a multiple of 8.
CTGRAD_API std::string safetensors_header(const std::map<std::string, RawTensor>& tensors, const std::map<std::string, std::string>& metadata,
                                          const std::string& file);

// Writes a temporary file beside `path` and renames it, so a failed write never leaves a torn file under `path`.
CTGRAD_API void write_safetensors(const std::string& path, const std::map<std::string, RawTensor>& tensors,
                                  const std::map<std::string, std::string>& metadata = {});

}  // namespace ctgrad::io

#ifdef CTGRAD_HEADER_ONLY
#include "ctgrad/io/safetensors_impl.hpp"  // NOLINT: the definitions follow their declarations
#endif
