#pragma once
// Run-time dtype tags: what the dynamic core and the renderers see. The static layer maps C++ types onto these.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace ctgrad::rt {

enum class DType : std::uint8_t { Bool, Int8, Int16, Int32, Int64, UInt8, UInt16, UInt32, UInt64, Half, BFloat16, Float32, Float64 };

constexpr std::size_t itemsize(DType d) {
  switch (d) {
    case DType::Bool: case DType::Int8: case DType::UInt8: return 1;
    case DType::Int16: case DType::UInt16: case DType::Half: case DType::BFloat16: return 2;
    case DType::Int32: case DType::UInt32: case DType::Float32: return 4;
    case DType::Int64: case DType::UInt64: case DType::Float64: return 8;
  }
  return 0;
}
constexpr bool is_float(DType d) { return d == DType::Half || d == DType::BFloat16 || d == DType::Float32 || d == DType::Float64; }
constexpr bool is_unsigned(DType d) {
  return d == DType::UInt8 || d == DType::UInt16 || d == DType::UInt32 || d == DType::UInt64 || d == DType::Bool;
}
constexpr bool is_int(DType d) { return !is_float(d) && d != DType::Bool; }

constexpr const char* name(DType d) {
  switch (d) {
    case DType::Bool: return "bool";
    case DType::Int8: return "int8";
    case DType::Int16: return "int16";
    case DType::Int32: return "int32";
    case DType::Int64: return "int64";
    case DType::UInt8: return "uint8";
    case DType::UInt16: return "uint16";
    case DType::UInt32: return "uint32";
    case DType::UInt64: return "uint64";
    case DType::Half: return "half";
    case DType::BFloat16: return "bfloat16";
    case DType::Float32: return "float";
    case DType::Float64: return "double";
  }
  return "?";
}

}  // namespace ctgrad::rt
