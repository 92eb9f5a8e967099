#pragma once
// Rule sets for the rewrite engine: constant folding, algebraic identities, and index arithmetic simplification
// driven by value bounds (the backstop that turns unravel/ravel chains of merged views back into plain indices).
#include <algorithm>
#include <cmath>
#include <utility>

#include "ctgrad/runtime/rewrite.hpp"

namespace ctgrad::rt {

// Inclusive bounds of an integer-valued node (index arithmetic only; anything unknown is unbounded).
struct Bounds {
  double lo, hi;
};
inline Bounds bounds(const UOp& n) {
  constexpr double inf = 1e300;
  auto b = [](const UOpPtr& s) { return bounds(*s); };
  switch (n.op) {
    case Ops::Const: return {n.arg.value, n.arg.value};
    case Ops::Special:
    case Ops::Range: return {0, n.arg.value - 1};
    case Ops::Add: {
      auto x = b(n.src[0]), y = b(n.src[1]);
      return {x.lo + y.lo, x.hi + y.hi};
    }
    case Ops::Mul: {
      auto x = b(n.src[0]), y = b(n.src[1]);
      double c[] = {x.lo * y.lo, x.lo * y.hi, x.hi * y.lo, x.hi * y.hi};
      return {*std::min_element(c, c + 4), *std::max_element(c, c + 4)};
    }
    case Ops::IDiv: {
      auto x = b(n.src[0]), y = b(n.src[1]);
      if (y.lo == y.hi && y.lo > 0 && x.lo >= 0) return {std::floor(x.lo / y.lo), std::floor(x.hi / y.lo)};
      return {-inf, inf};
    }
    case Ops::Mod: {
      auto x = b(n.src[0]), y = b(n.src[1]);
      if (y.lo == y.hi && y.lo > 0 && x.lo >= 0) return {0, std::min(x.hi, y.lo - 1)};
      return {-inf, inf};
    }
    case Ops::CmpLt:
    case Ops::CmpNe:
    case Ops::CmpEq:
    case Ops::And: return n.dtype == DType::Bool ? Bounds{0, 1} : Bounds{-inf, inf};
    default: return {-inf, inf};
  }
}

namespace detail {

inline double fold_alu(Ops op, DType dt, double a, double b, double c) {
  const auto ia = static_cast<std::int64_t>(a), ib = static_cast<std::int64_t>(b);
  switch (op) {
    case Ops::Neg: return -a;
    case Ops::Add: return a + b;
    case Ops::Sub: return a - b;
    case Ops::Mul: return a * b;
    case Ops::IDiv: return static_cast<double>(ia / ib);
    case Ops::Mod: return static_cast<double>(ia % ib);
    case Ops::Max: return std::max(a, b);
    case Ops::CmpLt: return a < b;
    case Ops::CmpNe: return a != b;
    case Ops::CmpEq: return a == b;
    case Ops::And: return dt == DType::Bool ? (a != 0 && b != 0) : static_cast<double>(ia & ib);
    case Ops::Or: return dt == DType::Bool ? (a != 0 || b != 0) : static_cast<double>(ia | ib);
    case Ops::Xor: return dt == DType::Bool ? ((a != 0) != (b != 0)) : static_cast<double>(ia ^ ib);
    case Ops::Where: return a != 0 ? b : c;
    default: return std::nan("");
  }
}

// Exact only where the operands are integers well inside double precision, or the op is exact in every dtype.
inline bool foldable(const UOp& n) {
  static constexpr Ops known[] = {Ops::Neg, Ops::Add, Ops::Sub,   Ops::Mul,   Ops::IDiv,  Ops::Mod,   Ops::Max, Ops::CmpLt,
                                  Ops::CmpNe, Ops::CmpEq, Ops::And, Ops::Or, Ops::Xor, Ops::Where};  // what fold_alu computes
  if (std::find(std::begin(known), std::end(known), n.op) == std::end(known)) return false;
  for (auto& s : n.src)
    if (s->op != Ops::Const) return false;
  if (n.op == Ops::Where) return true;
  const DType operand = n.src[0]->dtype;
  if (is_float(operand)) return n.op == Ops::Neg || n.op == Ops::Max || is_comparison(to_kop(n.op));
  if (n.op == Ops::IDiv || n.op == Ops::Mod) return n.src[1]->arg.value != 0;
  for (auto& s : n.src)
    if (std::abs(s->arg.value) > 4e15) return false;
  return operand == DType::Int32 || operand == DType::Int64 || operand == DType::Bool;
}

}  // namespace detail

// Constant folding and identities that hold in every dtype.
inline const Matcher& algebraic_rules() {
  using namespace pat;
  static const Matcher m{
      // fold ALU ops on constants
      {Pat{{}, {}, -1, false, [](const UOp& n) { return detail::foldable(n); }},
       [](const UOpPtr& n, const Binds&) {
         double a[3] = {0, 0, 0};
         for (std::size_t i = 0; i < n->src.size(); ++i) a[i] = n->src[i]->arg.value;
         return const_like(*n, detail::fold_alu(n->op, n->src[0]->dtype, a[0], a[1], a[2]));
       }},
      // x + 0, x * 1, x * 0 (integers: no NaN/inf to preserve), x - 0, x / 1
      {op(Ops::Add, {any(0), cnst_eq(0)}), [](const UOpPtr&, const Binds& b) { return b[0]; }},
      {op(Ops::Sub, {any(0), cnst_eq(0)}), [](const UOpPtr&, const Binds& b) { return b[0]; }},
      {op(Ops::Mul, {any(0), cnst_eq(1)}), [](const UOpPtr&, const Binds& b) { return b[0]; }},
      {op(Ops::IDiv, {any(0), cnst_eq(1)}), [](const UOpPtr&, const Binds& b) { return b[0]; }},
      {op(Ops::Mul, {any(0), cnst_eq(0)}),
       [](const UOpPtr& n, const Binds&) { return is_float(n->dtype) ? nullptr : const_like(*n, 0); }},
      // double negation, where with equal arms or a constant condition, casts to the same dtype
      {op(Ops::Neg, {op(Ops::Neg, {any(0)})}), [](const UOpPtr&, const Binds& b) { return b[0]; }},
      {Pat{{Ops::Where}, {any(0), any(1), any(1)}, -1, false, {}}, [](const UOpPtr&, const Binds& b) { return b[1]; }},
      {Pat{{Ops::Where}, {cnst(0), any(1), any(2)}, -1, false, {}}, [](const UOpPtr&, const Binds& b) { return b[0]->arg.value != 0 ? b[1] : b[2]; }},
      {Pat{{Ops::Cast}, {any(0)}, -1, false, {}}, [](const UOpPtr& n, const Binds& b) { return b[0]->dtype == n->dtype ? b[0] : nullptr; }},
      // a boolean AND with a constant
      {op(Ops::And, {any(0), cnst(1)}),
       [](const UOpPtr& n, const Binds& b) {
         if (n->dtype != DType::Bool) return UOpPtr{};
         return b[1]->arg.value != 0 ? b[0] : const_like(*n, 0);
       }},
  };
  return m;
}

// Index arithmetic over non-negative values, justified by bounds (the div/mod simplifier DESIGN.md asks for).
inline const Matcher& index_rules() {
  using namespace pat;
  auto nonneg = [](const UOpPtr& x) { return bounds(*x).lo >= 0; };
  auto cval = [](const UOpPtr& c) { return static_cast<std::int64_t>(c->arg.value); };
  static const Matcher m{
      // x % c -> x and x / c -> 0 when 0 <= x < c
      {op(Ops::Mod, {any(0), cnst(1)}),
       [=](const UOpPtr&, const Binds& b) {
         auto x = bounds(*b[0]);
         return x.lo >= 0 && x.hi < b[1]->arg.value ? b[0] : nullptr;
       }},
      {op(Ops::IDiv, {any(0), cnst(1)}),
       [=](const UOpPtr& n, const Binds& b) {
         auto x = bounds(*b[0]);
         return x.lo >= 0 && x.hi < b[1]->arg.value ? const_like(*n, 0) : nullptr;
       }},
      // (x / a) / b -> x / (a*b)
      {op(Ops::IDiv, {op(Ops::IDiv, {any(0), cnst(1)}), cnst(2)}),
       [=](const UOpPtr& n, const Binds& b) {
         if (!nonneg(b[0]) || cval(b[1]) <= 0 || cval(b[2]) <= 0) return UOpPtr{};
         return make_uop(Ops::IDiv, n->dtype, {b[0], const_like(*n, b[1]->arg.value * b[2]->arg.value)}, {}, n->shape);
       }},
      // (x * k) / c -> x * (k/c) and (x * k) % c -> 0 when c divides k
      {op(Ops::IDiv, {op(Ops::Mul, {any(0), cnst(1)}), cnst(2)}),
       [=](const UOpPtr& n, const Binds& b) {
         if (!nonneg(b[0]) || cval(b[1]) <= 0 || cval(b[2]) <= 0 || cval(b[1]) % cval(b[2]) != 0) return UOpPtr{};
         return make_uop(Ops::Mul, n->dtype, {b[0], const_like(*n, static_cast<double>(cval(b[1]) / cval(b[2])))}, {}, n->shape);
       }},
      {op(Ops::Mod, {op(Ops::Mul, {any(0), cnst(1)}), cnst(2)}),
       [=](const UOpPtr& n, const Binds& b) {
         if (!nonneg(b[0]) || cval(b[1]) <= 0 || cval(b[2]) <= 0 || cval(b[1]) % cval(b[2]) != 0) return UOpPtr{};
         return const_like(*n, 0);
       }},
      // (x*k + y) / c -> x*(k/c) + y/c and (x*k + y) % c -> y % c when c divides k and x, y >= 0
      {op(Ops::IDiv, {op(Ops::Add, {op(Ops::Mul, {any(0), cnst(1)}), any(3)}), cnst(2)}),
       [=](const UOpPtr& n, const Binds& b) {
         if (!nonneg(b[0]) || !nonneg(b[3]) || cval(b[1]) <= 0 || cval(b[2]) <= 0 || cval(b[1]) % cval(b[2]) != 0) return UOpPtr{};
         auto k = const_like(*n, static_cast<double>(cval(b[1]) / cval(b[2])));
         return make_uop(Ops::Add, n->dtype,
                         {make_uop(Ops::Mul, n->dtype, {b[0], k}, {}, n->shape), make_uop(Ops::IDiv, n->dtype, {b[3], b[2]}, {}, n->shape)}, {},
                         n->shape);
       }},
      {op(Ops::Mod, {op(Ops::Add, {op(Ops::Mul, {any(0), cnst(1)}), any(3)}), cnst(2)}),
       [=](const UOpPtr& n, const Binds& b) {
         if (!nonneg(b[0]) || !nonneg(b[3]) || cval(b[1]) <= 0 || cval(b[2]) <= 0 || cval(b[1]) % cval(b[2]) != 0) return UOpPtr{};
         return make_uop(Ops::Mod, n->dtype, {b[3], b[2]}, {}, n->shape);
       }},
      // (x*k + y) / c -> x / (c/k) and (x*k + y) % c -> (x % (c/k))*k + y when k divides c and 0 <= y < k (the
      // coordinates of a pooled window, (y + x*20) / 40 for x / 2, once a tile fixes part of the index)
      {op(Ops::IDiv, {op(Ops::Add, {op(Ops::Mul, {any(0), cnst(1)}), any(3)}), cnst(2)}),
       [=](const UOpPtr& n, const Binds& b) {
         const std::int64_t k = cval(b[1]), c = cval(b[2]);
         auto y = bounds(*b[3]);
         if (!nonneg(b[0]) || k <= 0 || c <= k || c % k != 0 || y.lo < 0 || y.hi >= static_cast<double>(k)) return UOpPtr{};
         return make_uop(Ops::IDiv, n->dtype, {b[0], const_like(*n, static_cast<double>(c / k))}, {}, n->shape);
       }},
      {op(Ops::Mod, {op(Ops::Add, {op(Ops::Mul, {any(0), cnst(1)}), any(3)}), cnst(2)}),
       [=](const UOpPtr& n, const Binds& b) {
         const std::int64_t k = cval(b[1]), c = cval(b[2]);
         auto y = bounds(*b[3]);
         if (!nonneg(b[0]) || k <= 0 || c <= k || c % k != 0 || y.lo < 0 || y.hi >= static_cast<double>(k)) return UOpPtr{};
         auto outer = make_uop(Ops::Mod, n->dtype, {b[0], const_like(*n, static_cast<double>(c / k))}, {}, n->shape);
         return make_uop(Ops::Add, n->dtype, {make_uop(Ops::Mul, n->dtype, {outer, b[1]}, {}, n->shape), b[3]}, {}, n->shape);
       }},
      // (x % c) % c -> x % c
      {op(Ops::Mod, {op(Ops::Mod, {any(0), cnst(1)}), cnst(1)}), [](const UOpPtr& n, const Binds&) { return n->src[0]; }},
      // a comparison decided by bounds: x < c
      {op(Ops::CmpLt, {any(0), cnst(1)}),
       [](const UOpPtr& n, const Binds& b) {
         if (is_float(b[0]->dtype)) return UOpPtr{};
         auto x = bounds(*b[0]);
         if (x.hi < b[1]->arg.value) return const_like(*n, 1);
         if (x.lo >= b[1]->arg.value) return const_like(*n, 0);
         return UOpPtr{};
       }},
      {op(Ops::CmpLt, {cnst(1), any(0)}),
       [](const UOpPtr& n, const Binds& b) {
         if (is_float(b[0]->dtype)) return UOpPtr{};
         auto x = bounds(*b[0]);
         if (x.lo > b[1]->arg.value) return const_like(*n, 1);
         if (x.hi <= b[1]->arg.value) return const_like(*n, 0);
         return UOpPtr{};
       }},
  };
  return m;
}

}  // namespace ctgrad::rt
