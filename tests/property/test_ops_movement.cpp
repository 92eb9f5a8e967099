// Movement chains feeding compute, against the float64 reference (reference.hpp): permute, pad (padding reads 0),
// shrink, flip, expand, reshape after permute, transpose/squeeze/unsqueeze/flatten, on realized inputs and on lazy
// computations and reductions, for float, double and int32, fixed seeds, every device.
#define BOOST_TEST_MODULE ops_movement
#include <boost/test/unit_test.hpp>

#include <cstdint>

#include "reference.hpp"

namespace {

using ctgrad::Tensor;
using ctgrad::keepdim;
using ref::expect_basic;
using ref::expect_reduced;

// Movement on realized inputs: views folded into the consumer's loads.
template <class T>
void movement_of_inputs(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<T, 2, 3, 4>>(rng, dev, -9, 9);
  auto [m, rm] = ref::random_input<Tensor<T, 5, 6>>(rng, dev, -9, 9);
  auto [y, ry] = ref::random_input<Tensor<T, 3, 8>>(rng, dev, -9, 9);
  auto [c, rc] = ref::random_input<Tensor<T, 3, 1>>(rng, dev, -9, 9);
  auto [e, re] = ref::random_input<Tensor<T, 2, 1, 4>>(rng, dev, -9, 9);
  auto plus1 = [](double v) { return v + 1; };
  expect_basic(x.template permute<2, 0, 1>() + 1, ref::map(ref::permute(rx, {2, 0, 1}), plus1), "permute<2,0,1> + 1");
  expect_basic(x.template permute<1, 0, 2>().template reshape<3, 8>() * y, ref::zip(ref::reshape(ref::permute(rx, {1, 0, 2}), {3, 8}), ry,
               std::multiplies<>{}), "permute<1,0,2>.reshape<3,8> * y");
  expect_basic(x.template permute<2, 1, 0>().template reshape<2, 12>() - 1, ref::map(ref::reshape(ref::permute(rx, {2, 1, 0}), {2, 12}),
               [](double v) { return v - 1; }), "permute<2,1,0>.reshape<2,12> - 1 (not mergeable into one view)");
  expect_basic(m.template pad<1, 2, 0, 3>() * 2 + 1, ref::map(ref::pad(rm, {1, 0}, {2, 3}), [](double v) { return v * 2 + 1; }),
               "pad * 2 + 1: the padding reads 0 before the compute");
  expect_basic(m.template shrink<1, 4, 2, 6>() - 1, ref::map(ref::shrink(rm, {1, 2}, {4, 6}), [](double v) { return v - 1; }), "shrink - 1");
  expect_basic(m.template flip<0>() * m, ref::zip(ref::flip(rm, {0}), rm, std::multiplies<>{}), "flip<0> * m");
  expect_basic(m.template flip<0, 1>() + 0, ref::flip(rm, {0, 1}), "flip<0,1>");
  expect_basic(c.template expand<2, 3, 5>() + 1, ref::map(ref::expand(rc, {2, 3, 5}), plus1), "expand<2,3,5> + 1");
  // reshape of an expanded view needs two views (the batch broadcast of matmul builds exactly this)
  auto rstack = ref::reshape(ref::expand(re, {2, 3, 4}), {6, 4});
  expect_basic(e.template expand<2, 3, 4>().template reshape<6, 4>() * 1, rstack, "expand<2,3,4>.reshape<6,4>");
  expect_reduced(e.template expand<2, 3, 4>().template reshape<6, 4>().template sum<1>(), ref::sum(rstack, {1}), "sum<1> of expand.reshape");
  expect_basic(m.template transpose<0, 1>().template unsqueeze<0>().template squeeze<0>().flatten() * 1,
               ref::reshape(ref::permute(rm, {1, 0}), {30}), "transpose, unsqueeze, squeeze, flatten");
  // a chain of every kind of movement, then compute, then a reduction
  auto chain = m.template flip<1>().template pad<1, 1, 0, 2>().template shrink<0, 6, 1, 8>().template permute<1, 0>().template reshape<3, 14>();
  auto rchain = ref::reshape(ref::permute(ref::shrink(ref::pad(ref::flip(rm, {1}), {1, 0}, {1, 2}), {0, 1}, {6, 8}), {1, 0}), {3, 14});
  expect_basic(chain * 3 - 2, ref::map(rchain, [](double v) { return v * 3 - 2; }), "flip.pad.shrink.permute.reshape * 3 - 2");
  expect_reduced(chain.template sum<1>(), ref::sum(rchain, {1}), "sum<1> of the chain");
  expect_reduced(m.template pad<2, 0, 1, 1>().template sum<0>(), ref::sum(ref::pad(rm, {2, 1}, {0, 1}), {0}), "sum<0> of a padded input");
}

// Movement on lazy computations and reductions: the lowering pushes the view through elementwise ops, or realizes
// the computation first where it must (padding of a computed value, views of reductions).
template <class T>
void movement_of_compute(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [m, rm] = ref::random_input<Tensor<T, 5, 6>>(rng, dev, -9, 9);
  auto [n, rn] = ref::random_input<Tensor<T, 6, 5>>(rng, dev, -9, 9);
  auto twice_plus1 = [](double v) { return v * 2 + 1; };
  auto lazy = m * 2 + 1;
  auto rlazy = ref::map(rm, twice_plus1);
  expect_basic(lazy.template permute<1, 0>() + n, ref::zip(ref::permute(rlazy, {1, 0}), rn, std::plus<>{}), "(m * 2 + 1).permute + n");
  expect_basic(lazy.template pad<1, 1, 2, 0>() + 0, ref::pad(rlazy, {1, 2}, {1, 0}), "pad of a computation: padding is 0, not f(0)");
  expect_basic(lazy.template pad<0, 1, 1, 0>() - m.template pad<0, 1, 1, 0>(), ref::zip(ref::pad(rlazy, {0, 1}, {1, 0}), ref::pad(rm, {0, 1}, {1, 0}),
               std::minus<>{}), "pad(m * 2 + 1) - pad(m)");
  expect_basic(lazy.template shrink<1, 3, 0, 6>().template flip<1>() * 1, ref::flip(ref::shrink(rlazy, {1, 0}, {3, 6}), {1}),
               "(m * 2 + 1).shrink.flip");
  auto s = m.template sum<1>(keepdim);
  auto rs = ref::sum(rm, {1}, true);
  expect_basic(s.template expand<5, 6>() - m, ref::zip(ref::expand(rs, {5, 6}), rm, std::minus<>{}), "sum<1>(keepdim).expand - m");
  expect_basic(s.template permute<1, 0>().template pad<1, 1, 0, 0>() + 0, ref::pad(ref::permute(rs, {1, 0}), {1, 0}, {1, 0}),
               "sum<1>(keepdim).permute.pad");
  expect_basic(m.template sum<0>().template flip<0>() * 1, ref::flip(ref::sum(rm, {0}), {0}), "sum<0>().flip");
}

template <class T>
void movement_all(const std::string& dev, std::uint64_t seed) {
  movement_of_inputs<T>(dev, seed);
  movement_of_compute<T>(dev, seed);
}

}  // namespace

BOOST_AUTO_TEST_CASE(movement_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(movement_all<float>); }
BOOST_AUTO_TEST_CASE(movement_float64, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(movement_all<double>); }
BOOST_AUTO_TEST_CASE(movement_int32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(movement_all<std::int32_t>); }

// A shrink into the padding of a reshaped, padded view leaves size-1 dims with empty masks; merged with other size-1
// axes they must still read the padding value (a regression: the merged group dropped the mask).
BOOST_AUTO_TEST_CASE(shrink_into_padding_reads_zero, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto x = (Tensor<double, 2, 3, 2>::arange() + 1.0).to(dev).realize();
    auto y = x.shrink<0, 1, 1, 3, 0, 2>().pad<1, 0, 0, 2, 0, 1>().pad<0, 1, 1, 1, 1, 0>().reshape<18, 4, 1>();
    expect_basic(y.shrink<17, 18, 3, 4, 0, 1>(), ref::Array{{1, 1, 1}, {0}}, "padding element through three size-1 dims");
    expect_basic(y.shrink<7, 8, 1, 3, 0, 1>(), ref::Array{{1, 2, 1}, {3, 4}}, "valid elements beside it");
  });
}
