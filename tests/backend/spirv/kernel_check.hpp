#pragma once
// Test helpers for the Vulkan backend: build kernel programs by hand, fill their buffers with random values, run
// them on the device and through interpret(), and compare every element of every written buffer.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "ctgrad/ctgrad.hpp"
#include "ctgrad/runtime/interpret.hpp"
#include "../../support/kernel_check.hpp"

namespace ctgrad::test {

using rt::DType;
using rt::KOp;

using ctgrad_test::ProgramBuilder;

// How to fill one buffer: uniform in [lo, hi] (integers for integer dtypes); `nonzero` replaces zeros by one.
struct Fill {
  double lo, hi;
  bool nonzero = false;
};
Fill default_fill(DType d);

struct Tolerance {
  double rel = 0, abs = 0;
};
Tolerance default_tolerance(DType d);  // one rounding of the stored dtype; exact for integers and Bool

// Buffer contents as bytes of the dtype, and back (half and bfloat16 round to nearest even).
using ctgrad_test::decode;
using ctgrad_test::encode;
using ctgrad_test::encode16;

// Runs `program` on the VULKAN device with bytes[i] as params[i]; returns the buffers afterwards.
std::vector<std::vector<std::uint8_t>> run_on_device(const rt::KernelProgram& program, std::vector<std::vector<std::uint8_t>> bytes);

// Fills every buffer (fills[i] or the dtype's default), runs both, compares written buffers element by element.
void check_program(const rt::KernelProgram& program, const std::vector<std::optional<Fill>>& fills = {},
                   std::optional<Tolerance> tolerance = std::nullopt);
// The same with given buffer contents (values[i] for params[i]; rounded to the dtype first).
void check_values(const rt::KernelProgram& program, std::vector<rt::HostValues> values, std::optional<Tolerance> tolerance = std::nullopt);

rt::Device& vulkan();
// Empty when the device supports every dtype the program touches, else why not (for skipping tests visibly).
std::string unsupported_reason(const rt::KernelProgram& program);
std::string unsupported_reason(DType d);

}  // namespace ctgrad::test
