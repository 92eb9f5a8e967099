#pragma once
// Creation and random ops beyond full/zeros/ones/arange/rand/randn: eye, linspace, randint, uniform, normal, the
// standard initializers, randperm, and the *_like family. Random values come from random.hpp's stream (one
// manual_seed decides them on every device). eye is a view of a constant: no buffer, folded into its consumers.
#include <cmath>

#include "ctgrad/random.hpp"
#include "ctgrad/surface/detail.hpp"

namespace ctgrad::surface {

template <class TT>
TT eye() {
  constexpr std::size_t n = TT::shape[0], m = TT::shape[1], k = n > m ? n : m;
  // ones (k, 1) padded to (k, k + 1) and read row-major as (k, k): the ones land on the diagonal; then cut to (n, m)
  using Col = Tensor<typename TT::dtype, k, 1>;
  auto square = Col::ones().template pad<0, 0, 0, k>().template reshape<k * (k + 1)>().template shrink<0, k * k>().template reshape<k, k>();
  return square.template shrink<0, n, 0, m>();
}

template <class TT>
TT linspace(double start, double stop) {
  constexpr std::size_t n = TT::shape[0];
  const double step = n > 1 ? (stop - start) / static_cast<double>(n - 1) : 0.0;
  return (Tensor<double, n>::arange() * step + start).template cast<typename TT::dtype>();
}

// Integers uniform in [low, high), from the same uniform stream as rand().
template <class TT>
TT randint(long low, long high) {
  using T = typename TT::dtype;
  auto u = random::uniform(TT::numel);
  std::vector<T> v(TT::numel);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<T>(low + static_cast<long>(std::floor(u[i] * static_cast<double>(high - low))));
  return TT::from(std::span<const T>(v));
}
template <class TT>
TT uniform(double low, double high) {
  return (TT::rand() * (high - low) + low).template cast<typename TT::dtype>();
}
template <class TT>
TT normal(double mean, double std) {
  return (TT::randn() * std + mean).template cast<typename TT::dtype>();
}

// fan_in: the product of all dims but the first (tinygrad's prod(shape[1:])).
template <class TT>
constexpr double fan_in() {
  std::size_t f = 1;
  for (std::size_t i = 1; i < TT::ndim; ++i) f *= TT::shape[i];
  return static_cast<double>(f);
}
template <class TT>
TT kaiming_uniform(double a) {
  const double bound = std::sqrt(3.0) * std::sqrt(2.0 / (1 + a * a)) / std::sqrt(fan_in<TT>());
  return uniform<TT>(-bound, bound);
}
template <class TT>
TT kaiming_normal(double a) {
  return normal<TT>(0.0, std::sqrt(2.0 / (1 + a * a)) / std::sqrt(fan_in<TT>()));
}
template <class TT>
TT glorot_uniform() {
  const double bound = std::sqrt(6.0 / (static_cast<double>(TT::shape[0]) + fan_in<TT>()));
  return uniform<TT>(-bound, bound);
}
template <class TT>
TT scaled_uniform() {
  return uniform<TT>(-1.0, 1.0) * (1.0 / std::sqrt(static_cast<double>(TT::numel)));
}

// Uniformly random bits filling an unsigned integer dtype (from random.hpp's stream, 24 bits per draw).
template <class TT>
TT random_bits() {
  using T = typename TT::dtype;
  static_assert(std::is_unsigned_v<T> && !std::is_same_v<T, bool>, "ctgrad::random_bits: needs an unsigned integer dtype");
  constexpr std::size_t draws = (8 * sizeof(T) + 23) / 24;
  auto u = random::uniform(TT::numel * draws);
  std::vector<T> v(TT::numel);
  for (std::size_t i = 0; i < v.size(); ++i) {
    std::uint64_t bits = 0;
    for (std::size_t k = 0; k < draws; ++k) bits = (bits << 24) | static_cast<std::uint64_t>(u[i * draws + k] * 16777216.0);
    v[i] = static_cast<T>(bits);
  }
  return TT::from(std::span<const T>(v));
}

}  // namespace ctgrad::surface
