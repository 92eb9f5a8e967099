// gradcheck of the op surface's losses (surface/loss.hpp): sparse_categorical_crossentropy (ignore_index, label
// smoothing, every reduction), cross_entropy (class indices, probabilities, a trailing dim), nll_loss,
// binary_crossentropy and binary_crossentropy_logits (pos_weight), and the squared and absolute errors written with
// the surface (ctgrad has no mse / l1 functions), in float and double on every device. Integer labels are captured
// by the lambdas: only the float inputs are gradchecked.
#define BOOST_TEST_MODULE grad_surface_loss
#include <boost/test/unit_test.hpp>

#include <cstdint>

#include "../property/reference_surface.hpp"
#include "gradcheck.hpp"

namespace {

using ctgrad::Reduction;
using ctgrad::Tensor;
using gradcheck::check;
namespace r = ref;

r::Array scalar(double v) { return {{}, {v}}; }
// mode 0 mean over the counted rows, 1 sum, 2 none (per row, 0 where ignored)
r::Array reduce_rows(const r::Array& rows, const std::vector<bool>& counted, int mode) {
  double total = 0, n = 0;
  r::Array none = rows;
  for (std::size_t b = 0; b < rows.v.size(); ++b) {
    if (!counted[b]) none.v[b] = 0;
    else total += rows.v[b], n += 1;
  }
  return mode == 2 ? none : scalar(mode == 1 ? total : total / n);
}

template <class T>
void categorical(const std::string& dev, std::uint64_t seed) {
  constexpr std::size_t B = 5, C = 4;
  std::mt19937_64 rng(seed);
  auto x = r::random_input<Tensor<T, B, C>>(rng, dev, -3, 3);
  auto y = r::random_input<Tensor<std::int32_t, B>>(rng, dev, 0, C - 1);
  auto yi = r::random_input<Tensor<std::int32_t, B>>(rng, dev, -1, C - 1);  // some -1: ignored
  yi.r.v[0] = 1;  // at least one row counts
  const std::vector<std::int32_t> yv(yi.r.v.begin(), yi.r.v.end());
  yi.t = Tensor<std::int32_t, B>::from(std::span<const std::int32_t>(yv)).to(dev);
  // -((1 - ls) log_softmax[label] + ls mean(log_softmax)) per row
  auto scce = [](const r::Array& logits, const r::Array& labels, double ls, long ignore, int mode) {
    auto lp = r::along(logits, 1, r::log_softmax1);
    r::Array rows{{B}, std::vector<double>(B)};
    std::vector<bool> counted(B);
    for (std::size_t b = 0; b < B; ++b) {
      counted[b] = labels.v[b] != static_cast<double>(ignore);
      if (!counted[b]) continue;
      double mean_lp = 0;
      for (std::size_t c = 0; c < C; ++c) mean_lp += lp.v[b * C + c] / C;
      rows.v[b] = -((1 - ls) * lp.v[b * C + static_cast<std::size_t>(labels.v[b])] + ls * mean_lp);
    }
    return reduce_rows(rows, counted, mode);
  };
  check("sparse_categorical_crossentropy", rng, [&](auto a) { return a.sparse_categorical_crossentropy(y.t); },
        [&](auto a) { return scce(a, y.r, 0, -1, 0); }, x);
  check("sparse_categorical_crossentropy (ignores -1)", rng, [&](auto a) { return a.sparse_categorical_crossentropy(yi.t); },
        [&](auto a) { return scce(a, yi.r, 0, -1, 0); }, x);
  check("sparse_categorical_crossentropy (ignore_index 2, smoothing 0.1)", rng, [&](auto a) { return a.sparse_categorical_crossentropy(y.t, 2, 0.1); },
        [&](auto a) { return scce(a, y.r, 0.1, 2, 0); }, x);
  check("sparse_categorical_crossentropy<Sum>", rng, [&](auto a) { return a.template sparse_categorical_crossentropy<Reduction::Sum>(yi.t); },
        [&](auto a) { return scce(a, yi.r, 0, -1, 1); }, x);
  check("sparse_categorical_crossentropy<None>", rng, [&](auto a) { return a.template sparse_categorical_crossentropy<Reduction::None>(yi.t); },
        [&](auto a) { return scce(a, yi.r, 0, -1, 2); }, x);
  // cross_entropy: classes on axis 1; smoothing spreads ls / C over every class
  auto ce = [](const r::Array& logits, const r::Array& probs, double ls, int mode) {
    auto lp = r::along(logits, 1, r::log_softmax1);
    r::Array rows{{B}, std::vector<double>(B)};
    for (std::size_t b = 0; b < B; ++b)
      for (std::size_t c = 0; c < C; ++c) rows.v[b] -= lp.v[b * C + c] * ((1 - ls) * probs.v[b * C + c] + ls / C);
    return reduce_rows(rows, std::vector<bool>(B, true), mode);
  };
  r::Array onehot{{B, C}, std::vector<double>(B * C)};
  for (std::size_t b = 0; b < B; ++b) onehot.v[b * C + static_cast<std::size_t>(y.r.v[b])] = 1;
  auto pt = r::random_input<Tensor<T, B, C>>(rng, dev, 0, 1);
  check("cross_entropy(indices)", rng, [&](auto a) { return a.cross_entropy(y.t); }, [&](auto a) { return ce(a, onehot, 0, 0); }, x);
  check("cross_entropy(indices, smoothing 0.2)", rng, [&](auto a) { return a.cross_entropy(y.t, 0.2); }, [&](auto a) { return ce(a, onehot, 0.2, 0); }, x);
  check("cross_entropy<None>(probabilities) (d/d target too)", rng, [](auto a, auto p) { return a.template cross_entropy<Reduction::None>(p); },
        [&](auto a, auto p) { return ce(a, p, 0, 2); }, x, pt);
  check("cross_entropy<Sum>(probabilities, smoothing 0.1)", rng, [](auto a, auto p) { return a.template cross_entropy<Reduction::Sum>(p, 0.1); },
        [&](auto a, auto p) { return ce(a, p, 0.1, 1); }, x, pt);
  // (B, C, L): classes on axis 1 with a trailing dim
  auto x3 = r::random_input<Tensor<T, 2, 4, 3>>(rng, dev, -3, 3);
  auto y3 = r::random_input<Tensor<std::int32_t, 2, 3>>(rng, dev, 0, 3);
  check("cross_entropy (B, C, L)", rng, [&](auto a) { return a.cross_entropy(y3.t); },
        [&](auto a) {
          auto lp = r::along(a, 1, r::log_softmax1);
          double s = 0;
          for (std::size_t b = 0; b < 2; ++b)
            for (std::size_t l = 0; l < 3; ++l) s -= lp.v[r::ravel({b, static_cast<std::size_t>(y3.r.v[b * 3 + l]), l}, {2, 4, 3})] / 6;
          return scalar(s);
        },
        x3);
  // nll_loss of raw inputs (any values: it picks and negates) and of log_softmax
  auto nll = [](const r::Array& lp, const r::Array& labels, long ignore, int mode) {
    r::Array rows{{B}, std::vector<double>(B)};
    std::vector<bool> counted(B);
    for (std::size_t b = 0; b < B; ++b) {
      counted[b] = labels.v[b] != static_cast<double>(ignore);
      if (counted[b]) rows.v[b] = -lp.v[b * C + static_cast<std::size_t>(labels.v[b])];
    }
    return reduce_rows(rows, counted, mode);
  };
  check("nll_loss", rng, [&](auto a) { return a.nll_loss(y.t); }, [&](auto a) { return nll(a, y.r, -100, 0); }, x);
  check("nll_loss(ignore_index -1)", rng, [&](auto a) { return a.nll_loss(yi.t, -1); }, [&](auto a) { return nll(a, yi.r, -1, 0); }, x);
  check("log_softmax().nll_loss<None>(ignore_index -1)", rng, [&](auto a) { return a.log_softmax().template nll_loss<Reduction::None>(yi.t, -1); },
        [&](auto a) { return nll(r::along(a, 1, r::log_softmax1), yi.r, -1, 2); }, x);
}

template <class T>
void binary(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto p = r::random_input<Tensor<T, 3, 4>>(rng, dev, 0.05, 0.95);
  auto t = r::random_input<Tensor<T, 3, 4>>(rng, dev, 0, 1);  // soft targets: the target's gradient is checked too
  auto x = r::random_input<Tensor<T, 3, 4>>(rng, dev, -4, 4);
  auto bce = [](const r::Array& q, const r::Array& z) {
    return r::zip(q, z, [](double a, double b) { return -(b * std::log(a) + (1 - b) * std::log(1 - a)); });
  };
  check("binary_crossentropy", rng, [](auto a, auto b) { return a.binary_crossentropy(b); }, [&](auto a, auto b) { return r::mean(bce(a, b)); }, p, t);
  check("binary_crossentropy<None>", rng, [](auto a, auto b) { return a.template binary_crossentropy<Reduction::None>(b); }, bce, p, t);
  auto sig = [](double v) { return 1 / (1 + std::exp(-v)); };
  auto bcel = [&](double pw) {
    return [=](const r::Array& a, const r::Array& b) {
      return r::zip(a, b, [=](double v, double z) { return -(pw * z * std::log(sig(v)) + (1 - z) * std::log(1 - sig(v))); });
    };
  };
  check("binary_crossentropy_logits", rng, [](auto a, auto b) { return a.binary_crossentropy_logits(b); },
        [&](auto a, auto b) { return r::mean(bcel(1)(a, b)); }, x, t);
  check("binary_crossentropy_logits<Sum>(pos_weight 3)", rng, [](auto a, auto b) { return a.template binary_crossentropy_logits<Reduction::Sum>(b, 3.0); },
        [&](auto a, auto b) { return r::sum(bcel(3)(a, b)); }, x, t);
  check("binary_crossentropy_logits of large logits (x * 30)", rng, [](auto a, auto b) { return (a * T(30)).binary_crossentropy_logits(b); },
        [](auto a, auto b) {
          return r::mean(r::zip(a, b, [](double v, double z) { return z * std::log1p(std::exp(-30 * v)) + (1 - z) * std::log1p(std::exp(30 * v)); }));
        },
        x, t);
  // mse and l1 (the values differ by more than h, so |a - b| has no kink in reach)
  check("mse: (a - b).square().mean()", rng, [](auto a, auto b) { return (a - b).square().mean(); },
        [](auto a, auto b) { return r::mean(r::zip(a, b, [](double u, double v) { return (u - v) * (u - v); })); }, x, t);
  check("l1: (a - b).abs().mean()", rng, [](auto a, auto b) { return (a - b).abs().mean(); },
        [](auto a, auto b) { return r::mean(r::zip(a, b, [](double u, double v) { return std::abs(u - v); })); }, x, t);
}

}  // namespace

BOOST_AUTO_TEST_CASE(categorical_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(categorical<float>); }
BOOST_AUTO_TEST_CASE(categorical_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(categorical<double>); }
BOOST_AUTO_TEST_CASE(binary_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(binary<float>); }
BOOST_AUTO_TEST_CASE(binary_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(binary<double>); }
