#pragma once
// How each dtype lives in PTX registers and memory.
//
// Registers: Bool is a predicate; every integer of 32 bits or fewer lives in a 32-bit register, kept normalized
// (sign- or zero-extended from its width after every op, so wrap-around matches C); 64-bit integers in 64-bit
// registers; Half, BFloat16 and Float32 in f32 registers (half and bfloat16 values rounded to their type after
// every op, so each op is correctly rounded for that type); Float64 in f64 registers.
#include "ctgrad/runtime/dtype.hpp"

namespace ctgrad::rt::ptx {

enum class Reg : unsigned char { Pred, B16, B32, B64, F32, F64 };

constexpr Reg reg_of(DType d) {
  switch (d) {
    case DType::Bool:
      return Reg::Pred;
    case DType::Int64:
    case DType::UInt64:
      return Reg::B64;
    case DType::Half:
    case DType::BFloat16:
    case DType::Float32:
      return Reg::F32;
    case DType::Float64:
      return Reg::F64;
    default:
      return Reg::B32;
  }
}

constexpr bool is_signed_int(DType d) { return d == DType::Int8 || d == DType::Int16 || d == DType::Int32 || d == DType::Int64; }

// Arithmetic type suffix of the register a dtype lives in (".s32" for int8, ".f32" for half...).
constexpr const char* arith_type(DType d) {
  switch (reg_of(d)) {
    case Reg::Pred:
      return ".pred";
    case Reg::B64:
      return is_signed_int(d) ? ".s64" : ".u64";
    case Reg::F32:
      return ".f32";
    case Reg::F64:
      return ".f64";
    default:
      return is_signed_int(d) ? ".s32" : ".u32";
  }
}

// Untyped suffix for moves and selects of that register.
constexpr const char* move_type(DType d) {
  switch (reg_of(d)) {
    case Reg::Pred:
      return ".pred";
    case Reg::B64:
      return ".b64";
    case Reg::F32:
      return ".f32";
    case Reg::F64:
      return ".f64";
    default:
      return ".b32";
  }
}

// Type suffix of ld/st for the element in memory (Bool is a byte; half/bfloat16 move as raw 16 bits).
constexpr const char* memory_type(DType d) {
  switch (d) {
    case DType::Bool:
    case DType::UInt8:
      return ".u8";
    case DType::Int8:
      return ".s8";
    case DType::Int16:
      return ".s16";
    case DType::UInt16:
    case DType::BFloat16:
      return ".u16";
    case DType::Half:
      return ".b16";
    case DType::Int32:
      return ".s32";
    case DType::UInt32:
      return ".u32";
    case DType::Int64:
      return ".s64";
    case DType::UInt64:
      return ".u64";
    case DType::Float32:
      return ".f32";
    case DType::Float64:
      return ".f64";
  }
  return ".b8";
}

}  // namespace ctgrad::rt::ptx
