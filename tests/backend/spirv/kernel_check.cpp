#include "kernel_check.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <random>
#include <set>
#include <sstream>

#include "vulkan_device.hpp"

namespace ctgrad::test {

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
  return ctgrad_test::run_on_device(vulkan(), program, std::move(bytes));
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
