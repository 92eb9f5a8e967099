// Reductions against the float64 reference (reference.hpp): sum, prod, max, min, mean over all axes, one axis and
// several, with and without keepdim, reductions feeding compute and compute feeding reductions, bool reductions, and
// reductions large enough to be split over threads; float, double and int32, fixed seeds, every device.
#define BOOST_TEST_MODULE ops_reduce
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>

#include "reference.hpp"

namespace {

using ctgrad::Tensor;
using ctgrad::keepdim;
using ref::expect_basic;
using ref::expect_reduced;

// Inputs on a grid of eighths so float sums are exact; prod reads a separate input of small magnitude.
template <class T>
void reductions(const std::string& dev, std::uint64_t seed) {
  constexpr bool integer = std::is_integral_v<T>;
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<T, 2, 3, 4>>(rng, dev, integer ? -9 : -2, integer ? 9 : 2, 0.125);
  auto [q, rq] = ref::random_input<Tensor<T, 2, 3, 4>>(rng, dev, integer ? 1 : 0.5, integer ? 2 : 1.5);
  expect_reduced(x.sum(), ref::sum(rx), "sum()");
  expect_reduced(x.template sum<0>(), ref::sum(rx, {0}), "sum<0>()");
  expect_reduced(x.template sum<1>(keepdim), ref::sum(rx, {1}, true), "sum<1>(keepdim)");
  expect_reduced(x.template sum<0, 2>(), ref::sum(rx, {0, 2}), "sum<0, 2>()");
  expect_reduced(x.template sum<2, 0>(keepdim), ref::sum(rx, {0, 2}, true), "sum<2, 0>(keepdim)");
  expect_reduced(x.template prod<1>(), ref::prod(rx, {1}), "prod<1>() (zeros and signs)");
  expect_reduced(q.prod(), ref::prod(rq), "prod()");
  expect_reduced(q.template prod<0, 2>(keepdim), ref::prod(rq, {0, 2}, true), "prod<0, 2>(keepdim)");
  expect_basic(x.max(), ref::max(rx), "max()");
  expect_basic(x.template max<1>(), ref::max(rx, {1}), "max<1>()");
  expect_basic(x.template max<0, 2>(keepdim), ref::max(rx, {0, 2}, true), "max<0, 2>(keepdim)");
  expect_basic(x.min(), ref::min(rx), "min()");
  expect_basic(x.template min<2>(), ref::min(rx, {2}), "min<2>()");
  expect_basic(x.template min<0>(keepdim), ref::min(rx, {0}, true), "min<0>(keepdim)");
  expect_reduced(x.mean(), ref::mean(rx), "mean()");
  expect_reduced(x.template mean<1>(), ref::mean(rx, {1}), "mean<1>()");
  expect_reduced(x.template mean<0, 2>(keepdim), ref::mean(rx, {0, 2}, true), "mean<0, 2>(keepdim)");
  // reductions feeding compute, and compute feeding reductions
  expect_basic(x - x.template max<2>(keepdim), ref::zip(rx, ref::max(rx, {2}, true), std::minus<>{}), "x - max<2>(keepdim)");
  expect_reduced((x * 2 + 1).template sum<1>() * 3, ref::map(ref::sum(ref::map(rx, [](double v) { return v * 2 + 1; }), {1}),
                                                             [](double v) { return v * 3; }), "sum<1>(x * 2 + 1) * 3");
  expect_reduced(x.template sum<2>().template max<0>(), ref::max(ref::sum(rx, {2}), {0}), "max<0>(sum<2>(x))");
  expect_reduced(x.template sum<1>(keepdim) + x.template max<1>(keepdim) * x, ref::zip(ref::sum(rx, {1}, true),
                 ref::zip(ref::max(rx, {1}, true), rx, std::multiplies<>{}), std::plus<>{}), "sum<1>(keepdim) + max<1>(keepdim) * x");
}

// Bool reductions: sum counts (int32), max is any, min is all.
template <class T>
void bool_reductions(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<T, 3, 5>>(rng, dev, -2, 2, 1);
  auto neg = x < 0;
  auto rneg = ref::map(rx, [](double v) { return v < 0; });
  auto count = neg.sum();
  static_assert(std::is_same_v<typename decltype(count)::dtype, std::int32_t>);
  expect_basic(count, ref::sum(rneg), "count of (x < 0)");
  expect_basic(neg.template sum<1>(), ref::sum(rneg, {1}), "(x < 0).sum<1>()");
  expect_basic(neg.template max<1>(), ref::max(rneg, {1}), "any along axis 1");
  expect_basic(neg.template min<0>(), ref::min(rneg, {0}), "all along axis 0");
  expect_reduced(neg.mean(), ref::mean(rneg), "fraction of negatives");
}

// A reduction large enough to be split over threads on the CPU devices, along each axis and over all.
template <class T>
void large_reductions(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<T, 64, 513>>(rng, dev, -2, 2, 0.125);
  expect_reduced(x.template sum<1>(), ref::sum(rx, {1}), "sum<1>() of (64, 513)");
  expect_reduced(x.template sum<0>(), ref::sum(rx, {0}), "sum<0>() of (64, 513)");
  expect_reduced(x.sum(), ref::sum(rx), "sum() of (64, 513)");
  expect_basic(x.template max<0>(), ref::max(rx, {0}), "max<0>() of (64, 513)");
}

template <class T>
void reduce_all(const std::string& dev, std::uint64_t seed) {
  reductions<T>(dev, seed);
  if constexpr (std::is_same_v<T, float>) bool_reductions<T>(dev, seed);  // the bool results do not depend on T
  large_reductions<T>(dev, seed);
}
// The int32 extremes: min and minimum must order INT_MIN and INT_MAX correctly (negating INT_MIN overflows, so a
// min computed as -max(-x) gets them wrong; ~x reverses the order of every int32 exactly).
void int32_extremes(const std::string& dev) {
  constexpr std::int32_t lo = std::numeric_limits<std::int32_t>::min(), hi = std::numeric_limits<std::int32_t>::max();
  auto x = Tensor<std::int32_t, 2, 3>::from({lo, 5, -3, hi, 0, lo + 1}).to(dev);
  auto y = Tensor<std::int32_t, 3>::from({-1, lo, hi}).to(dev);
  const ref::Array rx{{2, 3}, {lo, 5, -3, hi, 0, lo + 1.0}}, ry{{3}, {-1, lo, hi}};
  expect_basic(x.min(), ref::min(rx), "min() with INT_MIN");
  expect_basic(x.template min<1>(), ref::min(rx, {1}), "min<1>() with INT_MIN");
  expect_basic(x.max(), ref::max(rx), "max() with INT_MAX");
  expect_basic(x.minimum(y), ref::zip(rx, ry, [](double a, double b) { return std::min(a, b); }), "minimum(x, y) with INT_MIN");
  expect_basic(x.maximum(y), ref::zip(rx, ry, [](double a, double b) { return std::max(a, b); }), "maximum(x, y) with INT_MIN");
}

}  // namespace

BOOST_AUTO_TEST_CASE(int32_min_max_extremes, CTGRAD_ON_DEVICES) { ctgrad_test::on_each_device(int32_extremes); }

BOOST_AUTO_TEST_CASE(reduce_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(reduce_all<float>); }
BOOST_AUTO_TEST_CASE(reduce_float64, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(reduce_all<double>); }
BOOST_AUTO_TEST_CASE(reduce_int32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(reduce_all<std::int32_t>); }
