// gradcheck of reductions (sum, mean, max, min, prod over any axes, keepdim or not) and matmul (every rank
// combination, batch broadcasting), in float and double on every device; and tinygrad's rule for tied maxima.
#define BOOST_TEST_MODULE grad_reduce
#include <boost/test/unit_test.hpp>

#include "gradcheck.hpp"

namespace {

using ctgrad::Tensor;
using ctgrad::keepdim;
using gradcheck::check;
namespace r = ref;

template <class T>
void reductions(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto a = r::random_input<Tensor<T, 3, 4, 5>>(rng, dev, -2, 2);
  auto p = r::random_input<Tensor<T, 2, 3>>(rng, dev, 0.5, 1.5);  // prod: away from 0
  check("sum()", rng, [](auto x) { return x.sum(); }, [](auto x) { return r::sum(x); }, a);
  check("sum<1>()", rng, [](auto x) { return x.template sum<1>(); }, [](auto x) { return r::sum(x, {1}); }, a);
  check("sum<0, 2>(keepdim)", rng, [](auto x) { return x.template sum<0, 2>(keepdim); }, [](auto x) { return r::sum(x, {0, 2}, true); }, a);
  check("mean<2>()", rng, [](auto x) { return x.template mean<2>(); }, [](auto x) { return r::mean(x, {2}); }, a);
  check("max<1>()", rng, [](auto x) { return x.template max<1>(); }, [](auto x) { return r::max(x, {1}); }, a);
  check("max()", rng, [](auto x) { return x.max(); }, [](auto x) { return r::max(x); }, a);
  check("min<0>(keepdim)", rng, [](auto x) { return x.template min<0>(keepdim); }, [](auto x) { return r::min(x, {0}, true); }, a);
  check("prod<1>()", rng, [](auto x) { return x.template prod<1>(); }, [](auto x) { return r::prod(x, {1}); }, p);
  check("prod()", rng, [](auto x) { return x.prod(); }, [](auto x) { return r::prod(x); }, p);
  check("(x * x).sum<2>().sqrt()", rng, [](auto x) { return (x * x).template sum<2>().sqrt(); },
        [](auto x) { return r::map(r::sum(r::zip(x, x, std::multiplies<>{}), {2}), [](double v) { return std::sqrt(v); }); }, a);
  check("x - x.max<1>(keepdim) (softmax's shift)", rng, [](auto x) { return x - x.template max<1>(keepdim); },
        [](auto x) { return r::zip(x, r::max(x, {1}, true), std::minus<>{}); }, a);
}

template <class T>
void matmuls(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto mm = [](auto x, auto y) { return x.matmul(y); };
  auto rmm = [](auto x, auto y) { return r::matmul(x, y); };
  auto a = r::random_input<Tensor<T, 3, 4>>(rng, dev, -1, 1);
  auto b = r::random_input<Tensor<T, 4, 5>>(rng, dev, -1, 1);
  auto v = r::random_input<Tensor<T, 4>>(rng, dev, -1, 1);
  auto w = r::random_input<Tensor<T, 4>>(rng, dev, -1, 1);
  auto u = r::random_input<Tensor<T, 3>>(rng, dev, -1, 1);
  auto batch = r::random_input<Tensor<T, 2, 3, 4>>(rng, dev, -1, 1);
  auto batch_b = r::random_input<Tensor<T, 2, 4, 5>>(rng, dev, -1, 1);
  auto bcast = r::random_input<Tensor<T, 2, 1, 4, 3>>(rng, dev, -1, 1);
  check("(3,4) @ (4,5)", rng, mm, rmm, a, b);
  check("(3,4) @ (4)", rng, mm, rmm, a, v);
  check("(3) @ (3,4)", rng, mm, rmm, u, a);
  check("(4) @ (4)", rng, mm, rmm, v, w);
  check("(2,3,4) @ (4,5) (batch broadcast)", rng, mm, rmm, batch, b);
  check("(2,3,4) @ (2,4,5)", rng, mm, rmm, batch, batch_b);
  check("(2,1,4,3) @ (2,3,4) (both broadcast)", rng, mm, rmm, bcast, batch);
  check("relu(a @ b) @ b^T", rng, [](auto x, auto y) { return x.matmul(y).relu().matmul(y.template transpose<0, 1>()); },
        [](auto x, auto y) {
          auto h = r::map(r::matmul(x, y), [](double e) { return std::max(e, 0.0); });
          return r::matmul(h, r::permute(y, {1, 0}));
        },
        a, b);
}

// Ties: max hands each tied maximum an equal share of the gradient, and maximum() splits a tie in half.
void ties(const std::string& dev, std::uint64_t) {
  auto x = Tensor<float, 2, 3>::from({1, 3, 3, 2, 2, 2}).to(dev).requires_grad_();
  x.template max<1>().sum().backward();
  r::expect_values({2, 3}, gradcheck::doubles(x.grad().tolist()), {{2, 3}, {0, 0.5, 0.5, 1. / 3, 1. / 3, 1. / 3}}, {1e-6, 1e-7}, "max<1> ties");
  auto a = Tensor<float, 3>::from({1, 2, 3}).to(dev).requires_grad_();
  auto b = Tensor<float, 3>::from({1, 5, 0}).to(dev).requires_grad_();
  a.maximum(b).sum().backward();
  r::expect_values({3}, gradcheck::doubles(a.grad().tolist()), {{3}, {0.5, 0, 1}}, r::exact, "maximum tie: d/da");
  r::expect_values({3}, gradcheck::doubles(b.grad().tolist()), {{3}, {0.5, 1, 0}}, r::exact, "maximum tie: d/db");
}

}  // namespace

BOOST_AUTO_TEST_CASE(reductions_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(reductions<float>); }
BOOST_AUTO_TEST_CASE(reductions_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(reductions<double>); }
BOOST_AUTO_TEST_CASE(matmul_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(matmuls<float>); }
BOOST_AUTO_TEST_CASE(matmul_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(matmuls<double>); }
BOOST_AUTO_TEST_CASE(tied_maxima, CTGRAD_ON_DEVICES) { ctgrad_test::on_each_device([](const std::string& dev) { ties(dev, 0); }); }
