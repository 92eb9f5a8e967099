#pragma once
// When one thread per output leaves the GPU idle (few outputs, long reductions), the PTX renderer gives each output
// a block: its threads stride over every top-level Range with private accumulators and combine them with warp
// shuffles and shared memory. This decides whether a program allows that, from the program alone.
//
// A program qualifies when
//  - global_size <= kMaxOutputs and some top-level Range runs at least kMinTrip steps, or global_size <=
//    kMaxLongOutputs and one runs at least kLongTrip;
//  - every accumulator defined outside a top-level Range and written inside it is written only as
//    AccStore(acc, Add(acc, x)) or AccStore(acc, Max(acc, x)) (one op per accumulator, x free of acc, the Add/Max
//    used by that AccStore alone, acc read nowhere else in that Range, not Bool, reduced in one Range only);
//  - no value defined inside a top-level Range is used after it (only accumulators carry results out);
//  - every Store comes after the last top-level Range.
// Then the combined accumulators are identical in every thread after each Range, and thread 0 alone runs the
// code after the last Range (the stores).
#include <optional>
#include <vector>

#include "ctgrad/runtime/block_reduce.hpp"
#include "ctgrad/runtime/kernel_program.hpp"

namespace ctgrad::rt::ptx {

using block_reduce::kLongTrip;
using block_reduce::kMaxLongOutputs;
using block_reduce::kMaxOutputs;
using block_reduce::kMinTrip;
inline constexpr std::int64_t kFewOutputs = 256;  // this few outputs get the largest blocks

struct BlockReducePlan {
  struct Acc {
    int def;   // the DefAcc instruction
    KOp op;    // Add or Max
    int slot;  // its shared-memory slot
  };
  struct Loop {
    int range, end;  // the Range and its EndRange
    std::vector<Acc> accs;
  };
  std::vector<Loop> loops;  // the top-level Ranges, in program order
  int threads = 256;        // threads per block
  int slots = 0;            // accumulators combined in all
};

std::optional<BlockReducePlan> plan_block_reduce(const KernelProgram& p);

}  // namespace ctgrad::rt::ptx
