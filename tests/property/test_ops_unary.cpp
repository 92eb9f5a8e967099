// Unary math and casts against the float64 reference (reference.hpp): unary minus, relu, abs, exp, log, sqrt, sin,
// cos, tanh, sigmoid, reciprocal, and casts between float, double, int32 and bool, random values from fixed seeds, on every
// device. Integer tensors compute the float functions in float.
#define BOOST_TEST_MODULE ops_unary
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>

#include "reference.hpp"

namespace {

using ctgrad::Tensor;
using ref::expect_basic;
using ref::expect_transcendental;

template <class TA>
void unary_ops(const std::string& dev, std::uint64_t seed) {
  constexpr bool integer = std::is_integral_v<typename TA::dtype>;
  std::mt19937_64 rng(seed);
  auto [a, ra] = ref::random_input<TA>(rng, dev, -3, 3);
  auto [p, rp] = ref::random_input<TA>(rng, dev, integer ? 1 : 0.05, 9);  // positive, for log and sqrt
  expect_basic(-a, ref::map(ra, [](double x) { return -x; }), "-a");
  expect_basic(a.relu(), ref::map(ra, [](double x) { return std::max(x, 0.0); }), "relu");
  expect_basic(a.abs(), ref::map(ra, [](double x) { return std::abs(x); }), "abs");
  expect_transcendental(a.exp(), ref::map(ra, [](double x) { return std::exp(x); }), "exp");
  expect_transcendental(p.log(), ref::map(rp, [](double x) { return std::log(x); }), "log");
  expect_transcendental(p.sqrt(), ref::map(rp, [](double x) { return std::sqrt(x); }), "sqrt");
  expect_transcendental(a.sin(), ref::map(ra, [](double x) { return std::sin(x); }), "sin");
  expect_transcendental(a.cos(), ref::map(ra, [](double x) { return std::cos(x); }), "cos");
  expect_transcendental(a.tanh(), ref::map(ra, [](double x) { return std::tanh(x); }), "tanh");
  expect_transcendental(a.sigmoid(), ref::map(ra, [](double x) { return 1 / (1 + std::exp(-x)); }), "sigmoid");
  expect_transcendental(p.reciprocal(), ref::map(rp, [](double x) { return 1 / x; }), "reciprocal");
  expect_transcendental((a * p).exp().log(), ref::zip(ra, rp, std::multiplies<>{}), "log(exp(a * p))");
  expect_transcendental(p.sqrt() * p.sqrt() - p, ref::map(rp, [](double) { return 0.0; }), "sqrt(p)^2 - p");
  auto composed = [](double x) { return std::exp(std::max(-x, 0.0)) + std::sqrt(std::abs(x)); };
  expect_transcendental((-a).relu().exp() + a.abs().sqrt(), ref::map(ra, composed), "exp(relu(-a)) + sqrt(abs(a))");
}

// float -> int truncates, to bool is != 0, bool -> int is 0 or 1.
template <class TA>
void casts(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [a, ra] = ref::random_input<TA>(rng, dev, -9, 9, 0.25);  // quarters: exact zeros and whole numbers occur
  expect_basic(a.template cast<std::int32_t>(), ref::map(ra, [](double x) { return std::trunc(x); }), "cast<int32> truncates");
  expect_basic(a.template cast<double>(), ra, "cast<double>");
  expect_basic(a.template cast<float>(), ra, "cast<float>");
  expect_basic(a.template cast<bool>(), ref::map(ra, [](double x) { return x != 0; }), "cast<bool> is != 0");
  expect_basic((a < 0).template cast<std::int32_t>() * 5, ref::map(ra, [](double x) { return x < 0 ? 5 : 0; }), "cast<int32>(a < 0) * 5");
  expect_basic(a.template cast<std::int32_t>() + a, ref::map(ra, [](double x) { return std::trunc(x) + x; }), "cast<int32>(a) + a");
  if constexpr (std::is_same_v<typename TA::dtype, double>) {  // double -> float rounds to nearest
    auto rounded = [](double x) { return static_cast<double>(static_cast<float>(x * 0.1)); };
    expect_basic((a * 0.1).template cast<float>().template cast<double>(), ref::map(ra, rounded), "a * 0.1 rounded through float");
  }
}

template <class T>
void unary_all(const std::string& dev, std::uint64_t seed) {
  unary_ops<Tensor<T, 5, 7>>(dev, seed);
  unary_ops<Tensor<T, 3000>>(dev, seed);
  casts<Tensor<T, 4, 9>>(dev, seed);
}

// IEEE special values: infinities, NaN for a domain error, and saturation of sigmoid and tanh.
template <class T>
void special_values(const std::string& dev) {
  const std::vector<T> values{T(0), T(1), T(-1), T(100), T(-100), T(INFINITY), T(-INFINITY)};
  const ref::Array rx{{values.size()}, {0, 1, -1, 100, -100, INFINITY, -INFINITY}};
  auto x = Tensor<T, 7>::from(std::span<const T>(values)).to(dev);
  auto rounded_exp = [](double v) { return static_cast<double>(static_cast<T>(std::exp(v))); };  // exp(100) overflows float
  expect_transcendental(x.exp(), ref::map(rx, rounded_exp), "exp(+-inf, +-100)");
  expect_transcendental(x.log(), ref::map(rx, [](double v) { return std::log(v); }), "log: log(0) = -inf, log(-1) = nan");
  expect_transcendental(x.sqrt(), ref::map(rx, [](double v) { return std::sqrt(v); }), "sqrt: sqrt(-1) = nan");
  expect_transcendental(x.sigmoid(), ref::map(rx, [](double v) { return 1 / (1 + std::exp(-v)); }), "sigmoid saturates");
  expect_transcendental(x.tanh(), ref::map(rx, [](double v) { return std::tanh(v); }), "tanh saturates");
  expect_basic(T(1) / x, ref::map(rx, [](double v) { return 1 / v; }), "1 / x: 1 / 0 = inf");
  expect_basic(x.relu() - x.abs(), ref::map(rx, [](double v) { return std::max(v, 0.0) - std::abs(v); }), "relu(x) - abs(x)");
}

}  // namespace

BOOST_AUTO_TEST_CASE(special_values_float32, CTGRAD_ON_DEVICES) { ctgrad_test::on_each_device(special_values<float>); }
BOOST_AUTO_TEST_CASE(special_values_float64, CTGRAD_ON_DEVICES) { ctgrad_test::on_each_device(special_values<double>); }
BOOST_AUTO_TEST_CASE(unary_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(unary_all<float>); }
BOOST_AUTO_TEST_CASE(unary_float64, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(unary_all<double>); }
BOOST_AUTO_TEST_CASE(unary_int32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(unary_all<std::int32_t>); }
