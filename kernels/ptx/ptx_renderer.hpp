#pragma once
// KernelProgram -> PTX text (ISA 8.0, sm_75 and newer, 64-bit addresses).
//
// Two shapes of kernel:
//  - one thread per output (the default): g = ctaid.x * ntid.x + tid.x, threads with g >= global_size exit,
//    Ranges are counted loops, DefAccs are registers. Large loop-free programs give each thread kOutputsPerThread
//    outputs, a block-width apart (loads stay coalesced), with the copies' instructions interleaved so each thread
//    has several loads in flight; the last, partial block takes them one at a time;
//  - one block per output, for few outputs with long reductions (see ptx_reduce_plan.hpp): g = ctaid.x, the
//    threads of the block stride over each top-level Range and combine their accumulators.
// A program whose optimizer asked for LOCAL tiles (local_size > 0) gets one thread per g in blocks of local_size.
// The choice is written into the first line of the PTX ("// ctgrad launch: block=N grid=cover|outputs per_thread=K"),
// so a kernel read back from the disk cache is launched the way it was rendered.
#include <cstdint>
#include <string>
#include <string_view>

#include "ctgrad/runtime/kernel_program.hpp"

namespace ctgrad::rt::ptx {

inline constexpr const char* kPtxVersion = "8.0";
inline constexpr const char* kPtxTarget = "sm_75";
inline constexpr unsigned kThreadsPerBlock = 256;               // thread-per-output kernels
inline constexpr unsigned kOutputsPerThread = 4;                // for large loop-free programs...
inline constexpr std::int64_t kSeveralPerThreadFrom = 1 << 20;  // ...of at least this many outputs

struct RenderOptions {
  bool block_reduce = true;        // false: never one block per output
  bool several_per_thread = true;  // false: never more than one output per thread
};

std::string render(const KernelProgram& p, const RenderOptions& options = {});

// The PTX entry name of a program.
std::string kernel_symbol(const KernelProgram& p);

struct LaunchShape {
  unsigned block_threads = kThreadsPerBlock;
  bool block_per_output = false;  // grid = global_size blocks; otherwise enough blocks to cover global_size outputs
  unsigned outputs_per_thread = 1;
  std::uint64_t grid(std::int64_t global_size) const {
    auto g = static_cast<std::uint64_t>(global_size);
    const std::uint64_t per_block = std::uint64_t{block_threads} * outputs_per_thread;
    return block_per_output ? g : (g + per_block - 1) / per_block;
  }
};

// Reads the launch line of rendered PTX; throws CompileError when it is missing or malformed.
LaunchShape launch_shape(std::string_view ptx);

}  // namespace ctgrad::rt::ptx
