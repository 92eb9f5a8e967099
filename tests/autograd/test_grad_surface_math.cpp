// gradcheck of the op surface's elementwise math (surface/elementwise.hpp) and activations (surface/activation.hpp),
// in float and double on every device. Values sit away from kinks, poles and integers (rounding), where the
// derivative jumps. erf and asin/acos/atan are polynomial approximations: their references are the same polynomials
// (the derivative of an approximation is not the true derivative to 1e-6), so the check is of the chain rule.
#define BOOST_TEST_MODULE grad_surface_math
#include <boost/test/unit_test.hpp>

#include <numbers>

#include "gradcheck.hpp"

namespace {

using ctgrad::Tensor;
using gradcheck::check;
namespace r = ref;

auto m(std::function<double(double)> fn) {
  return [fn](const r::Array& x) { return r::map(x, fn); };
}
auto z(std::function<double(double, double)> fn) {
  return [fn](const r::Array& x, const r::Array& y) { return r::zip(x, y, fn); };
}
double sgn(double v) { return v > 0 ? 1 : v < 0 ? -1 : 0; }
double erf_as(double x) {  // Abramowitz and Stegun 7.1.26, as surface/elementwise.hpp
  const double t = 1 / (1 + 0.3275911 * std::abs(x));
  const double poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return sgn(x) * (1 - poly * std::exp(-x * x));
}
double asin_poly(double x) {  // tinygrad's polynomial, as surface/elementwise.hpp
  const double a = std::abs(x);
  const double poly =
      ((((((-0.0012624911 * a + 0.0066700901) * a - 0.0170881256) * a + 0.0308918810) * a - 0.0501743046) * a + 0.0889789874) * a - 0.2145988016) * a +
      1.5707963050;
  return sgn(x) * (std::numbers::pi / 2 - std::sqrt(1 - a) * poly);
}

template <class T>
void math(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto a = r::random_input<Tensor<T, 3, 4>>(rng, dev, -2, 2);
  auto p = r::random_input<Tensor<T, 3, 4>>(rng, dev, 0.3, 3);    // positive: logs, roots, fractional powers
  auto u = r::random_input<Tensor<T, 3, 4>>(rng, dev, -0.9, 0.9);  // inside (-1, 1): asin, atanh
  auto g = r::random_input<Tensor<T, 3, 4>>(rng, dev, 1.2, 3);     // above 1: acosh
  auto q = r::random_input<Tensor<T, 4>>(rng, dev, -1.5, 1.5);
  check("square", rng, [](auto x) { return x.square(); }, m([](double v) { return v * v; }), a);
  check("rsqrt", rng, [](auto x) { return x.rsqrt(); }, m([](double v) { return 1 / std::sqrt(v); }), p);
  check("exp2", rng, [](auto x) { return x.exp2(); }, m([](double v) { return std::exp2(v); }), a);
  check("log2", rng, [](auto x) { return x.log2(); }, m([](double v) { return std::log2(v); }), p);
  check("log10", rng, [](auto x) { return x.log10(); }, m([](double v) { return std::log10(v); }), p);
  check("tan", rng, [](auto x) { return x.tan(); }, m([](double v) { return std::tan(v); }), u);
  check("sinh", rng, [](auto x) { return x.sinh(); }, m([](double v) { return std::sinh(v); }), a);
  check("cosh", rng, [](auto x) { return x.cosh(); }, m([](double v) { return std::cosh(v); }), a);
  check("asinh", rng, [](auto x) { return x.asinh(); }, m([](double v) { return std::asinh(v); }), a);
  check("acosh", rng, [](auto x) { return x.acosh(); }, m([](double v) { return std::acosh(v); }), g);
  check("atanh", rng, [](auto x) { return x.atanh(); }, m([](double v) { return std::atanh(v); }), u);
  check("erf", rng, [](auto x) { return x.erf(); }, m(erf_as), a);
  check("asin", rng, [](auto x) { return x.asin(); }, m(asin_poly), u);
  check("acos", rng, [](auto x) { return x.acos(); }, m([](double v) { return std::numbers::pi / 2 - asin_poly(v); }), u);
  check("atan", rng, [](auto x) { return x.atan(); }, m([](double v) { return asin_poly(v / std::sqrt(v * v + 1)); }), a);
  // rounding and sign: zero gradient almost everywhere (the values are not integers)
  check("trunc + floor + ceil + round + sign", rng, [](auto x) { return x.trunc() + x.floor() + x.ceil() + x.round() + x.sign(); },
        m([](double v) { return std::trunc(v) + std::floor(v) + std::ceil(v) + std::nearbyint(v) + sgn(v); }), a);
  check("x * floor(x)", rng, [](auto x) { return x * x.floor(); }, m([](double v) { return v * std::floor(v); }), a);
  // the sign operand only feeds comparisons: no gradient reaches it (grad() throws for it), so it is captured
  check("copysign(x, q)", rng, [&](auto x) { return x.copysign(q.t); }, [&](auto x) { return r::zip(x, q.r, [](double v, double s) { return std::copysign(v, s); }); },
        a);
  check("copysign(x, -1)", rng, [](auto x) { return x.copysign(-1.0); }, m([](double v) { return -std::abs(v); }), a);
  check("pow(x, 3)", rng, [](auto x) { return x.pow(3.0); }, m([](double v) { return v * v * v; }), a);
  check("pow(x, -2)", rng, [](auto x) { return x.pow(-2.0); }, m([](double v) { return 1 / (v * v); }), p);
  check("pow(x, 2.5)", rng, [](auto x) { return x.pow(2.5); }, m([](double v) { return std::pow(v, 2.5); }), p);
  check("pow(x, y) (x > 0)", rng, [](auto x, auto y) { return x.pow(y); }, z([](double v, double e) { return std::pow(v, e); }), p, q);
  check("pow(-x, 3) (negative base, tensor exponent)", rng, [](auto x) { return ctgrad::pow(-x, x.full_like(3.0)); },
        m([](double v) { return -v * v * v; }), p);
  check("pow(2, y)", rng, [](auto y) { return ctgrad::pow(2.0, y); }, m([](double e) { return std::pow(2.0, e); }), a);
  check("logaddexp", rng, [](auto x, auto y) { return x.logaddexp(y); },
        z([](double v, double w) { return std::max(v, w) + std::log(std::exp(v - std::max(v, w)) + std::exp(w - std::max(v, w))); }), a, q);
  check("lerp(a, p, q)", rng, [](auto x, auto y, auto w) { return x.lerp(y, w); },
        [](auto x, auto y, auto w) { return r::zip(x, r::zip(r::zip(y, x, std::minus<>{}), w, std::multiplies<>{}), std::plus<>{}); }, a, p, q);
  // fmod / mod: d/dx = 1, d/dy = -trunc(x / y) (-floor for mod) away from the jumps
  check("fmod(a, p)", rng, [](auto x, auto y) { return x.fmod(y); }, z([](double v, double w) { return std::fmod(v, w); }), a, p);
  check("mod(a, p)", rng, [](auto x, auto y) { return x.mod(y); }, z([](double v, double w) { return v - std::floor(v / w) * w; }), a, p);
  check("clip(-0.5, 1)", rng, [](auto x) { return x.clip(-0.5, 1.0); }, m([](double v) { return std::clamp(v, -0.5, 1.0); }), a);
  check("clamp(a, q, p) (tensor bounds)", rng, [](auto x, auto lo, auto hi) { return x.clamp(lo, hi + T(1)); },
        [](auto x, auto lo, auto hi) {
          return r::zip(r::zip(x, lo, [](double v, double l) { return std::max(v, l); }), hi, [](double v, double h) { return std::min(v, h + 1); });
        },
        a, q, p);
}

double sig(double v) { return 1 / (1 + std::exp(-v)); }
double softplus(double v, double beta = 1) { return std::log1p(std::exp(beta * v)) / beta; }

template <class T>
void activations(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto a = r::random_input<Tensor<T, 4, 5>>(rng, dev, -4, 4);
  auto w = r::random_input<Tensor<T, 4, 5>>(rng, dev, -2, 8);  // both sides of relu6's 6
  check("relu6", rng, [](auto x) { return x.relu6(); }, m([](double v) { return std::clamp(v, 0.0, 6.0); }), w);
  check("leaky_relu(0.1)", rng, [](auto x) { return x.leaky_relu(0.1); }, m([](double v) { return v < 0 ? 0.1 * v : v; }), a);
  check("elu(0.7)", rng, [](auto x) { return x.elu(0.7); }, m([](double v) { return v > 0 ? v : 0.7 * (std::exp(v) - 1); }), a);
  check("celu(1.5)", rng, [](auto x) { return x.celu(1.5); }, m([](double v) { return v > 0 ? v : 1.5 * (std::exp(v / 1.5) - 1); }), a);
  check("selu", rng, [](auto x) { return x.selu(); }, m([](double v) { return 1.0507 * (v >= 0 ? v : 1.67326 * (std::exp(v) - 1)); }), a);
  check("silu", rng, [](auto x) { return x.silu(); }, m([](double v) { return v * sig(v); }), a);
  check("swish", rng, [](auto x) { return x.swish(); }, m([](double v) { return v * sig(v); }), a);
  check("gelu (tanh approximation)", rng, [](auto x) { return x.gelu(); },
        m([](double v) { return 0.5 * v * (1 + std::tanh(std::sqrt(2 / std::numbers::pi) * (v + 0.044715 * v * v * v))); }), a);
  check("quick_gelu", rng, [](auto x) { return x.quick_gelu(); }, m([](double v) { return v * sig(1.702 * v); }), a);
  check("softplus", rng, [](auto x) { return x.softplus(); }, m([](double v) { return softplus(v); }), a);
  check("softplus(beta 2)", rng, [](auto x) { return x.softplus(2.0); }, m([](double v) { return softplus(v, 2); }), a);
  check("softplus(a * 30) (large |z|: no overflow, no cancellation)", rng, [](auto x) { return (x * T(30)).softplus(); },
        m([](double v) { return std::max(30 * v, 0.0) + std::log1p(std::exp(-std::abs(30 * v))); }), a);
  check("logsigmoid", rng, [](auto x) { return x.logsigmoid(); }, m([](double v) { return std::log(sig(v)); }), a);
  check("mish", rng, [](auto x) { return x.mish(); }, m([](double v) { return v * std::tanh(softplus(v)); }), a);
  check("softsign", rng, [](auto x) { return x.softsign(); }, m([](double v) { return v / (1 + std::abs(v)); }), a);
  check("hardtanh", rng, [](auto x) { return x.hardtanh(); }, m([](double v) { return std::clamp(v, -1.0, 1.0); }), a);
  check("hardtanh(-2, 0.5)", rng, [](auto x) { return x.hardtanh(-2.0, 0.5); }, m([](double v) { return std::clamp(v, -2.0, 0.5); }), a);
  check("hardsigmoid", rng, [](auto x) { return x.hardsigmoid(); }, m([](double v) { return std::clamp(v / 6 + 0.5, 0.0, 1.0); }), a);
  check("hardswish", rng, [](auto x) { return x.hardswish(); }, m([](double v) { return v * std::clamp(v + 3, 0.0, 6.0) / 6; }), a);
}

}  // namespace

BOOST_AUTO_TEST_CASE(math_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(math<float>); }
BOOST_AUTO_TEST_CASE(math_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(math<double>); }
BOOST_AUTO_TEST_CASE(activations_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(activations<float>); }
BOOST_AUTO_TEST_CASE(activations_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(activations<double>); }
