// Op surface, creation and random group: eye and linspace against the float64 reference; randint, uniform, normal,
// the initializers (kaiming, glorot, scaled), randperm and multinomial by their laws (range, bounds, moments,
// permutation, determinism under manual_seed, the same values on every device); the *_like family.
#define BOOST_TEST_MODULE surface_creation
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <set>

#include "reference_surface.hpp"

namespace {

using ctgrad::Tensor;
using ref::expect_basic;

template <class T>
void deterministic(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<T, 3, 4>>(rng, dev, -9, 9);
  auto eye = [](std::size_t n, std::size_t m) {
    ref::Array a{{n, m}, std::vector<double>(n * m)};
    for (std::size_t i = 0; i < std::min(n, m); ++i) a.v[i * m + i] = 1;
    return a;
  };
  expect_basic(Tensor<T, 4, 4>::eye().to(dev), eye(4, 4), "eye 4x4");
  expect_basic(Tensor<T, 2, 5>::eye().to(dev), eye(2, 5), "eye 2x5");
  expect_basic(Tensor<T, 5, 3>::eye().to(dev) * 3, ref::map(eye(5, 3), [](double v) { return 3 * v; }), "eye 5x3 * 3");
  expect_basic(x.matmul(Tensor<T, 4, 4>::eye().to(dev)), rx, "x @ eye = x");
  if constexpr (std::is_floating_point_v<T>) {
    expect_basic(Tensor<T, 5>::linspace(-1, 1).to(dev), ref::Array{{5}, {-1, -0.5, 0, 0.5, 1}}, "linspace(-1, 1) of 5");
    expect_basic(Tensor<T, 1>::linspace(3, 7).to(dev), ref::Array{{1}, {3}}, "linspace of 1 is start");
    std::vector<double> lin(50);
    for (std::size_t i = 0; i < 50; ++i) lin[i] = 2 + i * (10.0 / 49);
    expect_basic(Tensor<T, 50>::linspace(2, 12).to(dev), ref::Array{{50}, lin}, "linspace(2, 12) of 50");
  }
  auto fill = [&](double v) { return ref::map(rx, [v](double) { return v; }); };
  expect_basic(x.zeros_like(), fill(0), "zeros_like");
  expect_basic(x.ones_like(), fill(1), "ones_like");
  expect_basic(x.full_like(7), fill(7), "full_like(7)");
  expect_basic(x.const_like(-2), fill(-2), "const_like(-2)");
  BOOST_TEST(x.empty_like().device() == dev);
  BOOST_TEST(x.rand_like().device() == dev);
}

double mean_of(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size()); }
double std_of(const std::vector<double>& v) {
  const double m = mean_of(v);
  double s = 0;
  for (auto x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size()));
}
template <class TT>
std::vector<double> values(const TT& t) {
  auto v = t.tolist();
  return {v.begin(), v.end()};
}

template <class T>
void random_laws(const std::string& dev, std::uint64_t seed) {
  ctgrad::manual_seed(seed);
  auto ri = values(Tensor<std::int32_t, 64, 64>::randint(-3, 5).to(dev));
  BOOST_TEST(*std::min_element(ri.begin(), ri.end()) == -3);
  BOOST_TEST(*std::max_element(ri.begin(), ri.end()) == 4, "randint: high is exclusive");
  BOOST_TEST(std::abs(mean_of(ri) - 0.5) < 0.2);
  auto u = values(Tensor<T, 64, 64>::uniform(2, 6).to(dev));
  BOOST_TEST(*std::min_element(u.begin(), u.end()) >= 2.0);
  BOOST_TEST(*std::max_element(u.begin(), u.end()) < 6.0);
  BOOST_TEST(std::abs(mean_of(u) - 4) < 5 * 4 / std::sqrt(12.0 * 4096));
  auto n = values(Tensor<T, 64, 64>::normal(1, 3).to(dev));
  BOOST_TEST(std::abs(mean_of(n) - 1) < 5 * 3 / 64.0);
  BOOST_TEST(std::abs(std_of(n) - 3) < 0.2);
  // initializers: bounds and spreads from tinygrad's formulas, fan_in = prod(shape[1:])
  auto ku = values(Tensor<T, 64, 32, 3, 3>::kaiming_uniform().to(dev));
  const double kb = std::sqrt(3.0) * std::sqrt(2.0 / (1 + 0.01 * 0.01)) / std::sqrt(32.0 * 9);
  BOOST_TEST(*std::max_element(ku.begin(), ku.end()) <= kb);
  BOOST_TEST(*std::max_element(ku.begin(), ku.end()) > 0.95 * kb);
  BOOST_TEST(*std::min_element(ku.begin(), ku.end()) >= -kb);
  auto kn = values(Tensor<T, 64, 32, 3, 3>::kaiming_normal(0.0).to(dev));
  BOOST_TEST(std::abs(std_of(kn) - std::sqrt(2.0 / (32 * 9))) < 0.03 * std::sqrt(2.0 / (32 * 9)));
  auto gu = values(Tensor<T, 100, 50>::glorot_uniform().to(dev));
  const double gb = std::sqrt(6.0 / 150);
  BOOST_TEST(*std::max_element(gu.begin(), gu.end()) <= gb);
  BOOST_TEST(*std::max_element(gu.begin(), gu.end()) > 0.95 * gb);
  auto su = values(Tensor<T, 40, 40>::scaled_uniform().to(dev));
  BOOST_TEST(*std::max_element(su.begin(), su.end()) <= 1 / 40.0);
  BOOST_TEST(*std::min_element(su.begin(), su.end()) >= -1 / 40.0);
  // the same seed gives the same values on every device
  ctgrad::manual_seed(seed);
  auto again = values(Tensor<std::int32_t, 64, 64>::randint(-3, 5).to(dev));
  BOOST_TEST((again == ri), "randint repeats after manual_seed");
  ctgrad::manual_seed(seed);
  auto host = values(Tensor<std::int32_t, 64, 64>::randint(-3, 5));
  BOOST_TEST((host == ri), "randint does not depend on the device");
}

void permutations_and_samples(const std::string& dev, std::uint64_t seed) {
  ctgrad::manual_seed(seed);
  auto p = Tensor<std::int32_t, 50>::randperm().to(dev).tolist();
  std::set<std::int32_t> seen(p.begin(), p.end());
  BOOST_TEST(seen.size() == 50u);
  BOOST_TEST(*seen.begin() == 0);
  BOOST_TEST(*seen.rbegin() == 49);
  auto q = Tensor<std::int32_t, 50>::randperm().tolist();
  BOOST_TEST((p != q), "a second randperm differs");
  // multinomial with replacement: frequencies follow the (unnormalized) weights
  auto w = Tensor<float, 4>::from({1, 0, 3, 4}).to(dev);
  auto s = w.multinomial<4000>(true).tolist();
  std::array<double, 4> freq{};
  for (auto k : s) freq.at(static_cast<std::size_t>(k)) += 1.0 / 4000;
  BOOST_TEST(freq[1] == 0.0, "a zero weight is never drawn");
  BOOST_TEST(std::abs(freq[0] - 0.125) < 0.03);
  BOOST_TEST(std::abs(freq[2] - 0.375) < 0.04);
  BOOST_TEST(std::abs(freq[3] - 0.5) < 0.04);
  auto rows = Tensor<float, 2, 3>::from({0, 0, 1, 0, 1, 0}).to(dev).multinomial().tolist();
  BOOST_TEST((rows == std::vector<std::int32_t>{2, 1}), "one-hot weights draw their class");
  BOOST_CHECK_THROW((void)w.multinomial<2>(false), ctgrad::Error);
}

}  // namespace

BOOST_AUTO_TEST_CASE(creation_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(deterministic<float>); }
BOOST_AUTO_TEST_CASE(creation_int32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(deterministic<std::int32_t>); }
BOOST_AUTO_TEST_CASE(random_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(random_laws<float>); }
BOOST_AUTO_TEST_CASE(random_float64, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(random_laws<double>); }
BOOST_AUTO_TEST_CASE(permutations, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(permutations_and_samples); }
