#pragma once
// When a GPU reduction takes a block per output: the PTX renderer decides it (kernels/ptx/ptx_reduce_plan.hpp), and
// the GPU optimizer leaves such reductions untiled (opt/gpu_heuristic.hpp, opt/optimize.hpp), so both read these.
#include <cstdint>

namespace ctgrad::rt::block_reduce {

inline constexpr std::int64_t kMaxOutputs = 16384;  // above this, one thread per output already fills the GPU
inline constexpr std::int64_t kMinTrip = 256;       // below this, a block has too little to share
// More outputs still take a block each when their reduction is this long: one thread would loop for longer than a
// block takes (a convolution's weight gradient: 25,600 outputs of 204,800 steps).
inline constexpr std::int64_t kLongTrip = 1 << 14;
inline constexpr std::int64_t kMaxLongOutputs = 1 << 18;

}  // namespace ctgrad::rt::block_reduce
