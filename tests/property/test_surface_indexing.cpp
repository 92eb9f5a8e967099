// Op surface, indexing group, against the float64 reference: x[idx] with integer index tensors (negative indices
// count from the end), gather, scatter, scatter_reduce (every mode, with and without self), one_hot, masked_fill,
// triu/tril with diagonal offsets; random indices from fixed seeds, float and int32, every device.
#define BOOST_TEST_MODULE surface_indexing
#include <boost/test/unit_test.hpp>

#include <cstdint>

#include "reference_surface.hpp"

namespace {

using ctgrad::ScatterReduce;
using ctgrad::Tensor;
using ref::expect_basic;
using ref::remap;
using ref::Shape;

template <class TI>
ref::Input<TI> random_index(std::mt19937_64& rng, const std::string& dev, long lo, long hi) {
  return ref::random_input<TI>(rng, dev, static_cast<double>(lo), static_cast<double>(hi));
}

template <class T>
void getitem_and_gather(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<T, 5, 3, 4>>(rng, dev, -9, 9);
  auto [i, ri] = random_index<Tensor<std::int32_t, 7>>(rng, dev, -5, 4);
  auto [j, rj] = random_index<Tensor<std::int32_t, 2, 3>>(rng, dev, 0, 4);
  auto wrap = [](double k) { return static_cast<std::size_t>(k < 0 ? k + 5 : k); };
  expect_basic(x[i], remap(rx, {7, 3, 4}, [&](const Shape& c) -> std::optional<Shape> { return Shape{wrap(ri.v[c[0]]), c[1], c[2]}; }),
               "x[idx] (7): rows of axis 0, negative from the end");
  expect_basic((x * 2)[j] / 2, remap(rx, {2, 3, 3, 4}, [&](const Shape& c) -> std::optional<Shape> { return Shape{wrap(rj.v[c[0] * 3 + c[1]]), c[2], c[3]}; }),
               "x[idx] (2, 3) of a computation, halved");
  // gather<A>: out[p] = x[p with p[A] = idx[p]]; idx may be smaller than x outside A
  auto [g1, rg1] = random_index<Tensor<std::int32_t, 4, 3, 2>>(rng, dev, 0, 2);
  expect_basic(x.template gather<1>(g1), remap(rx, {4, 3, 2}, [&](const Shape& c) -> std::optional<Shape> {
                 return Shape{c[0], static_cast<std::size_t>(rg1.v[ref::ravel(c, {4, 3, 2})]), c[2]};
               }), "gather<1> with a smaller index");
  auto [g2, rg2] = random_index<Tensor<std::int32_t, 5, 3, 6>>(rng, dev, 0, 3);
  expect_basic(x.template gather<-1>(g2), remap(rx, {5, 3, 6}, [&](const Shape& c) -> std::optional<Shape> {
                 return Shape{c[0], c[1], static_cast<std::size_t>(rg2.v[ref::ravel(c, {5, 3, 6})])};
               }), "gather<-1> with more picks than the dim");
}

template <class T>
void scatters(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<T, 4, 5>>(rng, dev, -9, 9);
  auto [src, rsrc] = ref::random_input<Tensor<T, 3, 6>>(rng, dev, 1, 3);
  auto [idx, ridx] = random_index<Tensor<std::int32_t, 3, 4>>(rng, dev, 0, 3);
  // scatter<0>: out[idx[q], q1] = src[q]; rows of q with the same target add up, so reduce by the rule
  auto reduced = [&](ScatterReduce mode, bool include_self, bool plain) {
    ref::Array out = rx;
    std::vector<std::vector<double>> got(rx.v.size());
    for (std::size_t q0 = 0; q0 < 3; ++q0)
      for (std::size_t q1 = 0; q1 < 4; ++q1) got[static_cast<std::size_t>(ridx.v[q0 * 4 + q1]) * 5 + q1].push_back(rsrc.v[q0 * 6 + q1]);
    for (std::size_t k = 0; k < out.v.size(); ++k) {
      if (got[k].empty()) continue;
      auto vals = got[k];
      if (plain) {
        out.v[k] = std::accumulate(vals.begin(), vals.end(), 0.0);
        continue;
      }
      if (include_self) vals.push_back(rx.v[k]);
      double r = 0;
      switch (mode) {
        case ScatterReduce::Sum: r = std::accumulate(vals.begin(), vals.end(), 0.0); break;
        case ScatterReduce::Prod: r = std::accumulate(vals.begin(), vals.end(), 1.0, std::multiplies<>{}); break;
        case ScatterReduce::Mean: r = std::accumulate(vals.begin(), vals.end(), 0.0) / static_cast<double>(vals.size()); break;
        case ScatterReduce::Amax: r = *std::max_element(vals.begin(), vals.end()); break;
        default: r = *std::min_element(vals.begin(), vals.end());
      }
      if (std::is_integral_v<T> && mode == ScatterReduce::Mean) r = std::floor(r);
      out.v[k] = r;
    }
    return out;
  };
  expect_basic(x.template scatter<0>(idx, src), reduced(ScatterReduce::Sum, false, true), "scatter<0> (duplicates add up)");
  for (bool self : {true, false}) {
    BOOST_TEST_CONTEXT("include_self " << self) {
      expect_basic(x.template scatter_reduce<0>(idx, src, ScatterReduce::Sum, self), reduced(ScatterReduce::Sum, self, false), "scatter_reduce sum");
      expect_basic(x.template scatter_reduce<0>(idx, src, ScatterReduce::Prod, self), reduced(ScatterReduce::Prod, self, false), "scatter_reduce prod");
      expect_basic(x.template scatter_reduce<0>(idx, src, ScatterReduce::Mean, self), reduced(ScatterReduce::Mean, self, false), "scatter_reduce mean");
      expect_basic(x.template scatter_reduce<0>(idx, src, ScatterReduce::Amax, self), reduced(ScatterReduce::Amax, self, false), "scatter_reduce amax");
      expect_basic(x.template scatter_reduce<0>(idx, src, ScatterReduce::Amin, self), reduced(ScatterReduce::Amin, self, false), "scatter_reduce amin");
    }
  }
  // scatter along the last axis with a permutation index: no duplicates, a plain write
  auto perm = Tensor<std::int32_t, 4, 5>::from({4, 0, 1, 2, 3, 1, 2, 3, 4, 0, 0, 1, 2, 3, 4, 3, 4, 0, 1, 2}).to(dev);
  const std::vector<double> rperm{4, 0, 1, 2, 3, 1, 2, 3, 4, 0, 0, 1, 2, 3, 4, 3, 4, 0, 1, 2};
  auto [s2, rs2] = ref::random_input<Tensor<T, 4, 5>>(rng, dev, -9, 9);
  ref::Array want = rx;
  for (std::size_t r = 0; r < 4; ++r)
    for (std::size_t c = 0; c < 5; ++c) want.v[r * 5 + static_cast<std::size_t>(rperm[r * 5 + c])] = rs2.v[r * 5 + c];
  expect_basic(x.template scatter<1>(perm, s2), want, "scatter<1> of a permutation");
}

template <class T>
void masks(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [m, rm] = ref::random_input<Tensor<T, 2, 4, 6>>(rng, dev, -9, 9);
  auto [k, rk] = random_index<Tensor<std::int32_t, 3, 5>>(rng, dev, -1, 7);
  ref::Array hot{{3, 5, 6}, std::vector<double>(90)};
  for (std::size_t i = 0; i < 15; ++i)
    if (rk.v[i] >= 0 && rk.v[i] < 6) hot.v[i * 6 + static_cast<std::size_t>(rk.v[i])] = 1;
  expect_basic(k.template one_hot<6>(), hot, "one_hot<6> (out-of-range rows are zero)");
  auto mask = m > T(0);
  expect_basic(m.masked_fill(mask, 5), ref::map(rm, [](double v) { return v > 0 ? 5 : v; }), "masked_fill");
  for (long d : {0L, 1L, -2L, 3L}) {
    BOOST_TEST_CONTEXT("diagonal " << d) {
      auto tri = [&](bool upper) {
        ref::Array o = rm;
        for (std::size_t i = 0; i < o.v.size(); ++i) {
          auto c = ref::unravel(i, o.shape);
          const long off = static_cast<long>(c[2]) - static_cast<long>(c[1]);
          if (upper ? off < d : off > d) o.v[i] = 0;
        }
        return o;
      };
      expect_basic(m.triu(d), tri(true), "triu");
      expect_basic(m.tril(d), tri(false), "tril");
    }
  }
}

template <class T>
void all(const std::string& dev, std::uint64_t seed) {
  getitem_and_gather<T>(dev, seed);
  scatters<T>(dev, seed);
  masks<T>(dev, seed);
}

}  // namespace

BOOST_AUTO_TEST_CASE(indexing_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(all<float>); }
BOOST_AUTO_TEST_CASE(indexing_int32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(all<std::int32_t>); }
