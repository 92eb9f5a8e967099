#pragma once
// gradcheck: ctgrad's analytic gradient (backward()) against a central finite difference of the float64 reference
// interpreter (../property/reference.hpp), which shares no code with ctgrad. The loss is sum(f(x...) * w) with random
// weights w, so every output element's gradient matters and none can cancel by symmetry.
#include <array>
#include <cmath>
#include <sstream>
#include <utility>

#include "../property/reference.hpp"

namespace gradcheck {

// float gradients are rounded sums of many terms; double ones must agree with the difference quotient closely.
template <class T>
ref::Tol grad_tol() {
  return ref::tol_for<T>({2e-3, 2e-4}, {1e-6, 1e-8});
}

inline double weighted_sum(const ref::Array& y, const ref::Array& w) {
  double s = 0;
  for (std::size_t i = 0; i < y.v.size(); ++i) s += y.v[i] * w.v[i];
  return s;
}

template <class T>
std::vector<double> doubles(const std::vector<T>& v) {
  return {v.begin(), v.end()};
}

// Checks f's forward values against rf and d(sum(f * w))/d(input i) against the finite difference, for every input.
// f takes ctgrad tensors, rf the same number of ref::Arrays; both must compute the same function.
template <class F, class RF, class... TT>
void check(const std::string& what, std::mt19937_64& rng, const F& f, const RF& rf, const ref::Input<TT>&... in) {
  constexpr std::size_t N = sizeof...(TT);
  (in.t.clear_grad(), ...);  // inputs are reused across checks, and backward() accumulates
  auto y = f(in.t.requires_grad_()...);
  using Y = decltype(y);
  using T = typename Y::dtype;
  auto w = ref::random_input<Y>(rng, y.device(), -1, 1);
  (y * w.t).sum().backward();
  const std::array<ref::Array, N> x{in.r...};
  auto loss_at = [&](const std::array<ref::Array, N>& a) {
    return [&]<std::size_t... I>(std::index_sequence<I...>) { return weighted_sum(rf(a[I]...), w.r); }(std::make_index_sequence<N>{});
  };
  ref::expect_matches(y, [&]<std::size_t... I>(std::index_sequence<I...>) { return rf(x[I]...); }(std::make_index_sequence<N>{}),
                      ref::tol_for<T>({1e-4, 1e-5}, {1e-10, 1e-11}), what + ": forward");
  const std::array<std::vector<double>, N> got{doubles(in.t.grad().tolist())...};
  for (std::size_t i = 0; i < N; ++i) {
    ref::Array fd{x[i].shape, std::vector<double>(x[i].v.size())};
    for (std::size_t j = 0; j < fd.v.size(); ++j) {
      const double h = 1e-5 * std::max(1.0, std::abs(x[i].v[j]));
      auto plus = x, minus = x;
      plus[i].v[j] += h;
      minus[i].v[j] -= h;
      fd.v[j] = (loss_at(plus) - loss_at(minus)) / (2 * h);
    }
    ref::expect_values(x[i].shape, got[i], fd, grad_tol<T>(), what + ": d/d(input " + std::to_string(i) + ")");
  }
}

}  // namespace gradcheck
