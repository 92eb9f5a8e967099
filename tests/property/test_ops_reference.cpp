// Binary arithmetic against the float64 reference (reference.hpp): + - * / maximum minimum, with tensors and
// scalars on either side, for float, double and int32 over broadcasting shape pairs, random values from fixed seeds,
// on every device. The other ops of the contract are in test_ops_{compare,unary,reduce,matmul,movement,creation}.cpp.
#define BOOST_TEST_MODULE ops_reference
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <limits>

#include "reference.hpp"

namespace {

using ctgrad::Tensor;
using ref::expect_basic;
using ref::idiv;

// Every binary op on a pair of shapes that broadcast together.
template <class TA, class TB>
void binary_ops(const std::string& dev, std::uint64_t seed) {
  using T = typename TA::dtype;
  constexpr bool integer = std::is_integral_v<T>;
  std::mt19937_64 rng(seed);
  auto [a, ra] = ref::random_input<TA>(rng, dev, integer ? -20 : -3, integer ? 20 : 3);
  auto [b, rb] = ref::random_input<TB>(rng, dev, integer ? -5 : -3, integer ? 5 : 3);  // integer b holds zeros
  expect_basic(a + b, ref::zip(ra, rb, std::plus<>{}), "a + b");
  expect_basic(a - b, ref::zip(ra, rb, std::minus<>{}), "a - b");
  expect_basic(a * b, ref::zip(ra, rb, std::multiplies<>{}), "a * b");
  if constexpr (integer) expect_basic(a / b, ref::zip(ra, rb, idiv), "a / b (integer, b has zeros)");
  else expect_basic(a / b, ref::zip(ra, rb, std::divides<>{}), "a / b");
  expect_basic(a.maximum(b), ref::zip(ra, rb, [](double x, double y) { return std::max(x, y); }), "maximum(a, b)");
  expect_basic(a.minimum(b), ref::zip(ra, rb, [](double x, double y) { return std::min(x, y); }), "minimum(a, b)");
  expect_basic((a * b + a) / (b * b + T{1}), ref::zip(ra, rb, [](double x, double y) {
                 return integer ? idiv(x * y + x, y * y + 1) : (x * y + x) / (y * y + 1);
               }), "(a * b + a) / (b * b + 1)");
  // scalar operands on either side
  expect_basic(a + 2, ref::map(ra, [](double x) { return x + 2; }), "a + 2");
  expect_basic(3 - a, ref::map(ra, [](double x) { return 3 - x; }), "3 - a");
  expect_basic(a * 0.5, ref::map(ra, [](double x) { return x * 0.5; }), "a * 0.5 (integer tensors compute in float)");
  expect_basic(a / 4, ref::map(ra, [](double x) { return integer ? idiv(x, 4) : x / 4; }), "a / 4");
  expect_basic(a.maximum(1).minimum(2), ref::map(ra, [](double x) { return std::min(std::max(x, 1.0), 2.0); }), "clamp to [1, 2]");
  if constexpr (integer) expect_basic(a / 0, ref::map(ra, [](double) { return 0.0; }), "a / 0 (integer)");
}

// Shape pairs: equal shapes for every dtype; trailing broadcast, broadcast on both sides, rank 0, and one large
// enough for the CPU devices to split the work over threads, spread over the dtypes.
void binary_float(const std::string& dev, std::uint64_t seed) {
  binary_ops<Tensor<float, 3, 4>, Tensor<float, 3, 4>>(dev, seed);
  binary_ops<Tensor<float, 2, 3, 5>, Tensor<float, 5>>(dev, seed);
  binary_ops<Tensor<float, 4, 1>, Tensor<float, 1, 6>>(dev, seed);
  binary_ops<Tensor<float>, Tensor<float, 2, 3>>(dev, seed);
  binary_ops<Tensor<float, 256, 300>, Tensor<float, 300>>(dev, seed);
}
void binary_double(const std::string& dev, std::uint64_t seed) {
  binary_ops<Tensor<double, 3, 4>, Tensor<double, 3, 4>>(dev, seed);
  binary_ops<Tensor<double, 2, 3>, Tensor<double>>(dev, seed);
}
void binary_int32(const std::string& dev, std::uint64_t seed) {
  binary_ops<Tensor<std::int32_t, 3, 4>, Tensor<std::int32_t, 3, 4>>(dev, seed);
  binary_ops<Tensor<std::int32_t, 5>, Tensor<std::int32_t, 2, 3, 5>>(dev, seed);
  binary_ops<Tensor<std::int32_t, 256, 300>, Tensor<std::int32_t, 256, 1>>(dev, seed);
}

}  // namespace

BOOST_AUTO_TEST_CASE(binary_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(binary_float); }
BOOST_AUTO_TEST_CASE(binary_float64, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(binary_double); }
BOOST_AUTO_TEST_CASE(binary_int32s, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(binary_int32); }

// INT_MIN / -1 overflows: it must not trap (x86 idiv does), and wraps to INT_MIN as two's complement arithmetic does.
BOOST_AUTO_TEST_CASE(int32_division_overflow, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    constexpr std::int32_t lo = std::numeric_limits<std::int32_t>::min();
    auto a = Tensor<std::int32_t, 4>::from({lo, lo, 7, -7}).to(dev);
    auto b = Tensor<std::int32_t, 4>::from({-1, 0, -1, 2}).to(dev);
    expect_basic(a / b, ref::Array{{4}, {lo, 0, -7, -3}}, "INT_MIN / -1, INT_MIN / 0, 7 / -1, -7 / 2");
  });
}

// Mixed dtypes promote (int32 with float -> float, float with double -> double) before computing.
BOOST_AUTO_TEST_CASE(mixed_dtypes, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    std::mt19937_64 rng(7);
    auto [i, ri] = ref::random_input<Tensor<std::int32_t, 3, 4>>(rng, dev, -9, 9);
    auto [f, rf] = ref::random_input<Tensor<float, 4>>(rng, dev, -2, 2);
    auto [d, rd] = ref::random_input<Tensor<double, 3, 1>>(rng, dev, -2, 2);
    auto fi = i * f;
    static_assert(std::is_same_v<decltype(fi)::dtype, float>);
    expect_basic(fi, ref::zip(ri, rf, std::multiplies<>{}), "int32 * float");
    auto df = f + d;
    static_assert(std::is_same_v<decltype(df)::dtype, double>);
    expect_basic(df, ref::zip(rf, rd, std::plus<>{}), "float + double");
    expect_basic(i / f, ref::zip(ri, rf, std::divides<>{}), "int32 / float divides in float");
  });
}
