#pragma once
// The linearized kernel program: the one interface between the dynamic core and every renderer (C, LLVM IR, PTX,
// SPIR-V). A program is a flat SSA list; each instruction names its operands by their position in the list.
//
// Execution model: the kernel runs once per index g in [0, global_size) (a loop on the CPU, one GPU thread per g);
// unoptimized, g is the output element, and the optimizer makes it a tile of outputs (several Stores per g). `GlobalIdx` is g. Everything before the first `Range` and after the matching `EndRange` runs
// once per g; the instructions between run once per reduction step. Renderers may hoist, reorder or vectorize as
// long as these semantics hold.
//
// Worked example, out[g] = sum_r a[g*4 + r] * 2.0f for r in [0,4):
//   0 Param    f32 iarg=0 (out)     1 Param f32 iarg=1 (a)       2 GlobalIdx i32
//   3 Const    f32 farg=0           4 DefAcc f32 src={3}          5 Range i32 iarg=4
//   6 Const    i32 iarg=4           7 Mul i32 {2,6}               8 Add i32 {7,5}
//   9 Load     f32 {1,8}            10 Const f32 farg=2           11 Mul f32 {9,10}
//   12 Add     f32 {4,11}           13 AccStore f32 {4,12}        14 EndRange {5}
//   15 Store   f32 {0,2,4}          (reading DefAcc 4 after the loop yields the final sum)
#include <array>
#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include "ctgrad/runtime/dtype.hpp"

namespace ctgrad::rt {

enum class KOp : std::uint8_t {
  // -- structure --
  Param,      // iarg = parameter index; dtype = element type. The value is a pointer to that buffer.
  GlobalIdx,  // the output element index g of this invocation; dtype = the program's index_dtype.
  Range,      // opens a loop; the value is its counter, 0 .. iarg-1 (dtype = index_dtype). Loops may nest.
  EndRange,   // closes the loop src[0].
  DefAcc,     // a mutable accumulator, initialized to src[0] (a Const) where it appears; must precede its Range.
              // Using a DefAcc as an operand reads its current value.
  AccStore,   // accumulator src[0] <- src[1].
  // -- memory --
  Const,      // a constant: farg for float dtypes, iarg for integer dtypes and Bool (0 or 1).
  Load,       // src[0] = Param, src[1] = element index. If src[2] >= 0 it is a Bool gate: false yields 0 and
              // must not touch memory (padding reads outside the buffer).
  Store,      // src[0] = Param, src[1] = element index, src[2] = value. No result.
  // -- unary ALU (result dtype = operand dtype) --
  Neg, Exp2, Log2, Sin, Sqrt, Recip,
  // -- binary ALU (operands share one dtype = the result dtype) --
  Add, Sub, Mul,
  Div,   // float division (IEEE)
  IDiv,  // integer division truncating toward zero; the core never emits a zero divisor
  Mod,   // integer remainder with the sign of the dividend (C semantics); never a zero divisor
  Max,
  And, Or, Xor,  // bitwise on integers, logical on Bool
  // -- comparisons (operands share one dtype; result dtype = Bool) --
  CmpLt, CmpNe, CmpEq,
  // -- other --
  Where,  // src[0] ? src[1] : src[2]; src[0] is Bool, result dtype = dtype of src[1] and src[2]
  Cast,   // value conversion of src[0] to dtype (float->int truncates; to Bool is != 0; Half/BFloat16 round to nearest even)
  // -- emitted by the kernel optimizer (runtime/opt/) only --
  MulAcc,     // src[0] * src[1] + src[2] with one rounding (FMA); float dtypes
  Broadcast,  // a vector of `lanes` copies of the scalar src[0]
  Insert,     // the vector src[0] with lane iarg replaced by the scalar src[1]
  Extract,    // lane iarg of the vector src[0] (a scalar)
  // -- GPU staging (opt/stage.hpp): what one block's threads share --
  Shared,     // a block-shared array of iarg elements of dtype; Load and Store take it as src[0] like a Param
  Barrier,    // every thread of the block waits here until all have arrived (their Shared stores are then visible)
};

constexpr const char* name(KOp op) {
  constexpr const char* names[] = {"Param", "GlobalIdx", "Range", "EndRange", "DefAcc", "AccStore", "Const", "Load", "Store",
                                   "Neg", "Exp2", "Log2", "Sin", "Sqrt", "Recip", "Add", "Sub", "Mul", "Div", "IDiv", "Mod",
                                   "Max", "And", "Or", "Xor", "CmpLt", "CmpNe", "CmpEq", "Where", "Cast",
                                   "MulAcc", "Broadcast", "Insert", "Extract", "Shared", "Barrier"};
  return names[static_cast<int>(op)];
}
constexpr bool is_unary(KOp op) { return op >= KOp::Neg && op <= KOp::Recip; }
constexpr bool is_binary(KOp op) { return op >= KOp::Add && op <= KOp::CmpEq; }
constexpr bool is_comparison(KOp op) { return op >= KOp::CmpLt && op <= KOp::CmpEq; }

struct KInst {
  KOp op;
  DType dtype;
  std::array<std::int32_t, 3> src{-1, -1, -1};
  std::int64_t iarg = 0;
  double farg = 0.0;
  // SIMD width of the value (1: scalar). A Load/Store with lanes > 1 moves `lanes` consecutive elements from the
  // index src[1] on; ALU ops act lane-wise on operands of equal width (scalars are widened by Broadcast first).
  std::uint8_t lanes = 1;
};

struct KernelParam {
  DType dtype;
  std::int64_t size;  // elements
  bool written;       // true for the output (parameter 0)
};

struct KernelProgram {
  std::string name;                 // a C identifier, unique per structural hash
  std::vector<KernelParam> params;  // params[0] is the output
  std::vector<KInst> insts;
  std::int64_t global_size = 1;     // number of output elements (invocations)
  DType index_dtype = DType::Int32; // Int32 when every index fits, else Int64
  // Invocations per GPU block (workgroup) the optimizer's LOCAL axes ask for: each block of this many consecutive g
  // is one local tile. 0: the renderer chooses. Results never depend on it; only which invocations share a block.
  std::int64_t local_size = 0;
  std::int64_t flops = 0;           // ALU ops executed in all (for DEBUG=2 and the counters)
  std::int64_t bytes = 0;           // bytes read and written, counted once per buffer

  // A structural hash of everything a renderer reads (used for kernel names and cache keys).
  std::uint64_t hash() const {
    std::uint64_t h = 0xcbf29ce484222325ull;
    auto mix = [&h](std::uint64_t v) { h = (h ^ v) * 0x100000001b3ull; h ^= h >> 29; };
    mix(static_cast<std::uint64_t>(global_size));
    mix(static_cast<std::uint64_t>(index_dtype));
    if (local_size != 0) mix(static_cast<std::uint64_t>(local_size));  // programs without LOCAL keep their hashes
    for (const auto& p : params) {
      mix(static_cast<std::uint64_t>(p.dtype));
      mix(static_cast<std::uint64_t>(p.size));
      mix(p.written);
    }
    for (const auto& i : insts) {
      mix(static_cast<std::uint64_t>(i.op) << 8 | static_cast<std::uint64_t>(i.dtype));
      for (auto s : i.src) mix(static_cast<std::uint64_t>(static_cast<std::int64_t>(s)));
      mix(static_cast<std::uint64_t>(i.iarg));
      mix(std::bit_cast<std::uint64_t>(i.farg));
      if (i.lanes != 1) mix(i.lanes);  // scalar programs keep the hashes (and kernel names) they had before vectors
    }
    return h;
  }
};

}  // namespace ctgrad::rt
