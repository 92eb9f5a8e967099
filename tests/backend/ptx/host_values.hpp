#pragma once
// Host-side element encoding for device buffers: the interpreter's doubles <-> the bytes of each dtype (half and
// bfloat16 rounded to nearest even, like the device), and random inputs drawn per InputSpec.
#include <cstdint>
#include <random>
#include <vector>

#include "ctgrad/runtime/interpret.hpp"
#include "kernel_cases.hpp"

namespace ptx_test {

std::vector<std::uint8_t> encode(const ctgrad::rt::HostValues& values, DType d);
ctgrad::rt::HostValues decode(const std::vector<std::uint8_t>& bytes, DType d);
// Random values for `count` elements of dtype d, already representable in d (so host and device see the same).
ctgrad::rt::HostValues random_values(const InputSpec& spec, DType d, std::size_t count, std::mt19937_64& rng);

}  // namespace ptx_test
