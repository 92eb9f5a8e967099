#pragma once
// What every backend's kernel-program tests share: the interpreter's doubles <-> the bytes of each dtype (written
// independently of any renderer; half and bfloat16 rounded to nearest even from the double, once), and running a
// program on a device with given buffer bytes, and a builder of small kernel programs. Each suite keeps its own
// inputs and tolerances.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "ctgrad/runtime/device.hpp"
#include "ctgrad/runtime/interpret.hpp"

namespace ctgrad_test {

using ctgrad::rt::DType;
using ctgrad::rt::KOp;

// Appends instructions to a KernelProgram; every method returns the new instruction's index.
class ProgramBuilder {
 public:
  ProgramBuilder(std::string name, std::int64_t global_size, DType index = DType::Int32) {
    program.name = std::move(name);
    program.global_size = global_size;
    program.index_dtype = index;
  }
  int add(KOp op, DType d, int a = -1, int b = -1, int c = -1, std::int64_t iarg = 0, double farg = 0) {
    program.insts.push_back({op, d, {a, b, c}, iarg, farg});
    return static_cast<int>(program.insts.size()) - 1;
  }
  DType dtype(int inst) const { return program.insts[static_cast<std::size_t>(inst)].dtype; }
  int param(DType d, std::int64_t size, bool written = false) {
    program.params.push_back({d, size, written});
    return add(KOp::Param, d, -1, -1, -1, static_cast<std::int64_t>(program.params.size()) - 1);
  }
  int global_idx() { return add(KOp::GlobalIdx, program.index_dtype); }
  int index(std::int64_t v) { return constant(program.index_dtype, static_cast<double>(v)); }  // a constant index
  int constant(DType d, double value) {  // farg for float dtypes, iarg otherwise
    return ctgrad::rt::is_float(d) ? add(KOp::Const, d, -1, -1, -1, 0, value) : add(KOp::Const, d, -1, -1, -1, static_cast<std::int64_t>(value));
  }
  int op(KOp op, DType d, int a = -1, int b = -1, int c = -1) { return add(op, d, a, b, c); }
  // The result dtype inferred: Bool for comparisons, else a's (Where: b's).
  int alu(KOp op, int a, int b = -1, int c = -1) {
    return add(op, ctgrad::rt::is_comparison(op) ? DType::Bool : dtype(op == KOp::Where ? b : a), a, b, c);
  }
  int cast(DType to, int a) { return add(KOp::Cast, to, a); }
  int load(int param, int index, int gate = -1) { return add(KOp::Load, dtype(param), param, index, gate); }
  void store(int param, int index, int value) { add(KOp::Store, dtype(param), param, index, value); }
  int range(std::int64_t count) { return add(KOp::Range, program.index_dtype, -1, -1, -1, count); }
  void end_range(int range) { add(KOp::EndRange, program.index_dtype, range); }
  int def_acc(DType d, int init) { return add(KOp::DefAcc, d, init); }
  int acc(DType d, double init) { return def_acc(d, constant(d, init)); }
  void acc_store(int acc, int value) { add(KOp::AccStore, dtype(acc), acc, value); }
  ctgrad::rt::KernelProgram program;
};

// ---- half / bfloat16: nearest representable value by binary search over the bit patterns ----

inline int mantissa_bits16(DType d) { return d == DType::Half ? 10 : 7; }
inline std::uint16_t inf_bits16(DType d) { return d == DType::Half ? 0x7c00 : 0x7f80; }

// Magnitude of a non-negative finite pattern; the infinity pattern decodes to the next power of two, which is the
// value IEEE rounding treats overflow as.
inline double magnitude16(std::uint16_t bits, DType d) {
  const int m = mantissa_bits16(d), bias = (1 << (14 - m)) - 1, e = bits >> m;
  const double mant = bits & ((1 << m) - 1);
  return e == 0 ? std::ldexp(mant, 1 - bias - m) : std::ldexp(mant + (1 << m), e - bias - m);
}

// The value of a Half or BFloat16 bit pattern.
inline double decode16(std::uint16_t bits, DType d) {
  const auto abs_bits = static_cast<std::uint16_t>(bits & 0x7fff);
  double v = abs_bits > inf_bits16(d) ? NAN : abs_bits == inf_bits16(d) ? INFINITY : magnitude16(abs_bits, d);
  return bits & 0x8000 ? -v : v;
}

// The Half or BFloat16 pattern nearest to x, ties to even; NaN becomes the quiet NaN.
inline std::uint16_t encode16(double x, DType d) {
  if (std::isnan(x)) return static_cast<std::uint16_t>(inf_bits16(d) | (inf_bits16(d) >> 1 & ~inf_bits16(d)));
  const std::uint16_t sign = std::signbit(x) ? 0x8000 : 0, top = inf_bits16(d);
  const double ax = std::abs(x);
  std::uint16_t lo = 0, hi = top;  // largest pattern <= ax, searched in [0, top]
  while (lo < hi) {
    auto mid = static_cast<std::uint16_t>((lo + hi + 1) / 2);
    if (magnitude16(mid, d) <= ax)
      lo = mid;
    else
      hi = static_cast<std::uint16_t>(mid - 1);
  }
  if (lo == top) return sign | top;
  const double below = ax - magnitude16(lo, d), above = magnitude16(static_cast<std::uint16_t>(lo + 1), d) - ax;
  const bool up = above < below || (above == below && (lo & 1));
  return static_cast<std::uint16_t>(sign | (lo + up));
}

// ---- one element of dtype d <-> double ----

namespace detail {
template <class T>
void put_as(std::uint8_t* dst, T v) {
  std::memcpy(dst, &v, sizeof v);
}
template <class T>
double get_as(const std::uint8_t* src) {
  T v;
  std::memcpy(&v, src, sizeof v);
  return static_cast<double>(v);
}
}  // namespace detail

// Stores v as an element of dtype d: integers wrap modulo 2^bits through int64, as the interpreter's casts do
// (UInt64 also holds values of 2^63 and above); Bool stores v != 0.
inline void put_element(DType d, std::uint8_t* dst, double v) {
  using detail::put_as;
  const auto i = [v] { return static_cast<std::int64_t>(v); };
  switch (d) {
    case DType::Bool: return put_as<std::uint8_t>(dst, v != 0);
    case DType::Int8: return put_as(dst, static_cast<std::int8_t>(i()));
    case DType::Int16: return put_as(dst, static_cast<std::int16_t>(i()));
    case DType::Int32: return put_as(dst, static_cast<std::int32_t>(i()));
    case DType::Int64: return put_as(dst, i());
    case DType::UInt8: return put_as(dst, static_cast<std::uint8_t>(i()));
    case DType::UInt16: return put_as(dst, static_cast<std::uint16_t>(i()));
    case DType::UInt32: return put_as(dst, static_cast<std::uint32_t>(i()));
    case DType::UInt64: return put_as(dst, v < 0 ? static_cast<std::uint64_t>(i()) : static_cast<std::uint64_t>(v));
    case DType::Half:
    case DType::BFloat16: return put_as(dst, encode16(v, d));
    case DType::Float32: return put_as(dst, static_cast<float>(v));
    case DType::Float64: return put_as(dst, v);
  }
}

// Reads an element of dtype d. Bool yields the raw byte, so a device that writes anything but 0 or 1 is caught.
inline double get_element(DType d, const std::uint8_t* src) {
  using detail::get_as;
  switch (d) {
    case DType::Bool: return get_as<std::uint8_t>(src);
    case DType::Int8: return get_as<std::int8_t>(src);
    case DType::Int16: return get_as<std::int16_t>(src);
    case DType::Int32: return get_as<std::int32_t>(src);
    case DType::Int64: return get_as<std::int64_t>(src);
    case DType::UInt8: return get_as<std::uint8_t>(src);
    case DType::UInt16: return get_as<std::uint16_t>(src);
    case DType::UInt32: return get_as<std::uint32_t>(src);
    case DType::UInt64: return get_as<std::uint64_t>(src);
    case DType::Half:
    case DType::BFloat16: {
      std::uint16_t bits;
      std::memcpy(&bits, src, sizeof bits);
      return decode16(bits, d);
    }
    case DType::Float32: return get_as<float>(src);
    case DType::Float64: return get_as<double>(src);
  }
  return 0;
}

// ---- whole buffers ----

inline std::vector<std::uint8_t> encode(DType d, const ctgrad::rt::HostValues& values) {
  const std::size_t size = ctgrad::rt::itemsize(d);
  std::vector<std::uint8_t> out(values.size() * size);
  for (std::size_t i = 0; i < values.size(); ++i) put_element(d, out.data() + i * size, values[i]);
  return out;
}

inline ctgrad::rt::HostValues decode(DType d, const std::vector<std::uint8_t>& bytes) {
  const std::size_t size = ctgrad::rt::itemsize(d);
  ctgrad::rt::HostValues out(bytes.size() / size);
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = get_element(d, bytes.data() + i * size);
  return out;
}

// v as a buffer of dtype d holds it.
inline double stored(DType d, double v) {
  std::uint8_t bytes[8];
  put_element(d, bytes, v);
  return get_element(d, bytes);
}
inline ctgrad::rt::HostValues stored(DType d, const ctgrad::rt::HostValues& values) { return decode(d, encode(d, values)); }

// Runs `program` on `dev` with bytes[i] as params[i] and returns every buffer afterwards. `source` is the rendered
// kernel when the caller already has it (to inspect it), else the program is rendered here.
inline std::vector<std::vector<std::uint8_t>> run_on_device(ctgrad::rt::Device& dev, const ctgrad::rt::KernelProgram& program,
                                                            std::vector<std::vector<std::uint8_t>> bytes, const std::string& source = {}) {
  auto kernel = dev.load(dev.compile(source.empty() ? dev.render(program) : source, program), program);
  std::vector<std::shared_ptr<ctgrad::rt::DeviceBuffer>> buffers;
  std::vector<ctgrad::rt::DeviceBuffer*> bound;
  for (const auto& b : bytes) {
    buffers.push_back(dev.alloc(b.size()));
    dev.copy_in(*buffers.back(), b.data(), b.size());
    bound.push_back(buffers.back().get());
  }
  kernel->run(bound, program);
  dev.synchronize();
  for (std::size_t i = 0; i < bytes.size(); ++i) dev.copy_out(bytes[i].data(), *buffers[i], bytes[i].size());
  return bytes;
}

}  // namespace ctgrad_test
