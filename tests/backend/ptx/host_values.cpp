#include "host_values.hpp"

#include <bit>
#include <cmath>
#include <cstring>

namespace ptx_test {

namespace {

// A small IEEE binary format with `mant` fraction bits and `bias`: round-to-nearest-even from double.
std::uint16_t encode_small_float(double v, int mant, int bias) {
  const int exp_max = 2 * bias + 1;  // all-ones exponent: inf / NaN
  const std::uint16_t sign = std::signbit(v) ? static_cast<std::uint16_t>(1u << 15) : 0;
  const auto inf = static_cast<std::uint16_t>(exp_max << mant);
  if (std::isnan(v)) return static_cast<std::uint16_t>(inf | (1u << (mant - 1)));
  if (std::isinf(v)) return static_cast<std::uint16_t>(sign | inf);
  double a = std::fabs(v);
  const double min_normal = std::ldexp(1.0, 1 - bias);
  if (a < min_normal) {  // subnormal: a multiple of 2^(1 - bias - mant); rounding up to 2^mant gives the min normal
    return static_cast<std::uint16_t>(sign | static_cast<std::uint16_t>(std::nearbyint(std::ldexp(a, mant + bias - 1))));
  }
  int e = 0;
  const double m = std::frexp(a, &e);  // a = m * 2^e, m in [0.5, 1)
  e -= 1;
  auto frac = static_cast<std::uint32_t>(std::nearbyint((m * 2 - 1) * std::ldexp(1.0, mant)));
  if (frac == (1u << mant)) frac = 0, ++e;
  if (e + bias >= exp_max) return static_cast<std::uint16_t>(sign | inf);
  return static_cast<std::uint16_t>(sign | static_cast<std::uint32_t>(e + bias) << mant | frac);
}

double decode_half(std::uint16_t h) {
  const int e = (h >> 10) & 31, f = h & 1023;
  const double s = (h >> 15) ? -1.0 : 1.0;
  if (e == 31) return f ? std::nan("") : s * INFINITY;
  return e == 0 ? s * std::ldexp(f, -24) : s * std::ldexp(1024 + f, e - 25);
}

template <class T>
void put(std::vector<std::uint8_t>& out, std::size_t i, T v) {
  std::memcpy(out.data() + i * sizeof(T), &v, sizeof(T));
}

template <class T>
T get(const std::vector<std::uint8_t>& in, std::size_t i) {
  T v;
  std::memcpy(&v, in.data() + i * sizeof(T), sizeof(T));
  return v;
}

}  // namespace

std::vector<std::uint8_t> encode(const ctgrad::rt::HostValues& values, DType d) {
  std::vector<std::uint8_t> out(values.size() * ctgrad::rt::itemsize(d));
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    switch (d) {
      case DType::Bool:
        put<std::uint8_t>(out, i, v != 0);
        break;
      case DType::Int8:
        put(out, i, static_cast<std::int8_t>(static_cast<std::int64_t>(v)));
        break;
      case DType::Int16:
        put(out, i, static_cast<std::int16_t>(static_cast<std::int64_t>(v)));
        break;
      case DType::Int32:
        put(out, i, static_cast<std::int32_t>(static_cast<std::int64_t>(v)));
        break;
      case DType::Int64:
        put(out, i, static_cast<std::int64_t>(v));
        break;
      case DType::UInt8:
        put(out, i, static_cast<std::uint8_t>(static_cast<std::int64_t>(v)));
        break;
      case DType::UInt16:
        put(out, i, static_cast<std::uint16_t>(static_cast<std::int64_t>(v)));
        break;
      case DType::UInt32:
        put(out, i, static_cast<std::uint32_t>(static_cast<std::int64_t>(v)));
        break;
      case DType::UInt64:
        put(out, i, static_cast<std::uint64_t>(v));
        break;
      case DType::Half:
        put(out, i, encode_small_float(v, 10, 15));
        break;
      case DType::BFloat16:
        put(out, i, encode_small_float(v, 7, 127));
        break;
      case DType::Float32:
        put(out, i, static_cast<float>(v));
        break;
      case DType::Float64:
        put(out, i, v);
        break;
    }
  }
  return out;
}

ctgrad::rt::HostValues decode(const std::vector<std::uint8_t>& bytes, DType d) {
  ctgrad::rt::HostValues out(bytes.size() / ctgrad::rt::itemsize(d));
  for (std::size_t i = 0; i < out.size(); ++i) {
    switch (d) {
      case DType::Bool:
        out[i] = get<std::uint8_t>(bytes, i) != 0;
        break;
      case DType::Int8:
        out[i] = get<std::int8_t>(bytes, i);
        break;
      case DType::Int16:
        out[i] = get<std::int16_t>(bytes, i);
        break;
      case DType::Int32:
        out[i] = get<std::int32_t>(bytes, i);
        break;
      case DType::Int64:
        out[i] = static_cast<double>(get<std::int64_t>(bytes, i));
        break;
      case DType::UInt8:
        out[i] = get<std::uint8_t>(bytes, i);
        break;
      case DType::UInt16:
        out[i] = get<std::uint16_t>(bytes, i);
        break;
      case DType::UInt32:
        out[i] = get<std::uint32_t>(bytes, i);
        break;
      case DType::UInt64:
        out[i] = static_cast<double>(get<std::uint64_t>(bytes, i));
        break;
      case DType::Half:
        out[i] = decode_half(get<std::uint16_t>(bytes, i));
        break;
      case DType::BFloat16:
        out[i] = std::bit_cast<float>(static_cast<std::uint32_t>(get<std::uint16_t>(bytes, i)) << 16);
        break;
      case DType::Float32:
        out[i] = get<float>(bytes, i);
        break;
      case DType::Float64:
        out[i] = get<double>(bytes, i);
        break;
    }
  }
  return out;
}

ctgrad::rt::HostValues random_values(const InputSpec& spec, DType d, std::size_t count, std::mt19937_64& rng) {
  ctgrad::rt::HostValues v(count);
  std::uniform_real_distribution<double> real(spec.lo, spec.hi);
  for (std::size_t i = 0; i < count; ++i) {
    double x = i < spec.specials.size() ? spec.specials[i] : real(rng);
    if (!ctgrad::rt::is_float(d) && i >= spec.specials.size()) x = std::floor(x);
    if (spec.nonzero && x == 0) x = 1;
    v[i] = x;
  }
  return decode(encode(v, d), d);  // round to what the dtype holds
}

}  // namespace ptx_test
