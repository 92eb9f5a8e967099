// gradcheck of the op surface's nn functionals (surface/nn.hpp, conv.hpp, pool.hpp): layernorm, batchnorm (given
// statistics, and training statistics of the batch), linear, scaled_dot_product_attention (masks, causal),
// conv2d and conv_transpose2d (stride, padding, dilation, groups, bias), max_pool2d and avg_pool2d, in float and
// double on every device; and dropout's gradient in training mode (its mask).
#define BOOST_TEST_MODULE grad_surface_nn
#include <boost/test/unit_test.hpp>

#include "../property/reference_surface.hpp"
#include "gradcheck.hpp"

namespace {

using ctgrad::Hw;
using ctgrad::Tensor;
using gradcheck::check;
namespace r = ref;

std::vector<double> norm1(const std::vector<double>& v) {
  double m = 0, s = 0;
  for (auto e : v) m += e / static_cast<double>(v.size());
  for (auto e : v) s += (e - m) * (e - m) / static_cast<double>(v.size());
  std::vector<double> out;
  for (auto e : v) out.push_back((e - m) / std::sqrt(s + 1e-5));
  return out;
}

// (x - mean[c]) * invstd[c] * w[c] + b[c] along axis 1.
r::Array bn_ref(const r::Array& x, const r::Array& w, const r::Array& b, const r::Array& mu, const r::Array& inv) {
  r::Array out = x;
  for (std::size_t i = 0; i < out.v.size(); ++i) {
    const std::size_t c = r::unravel(i, x.shape)[1];
    out.v[i] = (x.v[i] - mu.v[c]) * inv.v[c] * w.v[c] + b.v[c];
  }
  return out;
}

template <class T>
void functionals(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto x = r::random_input<Tensor<T, 3, 4, 5>>(rng, dev, -3, 3);
  check("layernorm()", rng, [](auto a) { return a.layernorm(); }, [](auto a) { return r::along(a, 2, norm1); }, x);
  check("layernorm<1, 2>()", rng, [](auto a) { return a.template layernorm<1, 2>(); },
        [](auto a) { return r::reshape(r::along(r::reshape(a, {3, 20}), 1, norm1), {3, 4, 5}); }, x);
  check("layernorm<0>(eps 0.1)", rng, [](auto a) { return a.template layernorm<0>(0.1); },
        [](auto a) { return r::along(a, 0, [](const std::vector<double>& v) {
            double mu = 0, s = 0;
            for (auto e : v) mu += e / 3;
            for (auto e : v) s += (e - mu) * (e - mu) / 3;
            std::vector<double> out;
            for (auto e : v) out.push_back((e - mu) / std::sqrt(s + 0.1));
            return out;
          }); },
        x);
  auto xb = r::random_input<Tensor<T, 4, 3, 2, 2>>(rng, dev, -2, 2);
  auto w = r::random_input<Tensor<T, 3>>(rng, dev, 0.5, 2);
  auto b = r::random_input<Tensor<T, 3>>(rng, dev, -1, 1);
  auto mu = r::random_input<Tensor<T, 3>>(rng, dev, -1, 1);
  auto inv = r::random_input<Tensor<T, 3>>(rng, dev, 0.5, 2);
  check("batchnorm(weight, bias, mean, invstd)", rng, [](auto a, auto g, auto c, auto m, auto i) { return a.batchnorm(g, c, m, i); }, bn_ref, xb, w, b,
        mu, inv);
  check("batchnorm(mean, invstd)", rng, [](auto a, auto m, auto i) { return a.batchnorm(m, i); },
        [](auto a, auto m, auto i) { return bn_ref(a, r::map(m, [](double) { return 1.0; }), r::map(m, [](double) { return 0.0; }), m, i); }, xb, mu, inv);
  check("batchnorm<2>(mean, invstd) (channels on axis 2)", rng, [](auto a, auto m, auto i) { return a.template batchnorm<2>(m, i); },
        [](auto a, auto m, auto i) {
          auto pm = r::permute(a, {0, 2, 1, 3});  // axis 2 to axis 1, where bn_ref looks
          auto one = r::map(m, [](double) { return 1.0; }), zero = r::map(m, [](double) { return 0.0; });
          return r::permute(bn_ref(pm, one, zero, m, i), {0, 2, 1, 3});
        },
        r::random_input<Tensor<T, 2, 2, 3, 2>>(rng, dev, -2, 2), mu, inv);
  // training: the statistics are the batch's own (biased variance), so the gradient flows through them too
  check("batchnorm with batch statistics", rng,
        [](auto a, auto g, auto c) {
          auto v = a.template var<0, 2, 3>(0.0);
          return a.batchnorm(g, c, a.template mean<0, 2, 3>(), (v + T(1e-5)).rsqrt());
        },
        [](auto a, auto g, auto c) {
          auto m = r::mean(a, {0, 2, 3});
          auto d2 = r::zip(a, r::reshape(m, {1, 3, 1, 1}), [](double e, double s) { return (e - s) * (e - s); });
          auto i = r::map(r::mean(d2, {0, 2, 3}), [](double v) { return 1 / std::sqrt(v + 1e-5); });
          return bn_ref(a, g, c, m, i);
        },
        xb, w, b);
  auto lx = r::random_input<Tensor<T, 3, 5>>(rng, dev, -1, 1);
  auto lw = r::random_input<Tensor<T, 5, 2>>(rng, dev, -1, 1);
  auto lb = r::random_input<Tensor<T, 2>>(rng, dev, -1, 1);
  auto dw = r::random_input<Tensor<T, 5>>(rng, dev, -1, 1);
  check("linear(weight, bias)", rng, [](auto a, auto g, auto c) { return a.linear(g, c); },
        [](auto a, auto g, auto c) { return r::zip(r::matmul(a, g), c, std::plus<>{}); }, lx, lw, lb);
  check("linear(1-D weight)", rng, [](auto a, auto g) { return a.linear(g); }, [](auto a, auto g) { return r::zip(a, g, std::multiplies<>{}); }, lx, dw);
}

template <class T>
void attention(const std::string& dev, std::uint64_t seed) {
  constexpr std::size_t H = 2, L = 3, S = 4, E = 3, Ev = 2;
  std::mt19937_64 rng(seed);
  auto q = r::random_input<Tensor<T, H, L, E>>(rng, dev, -1, 1);
  auto k = r::random_input<Tensor<T, H, S, E>>(rng, dev, -1, 1);
  auto v = r::random_input<Tensor<T, H, S, Ev>>(rng, dev, -1, 1);
  auto fm = r::random_input<Tensor<T, L, S>>(rng, dev, -1, 1);
  auto attend = [](const r::Array& rq, const r::Array& rk, const r::Array& rv, const std::function<double(std::size_t, std::size_t)>& bias) {
    auto qk = r::map(r::matmul(rq, r::permute(rk, {0, 2, 1})), [](double s) { return s / std::sqrt(3.0); });
    for (std::size_t i = 0; i < qk.v.size(); ++i) {
      auto c = r::unravel(i, qk.shape);
      qk.v[i] += bias(c[1], c[2]);
    }
    return r::matmul(r::along(qk, 2, r::softmax1), rv);
  };
  auto none = [](std::size_t, std::size_t) { return 0.0; };
  check("attention", rng, [](auto a, auto b, auto c) { return a.scaled_dot_product_attention(b, c); },
        [&](auto a, auto b, auto c) { return attend(a, b, c, none); }, q, k, v);
  check("attention with a float mask (d/d mask too)", rng, [](auto a, auto b, auto c, auto m) { return a.scaled_dot_product_attention(b, c, m); },
        [&](auto a, auto b, auto c, auto m) { return attend(a, b, c, [&](std::size_t i, std::size_t j) { return m.v[i * S + j]; }); }, q, k, v, fm);
  auto bm = (fm.t > T(0)) | Tensor<bool, L, S>::eye().to(dev);  // every row keeps something
  check("attention with a bool mask", rng, [&](auto a, auto b, auto c) { return a.scaled_dot_product_attention(b, c, bm); },
        [&](auto a, auto b, auto c) {
          return attend(a, b, c, [&](std::size_t i, std::size_t j) { return fm.r.v[i * S + j] > 0 || i == j ? 0.0 : -INFINITY; });
        },
        q, k, v);
  check("attention, causal", rng, [](auto a, auto b, auto c) { return a.scaled_dot_product_attention(b, c, 0.0, true); },
        [&](auto a, auto b, auto c) { return attend(a, b, c, [](std::size_t i, std::size_t j) { return j <= i ? 0.0 : -INFINITY; }); }, q, k, v);
}

template <class T>
void convs(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto x = r::random_input<Tensor<T, 2, 2, 5, 5>>(rng, dev, -1, 1);
  auto w = r::random_input<Tensor<T, 3, 2, 3, 3>>(rng, dev, -1, 1);
  auto b = r::random_input<Tensor<T, 3>>(rng, dev, -1, 1);
  auto conv = [](r::Conv c) { return [c](const r::Array& a, const r::Array& f) { return r::conv2d(a, f, nullptr, c); }; };
  auto conv_b = [](r::Conv c) { return [c](const r::Array& a, const r::Array& f, const r::Array& bias) { return r::conv2d(a, f, &bias, c); }; };
  check("conv2d", rng, [](auto a, auto f) { return a.conv2d(f); }, conv({}), x, w);
  check("conv2d<stride 2, padding 1>(bias)", rng, [](auto a, auto f, auto c) { return a.template conv2d<2, 1>(f, c); },
        conv_b({.sh = 2, .sw = 2, .ph = 1, .pw = 1}), x, w, b);
  check("conv2d<stride (1, 2), padding (1, 0), dilation 2>", rng, [](auto a, auto f) { return a.template conv2d<Hw{1, 2}, Hw{1, 0}, 2>(f); },
        conv({.sh = 1, .sw = 2, .ph = 1, .pw = 0, .dh = 2, .dw = 2}), x, w);
  auto xg = r::random_input<Tensor<T, 1, 4, 4, 4>>(rng, dev, -1, 1);
  auto wg = r::random_input<Tensor<T, 4, 2, 2, 3>>(rng, dev, -1, 1);
  auto bg = r::random_input<Tensor<T, 4>>(rng, dev, -1, 1);
  check("conv2d<groups 2, padding 1>(bias)", rng, [](auto a, auto f, auto c) { return a.template conv2d<1, 1, 1, 2>(f, c); },
        conv_b({.ph = 1, .pw = 1, .groups = 2}), xg, wg, bg);
  // conv_transpose2d: weight (Cin, Cout / groups, KH, KW)
  auto xt = r::random_input<Tensor<T, 1, 4, 3, 3>>(rng, dev, -1, 1);
  auto wt = r::random_input<Tensor<T, 4, 2, 3, 3>>(rng, dev, -1, 1);
  auto bt = r::random_input<Tensor<T, 2>>(rng, dev, -1, 1);
  auto bt2 = r::random_input<Tensor<T, 4>>(rng, dev, -1, 1);
  check("conv_transpose2d", rng, [](auto a, auto f) { return a.conv_transpose2d(f); },
        [](auto a, auto f) { return r::conv_transpose2d(a, f, {}); }, xt, wt);
  check("conv_transpose2d<stride 2, padding 1, output padding 1>(bias)", rng, [](auto a, auto f, auto c) { return a.template conv_transpose2d<2, 1, 1>(f, c); },
        [](auto a, auto f, auto c) {
          auto y = r::conv_transpose2d(a, f, {.sh = 2, .sw = 2, .ph = 1, .pw = 1}, 1, 1);
          return r::zip(y, r::reshape(c, {1, 2, 1, 1}), std::plus<>{});
        },
        xt, wt, bt);
  check("conv_transpose2d<stride 1, padding 1, output padding 0, dilation 2, groups 2>(bias)", rng,
        [](auto a, auto f, auto c) { return a.template conv_transpose2d<1, 1, 0, 2, 2>(f, c); },
        [](auto a, auto f, auto c) {
          auto y = r::conv_transpose2d(a, f, {.ph = 1, .pw = 1, .dh = 2, .dw = 2, .groups = 2});
          return r::zip(y, r::reshape(c, {1, 4, 1, 1}), std::plus<>{});
        },
        xt, wt, bt2);
}

template <class T>
void pools(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto x = r::random_input<Tensor<T, 2, 2, 5, 6>>(rng, dev, -2, 2);  // continuous values: no ties in a window
  auto pool = [](bool is_max, std::size_t kh, std::size_t kw, r::Conv c, bool include_pad = true) {
    return [=](const r::Array& a) { return r::pool2d(a, is_max, kh, kw, c, include_pad); };
  };
  check("max_pool2d()", rng, [](auto a) { return a.max_pool2d(); }, pool(true, 2, 2, {.sh = 2, .sw = 2}), x);
  check("max_pool2d<3, 1> (overlapping)", rng, [](auto a) { return a.template max_pool2d<3, 1>(); }, pool(true, 3, 3, {}), x);
  check("max_pool2d<3, 2, 1, 1> (padding)", rng, [](auto a) { return a.template max_pool2d<3, 2, 1, 1>(); },
        pool(true, 3, 3, {.sh = 2, .sw = 2, .ph = 1, .pw = 1}), x);
  check("max_pool2d<(2, 3), (1, 2), 2> (dilation)", rng, [](auto a) { return a.template max_pool2d<Hw{2, 3}, Hw{1, 2}, 2>(); },
        pool(true, 2, 3, {.sh = 1, .sw = 2, .dh = 2, .dw = 2}), x);
  check("avg_pool2d()", rng, [](auto a) { return a.avg_pool2d(); }, pool(false, 2, 2, {.sh = 2, .sw = 2}), x);
  check("avg_pool2d<3, 1> (overlapping)", rng, [](auto a) { return a.template avg_pool2d<3, 1>(); }, pool(false, 3, 3, {}), x);
  check("avg_pool2d<3, 2, 1, 1>", rng, [](auto a) { return a.template avg_pool2d<3, 2, 1, 1>(); }, pool(false, 3, 3, {.sh = 2, .sw = 2, .ph = 1, .pw = 1}),
        x);
  check("avg_pool2d<3, 2, 1, 1>(count_include_pad false)", rng, [](auto a) { return a.template avg_pool2d<3, 2, 1, 1>(false); },
        pool(false, 3, 3, {.sh = 2, .sw = 2, .ph = 1, .pw = 1}, false), x);
}

// Tied maxima in a window share its gradient equally (tinygrad's rule for max; PyTorch gives it all to one).
void pool_ties(const std::string& dev, std::uint64_t) {
  auto x = Tensor<float, 1, 1, 2, 4>::from({1, 1, 0, 2, 1, 1, 2, 2}).to(dev).requires_grad_();
  x.max_pool2d().sum().backward();
  r::expect_values({1, 1, 2, 4}, gradcheck::doubles(x.grad().tolist()), {{1, 1, 2, 4}, {0.25, 0.25, 0, 1. / 3, 0.25, 0.25, 1. / 3, 1. / 3}}, {1e-6, 1e-7},
                   "max_pool2d ties");
}

// dropout in training mode: the gradient is the mask scaled by 1 / (1 - p), i.e. y / x where y kept x.
void dropout(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [x, rx] = r::random_input<Tensor<float, 8, 8>>(rng, dev, 1, 2);
  ctgrad::manual_seed(seed);
  ctgrad::Train train;
  x.requires_grad_();
  auto y = x.dropout(0.25);
  y.sum().backward();
  const auto kept = y.tolist(), grad = x.grad().tolist();
  std::size_t bad = 0;
  for (std::size_t i = 0; i < kept.size(); ++i)
    if (std::abs(grad[i] - (kept[i] != 0 ? 1 / 0.75 : 0.0)) > 1e-6) ++bad;
  BOOST_TEST(bad == 0u, "dropout's gradient is its mask / (1 - p)");
}

}  // namespace

BOOST_AUTO_TEST_CASE(functionals_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(functionals<float>); }
BOOST_AUTO_TEST_CASE(functionals_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(functionals<double>); }
BOOST_AUTO_TEST_CASE(attention_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(attention<float>); }
BOOST_AUTO_TEST_CASE(attention_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(attention<double>); }
BOOST_AUTO_TEST_CASE(conv_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(convs<float>); }
BOOST_AUTO_TEST_CASE(conv_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(convs<double>); }
BOOST_AUTO_TEST_CASE(pool_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(pools<float>); }
BOOST_AUTO_TEST_CASE(pool_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(pools<double>); }
BOOST_AUTO_TEST_CASE(max_pool_ties, CTGRAD_ON_DEVICES) { ctgrad_test::on_each_device([](const std::string& dev) { pool_ties(dev, 0); }); }
BOOST_AUTO_TEST_CASE(dropout_mask, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(dropout); }
