// Comparisons (bool results), bool logic and where against the float64 reference (reference.hpp), for float,
// double and int32 over broadcasting shapes, random values from fixed seeds, on every device.
#define BOOST_TEST_MODULE ops_compare
#include <boost/test/unit_test.hpp>

#include <cstdint>

#include "reference.hpp"

namespace {

using ctgrad::Tensor;
using ref::expect_basic;

// Values on a coarse grid so that equal elements (ties) occur for floats too.
template <class TA, class TB>
void comparisons(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [a, ra] = ref::random_input<TA>(rng, dev, -2, 2, 0.5);
  auto [b, rb] = ref::random_input<TB>(rng, dev, -2, 2, 0.5);
  expect_basic(a < b, ref::zip(ra, rb, std::less<>{}), "a < b");
  expect_basic(a == b, ref::zip(ra, rb, std::equal_to<>{}), "a == b");
  expect_basic(a != b, ref::zip(ra, rb, std::not_equal_to<>{}), "a != b");
  expect_basic(a > b, ref::zip(ra, rb, std::greater<>{}), "a > b");
  expect_basic(a <= b, ref::zip(ra, rb, std::less_equal<>{}), "a <= b");
  expect_basic(a >= b, ref::zip(ra, rb, std::greater_equal<>{}), "a >= b");
  expect_basic(a < 1, ref::map(ra, [](double x) { return x < 1; }), "a < 1");
  expect_basic(0 < a, ref::map(ra, [](double x) { return 0 < x; }), "0 < a");
  // bool logic on comparison results
  auto p = a < b;
  auto q = a == b;
  auto rp = ref::zip(ra, rb, std::less<>{}), rq = ref::zip(ra, rb, std::equal_to<>{});
  auto either = [](double x, double y) { return x != 0 || y != 0; };
  auto both = [](double x, double y) { return x != 0 && y != 0; };
  auto negated = [](double x) { return x == 0; };
  expect_basic(p | q, ref::zip(rp, rq, either), "(a < b) | (a == b)");
  expect_basic(p & q, ref::zip(rp, rq, both), "(a < b) & (a == b)");
  expect_basic(p ^ q, ref::zip(rp, rq, [](double x, double y) { return (x != 0) != (y != 0); }), "(a < b) ^ (a == b)");
  expect_basic(p ^ true, ref::map(rp, negated), "(a < b) ^ true");
  expect_basic(-p, ref::map(rp, negated), "-(a < b) is logical not");
  expect_basic(p + q, ref::zip(rp, rq, either), "bool + bool is or");
  expect_basic(p * q, ref::zip(rp, rq, both), "bool * bool is and");
  expect_basic(p.maximum(q), ref::zip(rp, rq, either), "maximum of bools is or");
  expect_basic(p.minimum(q), ref::zip(rp, rq, both), "minimum of bools is and");
  // where: tensors and scalars in both branches, the condition broadcast against both
  expect_basic(p.where(a, b), ref::where(rp, ra, rb), "(a < b).where(a, b)");
  expect_basic(q.where(a, 7), ref::where(rq, ra, ref::Array{{}, {7}}), "(a == b).where(a, 7)");
  expect_basic(p.where(1, b), ref::where(rp, ref::Array{{}, {1}}, rb), "(a < b).where(1, b)");
  expect_basic((a < 0).where(b, a), ref::where(ref::map(ra, [](double x) { return x < 0; }), rb, ra), "(a < 0).where(b, a)");
}

void compare_float(const std::string& dev, std::uint64_t seed) {
  comparisons<Tensor<float, 3, 4>, Tensor<float, 3, 4>>(dev, seed);
  comparisons<Tensor<float, 2, 1, 5>, Tensor<float, 3, 1>>(dev, seed);
}
void compare_double(const std::string& dev, std::uint64_t seed) { comparisons<Tensor<double, 4, 6>, Tensor<double, 6>>(dev, seed); }
void compare_int32(const std::string& dev, std::uint64_t seed) {
  comparisons<Tensor<std::int32_t, 3, 4>, Tensor<std::int32_t, 3, 4>>(dev, seed);
  comparisons<Tensor<std::int32_t, 5, 1>, Tensor<std::int32_t, 2, 1, 7>>(dev, seed);
}

}  // namespace

BOOST_AUTO_TEST_CASE(compare_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(compare_float); }
BOOST_AUTO_TEST_CASE(compare_float64, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(compare_double); }
BOOST_AUTO_TEST_CASE(compare_int32s, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(compare_int32); }

// where over three dtypes promotes the branches (int32 with double -> double).
BOOST_AUTO_TEST_CASE(where_mixed_dtypes, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    std::mt19937_64 rng(11);
    auto [i, ri] = ref::random_input<Tensor<std::int32_t, 3, 4>>(rng, dev, -3, 3);
    auto [f, rf] = ref::random_input<Tensor<float, 4>>(rng, dev, -3, 3, 1);
    auto [d, rd] = ref::random_input<Tensor<double, 3, 1>>(rng, dev, -2, 2);
    auto w = (i < f).where(i, d);
    static_assert(std::is_same_v<decltype(w)::dtype, double>);
    expect_basic(w, ref::where(ref::zip(ri, rf, std::less<>{}), ri, rd), "(int32 < float).where(int32, double)");
  });
}
