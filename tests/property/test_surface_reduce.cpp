// Op surface, reductions and scans, against the float64 reference: softmax, log_softmax, softmin, logsumexp,
// var/std (with correction and keepdim), var_mean/std_mean, any/all, argmax/argmin (first occurrence), cumsum,
// cumprod, cummax/cummin with indices, logcumsumexp, sort/argsort (stable), topk; ties on purpose (quantized values),
// float, double and int32, two shapes, fixed seeds, every device.
#define BOOST_TEST_MODULE surface_reduce
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>

#include "reference_surface.hpp"

namespace {

using ctgrad::keepdim;
using ctgrad::Tensor;
using ref::along;
using ref::expect_basic;
using ref::expect_reduced;
using ref::expect_transcendental;

ref::Array drop_axis(ref::Array a, std::size_t axis) {
  a.shape.erase(a.shape.begin() + static_cast<long>(axis));
  return a;
}
ref::Array var_ref(const ref::Array& a, ref::Shape axes, double correction, bool keep) {
  auto m = ref::mean(a, axes, true);
  auto d2 = ref::zip(a, m, [](double x, double y) { return (x - y) * (x - y); });
  auto s = ref::sum(d2, axes, keep);
  const double n = static_cast<double>(ref::numel(a.shape)) / static_cast<double>(ref::numel(s.shape));
  return ref::map(s, [&](double v) { return v / (n - correction); });
}
std::vector<double> first_max_index(const std::vector<double>& x) {
  return {static_cast<double>(std::max_element(x.begin(), x.end()) - x.begin())};
}
std::vector<double> first_min_index(const std::vector<double>& x) {
  return {static_cast<double>(std::min_element(x.begin(), x.end()) - x.begin())};
}
// running op; with index = true the first j <= i holding the running value
ref::Array running(const ref::Array& a, std::size_t axis, int kind, bool index) {
  return along(a, axis, [&](const std::vector<double>& x) {
    std::vector<double> out(x.size());
    double acc = kind == 0 ? 0 : kind == 1 ? 1 : x[0];
    for (std::size_t i = 0; i < x.size(); ++i) {
      acc = kind == 0 ? acc + x[i] : kind == 1 ? acc * x[i] : kind == 2 ? std::max(acc, x[i]) : std::min(acc, x[i]);
      out[i] = acc;
      if (index) out[i] = static_cast<double>(std::find(x.begin(), x.end(), acc) - x.begin());
    }
    return out;
  });
}

template <class T>
void softmax_family(const std::string& dev, std::uint64_t seed) {
  using TA = Tensor<T, 4, 5, 6>;
  std::mt19937_64 rng(seed);
  auto [a, ra] = ref::random_input<TA>(rng, dev, -5, 5);
  expect_transcendental(a.softmax(), along(ra, 2, ref::softmax1), "softmax() over the last axis");
  expect_transcendental(a.template softmax<1>(), along(ra, 1, ref::softmax1), "softmax<1>");
  expect_transcendental(a.template softmax<-3>(), along(ra, 0, ref::softmax1), "softmax<-3>");
  expect_transcendental(a.log_softmax(), along(ra, 2, ref::log_softmax1), "log_softmax()");
  expect_transcendental(a.template log_softmax<0>(), along(ra, 0, ref::log_softmax1), "log_softmax<0>");
  auto neg = ref::map(ra, [](double x) { return -x; });
  expect_transcendental(a.template softmin<1>(), along(neg, 1, ref::softmax1), "softmin<1>");
  auto lse1 = along(ra, 1, [](const std::vector<double>& x) { return std::vector<double>{ref::logsumexp1(x)}; });
  expect_transcendental(a.template logsumexp<1>(), drop_axis(lse1, 1), "logsumexp<1>");
  expect_transcendental(a.template logsumexp<1>(keepdim), lse1, "logsumexp<1>(keepdim)");
  expect_transcendental(a.logsumexp(), ref::Array{{}, {ref::logsumexp1(ra.v)}}, "logsumexp() over all");
  // large values: computed around the max, nothing overflows
  expect_transcendental((a * 100).template logsumexp<2>(), drop_axis(along(ref::map(ra, [](double x) { return 100 * x; }), 2,
                        [](const std::vector<double>& x) { return std::vector<double>{ref::logsumexp1(x)}; }), 2), "logsumexp<2> of a * 100");
}

template <class TA>
void statistics(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [a, ra] = ref::random_input<TA>(rng, dev, -5, 5);
  expect_reduced(a.var(), var_ref(ra, {}, 1, false), "var()");
  expect_reduced(a.template var<1>(), var_ref(ra, {1}, 1, false), "var<1>");
  expect_reduced(a.template var<0>(keepdim, 0.0), var_ref(ra, {0}, 0, true), "var<0>(keepdim, correction 0)");
  expect_reduced(a.template std<1>(), ref::map(var_ref(ra, {1}, 1, false), [](double v) { return std::sqrt(v); }), "std<1>");
  expect_reduced(a.template std<0>(keepdim), ref::map(var_ref(ra, {0}, 1, true), [](double v) { return std::sqrt(v); }), "std<0>(keepdim)");
  auto [v, m] = a.template var_mean<1>();
  expect_reduced(v, var_ref(ra, {1}, 1, false), "var_mean<1>: var");
  expect_reduced(m, ref::mean(ra, {1}), "var_mean<1>: mean");
  auto [s, m2] = a.std_mean(0.0);
  expect_reduced(s, ref::map(var_ref(ra, {}, 0, false), [](double x) { return std::sqrt(x); }), "std_mean(correction 0): std");
  expect_reduced(m2, ref::mean(ra), "std_mean: mean");
}

template <class TA>
void arg_and_logic(const std::string& dev, std::uint64_t seed) {
  constexpr std::size_t last = TA::ndim - 1;
  std::mt19937_64 rng(seed);
  auto [a, ra] = ref::random_input<TA>(rng, dev, -3, 3, 0.5);  // halves: ties, so "first occurrence" matters
  auto [z, rz] = ref::random_input<TA>(rng, dev, -1, 1, 1);     // many zeros
  expect_basic(a.argmax(), ref::Array{{}, first_max_index(ra.v)}, "argmax() of the flattened tensor");
  expect_basic(a.argmin(), ref::Array{{}, first_min_index(ra.v)}, "argmin()");
  expect_basic(a.template argmax<0>(), drop_axis(along(ra, 0, first_max_index), 0), "argmax<0>");
  expect_basic(a.template argmax<-1>(keepdim), along(ra, last, first_max_index), "argmax<-1>(keepdim)");
  expect_basic(a.template argmin<-1>(), drop_axis(along(ra, last, first_min_index), last), "argmin<-1>");
  static_assert(std::is_same_v<typename decltype(a.template argmax<0>())::dtype, std::int32_t>, "argmax is int32");
  auto any_ref = [](const ref::Array& x, ref::Shape axes) { return ref::max(ref::map(x, [](double v) { return double(v != 0); }), axes); };
  auto all_ref = [](const ref::Array& x, ref::Shape axes) { return ref::min(ref::map(x, [](double v) { return double(v != 0); }), axes); };
  expect_basic(z.any(), any_ref(rz, {}), "any()");
  expect_basic(z.template any<0>(), any_ref(rz, {0}), "any<0>");
  expect_basic(z.all(), all_ref(rz, {}), "all()");
  expect_basic(z.template all<last>(), all_ref(rz, {last}), "all<last>");
  expect_basic((z * 0 + 1).all(), ref::Array{{}, {1}}, "all of ones");
}

template <class TA>
void scans(const std::string& dev, std::uint64_t seed) {
  constexpr std::size_t last = TA::ndim - 1;
  using T = typename TA::dtype;
  std::mt19937_64 rng(seed);
  auto [a, ra] = ref::random_input<TA>(rng, dev, -4, 4, std::is_integral_v<T> ? 0 : 0.5);
  auto [p, rp] = ref::random_input<TA>(rng, dev, std::is_integral_v<T> ? -2 : 0.5, std::is_integral_v<T> ? 2 : 1.5);
  expect_reduced(a.cumsum(), running(ra, 0, 0, false), "cumsum() over axis 0");
  expect_reduced(a.template cumsum<-1>(), running(ra, last, 0, false), "cumsum<-1>");
  expect_reduced(p.template cumprod<-1>(), running(rp, last, 1, false), "cumprod<-1>");
  auto [mv, mi] = a.template cummax<-1>();
  expect_basic(mv, running(ra, last, 2, false), "cummax<-1>: values");
  expect_basic(mi, running(ra, last, 2, true), "cummax<-1>: first index of the running max");
  auto [nv, ni] = a.cummin();
  expect_basic(nv, running(ra, 0, 3, false), "cummin(): values");
  expect_basic(ni, running(ra, 0, 3, true), "cummin(): indices");
  if constexpr (!std::is_integral_v<T>) {
    auto lcse = along(ra, last, [](const std::vector<double>& x) {
      std::vector<double> out(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) out[i] = ref::logsumexp1(std::vector<double>(x.begin(), x.begin() + static_cast<long>(i) + 1));
      return out;
    });
    expect_transcendental(a.template logcumsumexp<-1>(), lcse, "logcumsumexp<-1>");
    auto spread = ref::map(ra, [](double x) { return 40 * x; });  // prefixes far below the global max must not underflow
    expect_transcendental((a * 40).template logcumsumexp<-1>(), along(spread, last, [](const std::vector<double>& x) {
      std::vector<double> out(x.size());
      for (std::size_t i = 0; i < x.size(); ++i) out[i] = ref::logsumexp1(std::vector<double>(x.begin(), x.begin() + static_cast<long>(i) + 1));
      return out;
    }), "logcumsumexp<-1> of a * 40");
  }
}

template <class TA>
void sorting(const std::string& dev, std::uint64_t seed) {
  constexpr std::size_t last = TA::ndim - 1;
  using T = typename TA::dtype;
  std::mt19937_64 rng(seed);
  auto [a, ra] = ref::random_input<TA>(rng, dev, -3, 3, std::is_integral_v<T> ? 0 : 0.5);
  auto sorted = [&](std::size_t axis, bool desc, bool indices, std::size_t k) {
    return along(ra, axis, [&](const std::vector<double>& x) {
      auto o = ref::order1(x, desc);
      std::vector<double> out;
      for (std::size_t i = 0; i < k; ++i) out.push_back(indices ? static_cast<double>(o[i]) : x[o[i]]);
      return out;
    });
  };
  constexpr std::size_t n_last = TA::shape[last], n0 = TA::shape[0];
  auto [v, i] = a.sort();
  expect_basic(v, sorted(last, false, false, n_last), "sort(): values");
  expect_basic(i, sorted(last, false, true, n_last), "sort(): indices, stable");
  auto [dv, di] = a.template sort<0>(true);
  expect_basic(dv, sorted(0, true, false, n0), "sort<0>(descending): values");
  expect_basic(di, sorted(0, true, true, n0), "sort<0>(descending): indices, stable");
  expect_basic(a.argsort(), sorted(last, false, true, n_last), "argsort()");
  auto [tv, ti] = a.template topk<3>();
  expect_basic(tv, sorted(last, true, false, 3), "topk<3>: values");
  expect_basic(ti, sorted(last, true, true, 3), "topk<3>: indices");
  auto [sv, si] = a.template topk<2, 0>(false);
  expect_basic(sv, sorted(0, false, false, 2), "topk<2, 0>(smallest): values");
  expect_basic(si, sorted(0, false, true, 2), "topk<2, 0>(smallest): indices");
}

template <class T>
void float_all(const std::string& dev, std::uint64_t seed) {
  softmax_family<T>(dev, seed);
  statistics<Tensor<T, 4, 5, 6>>(dev, seed);
  statistics<Tensor<T, 17, 3>>(dev, seed);
  arg_and_logic<Tensor<T, 6, 7>>(dev, seed);
  arg_and_logic<Tensor<T, 3, 4, 5>>(dev, seed);
  scans<Tensor<T, 5, 9>>(dev, seed);
  scans<Tensor<T, 2, 3, 4>>(dev, seed);
  sorting<Tensor<T, 5, 8>>(dev, seed);
  sorting<Tensor<T, 4, 2, 6>>(dev, seed);
}
void int_all(const std::string& dev, std::uint64_t seed) {
  arg_and_logic<Tensor<std::int32_t, 6, 7>>(dev, seed);
  scans<Tensor<std::int32_t, 5, 9>>(dev, seed);
  sorting<Tensor<std::int32_t, 5, 8>>(dev, seed);
}

}  // namespace

BOOST_AUTO_TEST_CASE(reduce_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(float_all<float>); }
BOOST_AUTO_TEST_CASE(reduce_float64, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(float_all<double>); }
BOOST_AUTO_TEST_CASE(reduce_int32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(int_all); }
