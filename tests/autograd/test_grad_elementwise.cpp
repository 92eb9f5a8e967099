// gradcheck of the elementwise ops: arithmetic with broadcasting and scalars, the unary math functions, maximum,
// minimum, where and casts, in float and double on every device (values kept away from kinks and poles).
#define BOOST_TEST_MODULE grad_elementwise
#include <boost/test/unit_test.hpp>

#include "gradcheck.hpp"

namespace {

using ctgrad::Tensor;
using gradcheck::check;
namespace r = ref;

template <class T>
void arithmetic(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto a = r::random_input<Tensor<T, 3, 4>>(rng, dev, -2, 2);
  auto b = r::random_input<Tensor<T, 4>>(rng, dev, 0.5, 2);
  auto c = r::random_input<Tensor<T, 2, 1, 4>>(rng, dev, -2, 2);
  check("a + b (broadcast)", rng, [](auto x, auto y) { return x + y; }, [](auto x, auto y) { return r::zip(x, y, std::plus<>{}); }, a, b);
  check("a - c (broadcast both)", rng, [](auto x, auto y) { return x - y; }, [](auto x, auto y) { return r::zip(x, y, std::minus<>{}); }, a, c);
  check("a * b", rng, [](auto x, auto y) { return x * y; }, [](auto x, auto y) { return r::zip(x, y, std::multiplies<>{}); }, a, b);
  check("a / b", rng, [](auto x, auto y) { return x / y; }, [](auto x, auto y) { return r::zip(x, y, std::divides<>{}); }, a, b);
  check("a * a (one input twice)", rng, [](auto x) { return x * x; }, [](auto x) { return r::zip(x, x, std::multiplies<>{}); }, a);
  check("scalars: 2 - a * 3 + 1 / b", rng, [](auto x, auto y) { return T(2) - x * T(3) + T(1) / y; },
        [](auto x, auto y) { return r::zip(x, y, [](double p, double q) { return 2 - p * 3 + 1 / q; }); }, a, b);
  check("-a", rng, [](auto x) { return -x; }, [](auto x) { return r::map(x, [](double v) { return -v; }); }, a);
}

template <class T>
void unary(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto a = r::random_input<Tensor<T, 2, 5>>(rng, dev, -2, 2);
  auto p = r::random_input<Tensor<T, 7>>(rng, dev, 0.3, 3);  // positive: log, sqrt, reciprocal
  auto m = [](auto fn) { return [fn](const r::Array& x) { return r::map(x, fn); }; };
  check("exp", rng, [](auto x) { return x.exp(); }, m([](double v) { return std::exp(v); }), a);
  check("log", rng, [](auto x) { return x.log(); }, m([](double v) { return std::log(v); }), p);
  check("sqrt", rng, [](auto x) { return x.sqrt(); }, m([](double v) { return std::sqrt(v); }), p);
  check("reciprocal", rng, [](auto x) { return x.reciprocal(); }, m([](double v) { return 1 / v; }), p);
  check("sin", rng, [](auto x) { return x.sin(); }, m([](double v) { return std::sin(v); }), a);
  check("cos", rng, [](auto x) { return x.cos(); }, m([](double v) { return std::cos(v); }), a);
  check("tanh", rng, [](auto x) { return x.tanh(); }, m([](double v) { return std::tanh(v); }), a);
  check("sigmoid", rng, [](auto x) { return x.sigmoid(); }, m([](double v) { return 1 / (1 + std::exp(-v)); }), a);
  check("exp(-p).log() * sqrt(p)", rng, [](auto x) { return (-x).exp().log() * x.sqrt(); }, m([](double v) { return -v * std::sqrt(v); }), p);
}

// Kinks: the random values sit away from 0 (relu, abs) and from each other (maximum), where derivatives jump.
template <class T>
void piecewise(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto a = r::random_input<Tensor<T, 3, 4>>(rng, dev, -2, 2);
  auto b = r::random_input<Tensor<T, 3, 4>>(rng, dev, -2, 2);
  auto m = [](auto fn) { return [fn](const r::Array& x) { return r::map(x, fn); }; };
  check("relu", rng, [](auto x) { return x.relu(); }, m([](double v) { return std::max(v, 0.0); }), a);
  check("abs", rng, [](auto x) { return x.abs(); }, m([](double v) { return std::abs(v); }), a);
  check("maximum", rng, [](auto x, auto y) { return x.maximum(y); }, [](auto x, auto y) { return r::zip(x, y, [](double p, double q) { return std::max(p, q); }); },
        a, b);
  check("minimum", rng, [](auto x, auto y) { return x.minimum(y); }, [](auto x, auto y) { return r::zip(x, y, [](double p, double q) { return std::min(p, q); }); },
        a, b);
  check("maximum(scalar 0.25)", rng, [](auto x) { return x.maximum(T(0.25)); }, m([](double v) { return std::max(v, 0.25); }), a);
  check("(a < b).where(a * 2, b * b)", rng, [](auto x, auto y) { return (x < y).where(x * T(2), y * y); },
        [](auto x, auto y) { return r::zip(x, y, [](double p, double q) { return p < q ? 2 * p : q * q; }); }, a, b);
}

// Casts between float types pass the gradient through (rounded to the source's type).
void casts(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto a = r::random_input<Tensor<float, 6>>(rng, dev, -2, 2);
  auto d = r::random_input<Tensor<double, 6>>(rng, dev, -2, 2);
  check("cast<double>(float) * 3", rng, [](auto x) { return x.template cast<double>() * 3.0; }, [](auto x) { return r::map(x, [](double v) { return 3 * v; }); }, a);
  check("cast<float>(double).exp()", rng, [](auto x) { return x.template cast<float>().exp(); }, [](auto x) { return r::map(x, [](double v) { return std::exp(v); }); },
        d);
}

}  // namespace

BOOST_AUTO_TEST_CASE(arithmetic_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(arithmetic<float>); }
BOOST_AUTO_TEST_CASE(arithmetic_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(arithmetic<double>); }
BOOST_AUTO_TEST_CASE(unary_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(unary<float>); }
BOOST_AUTO_TEST_CASE(unary_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(unary<double>); }
BOOST_AUTO_TEST_CASE(piecewise_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(piecewise<float>); }
BOOST_AUTO_TEST_CASE(piecewise_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(piecewise<double>); }
BOOST_AUTO_TEST_CASE(float_casts, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(casts); }
