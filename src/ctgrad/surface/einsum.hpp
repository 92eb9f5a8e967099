#pragma once
// einsum<"ij,jk->ik">(a, b): the equation is parsed at compile time. Every letter becomes one axis of a broadcast
// product (output letters first, then the summed ones), each operand is permuted and reshaped onto those axes, and
// the summed axes are reduced: a multiply and one reduction, fused like matmul. A malformed equation or operands
// that do not fit it is one compile error naming einsum, the equation and the operands' shapes.
#include "ctgrad/surface/movement.hpp"

namespace ctgrad {

// The equation as a structural template argument (a string literal).
template <std::size_t N>
struct Equation {
  char text[N]{};
  constexpr Equation(const char (&s)[N]) {  // NOLINT: implicit, so that einsum<"ij->ji"> reads naturally
    for (std::size_t i = 0; i < N; ++i) text[i] = s[i];
  }
};

namespace surface {
inline constexpr std::size_t kMaxOperands = 8;

struct Parsed {
  std::size_t operands = 0;
  std::array<std::array<char, kMaxRank>, kMaxOperands> letters{};
  std::array<std::size_t, kMaxOperands> rank{};
  std::array<char, kMaxRank> out{};
  std::size_t out_rank = 0;
  std::array<char, kMaxRank> all{};  // output letters, then the summed ones
  std::size_t all_count = 0;
  const char* error = nullptr;
};

constexpr bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
template <std::size_t M>
constexpr bool has(const std::array<char, M>& a, std::size_t n, char c) {
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] == c) return true;
  return false;
}
template <std::size_t M>
constexpr std::size_t position(const std::array<char, M>& a, std::size_t n, char c) {
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] == c) return i;
  return n;
}

// Parses "ab,bc->ac" (spaces ignored; without "->" the output is the letters used once, alphabetically).
template <std::size_t N>
constexpr Parsed parse(const char (&eq)[N]) {
  Parsed p;
  std::size_t i = 0, len = N - 1;
  bool arrow = false;
  auto fail = [&](const char* why) {
    p.error = why;
    return p;
  };
  p.operands = 1;
  for (; i < len; ++i) {
    const char c = eq[i];
    if (c == ' ') continue;
    if (c == ',') {
      if (++p.operands > kMaxOperands) return fail("more than 8 operands");
    } else if (c == '-') {
      if (i + 1 >= len || eq[i + 1] != '>') return fail("'-' must start '->'");
      arrow = true;
      i += 2;
      break;
    } else if (is_letter(c)) {
      auto& r = p.rank[p.operands - 1];
      if (r >= kMaxRank) return fail("an operand has more than 8 indices");
      if (has(p.letters[p.operands - 1], r, c)) return fail("an index repeats within one operand (diagonals are not supported)");
      p.letters[p.operands - 1][r++] = c;
    } else {
      return fail("an equation holds only letters, ',' and '->'");
    }
  }
  if (arrow) {
    for (; i < len; ++i) {
      const char c = eq[i];
      if (c == ' ') continue;
      if (!is_letter(c)) return fail("the output holds only letters");
      if (has(p.out, p.out_rank, c)) return fail("an output index repeats");
      if (p.out_rank >= kMaxRank) return fail("more than 8 output indices");
      p.out[p.out_rank++] = c;
    }
  } else {
    for (char c = 'A'; c <= 'z'; ++c) {
      if (!is_letter(c)) continue;
      std::size_t uses = 0;
      for (std::size_t k = 0; k < p.operands; ++k) uses += has(p.letters[k], p.rank[k], c) ? 1 : 0;
      if (uses == 1) {
        if (p.out_rank >= kMaxRank) return fail("more than 8 output indices");
        p.out[p.out_rank++] = c;
      }
    }
  }
  for (std::size_t k = 0; k < p.out_rank; ++k) {
    bool found = false;
    for (std::size_t o = 0; o < p.operands; ++o) found = found || has(p.letters[o], p.rank[o], p.out[k]);
    if (!found) return fail("an output index appears in no operand");
    p.all[p.all_count++] = p.out[k];
  }
  for (std::size_t o = 0; o < p.operands; ++o)
    for (std::size_t k = 0; k < p.rank[o]; ++k)
      if (!has(p.all, p.all_count, p.letters[o][k])) {
        if (p.all_count >= kMaxRank) return fail("more than 8 distinct indices");
        p.all[p.all_count++] = p.letters[o][k];
      }
  return p;
}

// The operands' checks against the parse: count, ranks, and one size per letter.
template <class... Xs>
constexpr const char* fit_error(const Parsed& p) {
  if (p.error) return p.error;
  if (p.operands != sizeof...(Xs)) return "the number of operands differs from the equation's";
  constexpr std::array<std::size_t, sizeof...(Xs)> ranks{Xs::ndim...};
  const std::array<std::array<std::size_t, kMaxRank>, sizeof...(Xs)> shapes{[] {
    std::array<std::size_t, kMaxRank> s{};
    for (std::size_t d = 0; d < Xs::ndim; ++d) s[d] = Xs::shape[d];
    return s;
  }()...};
  for (std::size_t o = 0; o < sizeof...(Xs); ++o)
    if (ranks[o] != p.rank[o]) return "an operand's rank differs from its number of indices";
  for (std::size_t o = 0; o < sizeof...(Xs); ++o)
    for (std::size_t k = 0; k < p.rank[o]; ++k)
      for (std::size_t o2 = 0; o2 < sizeof...(Xs); ++o2)
        for (std::size_t k2 = 0; k2 < p.rank[o2]; ++k2)
          if (p.letters[o][k] == p.letters[o2][k2] && shapes[o][k] != shapes[o2][k2]) return "an index has different sizes in different operands";
  return nullptr;
}

template <Equation E, class... Xs>
struct EinsumPlan {
  static constexpr Parsed p = parse(E.text);
  static constexpr const char* error = fit_error<Xs...>(p);
  static constexpr std::size_t U = p.all_count;
  // the size of every letter, and the broadcast shape over all letters
  static constexpr std::array<std::size_t, kMaxRank> sizes = [] {
    std::array<std::size_t, kMaxRank> s{};
    const std::array<std::array<std::size_t, kMaxRank>, sizeof...(Xs)> shapes{[] {
      std::array<std::size_t, kMaxRank> sh{};
      for (std::size_t d = 0; d < Xs::ndim; ++d) sh[d] = Xs::shape[d];
      return sh;
    }()...};
    for (std::size_t o = 0; o < sizeof...(Xs) && o < p.operands; ++o)
      for (std::size_t k = 0; k < p.rank[o]; ++k) s[position(p.all, p.all_count, p.letters[o][k])] = shapes[o][k];
    return s;
  }();
  static constexpr std::array<std::size_t, U> full = [] {
    std::array<std::size_t, U> s{};
    for (std::size_t i = 0; i < U; ++i) s[i] = sizes[i];
    return s;
  }();
  static constexpr std::array<std::size_t, p.out_rank> out_shape = [] {
    std::array<std::size_t, p.out_rank> s{};
    for (std::size_t i = 0; i < p.out_rank; ++i) s[i] = sizes[i];
    return s;
  }();
};

// Operand O permuted so that its letters follow their order among all letters, then reshaped and expanded onto them.
template <class Plan, std::size_t O, class X>
auto onto_all_letters(const X& x) {
  constexpr auto& p = Plan::p;
  constexpr std::size_t R = X::ndim;
  constexpr auto order = [] {
    std::array<std::size_t, R> ord{};
    std::size_t j = 0;
    for (std::size_t u = 0; u < p.all_count; ++u)
      for (std::size_t k = 0; k < R; ++k)
        if (p.letters[O][k] == p.all[u]) ord[j++] = k;
    return ord;
  }();
  constexpr auto spread = [] {
    std::array<std::size_t, Plan::U> s{};
    for (std::size_t u = 0; u < Plan::U; ++u) s[u] = has(p.letters[O], R, p.all[u]) ? Plan::sizes[u] : 1;
    return s;
  }();
  return expand_as<Plan::full>(reshape_as<spread>(permute_as<order>(x)));
}
template <class Plan, class Prod>
auto sum_letters(const Prod& prod) {
  constexpr std::size_t first = Plan::p.out_rank, count = Plan::U - first;
  if constexpr (count == 0) {
    return prod;
  } else {
    return [&]<std::size_t... I>(std::index_sequence<I...>) { return prod.template sum<(first + I)...>(); }(std::make_index_sequence<count>{});
  }
}
template <Equation E, class... Xs>
constexpr detail::Message einsum_message() {
  detail::Message m;
  m << "ctgrad::einsum<\"" << E.text << "\">: " << EinsumPlan<E, Xs...>::error << "; operands ";
  if constexpr (sizeof...(Xs) == 0) return m << "(none)";
  else return shapes_text<Xs...>(m);
}
}  // namespace surface

template <Equation E, TensorLike... Xs>
auto einsum(const Xs&... xs) {
  using Plan = surface::EinsumPlan<E, Xs...>;
  constexpr bool ok = Plan::error == nullptr;
  CTGRAD_STATIC_CHECK(ok, "ctgrad::einsum: the equation does not parse or does not fit the operands", (surface::einsum_message<E, Xs...>()));
  if constexpr (ok) {
    return [&]<std::size_t... O>(std::index_sequence<O...>) {
      auto all = std::forward_as_tuple(xs...);
      auto prod = (surface::onto_all_letters<Plan, O>(std::get<O>(all)) * ...);
      return surface::sum_letters<Plan>(prod);
    }(std::make_index_sequence<sizeof...(Xs)>{});
  }
}

}  // namespace ctgrad
