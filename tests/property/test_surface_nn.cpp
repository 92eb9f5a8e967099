// Op surface, losses and nn functionals, against the float64 reference: sparse_categorical_crossentropy
// (ignore_index, label smoothing, reductions), cross_entropy (indices and probabilities), nll_loss,
// binary_crossentropy[_logits], layernorm, batchnorm, linear, dropout (training mode only), and
// scaled_dot_product_attention (masks, causal). Fixed seeds, float and double, every device.
#define BOOST_TEST_MODULE surface_nn
#include <boost/test/unit_test.hpp>

#include <cstdint>

#include "reference_surface.hpp"

namespace {

using ctgrad::Reduction;
using ctgrad::Tensor;
using ref::along;
using ref::expect_transcendental;

ref::Array scalar(double v) { return {{}, {v}}; }

template <class T>
void losses(const std::string& dev, std::uint64_t seed) {
  constexpr std::size_t B = 6, C = 5;
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<T, B, C>>(rng, dev, -4, 4);
  auto [y, ry] = ref::random_input<Tensor<std::int32_t, B>>(rng, dev, 0, C - 1);
  auto [yi, ryi] = ref::random_input<Tensor<std::int32_t, B>>(rng, dev, -1, C - 1);  // some -1: ignored
  auto lp = along(rx, 1, ref::log_softmax1);
  auto row_loss = [&](std::size_t b, double label, double ls) {
    double mean_lp = 0;
    for (std::size_t c = 0; c < C; ++c) mean_lp += lp.v[b * C + c] / C;
    return -((1 - ls) * lp.v[b * C + static_cast<std::size_t>(label)] + ls * mean_lp);
  };
  auto scce = [&](const ref::Array& labels, double ls, long ignore, int mode) {  // mode 0 mean, 1 sum, 2 none
    ref::Array none{{B}, std::vector<double>(B)};
    double total = 0, counted = 0;
    for (std::size_t b = 0; b < B; ++b) {
      if (labels.v[b] == ignore) continue;
      none.v[b] = row_loss(b, labels.v[b], ls);
      total += none.v[b], counted += 1;
    }
    return mode == 2 ? none : scalar(mode == 1 ? total : total / counted);
  };
  expect_transcendental(x.sparse_categorical_crossentropy(y), scce(ry, 0, -1, 0), "sparse_categorical_crossentropy");
  expect_transcendental(x.sparse_categorical_crossentropy(yi), scce(ryi, 0, -1, 0), "sparse_categorical_crossentropy ignores -1");
  expect_transcendental(x.sparse_categorical_crossentropy(y, 2), scce(ry, 0, 2, 0), "sparse_categorical_crossentropy ignore_index 2");
  expect_transcendental(x.sparse_categorical_crossentropy(y, -1, 0.1), scce(ry, 0.1, -1, 0), "sparse_categorical_crossentropy smoothing 0.1");
  expect_transcendental(x.template sparse_categorical_crossentropy<Reduction::Sum>(yi), scce(ryi, 0, -1, 1), "sparse_categorical_crossentropy sum");
  expect_transcendental(x.template sparse_categorical_crossentropy<Reduction::None>(yi), scce(ryi, 0, -1, 2), "sparse_categorical_crossentropy none");
  // cross_entropy: classes on axis 1; indices or probabilities; smoothing spreads ls / C over every class
  auto ce_rows = [&](const ref::Array& probs, double ls) {
    ref::Array out{{B}, std::vector<double>(B)};
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t c = 0; c < C; ++c) out.v[b] -= lp.v[b * C + c] * ((1 - ls) * probs.v[b * C + c] + ls / C);
    return out;
  };
  ref::Array onehot{{B, C}, std::vector<double>(B * C)};
  for (std::size_t b = 0; b < B; ++b) onehot.v[b * C + static_cast<std::size_t>(ry.v[b])] = 1;
  auto [pt, rpt] = ref::random_input<Tensor<T, B, C>>(rng, dev, 0, 1);
  expect_transcendental(x.cross_entropy(y), ref::mean(ce_rows(onehot, 0)), "cross_entropy(indices)");
  expect_transcendental(x.cross_entropy(y, 0.2), ref::mean(ce_rows(onehot, 0.2)), "cross_entropy(indices, smoothing 0.2)");
  expect_transcendental(x.template cross_entropy<Reduction::None>(pt), ce_rows(rpt, 0), "cross_entropy(probabilities), none");
  expect_transcendental(x.template cross_entropy<Reduction::Sum>(pt), ref::sum(ce_rows(rpt, 0)), "cross_entropy(probabilities), sum");
  // (B, C, L): classes on axis 1 with a trailing dim
  auto [x3, rx3] = ref::random_input<Tensor<T, 2, 4, 3>>(rng, dev, -3, 3);
  auto [y3, ry3] = ref::random_input<Tensor<std::int32_t, 2, 3>>(rng, dev, 0, 3);
  auto lp3 = along(rx3, 1, ref::log_softmax1);
  double ce3 = 0;
  for (std::size_t b = 0; b < 2; ++b)
    for (std::size_t l = 0; l < 3; ++l) ce3 -= lp3.v[ref::ravel({b, static_cast<std::size_t>(ry3.v[b * 3 + l]), l}, {2, 4, 3})] / 6;
  expect_transcendental(x3.cross_entropy(y3), scalar(ce3), "cross_entropy (B, C, L)");
  // nll_loss on log-probabilities
  auto nll = [&](const ref::Array& labels, long ignore, int mode) {
    ref::Array none{{B}, std::vector<double>(B)};
    double total = 0, counted = 0;
    for (std::size_t b = 0; b < B; ++b) {
      if (labels.v[b] == ignore) continue;
      none.v[b] = -lp.v[b * C + static_cast<std::size_t>(labels.v[b])];
      total += none.v[b], counted += 1;
    }
    return mode == 2 ? none : scalar(mode == 1 ? total : total / counted);
  };
  expect_transcendental(x.log_softmax().nll_loss(y), nll(ry, -100, 0), "nll_loss");
  expect_transcendental(x.log_softmax().nll_loss(yi, -1), nll(ryi, -1, 0), "nll_loss ignore_index -1");
  expect_transcendental(x.log_softmax().template nll_loss<Reduction::None>(yi, -1), nll(ryi, -1, 2), "nll_loss none");
  auto [cw, rcw] = ref::random_input<Tensor<T, C>>(rng, dev, 0.5, 2);
  double wsum = 0, wnll = 0;
  for (std::size_t b = 0; b < B; ++b) {
    if (ryi.v[b] == -1) continue;
    const double wb = rcw.v[static_cast<std::size_t>(ryi.v[b])];
    wsum += wb, wnll -= wb * lp.v[b * C + static_cast<std::size_t>(ryi.v[b])];
  }
  expect_transcendental(x.log_softmax().nll_loss(yi, cw, -1), scalar(wnll / wsum), "nll_loss with class weights (mean divides by their sum)");
  expect_transcendental(x.log_softmax().template nll_loss<Reduction::Sum>(yi, cw, -1), scalar(wnll), "nll_loss with class weights, sum");
  // binary cross-entropy
  auto [p, rp] = ref::random_input<Tensor<T, B, C>>(rng, dev, 0.02, 0.98);
  auto [t, rt] = ref::random_input<Tensor<T, B, C>>(rng, dev, 0, 1, 1);
  auto bce = ref::zip(rp, rt, [](double q, double z) { return -(z * std::log(q) + (1 - z) * std::log(1 - q)); });
  expect_transcendental(p.binary_crossentropy(t), ref::mean(bce), "binary_crossentropy");
  expect_transcendental(p.template binary_crossentropy<Reduction::None>(t), bce, "binary_crossentropy none");
  auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
  auto bcel = ref::zip(rx, rt, [&](double v, double z) { return -(3 * z * std::log(sig(v)) + (1 - z) * std::log(1 - sig(v))); });
  expect_transcendental(x.binary_crossentropy_logits(t, 3.0), ref::mean(bcel), "binary_crossentropy_logits pos_weight 3");
  expect_transcendental((x * 30).template binary_crossentropy_logits<Reduction::Sum>(t),
                        ref::sum(ref::zip(rx, rt, [](double v, double z) { return z * std::log1p(std::exp(-30 * v)) + (1 - z) * std::log1p(std::exp(30 * v)); })),
                        "binary_crossentropy_logits of large logits stays finite");
}

template <class T>
void functionals(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<T, 3, 4, 5>>(rng, dev, -3, 3);
  auto norm1 = [](const std::vector<double>& v) {
    double m = 0, s = 0;
    for (auto e : v) m += e / v.size();
    for (auto e : v) s += (e - m) * (e - m) / v.size();
    std::vector<double> out;
    for (auto e : v) out.push_back((e - m) / std::sqrt(s + 1e-5));
    return out;
  };
  expect_transcendental(x.layernorm(), along(rx, 2, norm1), "layernorm() over the last axis");
  // over (1, 2): normalize each (4, 5) block as one fiber
  auto block = ref::reshape(along(ref::reshape(rx, {3, 20}), 1, norm1), {3, 4, 5});
  expect_transcendental(x.template layernorm<1, 2>(), block, "layernorm<1, 2>");
  auto [w, rw] = ref::random_input<Tensor<T, 4>>(rng, dev, 0.5, 2);
  auto [b, rb] = ref::random_input<Tensor<T, 4>>(rng, dev, -1, 1);
  auto [mu, rmu] = ref::random_input<Tensor<T, 4>>(rng, dev, -1, 1);
  auto [inv, rinv] = ref::random_input<Tensor<T, 4>>(rng, dev, 0.5, 2);
  ref::Array bn = rx, bn0 = rx;
  for (std::size_t i = 0; i < bn.v.size(); ++i) {
    const std::size_t c = ref::unravel(i, rx.shape)[1];
    bn0.v[i] = (rx.v[i] - rmu.v[c]) * rinv.v[c];
    bn.v[i] = bn0.v[i] * rw.v[c] + rb.v[c];
  }
  expect_transcendental(x.batchnorm(w, b, mu, inv), bn, "batchnorm(weight, bias, mean, invstd)");
  expect_transcendental(x.batchnorm(mu, inv), bn0, "batchnorm(mean, invstd)");
  auto [lw, rlw] = ref::random_input<Tensor<T, 5, 2>>(rng, dev, -1, 1);
  auto [lb, rlb] = ref::random_input<Tensor<T, 2>>(rng, dev, -1, 1);
  auto [dw, rdw] = ref::random_input<Tensor<T, 5>>(rng, dev, -1, 1);
  expect_transcendental(x.linear(lw), ref::matmul(rx, rlw), "linear(weight (in, out))");
  expect_transcendental(x.linear(lw, lb), ref::zip(ref::matmul(rx, rlw), rlb, std::plus<>{}), "linear(weight, bias)");
  expect_transcendental(x.linear(dw), ref::zip(rx, rdw, std::multiplies<>{}), "linear(1-D weight)");
}

template <class T>
void dropout(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<T, 64, 64>>(rng, dev, 1, 2);
  ref::expect_basic(x.dropout(0.5), rx, "dropout outside training mode is the identity");
  BOOST_TEST(!ctgrad::training());
  ctgrad::manual_seed(seed);
  std::vector<T> got;
  {
    ctgrad::Train train;
    BOOST_TEST(ctgrad::training());
    ref::expect_basic(x.dropout(0.0), rx, "dropout(0) is the identity");
    got = x.dropout(0.25).tolist();
  }
  BOOST_TEST(!ctgrad::training(), "the guard restores the mode");
  std::size_t zeros = 0, bad = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i] == 0) ++zeros;
    else if (std::abs(got[i] - rx.v[i] / 0.75) > 1e-5 * rx.v[i]) ++bad;
  }
  BOOST_TEST(bad == 0u, "kept values are scaled by 1 / (1 - p)");
  BOOST_TEST(std::abs(static_cast<double>(zeros) / 4096 - 0.25) < 0.03);
  ctgrad::manual_seed(seed);
  ctgrad::Train train;
  BOOST_TEST((x.dropout(0.25).tolist() == got), "the mask depends only on manual_seed");
}

template <class T>
void attention(const std::string& dev, std::uint64_t seed) {
  constexpr std::size_t H = 2, L = 4, S = 6, E = 3, Ev = 5;
  std::mt19937_64 rng(seed);
  auto [q, rq] = ref::random_input<Tensor<T, H, L, E>>(rng, dev, -1, 1);
  auto [k, rk] = ref::random_input<Tensor<T, H, S, E>>(rng, dev, -1, 1);
  auto [v, rv] = ref::random_input<Tensor<T, H, S, Ev>>(rng, dev, -1, 1);
  auto [fm, rfm] = ref::random_input<Tensor<T, L, S>>(rng, dev, -1, 1);
  auto bm = fm > T(0);
  auto rbm = ref::map(rfm, [](double m) { return double(m > 0); });
  auto attend = [&](const std::function<double(std::size_t, std::size_t)>& bias) {
    auto qk = ref::map(ref::matmul(rq, ref::permute(rk, {0, 2, 1})), [](double s) { return s / std::sqrt(3.0); });
    for (std::size_t i = 0; i < qk.v.size(); ++i) {
      auto c = ref::unravel(i, qk.shape);
      qk.v[i] += bias(c[1], c[2]);
    }
    return ref::matmul(along(qk, 2, ref::softmax1), rv);
  };
  expect_transcendental(q.scaled_dot_product_attention(k, v), attend([](std::size_t, std::size_t) { return 0.0; }), "attention");
  expect_transcendental(q.scaled_dot_product_attention(k, v, fm), attend([&](std::size_t i, std::size_t j) { return rfm.v[i * S + j]; }),
                        "attention with a float mask");
  bm = bm | Tensor<bool, L, S>::eye().to(dev);  // every row keeps something
  for (std::size_t i = 0; i < L; ++i) rbm.v[i * S + i] = 1;
  expect_transcendental(q.scaled_dot_product_attention(k, v, bm),
                        attend([&](std::size_t i, std::size_t j) { return rbm.v[i * S + j] != 0 ? 0.0 : -INFINITY; }), "attention with a bool mask");
  expect_transcendental(q.scaled_dot_product_attention(k, v, 0.0, true), attend([](std::size_t i, std::size_t j) { return j <= i ? 0.0 : -INFINITY; }),
                        "attention, causal");
}

template <class T>
void all(const std::string& dev, std::uint64_t seed) {
  losses<T>(dev, seed);
  functionals<T>(dev, seed);
  dropout<T>(dev, seed);
  attention<T>(dev, seed);
}

}  // namespace

BOOST_AUTO_TEST_CASE(nn_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(all<float>); }
BOOST_AUTO_TEST_CASE(nn_float64, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(all<double>); }
