// matmul against the float64 reference (reference.hpp): 2-D, batched with broadcast batch dims, vector operands on
// either side, a transposed operand, matmul feeding compute and reductions, and one larger product; float, double and
// int32 (exact), fixed seeds, every device.
#define BOOST_TEST_MODULE ops_matmul
#include <boost/test/unit_test.hpp>

#include <cstdint>

#include "reference.hpp"

namespace {

using ctgrad::Tensor;
using ref::expect_reduced;

template <class T>
void matmuls(const std::string& dev, std::uint64_t seed) {
  constexpr bool integer = std::is_integral_v<T>;
  const double lo = integer ? -5 : -2, hi = integer ? 5 : 2;
  std::mt19937_64 rng(seed);
  auto [a, ra] = ref::random_input<Tensor<T, 3, 4>>(rng, dev, lo, hi, 0.25);
  auto [b, rb] = ref::random_input<Tensor<T, 4, 5>>(rng, dev, lo, hi, 0.25);
  auto [ba, rba] = ref::random_input<Tensor<T, 2, 3, 4>>(rng, dev, lo, hi, 0.25);
  auto [bb, rbb] = ref::random_input<Tensor<T, 5, 4, 2>>(rng, dev, lo, hi, 0.25);
  auto [v, rv] = ref::random_input<Tensor<T, 4>>(rng, dev, lo, hi, 0.25);
  expect_reduced(a.matmul(b), ref::matmul(ra, rb), "(3,4) @ (4,5)");
  expect_reduced(ba.matmul(b), ref::matmul(rba, rb), "(2,3,4) @ (4,5): batch broadcast on the right");
  expect_reduced(ba.template reshape<2, 1, 3, 4>().matmul(bb), ref::matmul(ref::reshape(rba, {2, 1, 3, 4}), rbb),
                 "(2,1,3,4) @ (5,4,2): batch dims broadcast to (2,5)");
  expect_reduced(v.matmul(b), ref::matmul(rv, rb), "(4) @ (4,5)");
  expect_reduced(a.matmul(v), ref::matmul(ra, rv), "(3,4) @ (4)");
  expect_reduced(v.matmul(v), ref::matmul(rv, rv), "(4) @ (4): dot product");
  expect_reduced(a.matmul(a.template transpose<0, 1>()), ref::matmul(ra, ref::permute(ra, {1, 0})), "a @ a^T");
  expect_reduced((a.matmul(b) + 1).relu().template sum<0>(), ref::sum(ref::map(ref::matmul(ra, rb), [](double x) {
                   return std::max(x + 1, 0.0);
                 }), {0}), "sum<0>(relu(a @ b + 1))");
}

// One larger matmul (inner dim 96) against the reference.
template <class T>
void large_matmul(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [a, ra] = ref::random_input<Tensor<T, 64, 96>>(rng, dev, -1, 1, 0.25);
  auto [b, rb] = ref::random_input<Tensor<T, 96, 80>>(rng, dev, -1, 1, 0.25);
  expect_reduced(a.matmul(b), ref::matmul(ra, rb), "(64,96) @ (96,80)");
}

template <class T>
void matmul_all(const std::string& dev, std::uint64_t seed) {
  matmuls<T>(dev, seed);
  if constexpr (!std::is_same_v<T, double>) large_matmul<T>(dev, seed);  // the large case adds nothing dtype-specific for double
}

}  // namespace

BOOST_AUTO_TEST_CASE(matmul_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(matmul_all<float>); }
BOOST_AUTO_TEST_CASE(matmul_float64, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(matmul_all<double>); }
BOOST_AUTO_TEST_CASE(matmul_int32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(matmul_all<std::int32_t>); }
