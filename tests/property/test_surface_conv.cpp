// Op surface, processing group: conv2d (bias, stride, padding, dilation, groups), conv_transpose2d (stride, padding,
// output padding, dilation, groups), max_pool2d and avg_pool2d (kernel, stride, dilation, padding, count_include_pad)
// against textbook float64 loops; all lower to views plus one reduction. Random values, fixed seeds, every device.
#define BOOST_TEST_MODULE surface_conv
#include <boost/test/unit_test.hpp>

#include <cstdint>

#include "reference_surface.hpp"

namespace {

using ctgrad::Hw;
using ctgrad::Tensor;
using ref::expect_reduced;

template <class T>
void conv(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<T, 2, 4, 9, 8>>(rng, dev, -1, 1);
  auto [w, rw] = ref::random_input<Tensor<T, 6, 4, 3, 3>>(rng, dev, -1, 1);
  auto [wg, rwg] = ref::random_input<Tensor<T, 6, 2, 3, 2>>(rng, dev, -1, 1);
  auto [wd, rwd] = ref::random_input<Tensor<T, 4, 1, 3, 3>>(rng, dev, -1, 1);
  auto [b, rb] = ref::random_input<Tensor<T, 6>>(rng, dev, -1, 1);
  expect_reduced(x.conv2d(w), ref::conv2d(rx, rw, nullptr, {}), "conv2d");
  expect_reduced(x.conv2d(w, b), ref::conv2d(rx, rw, &rb, {}), "conv2d + bias");
  expect_reduced(x.template conv2d<2>(w), ref::conv2d(rx, rw, nullptr, {2, 2}), "conv2d stride 2");
  expect_reduced(x.template conv2d<1, 1>(w, b), ref::conv2d(rx, rw, &rb, {1, 1, 1, 1}), "conv2d padding 1 + bias");
  expect_reduced(x.template conv2d<Hw{2, 3}, Hw{2, 1}, Hw{2, 1}>(w), ref::conv2d(rx, rw, nullptr, {2, 3, 2, 1, 2, 1}),
                 "conv2d stride (2,3), padding (2,1), dilation (2,1)");
  expect_reduced(x.template conv2d<1, 0, 1, 2>(wg, b), ref::conv2d(rx, rwg, &rb, {1, 1, 0, 0, 1, 1, 2}), "conv2d groups 2 + bias");
  expect_reduced(x.template conv2d<1, 1, 1, 4>(wd), ref::conv2d(rx, rwd, nullptr, {1, 1, 1, 1, 1, 1, 4}), "conv2d depthwise (groups 4)");
  expect_reduced(ctgrad::conv2d<2, 1>(x * 2, w), ref::conv2d(ref::map(rx, [](double v) { return 2 * v; }), rw, nullptr, {2, 2, 1, 1}),
                 "conv2d of a computation, free function");
  // a conv chain, as a model has: conv, relu, conv
  auto [w2, rw2] = ref::random_input<Tensor<T, 3, 6, 2, 2>>(rng, dev, -1, 1);
  auto r1 = ref::map(ref::conv2d(rx, rw, &rb, {1, 1, 1, 1}), [](double v) { return std::max(v, 0.0); });
  expect_reduced(x.template conv2d<1, 1>(w, b).relu().conv2d(w2), ref::conv2d(r1, rw2, nullptr, {}), "conv2d, relu, conv2d");
}

template <class T>
void conv_transpose(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<T, 2, 4, 5, 4>>(rng, dev, -1, 1);
  auto [w, rw] = ref::random_input<Tensor<T, 4, 3, 3, 3>>(rng, dev, -1, 1);
  auto [wg, rwg] = ref::random_input<Tensor<T, 4, 1, 2, 3>>(rng, dev, -1, 1);
  auto [b, rb] = ref::random_input<Tensor<T, 3>>(rng, dev, -1, 1);
  auto plus_bias = [&](ref::Array a) {
    for (std::size_t i = 0; i < a.v.size(); ++i) a.v[i] += rb.v[ref::unravel(i, a.shape)[1]];
    return a;
  };
  expect_reduced(x.conv_transpose2d(w), ref::conv_transpose2d(rx, rw, {}), "conv_transpose2d");
  expect_reduced(x.conv_transpose2d(w, b), plus_bias(ref::conv_transpose2d(rx, rw, {})), "conv_transpose2d + bias");
  expect_reduced(x.template conv_transpose2d<2>(w), ref::conv_transpose2d(rx, rw, {2, 2}), "conv_transpose2d stride 2");
  expect_reduced(x.template conv_transpose2d<2, 1, 1>(w), ref::conv_transpose2d(rx, rw, {2, 2, 1, 1}, 1, 1),
                 "conv_transpose2d stride 2, padding 1, output padding 1");
  expect_reduced(x.template conv_transpose2d<Hw{1, 2}, 0, 0, 2>(w), ref::conv_transpose2d(rx, rw, {1, 2, 0, 0, 2, 2}),
                 "conv_transpose2d stride (1,2), dilation 2");
  expect_reduced(x.template conv_transpose2d<2, 0, 0, 1, 4>(wg), ref::conv_transpose2d(rx, rwg, {2, 2, 0, 0, 1, 1, 4}), "conv_transpose2d groups 4");
}

template <class T>
void pools(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<T, 2, 3, 9, 8>>(rng, dev, -5, 5);
  auto [y, ry] = ref::random_input<Tensor<T, 7, 6>>(rng, dev, -5, 5);
  expect_reduced(x.max_pool2d(), ref::pool2d(rx, true, 2, 2, {2, 2}), "max_pool2d() 2x2 (odd H drops the last row)");
  expect_reduced(x.template max_pool2d<3, 1>(), ref::pool2d(rx, true, 3, 3, {}), "max_pool2d<3, 1>");
  expect_reduced(x.template max_pool2d<3, 2, 1, 1>(), ref::pool2d(rx, true, 3, 3, {2, 2, 1, 1}), "max_pool2d<3, 2, 1, 1>: padding reads -inf");
  expect_reduced(x.template max_pool2d<Hw{2, 3}, Hw{1, 2}, Hw{2, 1}>(), ref::pool2d(rx, true, 2, 3, {1, 2, 0, 0, 2, 1}),
                 "max_pool2d kernel (2,3), stride (1,2), dilation (2,1)");
  expect_reduced((-x).max_pool2d(), ref::pool2d(ref::map(rx, [](double v) { return -v; }), true, 2, 2, {2, 2}), "max_pool2d of negatives");
  expect_reduced(y.max_pool2d(), ref::pool2d(ry, true, 2, 2, {2, 2}), "max_pool2d of a 2-D tensor");
  expect_reduced(x.avg_pool2d(), ref::pool2d(rx, false, 2, 2, {2, 2}), "avg_pool2d()");
  expect_reduced(x.template avg_pool2d<3, 2, 1, 1>(), ref::pool2d(rx, false, 3, 3, {2, 2, 1, 1}), "avg_pool2d<3, 2, 1, 1> counting padding");
  expect_reduced(x.template avg_pool2d<3, 2, 1, 1>(false), ref::pool2d(rx, false, 3, 3, {2, 2, 1, 1}, false),
                 "avg_pool2d<3, 2, 1, 1>(count_include_pad = false)");
  expect_reduced(x.template avg_pool2d<Hw{4, 2}, 3>(), ref::pool2d(rx, false, 4, 2, {3, 3}), "avg_pool2d kernel (4,2), stride 3 (windows apart)");
}

template <class T>
void all(const std::string& dev, std::uint64_t seed) {
  conv<T>(dev, seed);
  conv_transpose<T>(dev, seed);
  pools<T>(dev, seed);
}

}  // namespace

BOOST_AUTO_TEST_CASE(conv_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(all<float>); }
BOOST_AUTO_TEST_CASE(conv_float64, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(all<double>); }
