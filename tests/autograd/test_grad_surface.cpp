// gradcheck of the op surface (src/ctgrad/surface/): its ops are compositions of primitives, so their gradients come
// from the primitives' rules; this checks that the compositions differentiate right (views of windows in conv and
// pooling, one-hot masks in indexing and losses, triangular masks in scans), against finite differences of the
// float64 references, in float and double on every device.
#define BOOST_TEST_MODULE grad_surface
#include <boost/test/unit_test.hpp>

#include "../property/reference_surface.hpp"
#include "gradcheck.hpp"

namespace {

using ctgrad::Hw;
using ctgrad::Tensor;
using gradcheck::check;
namespace r = ref;

template <class T>
void processing(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto x = r::random_input<Tensor<T, 2, 4, 6, 5>>(rng, dev, -1, 1);
  auto w = r::random_input<Tensor<T, 3, 4, 3, 3>>(rng, dev, -1, 1);
  auto wg = r::random_input<Tensor<T, 4, 2, 2, 3>>(rng, dev, -1, 1);
  auto wt = r::random_input<Tensor<T, 4, 3, 3, 2>>(rng, dev, -1, 1);
  auto b = r::random_input<Tensor<T, 3>>(rng, dev, -1, 1);
  check("conv2d + bias", rng, [](auto a, auto k, auto c) { return a.conv2d(k, c); },
        [](auto a, auto k, auto c) { return r::conv2d(a, k, &c, {}); }, x, w, b);
  check("conv2d stride 2, padding 1", rng, [](auto a, auto k) { return a.template conv2d<2, 1>(k); },
        [](auto a, auto k) { return r::conv2d(a, k, nullptr, {2, 2, 1, 1}); }, x, w);
  check("conv2d groups 2, dilation (2,1)", rng, [](auto a, auto k) { return a.template conv2d<1, 0, Hw{2, 1}, 2>(k); },
        [](auto a, auto k) { return r::conv2d(a, k, nullptr, {1, 1, 0, 0, 2, 1, 2}); }, x, wg);
  check("conv_transpose2d stride 2", rng, [](auto a, auto k) { return a.template conv_transpose2d<2>(k); },
        [](auto a, auto k) { return r::conv_transpose2d(a, k, {2, 2}); }, x, wt);
  check("max_pool2d", rng, [](auto a) { return a.max_pool2d(); }, [](auto a) { return r::pool2d(a, true, 2, 2, {2, 2}); }, x);
  check("max_pool2d<3, 1, 1, 1>", rng, [](auto a) { return a.template max_pool2d<3, 1, 1, 1>(); },
        [](auto a) { return r::pool2d(a, true, 3, 3, {1, 1, 1, 1}); }, x);
  check("avg_pool2d<3, 2>", rng, [](auto a) { return a.template avg_pool2d<3, 2>(); }, [](auto a) { return r::pool2d(a, false, 3, 3, {2, 2}); }, x);
  auto m = r::random_input<Tensor<T, 3, 4>>(rng, dev, -1, 1);
  auto n = r::random_input<Tensor<T, 4, 5>>(rng, dev, -1, 1);
  check("einsum ij,jk->ki", rng, [](auto a, auto c) { return ctgrad::einsum<"ij,jk->ki">(a, c); },
        [](auto a, auto c) { return r::permute(r::matmul(a, c), {1, 0}); }, m, n);
  check("triu(1)", rng, [](auto a) { return a.triu(1); }, [](auto a) {
    for (std::size_t i = 0; i < a.v.size(); ++i)
      if (i % 4 < i / 4 + 1) a.v[i] = 0;
    return a;
  }, m);
}

template <class T>
void reductions_and_losses(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto a = r::random_input<Tensor<T, 4, 6>>(rng, dev, -2, 2);
  check("softmax", rng, [](auto x) { return x.softmax(); }, [](auto x) { return r::along(x, 1, r::softmax1); }, a);
  check("log_softmax<0>", rng, [](auto x) { return x.template log_softmax<0>(); }, [](auto x) { return r::along(x, 0, r::log_softmax1); }, a);
  check("logsumexp<1>", rng, [](auto x) { return x.template logsumexp<1>(); }, [](auto x) {
    auto l = r::along(x, 1, [](const std::vector<double>& v) { return std::vector<double>{r::logsumexp1(v)}; });
    l.shape.pop_back();
    return l;
  }, a);
  check("var<1>", rng, [](auto x) { return x.template var<1>(); }, [](auto x) {
    auto m = r::mean(x, {1}, true);
    auto s = r::sum(r::zip(x, m, [](double u, double v) { return (u - v) * (u - v); }), {1});
    return r::map(s, [](double v) { return v / 5; });
  }, a);
  check("cumsum<1>", rng, [](auto x) { return x.template cumsum<1>(); }, [](auto x) {
    return r::along(x, 1, [](const std::vector<double>& v) {
      std::vector<double> o(v.size());
      double s = 0;
      for (std::size_t i = 0; i < v.size(); ++i) o[i] = s += v[i];
      return o;
    });
  }, a);
  check("layernorm", rng, [](auto x) { return x.layernorm(); }, [](auto x) {
    return r::along(x, 1, [](const std::vector<double>& v) {
      double m = 0, s = 0;
      for (auto e : v) m += e / v.size();
      for (auto e : v) s += (e - m) * (e - m) / v.size();
      std::vector<double> o;
      for (auto e : v) o.push_back((e - m) / std::sqrt(s + 1e-5));
      return o;
    });
  }, a);
  auto labels = Tensor<std::int32_t, 4>::from({5, 0, 2, 2}).to(dev);
  const std::vector<std::size_t> rl{5, 0, 2, 2};
  check("sparse_categorical_crossentropy", rng, [&](auto x) { return x.sparse_categorical_crossentropy(labels); }, [&](auto x) {
    auto lp = r::along(x, 1, r::log_softmax1);
    double s = 0;
    for (std::size_t b = 0; b < 4; ++b) s -= lp.v[b * 6 + rl[b]] / 4;
    return r::Array{{}, {s}};
  }, a);
  check("cross_entropy(smoothing 0.1)", rng, [&](auto x) { return x.cross_entropy(labels, 0.1); }, [&](auto x) {
    auto lp = r::along(x, 1, r::log_softmax1);
    double s = 0;
    for (std::size_t b = 0; b < 4; ++b)
      for (std::size_t c = 0; c < 6; ++c) s -= lp.v[b * 6 + c] * (0.9 * (c == rl[b]) + 0.1 / 6) / 4;
    return r::Array{{}, {s}};
  }, a);
  auto idx = Tensor<std::int32_t, 5>::from({3, 0, 3, 1, 2}).to(dev);
  check("x[idx] (repeated rows)", rng, [&](auto x) { return x[idx]; }, [](auto x) {
    const std::vector<std::size_t> ri{3, 0, 3, 1, 2};
    r::Array o{{5, 6}, {}};
    for (auto i : ri) o.v.insert(o.v.end(), x.v.begin() + static_cast<long>(i * 6), x.v.begin() + static_cast<long>(i * 6 + 6));
    return o;
  }, a);
  auto g = Tensor<std::int32_t, 4, 2>::from({5, 0, 1, 1, 2, 4, 3, 3}).to(dev);
  check("gather<1>", rng, [&](auto x) { return x.template gather<1>(g); }, [](auto x) {
    const std::vector<std::size_t> rg{5, 0, 1, 1, 2, 4, 3, 3};
    r::Array o{{4, 2}, std::vector<double>(8)};
    for (std::size_t i = 0; i < 8; ++i) o.v[i] = x.v[(i / 2) * 6 + rg[i]];
    return o;
  }, a);
}

// The approximation erf() computes (|error| < 1.5e-7), so that double precision can check it and its derivative.
double erf_as(double x) {
  const double t = 1 / (1 + 0.3275911 * std::abs(x));
  const double poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t;
  return (x > 0 ? 1 : x < 0 ? -1 : 0) * (1 - poly * std::exp(-x * x));
}

template <class T>
void movement_and_activations(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto a = r::random_input<Tensor<T, 3, 4>>(rng, dev, -2, 2);
  auto c = r::random_input<Tensor<T, 2, 4>>(rng, dev, -2, 2);
  check("cat<0>(a, c * 2)", rng, [](auto x, auto y) { return ctgrad::cat<0>(x, y * 2); }, [](auto x, auto y) {
    r::Array o{{5, 4}, x.v};
    for (auto v : y.v) o.v.push_back(2 * v);
    return o;
  }, a, c);
  check("repeat<2, 1>.roll<1, 1>", rng, [](auto x) { return x.template repeat<2, 1>().template roll<1, 1>(); }, [](auto x) {
    r::Array o{{6, 4}, std::vector<double>(24)};
    for (std::size_t i = 0; i < 24; ++i) o.v[i] = x.v[(i / 4 % 3) * 4 + (i % 4 + 3) % 4];
    return o;
  }, a);
  check("slice<1, 0, 4, 2>", rng, [](auto x) { return x.template slice<1, 0, 4, 2>(); }, [](auto x) {
    r::Array o{{3, 2}, std::vector<double>(6)};
    for (std::size_t i = 0; i < 6; ++i) o.v[i] = x.v[(i / 2) * 4 + 2 * (i % 2)];
    return o;
  }, a);
  auto act = [](auto f) { return [f](const r::Array& x) { return r::map(x, f); }; };
  check("gelu", rng, [](auto x) { return x.gelu(); },
        act([](double v) { return 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v))); }), a);
  check("silu", rng, [](auto x) { return x.silu(); }, act([](double v) { return v / (1 + std::exp(-v)); }), a);
  check("elu", rng, [](auto x) { return x.elu(); }, act([](double v) { return v > 0 ? v : std::exp(v) - 1; }), a);
  check("leaky_relu(0.1)", rng, [](auto x) { return x.leaky_relu(0.1); }, act([](double v) { return v < 0 ? 0.1 * v : v; }), a);
  check("softplus", rng, [](auto x) { return x.softplus(); }, act([](double v) { return std::log1p(std::exp(v)); }), a);
  check("erf (A&S 7.1.26, differentiated as written)", rng, [](auto x) { return x.erf(); }, act(erf_as), a);
  check("pow(x, 3)", rng, [](auto x) { return x.pow(3.0); }, act([](double v) { return v * v * v; }), a);
}

template <class T>
void all(const std::string& dev, std::uint64_t seed) {
  processing<T>(dev, seed);
  reductions_and_losses<T>(dev, seed);
  movement_and_activations<T>(dev, seed);
}

}  // namespace

BOOST_AUTO_TEST_CASE(grad_surface_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(all<float>); }
BOOST_AUTO_TEST_CASE(grad_surface_float64, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(all<double>); }
