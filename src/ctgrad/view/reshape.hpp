#pragma once
// reshape of one view (tinygrad's View.reshape, merge_dims and _reshape_mask, written from their contracts).
// It succeeds when the new shape's dims each map to an affine piece of the old layout and the valid set stays a box;
// otherwise the caller pushes a second view (see stack.hpp).
#include "ctgrad/view/view.hpp"

namespace ctgrad {
namespace detail {

// A maximal run of old dims whose elements sit at stride * (flat index within the run), for the valid elements.
// `real` is the inner part of the run that actually moves: new dims beyond it are broadcast (stride 0).
struct StrideRun {
  std::int64_t size = 0, stride = 0, real = 0;
};
struct StrideRuns {
  int count = 0;
  std::array<StrideRun, kMaxRank> run{};
};

// Groups dims from the outside in: size-1 dims vanish; a dim joins the run before it when the strides chain
// (outer stride == size * inner stride, stride-0 runs included) or when the previous dim admits one index only.
// (3,2,4):(4,12,1) -> three runs; (2,3,4):(0,0,1) -> (6 : 0) and (4 : 1).
constexpr StrideRuns stride_runs(const View& v) {
  StrideRuns out;
  bool join_next = false;
  for (int d = 0; d < v.rank; ++d) {
    const std::int64_t s = v.shape[d], st = v.stride[d];
    if (out.count == 0) {
      out.run[0] = {s, st, st != 0 ? s : 0};
      out.count = 1;
    } else if (s != 1) {
      StrideRun& last = out.run[static_cast<std::size_t>(out.count - 1)];
      if (join_next || last.stride == s * st) {
        last = {last.size * s, st, join_next ? s : last.real * s};
      } else {
        out.run[static_cast<std::size_t>(out.count++)] = {s, st, s};
      }
    } else {
      continue;  // a size-1 dim leaves join_next as it was
    }
    join_next = v.hi[d] - v.lo[d] == 1;
  }
  return out;
}

// New strides for new_shape, walking runs and new dims from the inside out: a new dim inside a run takes
// run_stride * (product of the new dims inside it so far); a new dim that straddles two runs fails.
// (1,4) expanded to (3,4) = (3,4):(0,1): to (3,2,2) -> (0,2,1); to (12,) fails.
constexpr bool reshape_strides(const View& v, int new_rank, const Dims& new_shape, Dims& out) {
  const StrideRuns runs = stride_runs(v);
  out = Dims{};
  int n = new_rank - 1;
  for (int r = runs.count - 1; r >= 0; --r) {
    auto [size, stride, real] = runs.run[static_cast<std::size_t>(r)];
    std::int64_t acc = 1;
    while (acc < size) {
      if (n < 0) return false;
      out[n] = stride * acc;
      acc *= new_shape[n--];
      if (acc >= real) stride = 0;
    }
    if (acc != size) return false;
  }
  return true;  // leftover outer new dims have size 1 and keep stride 0
}

// New mask [lo, hi) for new_shape, from the inside out, in flat units: a new dim that splits an old one needs the
// old interval aligned to the split or inside one piece; old dims merge into one new dim only when the inner
// interval is full or the outer dim admits one index. (4,) mask [4,8) of (8,) -> (2,4): [1,2)x[0,4);
// mask [2,6) -> (2,4) fails (the interval crosses the row boundary).
constexpr bool reshape_mask(const View& v, int new_rank, const Dims& new_shape, Dims& lo, Dims& hi) {
  lo = hi = Dims{};
  int o = v.rank - 1;  // next old dim to take, inside out; past the outermost it reads as size 1, mask [0,1)
  auto take = [&](std::int64_t& size, std::int64_t& l, std::int64_t& r) {
    const bool real = o >= 0;
    size = real ? v.shape[o] : 1;
    l = real ? v.lo[o] : 0;
    r = real ? v.hi[o] : 1;
    --o;
  };
  std::int64_t old = 1, l = 0, r = 1, chunk = 1;  // old run size, its valid interval, new dims already carved from it
  take(old, l, r);
  for (int n = new_rank - 1; n >= 0;) {
    const std::int64_t span = new_shape[n] * chunk;
    if (old == span) {  // the new dim ends exactly at the run's end
      lo[n] = floordiv(l, chunk);
      hi[n] = floordiv(r - 1, chunk) + 1;
      chunk = 1;
      take(old, l, r);
      --n;
    } else if (old > span) {  // the new dim splits the run
      if (old % span != 0) return false;
      const bool aligned = floormod(l, span) == 0 && floormod(r, span) == 0;
      if (!aligned && floordiv(l, span) != floordiv(r - 1, span)) return false;
      lo[n] = floordiv(floormod(l, span), chunk);
      hi[n] = floordiv(floormod(r - 1, span), chunk) + 1;
      chunk = span;
      --n;
    } else {  // the new dim needs the next old dim too
      expects(o >= 0, "ctgrad::reshape: sizes differ");
      std::int64_t next = 1, nl = 0, nr = 1;
      take(next, nl, nr);
      if (!(l == 0 && r == old) && nr - nl != 1) return false;
      l = nl * old + l;
      r = (nr - 1) * old + r;
      old *= next;
    }
  }
  return true;
}

}  // namespace detail

// v seen through new_shape (row-major, same element count), or ok=false when one view cannot express it.
// (2,3,4) contiguous -> (6,4) contiguous; (3,2,4):(4,12,1) -> (6,4) fails; (4,) pad (4,0) -> (2,4) gives
// (2,4):(0,1) offset 0 mask [1,2)x[0,4). The offset keeps the first valid element in place.
constexpr MaybeView reshape(const View& v, std::uint8_t new_rank, const Dims& new_shape) {
  detail::expects(new_rank <= kMaxRank, "ctgrad::reshape: rank exceeds kMaxRank");
  std::int64_t new_numel = 1;
  for (int d = 0; d < new_rank; ++d) {
    detail::expects(new_shape[d] >= 0, "ctgrad::reshape: negative dimension");
    new_numel = detail::mul_checked(new_numel, new_shape[d]);
  }
  detail::expects(new_numel == v.numel(), "ctgrad::reshape: element counts differ");
  View out = contiguous(new_rank, new_shape);
  if (out.shape == v.shape && new_rank == v.rank) return {true, v};
  if (new_numel == 0 || v.contiguous()) return {true, out};
  if (detail::all_invalid(v)) {
    if (new_rank == 0) return {false, View{}};  // a rank-0 view has no mask to say "invalid"
    out.hi = Dims{};
    return {true, canonicalize(out)};
  }
  if (!detail::reshape_mask(v, new_rank, new_shape, out.lo, out.hi)) return {false, View{}};
  if (!detail::reshape_strides(v, new_rank, new_shape, out.stride)) return {false, View{}};
  out.offset = v.offset;
  for (int d = 0; d < v.rank; ++d) out.offset += v.lo[d] * v.stride[d];
  for (int d = 0; d < new_rank; ++d) out.offset -= out.lo[d] * out.stride[d];
  return {true, canonicalize(out)};
}

}  // namespace ctgrad
