#pragma once
// Div/mod of a sum by a constant, term by term: (x*k + y*j + z) / c -> x*(k/c) + (y*j + z) / c and
// (x*k + y*j + z) % c -> (y*j + z) % c for the terms whose coefficient c divides, when every term is non-negative.
// The core's index rules match (x*k + y) only with the multiple first and at the top of the sum; the decomposed
// invocation index (g/24*144 + v*24 + g%24) and chains of merged views nest it anywhere, and without this a
// transposed-convolution gradient kernel computed about fifteen integer divisions per load.
#include "ctgrad/runtime/symbolic.hpp"

namespace ctgrad::rt::opt {

namespace detail {
// The terms of a sum (Add trees flattened), each as (value, constant coefficient).
inline void sum_terms(const UOpPtr& n, std::vector<std::pair<UOpPtr, std::int64_t>>& out) {
  if (n->op == Ops::Add) {
    sum_terms(n->src[0], out);
    sum_terms(n->src[1], out);
  } else if (n->op == Ops::Mul && n->src[1]->op == Ops::Const) {
    out.push_back({n->src[0], static_cast<std::int64_t>(n->src[1]->arg.value)});
  } else if (n->op == Ops::Mul && n->src[0]->op == Ops::Const) {
    out.push_back({n->src[1], static_cast<std::int64_t>(n->src[0]->arg.value)});
  } else if (n->op == Ops::Const) {
    out.push_back({nullptr, static_cast<std::int64_t>(n->arg.value)});
  } else {
    out.push_back({n, 1});
  }
}
inline UOpPtr term_value(const UOp& like, const UOpPtr& x, std::int64_t k) {
  if (!x) return const_like(like, static_cast<double>(k));
  if (k == 1) return x;
  return make_uop(Ops::Mul, like.dtype, {x, const_like(like, static_cast<double>(k))}, {}, like.shape);
}
inline UOpPtr add_all(const UOp& like, const std::vector<UOpPtr>& terms) {
  if (terms.empty()) return const_like(like, 0);
  UOpPtr s = terms[0];
  for (std::size_t i = 1; i < terms.size(); ++i) s = make_uop(Ops::Add, like.dtype, {s, terms[i]}, {}, like.shape);
  return s;
}
// The rewrite of n = sum / c or sum % c, or nullptr when no term is a multiple of c (or a term may be negative).
inline UOpPtr fold_sum_divmod(const UOpPtr& n, const UOpPtr& sum, std::int64_t c) {
  if (sum->op != Ops::Add || c <= 0 || is_float(n->dtype)) return nullptr;
  std::vector<std::pair<UOpPtr, std::int64_t>> terms;
  sum_terms(sum, terms);
  std::vector<UOpPtr> quotient, rest;
  for (auto& [x, k] : terms) {
    if (k < 0 || (x && bounds(*x).lo < 0)) return nullptr;
    if (k % c == 0) quotient.push_back(term_value(*n, x, k / c));
    else rest.push_back(term_value(*n, x, k));
  }
  if (quotient.empty()) return nullptr;
  const UOpPtr r = add_all(*n, rest);
  const UOpPtr c_node = const_like(*n, static_cast<double>(c));
  if (n->op == Ops::Mod) return make_uop(Ops::Mod, n->dtype, {r, c_node}, {}, n->shape);
  quotient.push_back(make_uop(Ops::IDiv, n->dtype, {r, c_node}, {}, n->shape));
  return add_all(*n, quotient);
}
}  // namespace detail

// An element index as (base, constant): constants pulled out of sums and through constant factors, ((x + 1) * 16 + y
// -> (x * 16 + y, 16)). The loads of one register tile then share a base and differ by a constant the GPU renderers
// fold into the address (ld [r+imm]). Exact in wrapping integer arithmetic. base is null for a constant index.
inline std::pair<UOpPtr, std::int64_t> split_offset(const UOpPtr& n) {
  if (n->op == Ops::Const) return {nullptr, static_cast<std::int64_t>(n->arg.value)};
  if (n->op == Ops::Add) {
    auto [a, ca] = split_offset(n->src[0]);
    auto [b, cb] = split_offset(n->src[1]);
    if (!a || !b) return {a ? a : b, ca + cb};
    return {a == n->src[0] && b == n->src[1] ? n : make_uop(Ops::Add, n->dtype, {a, b}, {}, n->shape), ca + cb};
  }
  for (std::size_t k = 0; k < 2 && n->op == Ops::Mul; ++k)
    if (const UOpPtr& factor = n->src[1 - k]; factor->op == Ops::Const) {
      auto [a, ca] = split_offset(n->src[k]);
      const auto f = static_cast<std::int64_t>(factor->arg.value);
      if (!a) return {nullptr, ca * f};
      return {a == n->src[k] ? n : make_uop(Ops::Mul, n->dtype, {a, factor}, {}, n->shape), ca * f};
    }
  return {n, 0};
}

inline const Matcher& sum_divmod_rules() {
  using namespace pat;
  static const Matcher m{
      {op(Ops::IDiv, {any(0), cnst(1)}),
       [](const UOpPtr& n, const Binds& b) { return detail::fold_sum_divmod(n, b[0], static_cast<std::int64_t>(b[1]->arg.value)); }},
      {op(Ops::Mod, {any(0), cnst(1)}),
       [](const UOpPtr& n, const Binds& b) { return detail::fold_sum_divmod(n, b[0], static_cast<std::int64_t>(b[1]->arg.value)); }},
  };
  return m;
}

}  // namespace ctgrad::rt::opt
