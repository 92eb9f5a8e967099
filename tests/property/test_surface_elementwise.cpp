// Op surface, elementwise group, against the float64 reference: powers, erf, inverse trigonometry, hyperbolics,
// rounding, predicates, remainders, bitwise helpers and every activation; float and double (int32 where the op
// applies), two shapes each, fixed seeds, every device.
#define BOOST_TEST_MODULE surface_elementwise
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>

#include "reference_surface.hpp"

namespace {

using ctgrad::Tensor;
using ref::expect_basic;
using ref::expect_transcendental;
using ref::map;

// Polynomial approximations (erf: A&S 7.1.26, asin: tinygrad's) hold to about 1e-7 whatever the dtype.
template <class TT>
void expect_approx(const TT& t, const ref::Array& want, const char* what) {
  ref::expect_matches(t, want, {1e-6, 1e-6}, what);
}

double gelu(double x) { return 0.5 * x * (1 + std::tanh(std::sqrt(2 / M_PI) * (x + 0.044715 * x * x * x))); }
double sigmoid(double x) { return 1 / (1 + std::exp(-x)); }
double softplus(double x) { return std::log1p(std::exp(x)); }
double pymod(double x, double y) {
  double r = std::fmod(x, y);
  return r != 0 && ((r < 0) != (y < 0)) ? r + y : r;
}

template <class TA>
void math(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [a, ra] = ref::random_input<TA>(rng, dev, -3, 3);
  auto [p, rp] = ref::random_input<TA>(rng, dev, 0.05, 9);
  auto [u, ru] = ref::random_input<TA>(rng, dev, -0.99, 0.99);
  auto [q, rq] = ref::random_input<TA>(rng, dev, -4, 4, 0.25);  // quarters: ties and whole numbers occur
  auto [e, re] = ref::random_input<TA>(rng, dev, -3, 3, 0.5);   // whole and half exponents
  auto [g, rg] = ref::random_input<TA>(rng, dev, 1, 9);
  auto [d, rd] = ref::random_input<TA>(rng, dev, 0.25, 3, 0.25);  // divisors, never 0
  expect_basic(a.square(), map(ra, [](double x) { return x * x; }), "square");
  expect_transcendental(p.rsqrt(), map(rp, [](double x) { return 1 / std::sqrt(x); }), "rsqrt");
  expect_transcendental(a.exp2(), map(ra, [](double x) { return std::exp2(x); }), "exp2");
  expect_transcendental(p.log2(), map(rp, [](double x) { return std::log2(x); }), "log2");
  expect_transcendental(p.log10(), map(rp, [](double x) { return std::log10(x); }), "log10");
  expect_transcendental(u.tan(), map(ru, [](double x) { return std::tan(x); }), "tan");
  expect_approx(u.asin(), map(ru, [](double x) { return std::asin(x); }), "asin");
  expect_approx(u.acos(), map(ru, [](double x) { return std::acos(x); }), "acos");
  expect_approx(a.atan(), map(ra, [](double x) { return std::atan(x); }), "atan");
  expect_transcendental(a.sinh(), map(ra, [](double x) { return std::sinh(x); }), "sinh");
  expect_transcendental(a.cosh(), map(ra, [](double x) { return std::cosh(x); }), "cosh");
  expect_transcendental(a.asinh(), map(ra, [](double x) { return std::asinh(x); }), "asinh");
  expect_transcendental(g.acosh(), map(rg, [](double x) { return std::acosh(x); }), "acosh");
  expect_transcendental(u.atanh(), map(ru, [](double x) { return std::atanh(x); }), "atanh");
  expect_approx(a.erf(), map(ra, [](double x) { return std::erf(x); }), "erf");
  expect_basic(q.trunc(), map(rq, [](double x) { return std::trunc(x); }), "trunc");
  expect_basic(q.floor(), map(rq, [](double x) { return std::floor(x); }), "floor");
  expect_basic(q.ceil(), map(rq, [](double x) { return std::ceil(x); }), "ceil");
  expect_basic(q.round(), map(rq, [](double x) { return std::nearbyint(x); }), "round: half to even");
  expect_basic(q.sign(), map(rq, [](double x) { return double((x > 0) - (x < 0)); }), "sign");
  expect_basic(a.copysign(q), ref::zip(ra, rq, [](double x, double y) { return std::copysign(x, y); }), "copysign(tensor)");
  expect_basic(a.copysign(-1.0), map(ra, [](double x) { return -std::abs(x); }), "copysign(-1)");
  expect_basic(a.pow(3.0), map(ra, [](double x) { return x * x * x; }), "pow(a, 3): negative bases");
  expect_transcendental(p.pow(-2.0), map(rp, [](double x) { return std::pow(x, -2); }), "pow(p, -2)");
  expect_transcendental(a.pow(0.5), map(ra, [](double x) { return std::pow(x, 0.5); }), "pow(a, 0.5): NaN for a < 0");
  expect_transcendental(a.pow(e), ref::zip(ra, re, [](double x, double y) { return std::pow(x, y); }), "pow(a, e): sign and NaN by exponent");
  expect_transcendental(ctgrad::pow(2.0, a), map(ra, [](double x) { return std::pow(2.0, x); }), "pow(2, a)");
  expect_transcendental(a.logaddexp(q), ref::zip(ra, rq, [](double x, double y) { return std::log(std::exp(x) + std::exp(y)); }), "logaddexp");
  expect_basic(a.lerp(q, u), ref::zip(ra, ref::zip(ref::zip(rq, ra, std::minus<>{}), ru, std::multiplies<>{}), std::plus<>{}), "lerp");
  expect_basic(q.fmod(d), ref::zip(rq, rd, [](double x, double y) { return std::fmod(x, y); }), "fmod");
  expect_basic(q.mod(d), ref::zip(rq, rd, pymod), "mod (floored), positive divisor");
  expect_basic(q.mod(-d), ref::zip(rq, rd, [](double x, double y) { return pymod(x, -y); }), "mod (floored), negative divisor");
  expect_basic(a.clip(-1, 2), map(ra, [](double x) { return std::clamp(x, -1.0, 2.0); }), "clip");
  expect_basic(a.clamp(-0.5, 0.5), map(ra, [](double x) { return std::clamp(x, -0.5, 0.5); }), "clamp");
  expect_basic(q.logical_not(), map(rq, [](double x) { return double(x == 0); }), "logical_not");
  expect_basic(a.usum(q, p), ref::zip(ref::zip(ra, rq, std::plus<>{}), rp, std::plus<>{}), "usum");
  expect_basic(a.uprod(q, p), ref::zip(ref::zip(ra, rq, std::multiplies<>{}), rp, std::multiplies<>{}), "uprod");
  expect_basic(a.clone(), ra, "clone");
  auto near = a + (q * 1e-9);  // within rtol of a where q is small enough, exactly a elsewhere for float
  expect_basic(a.isclose(a), map(ra, [](double) { return 1.0; }), "isclose(a, a)");
  expect_basic(a.isclose(a + 1), map(ra, [](double) { return 0.0; }), "isclose(a, a + 1)");
  expect_basic(a.isclose(near, 1e-5, 1e-6), map(ra, [](double) { return 1.0; }), "isclose within tolerance");
  expect_basic(a.allclose(near, 1e-5, 1e-6), ref::Array{{}, {1}}, "allclose");
  expect_basic(a.allclose(a * 1.01), ref::Array{{}, {0}}, "allclose of a 1% change");
}

template <class TA>
void activations(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [a, ra] = ref::random_input<TA>(rng, dev, -7, 7);
  expect_basic(a.relu6(), map(ra, [](double x) { return std::clamp(x, 0.0, 6.0); }), "relu6");
  expect_basic(a.leaky_relu(), map(ra, [](double x) { return x < 0 ? 0.01 * x : x; }), "leaky_relu()");
  expect_basic(a.leaky_relu(0.2), map(ra, [](double x) { return x < 0 ? 0.2 * x : x; }), "leaky_relu(0.2)");
  expect_transcendental(a.elu(), map(ra, [](double x) { return x > 0 ? x : std::exp(x) - 1; }), "elu");
  expect_transcendental(a.elu(0.5), map(ra, [](double x) { return x > 0 ? x : 0.5 * (std::exp(x) - 1); }), "elu(0.5)");
  expect_transcendental(a.celu(2), map(ra, [](double x) { return std::max(x, 0.0) + std::min(0.0, 2 * (std::exp(x / 2) - 1)); }), "celu(2)");
  expect_transcendental(a.selu(), map(ra, [](double x) { return 1.0507 * (x >= 0 ? x : 1.67326 * (std::exp(x) - 1)); }), "selu");
  expect_transcendental(a.silu(), map(ra, [](double x) { return x * sigmoid(x); }), "silu");
  expect_transcendental(a.swish(), map(ra, [](double x) { return x * sigmoid(x); }), "swish");
  expect_transcendental(a.gelu(), map(ra, gelu), "gelu (tanh approximation)");
  expect_transcendental(a.quick_gelu(), map(ra, [](double x) { return x * sigmoid(1.702 * x); }), "quick_gelu");
  expect_transcendental(a.softplus(), map(ra, softplus), "softplus");
  expect_transcendental(a.softplus(2), map(ra, [](double x) { return softplus(2 * x) / 2; }), "softplus(2)");
  expect_transcendental(a.logsigmoid(), map(ra, [](double x) { return -softplus(-x); }), "logsigmoid");
  expect_transcendental(a.mish(), map(ra, [](double x) { return x * std::tanh(softplus(x)); }), "mish");
  expect_basic(a.softsign(), map(ra, [](double x) { return x / (1 + std::abs(x)); }), "softsign");
  expect_basic(a.hardtanh(), map(ra, [](double x) { return std::clamp(x, -1.0, 1.0); }), "hardtanh");
  expect_basic(a.hardsigmoid(), map(ra, [](double x) { return std::clamp(x / 6 + 0.5, 0.0, 1.0); }), "hardsigmoid");
  expect_basic(a.hardswish(), map(ra, [](double x) { return x * std::clamp(x + 3, 0.0, 6.0) / 6; }), "hardswish");
}

// Integer tensors: the integral ops are identities or exact, remainders truncate or floor, shifts scale.
void integers(const std::string& dev, std::uint64_t seed) {
  using TI = Tensor<std::int32_t, 6, 5>;
  std::mt19937_64 rng(seed);
  auto [a, ra] = ref::random_input<TI>(rng, dev, -50, 50);
  auto [d, rd] = ref::random_input<TI>(rng, dev, 1, 7);
  auto [s, rs] = ref::random_input<TI>(rng, dev, 0, 1000);
  expect_basic(a.floor() + a.round() - a.trunc() - a.ceil(), map(ra, [](double) { return 0.0; }), "rounding of integers is the identity");
  expect_basic(a.sign(), map(ra, [](double x) { return double((x > 0) - (x < 0)); }), "sign of int32");
  expect_basic(a.fmod(d), ref::zip(ra, rd, [](double x, double y) { return std::fmod(x, y); }), "fmod of int32 truncates");
  expect_basic(a.mod(d), ref::zip(ra, rd, pymod), "mod of int32 floors");
  expect_basic(a.bitwise_not(), map(ra, [](double x) { return double(~static_cast<std::int32_t>(x)); }), "bitwise_not");
  expect_basic(a.bitwise_and(d) + a.bitwise_or(d) - a.bitwise_xor(d),
               ref::zip(ra, rd, [](double x, double y) {
                 auto i = static_cast<std::int32_t>(x), j = static_cast<std::int32_t>(y);
                 return double((i & j) + (i | j) - (i ^ j));
               }),
               "bitwise and + or - xor");
  expect_basic(s.lshift(3), map(rs, [](double x) { return x * 8; }), "lshift(3)");
  expect_basic(s.rshift(2), map(rs, [](double x) { return std::floor(x / 4); }), "rshift(2) of non-negatives");
  expect_basic(a.pow(2.0), map(ra, [](double x) { return x * x; }), "pow(int32, 2) in float");
}

// IEEE predicates on infinities and NaN.
template <class T>
void predicates(const std::string& dev) {
  const std::vector<T> values{T(0), T(1.5), T(-2), T(INFINITY), T(-INFINITY), T(NAN)};
  const ref::Array rx{{values.size()}, {0, 1.5, -2, INFINITY, -INFINITY, NAN}};
  auto x = Tensor<T, 6>::from(std::span<const T>(values)).to(dev);
  expect_basic(x.isnan(), map(rx, [](double v) { return double(std::isnan(v)); }), "isnan");
  expect_basic(x.isinf(), map(rx, [](double v) { return double(std::isinf(v)); }), "isinf");
  expect_basic(x.isinf(true, false), map(rx, [](double v) { return double(v == INFINITY); }), "isinf(positive only)");
  expect_basic(x.isinf(false, true), map(rx, [](double v) { return double(v == -INFINITY); }), "isinf(negative only)");
  expect_basic(x.isfinite(), map(rx, [](double v) { return double(std::isfinite(v)); }), "isfinite");
  expect_basic(x.trunc(), map(rx, [](double v) { return std::trunc(v); }), "trunc keeps inf and nan");
  expect_basic(x.floor(), map(rx, [](double v) { return std::floor(v); }), "floor keeps inf and nan");
}

template <class T>
void all_float(const std::string& dev, std::uint64_t seed) {
  math<Tensor<T, 5, 7>>(dev, seed);
  math<Tensor<T, 2, 3, 11>>(dev, seed);
  activations<Tensor<T, 9, 8>>(dev, seed);
  activations<Tensor<T, 301>>(dev, seed);
}

}  // namespace

BOOST_AUTO_TEST_CASE(elementwise_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(all_float<float>); }
BOOST_AUTO_TEST_CASE(elementwise_float64, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(all_float<double>); }
BOOST_AUTO_TEST_CASE(elementwise_int32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(integers); }
BOOST_AUTO_TEST_CASE(predicates_float32, CTGRAD_ON_DEVICES) { ctgrad_test::on_each_device(predicates<float>); }
BOOST_AUTO_TEST_CASE(predicates_float64, CTGRAD_ON_DEVICES) { ctgrad_test::on_each_device(predicates<double>); }
