#pragma once
// Static dtypes: C++ types are the dtypes; promotion is a constexpr function of their run-time tags.
//
// Promotion (tinygrad-like): bool < integers < floats. Two integers of the same signedness give the wider; mixed
// signedness gives the smallest signed type wider than the unsigned one (uint32 + int32 -> int64; uint64 + any
// signed -> float, as no integer holds both). A float with an integer gives the float; half + bfloat16 -> float.
#include <bit>
#include <concepts>
#include <cstdint>
#include <type_traits>

#include "ctgrad/runtime/dtype.hpp"

namespace ctgrad {

// IEEE binary16 and bfloat16 storage types: kernels compute in float and round on store.
struct half {
  std::uint16_t bits = 0;
  bool operator==(const half&) const = default;
};
struct bfloat16 {
  std::uint16_t bits = 0;
  bool operator==(const bfloat16&) const = default;
};

template <class T>
inline constexpr bool is_dtype_v = std::is_same_v<T, bool> || std::is_same_v<T, float> || std::is_same_v<T, double> ||
                                   std::is_same_v<T, half> || std::is_same_v<T, bfloat16> ||
                                   (std::is_integral_v<T> && !std::is_same_v<T, char> && !std::is_same_v<T, wchar_t> &&
                                    !std::is_same_v<T, char8_t> && !std::is_same_v<T, char16_t> && !std::is_same_v<T, char32_t>);

template <class T>
concept DTypeLike = is_dtype_v<T>;

template <class T>
constexpr rt::DType dtype_of() {
  using rt::DType;
  if constexpr (std::is_same_v<T, bool>) return DType::Bool;
  else if constexpr (std::is_same_v<T, float>) return DType::Float32;
  else if constexpr (std::is_same_v<T, double>) return DType::Float64;
  else if constexpr (std::is_same_v<T, half>) return DType::Half;
  else if constexpr (std::is_same_v<T, bfloat16>) return DType::BFloat16;
  else if constexpr (std::is_signed_v<T>) return sizeof(T) == 1 ? DType::Int8 : sizeof(T) == 2 ? DType::Int16 : sizeof(T) == 4 ? DType::Int32 : DType::Int64;
  else return sizeof(T) == 1 ? DType::UInt8 : sizeof(T) == 2 ? DType::UInt16 : sizeof(T) == 4 ? DType::UInt32 : DType::UInt64;
}

constexpr rt::DType promote(rt::DType a, rt::DType b) {
  using rt::DType;
  if (a == b) return a;
  if (a == DType::Bool) return b;
  if (b == DType::Bool) return a;
  auto float_rank = [](DType d) { return d == DType::Float64 ? 3 : d == DType::Float32 ? 2 : rt::is_float(d) ? 1 : 0; };
  if (rt::is_float(a) || rt::is_float(b)) {
    if (float_rank(a) == 1 && float_rank(b) == 1) return DType::Float32;  // half with bfloat16
    return float_rank(a) >= float_rank(b) ? a : b;
  }
  const bool ua = rt::is_unsigned(a), ub = rt::is_unsigned(b);
  const std::size_t sa = rt::itemsize(a), sb = rt::itemsize(b);
  if (ua == ub) return sa >= sb ? a : b;
  const std::size_t usize = ua ? sa : sb, ssize = ua ? sb : sa;
  if (ssize > usize) return ua ? b : a;
  switch (usize) {
    case 1: return DType::Int16;
    case 2: return DType::Int32;
    case 4: return DType::Int64;
    default: return DType::Float32;
  }
}

template <rt::DType D>
struct cpp_type_of;
template <> struct cpp_type_of<rt::DType::Bool> { using type = bool; };
template <> struct cpp_type_of<rt::DType::Int8> { using type = std::int8_t; };
template <> struct cpp_type_of<rt::DType::Int16> { using type = std::int16_t; };
template <> struct cpp_type_of<rt::DType::Int32> { using type = std::int32_t; };
template <> struct cpp_type_of<rt::DType::Int64> { using type = std::int64_t; };
template <> struct cpp_type_of<rt::DType::UInt8> { using type = std::uint8_t; };
template <> struct cpp_type_of<rt::DType::UInt16> { using type = std::uint16_t; };
template <> struct cpp_type_of<rt::DType::UInt32> { using type = std::uint32_t; };
template <> struct cpp_type_of<rt::DType::UInt64> { using type = std::uint64_t; };
template <> struct cpp_type_of<rt::DType::Half> { using type = half; };
template <> struct cpp_type_of<rt::DType::BFloat16> { using type = bfloat16; };
template <> struct cpp_type_of<rt::DType::Float32> { using type = float; };
template <> struct cpp_type_of<rt::DType::Float64> { using type = double; };

// The C++ type two operands promote to.
template <class A, class B>
using promote_t = typename cpp_type_of<promote(dtype_of<A>(), dtype_of<B>())>::type;

// What sum() accumulates and returns: small integers widen to 32 bits (tinygrad's sum_acc_dtype).
template <class T>
using sum_t = std::conditional_t<std::is_same_v<T, bool> || (std::is_integral_v<T> && std::is_signed_v<T> && sizeof(T) < 4), std::int32_t,
                                 std::conditional_t<std::is_integral_v<T> && std::is_unsigned_v<T> && sizeof(T) < 4, std::uint32_t, T>>;

// What mean() returns: floats stay, integers and bool become float.
template <class T>
using mean_t = std::conditional_t<rt::is_float(dtype_of<T>()), T, float>;

}  // namespace ctgrad

namespace ctgrad {

// Host-side conversions of the storage types (round to nearest even, as the kernels do).
template <class H>
constexpr std::uint16_t float_to_bits(float f) {
  const auto u = std::bit_cast<std::uint32_t>(f);
  if constexpr (std::is_same_v<H, bfloat16>) {
    if ((u & 0x7fffffffu) > 0x7f800000u) return static_cast<std::uint16_t>((u >> 16) | 0x40u);  // quiet NaN
    return static_cast<std::uint16_t>((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
  } else {
    const std::uint32_t sign = (u >> 16) & 0x8000u, absu = u & 0x7fffffffu;
    if (absu > 0x7f800000u) return static_cast<std::uint16_t>(sign | 0x7e00u);
    if (absu >= 0x477ff000u) return static_cast<std::uint16_t>(sign | 0x7c00u);  // overflow to inf
    if (absu < 0x38800000u) {                                                      // subnormal or zero
      const float scaled = std::bit_cast<float>(absu) * 16777216.0f;                // * 2^24: units of the smallest subnormal
      auto m = static_cast<std::uint32_t>(scaled);
      const float rest = scaled - static_cast<float>(m);
      if (rest > 0.5f || (rest == 0.5f && (m & 1u))) ++m;
      return static_cast<std::uint16_t>(sign | m);
    }
    std::uint32_t r = absu + 0xfffu + ((absu >> 13) & 1u);
    return static_cast<std::uint16_t>(sign | (((r >> 13) - (112u << 10)) & 0x7fffu));
  }
}
template <class H>
constexpr float bits_to_float(std::uint16_t h) {
  if constexpr (std::is_same_v<H, bfloat16>) {
    return std::bit_cast<float>(static_cast<std::uint32_t>(h) << 16);
  } else {
    const std::uint32_t sign = static_cast<std::uint32_t>(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, man = h & 0x3ffu;
    if (exp == 0) return (sign ? -1.0f : 1.0f) * static_cast<float>(man) / 16777216.0f;
    if (exp == 31) return std::bit_cast<float>(sign | 0x7f800000u | (man << 13));
    return std::bit_cast<float>(sign | ((exp + 112u) << 23) | (man << 13));
  }
}
inline float to_float(half h) { return bits_to_float<half>(h.bits); }
inline float to_float(bfloat16 h) { return bits_to_float<bfloat16>(h.bits); }

}  // namespace ctgrad
