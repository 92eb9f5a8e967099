#pragma once
// RawTensor: a run-time dtype, shape and byte span, the common currency of ctgrad's file formats. It needs nothing
// of Tensor's internals: the typed layer (AnyTensor) wraps it. Loaded tensors point into their file's mapping and
// keep it alive; the bytes are little-endian and need not be aligned (read them with memcpy).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "ctgrad/runtime/dtype.hpp"
#include "ctgrad/runtime/errors.hpp"

namespace ctgrad::io {

// A file that cannot be read, written or trusted. The message names the file and the problem.
struct IoError : Error {
  using Error::Error;
};

inline std::string squoted(const std::string& s) { return "'" + s + "'"; }

// The product of `dims`, or nothing when it overflows int64 (a file's claim, not yet trusted).
inline std::optional<std::int64_t> checked_numel(std::span<const std::int64_t> dims) {
  std::int64_t n = 1;
  for (auto d : dims)
    if (d < 0 || __builtin_mul_overflow(n, d, &n)) return std::nullopt;
  return n;
}

struct RawTensor {
  rt::DType dtype = rt::DType::UInt8;
  std::vector<std::int64_t> shape;
  std::span<const std::byte> bytes;
  std::shared_ptr<const void> owner;  // what keeps `bytes` alive: the file's mapping, or an owned vector

  std::int64_t numel() const { return checked_numel(shape).value_or(-1); }

  // A tensor owning a copy of `data` (numel(shape) * itemsize(dtype) bytes, checked by the writers).
  static RawTensor owning(rt::DType dtype, std::vector<std::int64_t> shape, std::vector<std::byte> data) {
    auto store = std::make_shared<std::vector<std::byte>>(std::move(data));
    RawTensor t{dtype, std::move(shape), std::span<const std::byte>(store->data(), store->size()), nullptr};
    t.owner = std::move(store);
    return t;
  }
};

}  // namespace ctgrad::io
