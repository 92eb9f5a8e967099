#pragma once
// UOps: the immutable, hash-consed nodes of the lazy graph and of kernel ASTs. Structurally equal nodes are the same
// object (tinygrad's UOpMetaClass.ucache), so graph equality is pointer equality and CSE is free.
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "ctgrad/runtime/api.hpp"
#include "ctgrad/runtime/dtype.hpp"
#include "ctgrad/runtime/kernel_program.hpp"
#include "ctgrad/view.hpp"

namespace ctgrad::rt {

struct Buffer;  // realized storage (buffer.hpp)

enum class Ops : std::uint8_t {
  // graph level
  Buffer,  // a realized buffer; arg.buffer
  Const,   // a scalar broadcast to `shape`; arg.value
  View,    // src[0] seen through arg.view (a folded stack of movement ops); arg.move on gradient paths
  Detach,  // src[0] itself, with the gradient stopped (detach(), NoGrad)
  Adjoint,  // src[0] itself (computed from detached inputs); the gradients of src[1..] come from arg.adjoint
  Reduce,  // src[0] reduced over the axes in arg.axes with arg.alu (Add, Max, Mul); keeps the rank (size-1 dims)
  // ALU: the same operations as the kernel program's
  Neg, Exp2, Log2, Sin, Sqrt, Recip, Add, Sub, Mul, Div, IDiv, Mod, Max, And, Or, Xor, CmpLt, CmpNe, CmpEq, Where, Cast,
  // kernel level (built by the lowering)
  Special,  // the output element index g, bounds [0, arg.value)
  Range,    // the reduction counter, bounds [0, arg.value)
  Param,    // kernel parameter arg.index
  Load,     // src = {Param, index, [gate]}
  Acc,      // the reduction of src[0] over the Range src[1] with arg.alu
  Store,    // src = {Param, index, value}
  Local,    // a GPU block's shared array of arg.value elements: the optimizer's staging of an operand (opt/stage.hpp)
};

constexpr const char* name(Ops op) {
  constexpr const char* names[] = {"Buffer", "Const", "View", "Detach", "Adjoint", "Reduce", "Neg", "Exp2", "Log2", "Sin", "Sqrt", "Recip", "Add", "Sub",
                                   "Mul", "Div", "IDiv", "Mod", "Max", "And", "Or", "Xor", "CmpLt", "CmpNe", "CmpEq", "Where",
                                   "Cast", "Special", "Range", "Param", "Load", "Acc", "Store", "Local"};
  return names[static_cast<int>(op)];
}
constexpr bool is_alu(Ops op) { return op >= Ops::Neg && op <= Ops::Cast; }
// The kernel-program opcode of an ALU UOp (the two enums list the ALU ops in the same order).
constexpr KOp to_kop(Ops op) { return static_cast<KOp>(static_cast<int>(op) - static_cast<int>(Ops::Neg) + static_cast<int>(KOp::Neg)); }
constexpr Ops from_kop(KOp op) { return static_cast<Ops>(static_cast<int>(op) - static_cast<int>(KOp::Neg) + static_cast<int>(Ops::Neg)); }

struct UOp;
using UOpPtr = std::shared_ptr<const UOp>;
struct TensorImpl;  // the tensor handle a requires-grad leaf belongs to (tensor_impl.hpp)

// The one movement op a View node on a gradient path applies to its source (whose contiguous shape it reads): the
// folded ViewStack alone cannot say which adjoint its gradient needs (an overlapping window has none of its own).
enum class Move : std::uint8_t { Reshape, Permute, Expand, Pad, Shrink, Flip };
struct Movement {
  Move kind = Move::Reshape;
  std::uint8_t rank = 0;  // the result's rank
  Dims a{}, b{};  // reshape, expand: a = new shape; permute: a = order; pad: a, b = before, after;
                  // shrink: a, b = begin, end; flip: a[d] = 1 for each flipped axis
  bool operator==(const Movement&) const = default;
};

// A node's logical shape: rank and dims (what a contiguous View of it would hold, without strides and mask).
struct NodeShape {
  std::uint8_t rank = 0;
  Dims shape{};
  NodeShape() = default;
  NodeShape(const View& v) : rank(v.rank), shape(v.shape) {}  // NOLINT: any view's shape is a node shape
  std::int64_t numel() const {
    std::int64_t n = 1;
    for (std::uint8_t d = 0; d < rank; ++d) n *= shape[d];
    return n;
  }
  bool operator==(const NodeShape&) const = default;
};

// The gradients of an Adjoint node's inputs (src[1..]) from the gradient of its value: for ops whose derived gradient
// computes badly (conv2d's, through its window view, is a col2im with div/mod indices; its adjoint is a transposed
// conv). Built of ordinary lazy UOps, like the rules of gradient.hpp. Compared by identity.
struct AdjointFn {
  std::string name;
  std::function<std::vector<UOpPtr>(const UOpPtr& ctx)> gradients;
};

// Everything besides op, dtype and sources that distinguishes a node. Unused fields stay zero.
struct UArg {
  double value = 0;        // Const value; Special/Range bound
  std::int64_t index = 0;  // Param index; Buffer identity
  Ops alu = Ops::Add;      // Reduce/Acc combine op
  std::uint32_t axes = 0;  // Reduce axes as a bit set
  bool leaf = false;       // Buffer: a requires-grad leaf (collects a gradient)
  std::shared_ptr<const ViewStack> view;  // View nodes only (held out of line: a stack is ~1 KiB)
  std::shared_ptr<const Movement> move;   // View nodes on a gradient path only
  std::shared_ptr<const AdjointFn> adjoint;  // Adjoint nodes only
  bool operator==(const UArg& o) const {
    return value == o.value && index == o.index && alu == o.alu && axes == o.axes && leaf == o.leaf &&
           (view == o.view || (view && o.view && *view == *o.view)) && (move == o.move || (move && o.move && *move == *o.move)) && adjoint == o.adjoint;
  }
};

struct UOp {
  Ops op;
  DType dtype;
  std::vector<UOpPtr> src;
  UArg arg;
  NodeShape shape;  // the logical shape
  std::shared_ptr<Buffer> buffer;  // set for Buffer nodes
  std::size_t hash = 0;        // of everything, sources included
  std::size_t local_hash = 0;  // of op, dtype, arg and shape only (graph_key combines it with its own source hashes)
  bool needs_grad = false;     // a float node that depends on a requires-grad leaf, not through a Detach

  // Memoized realization (not part of the node's identity): once computed, consumers load from it.
  mutable std::shared_ptr<Buffer> realized;
  // A requires-grad leaf's tensor, where backward() accumulates the gradient (not part of the identity either).
  mutable std::weak_ptr<TensorImpl> owner;

  std::uint8_t rank() const { return shape.rank; }
  std::int64_t numel() const { return shape.numel(); }
  const UOp& operator[](std::size_t i) const { return *src[i]; }
};

namespace detail {

// Structural hashes key the schedule and kernel caches without a full comparison, so the combine must not collide on
// structured inputs: boost's hash_combine alone gave sum<1>() and sum() of one (64,513) buffer the same graph key.
// Each value goes through murmur3's 64-bit finalizer first, and so does the result.
inline std::size_t mix64(std::size_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ull;
  return x ^ (x >> 33);
}
inline std::size_t hash_mix(std::size_t h, std::size_t v) { return mix64(h ^ (mix64(v) + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2))); }

CTGRAD_API std::size_t local_hash_of(Ops op, DType dtype, const UArg& arg, const NodeShape& shape);
CTGRAD_API std::size_t hash_of(std::size_t local, const std::vector<UOpPtr>& src);

}  // namespace detail

// The number of UOps alive now (tests use it to prove that movement ops add no node).
CTGRAD_API std::size_t live_uops();

// Validates a node against the spec (spec.hpp); called on every construction in debug builds.
CTGRAD_API void check_spec(Ops op, DType dtype, const std::vector<UOpPtr>& src, const UArg& arg, const NodeShape& shape);

// The one constructor of UOps: returns the existing node when an equal one is alive.
CTGRAD_API UOpPtr make_uop(Ops op, DType dtype, std::vector<UOpPtr> src, UArg arg, const NodeShape& shape,
                           std::shared_ptr<Buffer> buffer = nullptr);

// A constant of `like`'s shape.
CTGRAD_API UOpPtr const_like(const UOp& like, double v, DType dtype);
inline UOpPtr const_like(const UOp& like, double v) { return const_like(like, v, like.dtype); }

inline const NodeShape& scalar_shape() {
  static const NodeShape scalar;
  return scalar;
}

// A readable dump of a graph (DEBUG=5).
CTGRAD_API std::string to_string(const UOpPtr& root);

}  // namespace ctgrad::rt

#ifdef CTGRAD_HEADER_ONLY
#include "ctgrad/runtime/uop_impl.hpp"  // NOLINT: the definitions follow their declarations
#endif
