#include "kernel_check.hpp"

#include <bit>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>
#include <random>
#include <set>
#include <sstream>

#include "vulkan_device.hpp"

namespace ctgrad::test {

ProgramBuilder::ProgramBuilder(std::string name, std::int64_t global_size, DType index) {
  program.name = std::move(name);
  program.global_size = global_size;
  program.index_dtype = index;
}

int ProgramBuilder::op(KOp op, DType d, int a, int b, int c) {
  program.insts.push_back({op, d, {a, b, c}});
  return static_cast<int>(program.insts.size()) - 1;
}

int ProgramBuilder::param(DType d, std::int64_t size, bool written) {
  program.params.push_back({d, size, written});
  int i = op(KOp::Param, d);
  program.insts.back().iarg = static_cast<std::int64_t>(program.params.size()) - 1;
  return i;
}

int ProgramBuilder::global_idx() { return op(KOp::GlobalIdx, program.index_dtype); }

int ProgramBuilder::constant(DType d, double value) {
  int i = op(KOp::Const, d);
  if (rt::is_float(d))
    program.insts.back().farg = value;
  else
    program.insts.back().iarg = static_cast<std::int64_t>(value);
  return i;
}

int ProgramBuilder::load(int param, int index, int gate) { return op(KOp::Load, dtype(param), param, index, gate); }

void ProgramBuilder::store(int param, int index, int value) { op(KOp::Store, dtype(param), param, index, value); }

int ProgramBuilder::range(std::int64_t count) {
  int i = op(KOp::Range, program.index_dtype);
  program.insts.back().iarg = count;
  return i;
}

void ProgramBuilder::end_range(int range) { op(KOp::EndRange, program.index_dtype, range); }

int ProgramBuilder::def_acc(DType d, int init) { return op(KOp::DefAcc, d, init); }

void ProgramBuilder::acc_store(int acc, int value) { op(KOp::AccStore, dtype(acc), acc, value); }

Fill default_fill(DType d) {
  constexpr double k26 = 67108864.0;  // products of two such values stay exact in the interpreter's doubles
  switch (d) {
    case DType::Bool:
      return {0, 1};
    case DType::Int8:
      return {-127, 127};
    case DType::UInt8:
      return {0, 255};
    case DType::Int16:
      return {-32767, 32767};
    case DType::UInt16:
      return {0, 65535};
    case DType::Int32:
    case DType::Int64:
      return {-k26, k26};
    case DType::UInt32:
    case DType::UInt64:
      return {0, k26};
    default:
      return {-4, 4};
  }
}

Tolerance default_tolerance(DType d) {
  switch (d) {
    case DType::Float32:
      return {std::ldexp(1.0, -21), 0};  // Vulkan allows 2.5 ulp for division; exactness has its own tests
    case DType::Float64:
      return {std::ldexp(1.0, -50), 0};
    case DType::Half:
      return {std::ldexp(1.0, -10), std::ldexp(1.0, -24)};
    case DType::BFloat16:
      return {std::ldexp(1.0, -7), 0};
    default:
      return {0, 0};
  }
}

std::uint16_t bfloat16_bits(float f) {
  auto bits = std::bit_cast<std::uint32_t>(f);
  if (std::isnan(f)) return static_cast<std::uint16_t>((bits | 0x00400000u) >> 16);
  return static_cast<std::uint16_t>((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

namespace {

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

// Integers wrap modulo 2^bits through int64, as the interpreter's casts do.
template <class T>
T wrap(double v) {
  return static_cast<T>(static_cast<std::int64_t>(v));
}

}  // namespace

std::vector<std::uint8_t> encode(DType d, const rt::HostValues& values) {
  std::vector<std::uint8_t> out(values.size() * rt::itemsize(d));
  for (std::size_t i = 0; i < values.size(); ++i) {
    const double v = values[i];
    switch (d) {
      case DType::Bool:
        put<std::uint8_t>(out, i, v != 0);
        break;
      case DType::Int8:
        put(out, i, wrap<std::int8_t>(v));
        break;
      case DType::Int16:
        put(out, i, wrap<std::int16_t>(v));
        break;
      case DType::Int32:
        put(out, i, wrap<std::int32_t>(v));
        break;
      case DType::Int64:
        put(out, i, wrap<std::int64_t>(v));
        break;
      case DType::UInt8:
        put(out, i, wrap<std::uint8_t>(v));
        break;
      case DType::UInt16:
        put(out, i, wrap<std::uint16_t>(v));
        break;
      case DType::UInt32:
        put(out, i, wrap<std::uint32_t>(v));
        break;
      case DType::UInt64:
        put(out, i, wrap<std::uint64_t>(v));
        break;
      case DType::Half:
        put(out, i, static_cast<_Float16>(v));
        break;
      case DType::BFloat16:
        put(out, i, bfloat16_bits(static_cast<float>(v)));
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

rt::HostValues decode(DType d, const std::vector<std::uint8_t>& bytes) {
  rt::HostValues out(bytes.size() / rt::itemsize(d));
  for (std::size_t i = 0; i < out.size(); ++i) {
    switch (d) {
      case DType::Bool:
        out[i] = get<std::uint8_t>(bytes, i);
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
        out[i] = static_cast<double>(get<_Float16>(bytes, i));
        break;
      case DType::BFloat16:
        out[i] = std::bit_cast<float>(std::uint32_t{get<std::uint16_t>(bytes, i)} << 16);
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

rt::Device& vulkan() { return rt::device("VULKAN"); }

std::string unsupported_reason(DType d) {
  auto& dev = dynamic_cast<rt::vk::VulkanDevice&>(vulkan());
  std::string missing = dev.missing_features(d);
  return missing.empty() ? "" : "device " + dev.physical_device_name() + " lacks " + missing + " for " + rt::name(d);
}

std::string unsupported_reason(const rt::KernelProgram& program) {
  std::set<DType> used{program.index_dtype};
  for (const auto& p : program.params) used.insert(p.dtype);
  for (const auto& in : program.insts) used.insert(in.dtype);
  for (DType d : used)
    if (std::string why = unsupported_reason(d); !why.empty()) return why;
  return "";
}

std::vector<std::vector<std::uint8_t>> run_on_device(const rt::KernelProgram& program, std::vector<std::vector<std::uint8_t>> bytes) {
  auto& dev = vulkan();
  const std::string source = dev.render(program);
  auto kernel = dev.load(dev.compile(source, program), program);
  std::vector<std::shared_ptr<rt::DeviceBuffer>> buffers;
  std::vector<rt::DeviceBuffer*> bound;
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

void check_program(const rt::KernelProgram& program, const std::vector<std::optional<Fill>>& fills, std::optional<Tolerance> tolerance) {
  std::mt19937_64 rng(program.hash());
  std::vector<rt::HostValues> values;
  for (std::size_t i = 0; i < program.params.size(); ++i) {
    const auto& p = program.params[i];
    const Fill fill = i < fills.size() && fills[i] ? *fills[i] : default_fill(p.dtype);
    rt::HostValues v(static_cast<std::size_t>(p.size));
    for (auto& x : v) {
      x = rt::is_float(p.dtype) ? std::uniform_real_distribution<double>(fill.lo, fill.hi)(rng)
                                : static_cast<double>(std::uniform_int_distribution<std::int64_t>(static_cast<std::int64_t>(fill.lo),
                                                                                                  static_cast<std::int64_t>(fill.hi))(rng));
      if (fill.nonzero && x == 0) x = 1;
    }
    if (!v.empty() && !fill.nonzero && fill.lo <= 0 && fill.hi >= 0) v[0] = 0;  // every buffer sees a zero
    values.push_back(std::move(v));
  }
  check_values(program, values, tolerance);
}

void check_values(const rt::KernelProgram& program, std::vector<rt::HostValues> values, std::optional<Tolerance> tolerance) {
  std::vector<std::vector<std::uint8_t>> bytes;
  for (std::size_t i = 0; i < program.params.size(); ++i) {
    bytes.push_back(encode(program.params[i].dtype, values[i]));
    values[i] = decode(program.params[i].dtype, bytes.back());  // what the device sees, exactly
  }
  rt::interpret(program, values);
  const auto device_bytes = run_on_device(program, bytes);

  for (std::size_t i = 0; i < program.params.size(); ++i) {
    const auto& p = program.params[i];
    if (!p.written) continue;
    const Tolerance tol = tolerance.value_or(default_tolerance(p.dtype));
    const rt::HostValues want = decode(p.dtype, encode(p.dtype, values[i]));
    const rt::HostValues got = decode(p.dtype, device_bytes[i]);
    std::size_t bad = 0;
    std::ostringstream first;
    first.precision(17);
    for (std::size_t k = 0; k < want.size(); ++k) {
      const bool same =
          got[k] == want[k] || (std::isnan(got[k]) && std::isnan(want[k])) || std::fabs(got[k] - want[k]) <= tol.abs + tol.rel * std::fabs(want[k]);
      if (!same && bad++ < 5) first << "\n  [" << k << "] device " << got[k] << ", interpreter " << want[k];
    }
    BOOST_TEST(bad == 0u, program.name << ": param " << i << " (" << rt::name(p.dtype) << "): " << bad << " of " << want.size() << " elements differ"
                                       << first.str());
  }
}

}  // namespace ctgrad::test
