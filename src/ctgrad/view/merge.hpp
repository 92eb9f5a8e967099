#pragma once
// merge: one view equal to a two-view stack, when a sound rule proves one exists (tinygrad's View.__add__).
// Incomplete by design: a failed merge only costs a second view, a wrong one would corrupt every kernel.
#include "ctgrad/view/movement.hpp"
#include "ctgrad/view/reshape.hpp"

namespace ctgrad {
namespace detail {

// Outcome of projecting an unmasked upper view through a lower one: a merged view, a failure, or a tighter mask
// for upper (some of its elements land where lower is invalid) to retry with.
struct Projection {
  enum Kind { kMerged, kFailed, kTighten } kind = kFailed;
  View view{};
  Dims lo{}, hi{};
};

// The row-major coordinates of flat index i in shape (floor semantics, so out-of-range i wraps instead of UB).
constexpr Dims unravel(const View& shape_of, std::int64_t i) {
  Dims c{};
  for (int d = shape_of.rank - 1; d >= 0; --d) {
    c[d] = floormod(i, shape_of.shape[d]);
    i = floordiv(i, shape_of.shape[d]);
  }
  return c;
}

// upper (unmasked, non-empty) addresses lower's flat index space. Each upper dim moves each lower coordinate by a
// fixed step ("terms"); when static bounds prove that no lower coordinate ever carries into the next, the merged
// stride is sum(step * lower stride). Lower's mask is projected on upper dims that alone drive a lower dim.
// lower (6,4):(1,6) + upper (3,4):(8,1) offset 4 -> (3,4):(2,6) offset 1.
constexpr Projection project(View lower, const View& upper) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    const Dims origin = unravel(lower, upper.offset);
    std::array<Dims, kMaxRank> step{};  // step[u][l]: how far lower coordinate l moves per unit of upper dim u
    for (int u = 0; u < upper.rank; ++u) {
      if (upper.stride[u] == 0) continue;
      const Dims moved = unravel(lower, upper.offset + upper.stride[u]);
      for (int l = 0; l < lower.rank; ++l) step[u][l] = moved[l] - origin[l];
    }
    // From the inside out, find groups of lower dims whose combined coordinate provably stays in range.
    Dims group_size{};
    int groups = 0;
    Dims coef{};
    std::int64_t base = 0, size = 1;
    for (int l = lower.rank - 1; l >= 0; --l) {
      base += origin[l] * size;
      for (int u = 0; u < upper.rank; ++u) coef[u] += step[u][l] * size;
      size *= lower.shape[l];
      std::int64_t low = base, high = base;
      for (int u = 0; u < upper.rank; ++u) {
        const std::int64_t reach = coef[u] * (upper.shape[u] - 1);
        (reach < 0 ? low : high) += reach;
      }
      if (0 <= low && high < size) {
        group_size[groups++] = size;
        coef = Dims{};
        base = 0;
        size = 1;
      }
    }
    if (base != 0 || coef != Dims{}) return {};
    bool regrouped = groups != lower.rank;
    for (int g = 0; g < groups && !regrouped; ++g) regrouped = group_size[g] != lower.shape[lower.rank - 1 - g];
    if (regrouped) {  // lower's dims carry into each other: see lower through the coarser groups and retry
      if (attempt > 0) return {};
      Dims coarse{};
      for (int g = 0; g < groups; ++g) coarse[g] = group_size[groups - 1 - g];
      const MaybeView re = reshape(lower, static_cast<std::uint8_t>(groups), coarse);
      if (!re.ok) return {};
      lower = re.view;
      continue;
    }
    // Every lower coordinate is now origin + sum(step * i) and stays inside lower's shape.
    Projection out;
    out.view = contiguous(upper.rank, upper.shape);
    out.view.offset = lower.offset;
    for (int l = 0; l < lower.rank; ++l) out.view.offset += origin[l] * lower.stride[l];
    for (int u = 0; u < upper.rank; ++u) {
      out.view.stride[u] = 0;
      for (int l = 0; l < lower.rank; ++l) out.view.stride[u] += step[u][l] * lower.stride[l];
    }
    out.lo = Dims{};
    out.hi = upper.shape;
    bool unprojectable = false;
    for (int l = 0; l < lower.rank; ++l) {
      std::int64_t low = origin[l], high = origin[l];
      int drivers = 0, driver = 0;
      for (int u = 0; u < upper.rank; ++u) {
        const std::int64_t reach = step[u][l] * (upper.shape[u] - 1);
        (reach < 0 ? low : high) += reach;
        if (step[u][l] != 0) ++drivers, driver = u;
      }
      const std::int64_t b = lower.lo[l], e = lower.hi[l];
      if (b <= low && high < e) continue;  // always inside lower's mask
      if (drivers == 0) {                  // a constant coordinate outside the mask: nothing is valid
        if (upper.rank == 0) return {};
        out.hi[0] = out.lo[0];
      } else if (drivers == 1) {  // b <= o + s * i < e, solved for i
        const std::int64_t s = step[driver][l], o = origin[l];
        const std::int64_t first = s > 0 ? ceildiv(b - o, s) : ceildiv(e - o - 1, s);
        const std::int64_t last = s > 0 ? floordiv(e - o - 1, s) : floordiv(b - o, s);
        if (first > out.lo[driver]) out.lo[driver] = first;
        if (last + 1 < out.hi[driver]) out.hi[driver] = last + 1;
      } else {
        unprojectable = true;  // several upper dims drive it; a tighter box from other dims may still help
      }
    }
    if (out.lo != Dims{} || out.hi != upper.shape) {
      out.kind = Projection::kTighten;
      return out;
    }
    if (unprojectable) return {};
    out.view = canonicalize(out.view);
    out.kind = Projection::kMerged;
    return out;
  }
  return {};
}

}  // namespace detail

// One view equal to the stack [lower, upper] (upper indexes lower's flat elements), or ok=false.
// lower contiguous -> upper; upper contiguous -> lower reshaped to upper's shape; a masked upper is shrunk to its
// mask, merged, and padded back. lower (3,2,4):(4,12,1) + upper (6,4) contiguous -> fails (needs both views).
constexpr MaybeView merge(const View& lower, const View& upper) {
  if (upper.numel() == 0 || detail::all_invalid(upper) || lower.contiguous()) return {true, upper};
  if (detail::all_invalid(lower)) {  // every access of upper lands on an invalid element
    if (upper.rank == 0) return {false, View{}};
    View none = contiguous(upper.rank, upper.shape);
    none.hi = Dims{};
    return {true, canonicalize(none)};
  }
  if (upper.contiguous()) {
    if (upper.rank == lower.rank && upper.shape == lower.shape) return {true, lower};
    if (upper.numel() == lower.numel()) {
      if (const MaybeView r = reshape(lower, upper.rank, upper.shape); r.ok) return r;
    }
  }
  View boxed = upper;  // upper, possibly with a tighter mask found by the projection
  for (int attempt = 0; attempt < 3; ++attempt) {
    if (detail::all_invalid(boxed)) return {true, boxed};
    Dims pad_after{};
    for (int d = 0; d < boxed.rank; ++d) pad_after[d] = boxed.shape[d] - boxed.hi[d];
    const detail::Projection p = detail::project(lower, shrink(boxed, boxed.lo, boxed.hi));
    if (p.kind == detail::Projection::kFailed) return {false, View{}};
    if (p.kind == detail::Projection::kMerged) return {true, pad(p.view, boxed.lo, pad_after)};
    for (int d = 0; d < boxed.rank; ++d) {  // p.lo/p.hi only narrow [0, box size) of the shrunk box
      const bool empty = p.hi[d] <= p.lo[d];
      boxed.hi[d] = boxed.lo[d] + (empty ? 0 : p.hi[d]);
      boxed.lo[d] += empty ? 0 : p.lo[d];
    }
    boxed = canonicalize(boxed);
  }
  return {false, View{}};
}

}  // namespace ctgrad
