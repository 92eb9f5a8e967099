// Creation ops against the float64 reference (reference.hpp): full, zeros, ones, arange, from, and rand/randn with
// manual_seed (determinism, range, moments, the same stream on every device); float, double and int32, every device.
#define BOOST_TEST_MODULE ops_creation
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <numeric>

#include "reference.hpp"

namespace {

using ctgrad::Tensor;
using ref::expect_basic;

ref::Array filled(const ref::Shape& s, double v) {
  return {s, std::vector<double>(ref::numel(s), v)};
}

template <class T>
void creation(const std::string& dev, std::uint64_t seed) {
  constexpr bool integer = std::is_integral_v<T>;
  const double fill = integer ? -7 : 2.5;
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<T, 3, 4>>(rng, dev, -9, 9);
  expect_basic(Tensor<T, 3, 4>::full(fill).to(dev), filled({3, 4}, fill), "full");
  expect_basic(Tensor<T, 3, 4>::zeros().to(dev), filled({3, 4}, 0), "zeros");
  expect_basic(Tensor<T, 3, 4>::ones().to(dev), filled({3, 4}, 1), "ones");
  // a constant computed by a kernel on `dev` itself (creation ops build on the default device)
  expect_basic(Tensor<T, 3, 4>::from_const(fill, dev), filled({3, 4}, fill), "a constant realized on the device");
  expect_basic(Tensor<T, 3, 4>::full(fill).to(dev) * x + Tensor<T, 4>::ones().to(dev), ref::map(rx, [&](double v) { return fill * v + 1; }),
               "full * x + ones");
  std::vector<double> iota(4096);
  std::iota(iota.begin(), iota.end(), 0.0);
  expect_basic(Tensor<T, 4096>::arange().to(dev), ref::Array{{4096}, iota}, "arange (4096)");
  expect_basic(Tensor<T, 2, 3>::arange().to(dev).template permute<1, 0>() * 2, ref::Array{{3, 2}, {0, 6, 2, 8, 4, 10}},
               "arange permuted * 2");
  expect_basic(Tensor<T, 2, 2>::from({T(1), T(-2), T(3), T(-4)}).to(dev).abs(), ref::Array{{2, 2}, {1, 2, 3, 4}}, "from({...}).abs()");
}

// rand is uniform in [0, 1), randn standard normal; both depend only on the seed, not on the device.
template <class T>
void random_creation(const std::string& dev, std::uint64_t seed) {
  ctgrad::manual_seed(seed);
  auto u = Tensor<T, 64, 64>::rand().to(dev);
  auto n = Tensor<T, 64, 64>::randn().to(dev);
  ctgrad::manual_seed(seed);
  const auto u_again = Tensor<T, 64, 64>::rand().to(dev).tolist();
  const auto n_again = Tensor<T, 64, 64>::randn().to(dev).tolist();
  ctgrad::manual_seed(seed + 1000);
  const auto other = Tensor<T, 64, 64>::rand().to(dev).tolist();
  const auto uv = u.tolist(), nv = n.tolist();
  BOOST_TEST((uv == u_again), "rand after the same manual_seed repeats");
  BOOST_TEST((nv == n_again), "randn after the same manual_seed repeats");
  BOOST_TEST((uv != other), "another seed gives other numbers");
  BOOST_TEST(*std::min_element(uv.begin(), uv.end()) >= T(0));
  BOOST_TEST(*std::max_element(uv.begin(), uv.end()) < T(1));
  // moments over 4096 samples: mean within 5 standard errors of the expectation
  BOOST_TEST(std::abs(u.mean().item() - 0.5) < 5 * std::sqrt(1.0 / 12 / 4096));
  BOOST_TEST(std::abs(n.mean().item()) < 5 / 64.0);
  BOOST_TEST(std::abs((n * n).mean().item() - 1.0) < 5 * std::sqrt(2.0 / 4096));
  // the values reach compute on the device unchanged
  std::vector<double> doubled(uv.size());
  for (std::size_t i = 0; i < uv.size(); ++i) doubled[i] = 2.0 * static_cast<double>(uv[i]);
  expect_basic(u * 2, ref::Array{{64, 64}, doubled}, "rand * 2");
}

}  // namespace

BOOST_AUTO_TEST_CASE(creation_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(creation<float>); }
BOOST_AUTO_TEST_CASE(creation_float64, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(creation<double>); }
BOOST_AUTO_TEST_CASE(creation_int32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(creation<std::int32_t>); }
BOOST_AUTO_TEST_CASE(random_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(random_creation<float>); }
BOOST_AUTO_TEST_CASE(random_float64, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(random_creation<double>); }

// manual_seed gives the same stream whichever device the values go to.
BOOST_AUTO_TEST_CASE(random_stream_is_device_independent, CTGRAD_ON_DEVICES) {
  std::vector<float> first;
  ctgrad_test::on_each_device([&](const std::string& dev) {
    ctgrad::manual_seed(5);
    auto values = (Tensor<float, 100>::randn().to(dev) * 1).tolist();
    if (first.empty()) first = values;
    BOOST_TEST((values == first));
  });
}
