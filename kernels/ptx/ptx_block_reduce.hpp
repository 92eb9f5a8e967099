#pragma once
// PTX for block-per-output kernels (ptx_reduce_plan.hpp decides when): the per-thread registers the combine needs,
// and the combine of the threads' private accumulators after a strided Range.
#include <string>
#include <vector>

#include "ctgrad/runtime/kernel_program.hpp"
#include "ptx_writer.hpp"

namespace ctgrad::rt::ptx {

struct BlockRegs {
  std::string not_first;  // predicate: tid != 0
  std::string lane0;      // predicate: first lane of its warp
  std::string warp_slot;  // shared address of this warp's partial (slot 0)
  std::string peer_slot;  // shared address of the partial this lane reads back (slot 0)
};

struct CombinedAcc {
  std::string reg;  // the accumulator register, overwritten with the block's total
  DType dtype;
  KOp op;    // Add or Max
  int slot;  // its shared-memory slot
};

BlockRegs emit_block_setup(PtxWriter& w, const std::string& tid, unsigned threads);
// Each warp folds its partials with butterfly shuffles and lane 0 writes the warp's value to shared memory; then
// lane i of every warp reads warp (i mod warps)'s value and the same butterfly folds those, so every thread of
// the block ends with the same total, combined in the same order.
void emit_block_combine(PtxWriter& w, const BlockRegs& regs, unsigned threads, const std::vector<CombinedAcc>& accs);
// The shared array behind the slots, declared inside the kernel.
std::string block_shared_declaration(unsigned threads, int slots);

}  // namespace ctgrad::rt::ptx
