// Fusion: how many kernels a realize runs (rt::counters().kernels_run), and that movement ops add no graph node
// (rt::live_uops()). Each case also checks the values against a host computation, on every device.
#define BOOST_TEST_MODULE fusion
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

#include "support/devices.hpp"

namespace {

using ctgrad::keepdim;
using ctgrad::Tensor;
namespace rt = ctgrad::rt;

// Kernels run by `fn` (which realizes something).
template <class Fn>
std::int64_t kernels_run_by(Fn&& fn) {
  const std::int64_t before = rt::counters().kernels_run;
  fn();
  return rt::counters().kernels_run - before;
}

// n values in [-2, 2) that differ from run to run of the generator but not between runs of the test.
std::vector<float> values(std::size_t n, float shift = 0) {
  std::vector<float> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<float>((i * 37 + 11) % 64) / 16.0f - 2.0f + shift;
  return v;
}

template <class TT>
TT input(const std::string& dev, float shift = 0) {
  const auto v = values(TT::numel, shift);
  return TT::from(std::span<const float>(v)).to(dev);
}

void expect_near(const std::vector<float>& got, const std::vector<double>& want, const char* what) {
  BOOST_TEST_REQUIRE(got.size() == want.size());
  std::size_t bad = 0;
  for (std::size_t i = 0; i < got.size(); ++i)
    if (!(std::abs(got[i] - want[i]) <= 1e-5 + 1e-5 * std::abs(want[i]))) ++bad;
  BOOST_TEST(bad == 0u, what << ": " << bad << " of " << got.size() << " values differ from the host computation");
}

}  // namespace

BOOST_AUTO_TEST_CASE(elementwise_chain_of_ten_ops_is_one_kernel, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto x = input<Tensor<float, 16, 16>>(dev);
    auto y = input<Tensor<float, 16>>(dev, 0.5f);
    // ten ALU ops (+ * - / max * + max - *), each reading the previous result
    auto z = ((((x + 1.0f) * 2.0f - y) / 4.0f).maximum(-1.0f) * x + y).maximum(x) - 3.0f;
    auto chain = z * y;
    BOOST_TEST(kernels_run_by([&] { chain.realize(); }) == 1);
    const auto xs = values(256), ys = values(16, 0.5f);
    std::vector<double> want(256);
    for (std::size_t i = 0; i < 256; ++i) {
      const double xv = xs[i], yv = ys[i % 16];
      const double zv = std::max(std::max(((xv + 1) * 2 - yv) / 4, -1.0) * xv + yv, xv) - 3;
      want[i] = zv * yv;
    }
    expect_near(chain.tolist(), want, "ten-op chain");
  });
}

BOOST_AUTO_TEST_CASE(multiply_add_relu_sum_is_one_kernel, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto a = input<Tensor<float, 8, 32>>(dev);
    auto b = input<Tensor<float, 8, 32>>(dev, 0.25f);
    auto s = ((a * b + 1.0f).relu()).sum();
    BOOST_TEST(kernels_run_by([&] { s.realize(); }) == 1);
    const auto av = values(256), bv = values(256, 0.25f);
    double want = 0;
    for (std::size_t i = 0; i < 256; ++i) want += std::max(static_cast<double>(av[i]) * bv[i] + 1, 0.0);
    expect_near({s.item()}, {want}, "sum(relu(a * b + 1))");
  });
}

// Movement ops compute a new view in the Tensor: no graph node, no kernel. The consumer reads through the view.
BOOST_AUTO_TEST_CASE(movement_chain_adds_no_node_and_no_kernel, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto x = input<Tensor<float, 4, 6>>(dev);
    auto computed = (x * 2.0f).realize();  // a realized computation is a base too, not only an input buffer
    for (const auto* base : {&x, &computed}) {
      const std::size_t nodes = rt::live_uops();
      const std::int64_t kernels = rt::counters().kernels_run;
      auto moved = base->permute<1, 0>().reshape<3, 8>().pad<1, 0, 0, 2>().shrink<0, 4, 1, 10>().flip<0>().expand<2, 4, 9>();
      BOOST_TEST(rt::live_uops() == nodes, "six movement ops created " << rt::live_uops() - nodes << " UOps");
      BOOST_TEST(rt::counters().kernels_run == kernels);
      BOOST_TEST((moved.base() == base->base()), "the view shares its base node");
      auto consumer = moved + 1.0f;
      BOOST_TEST(kernels_run_by([&] { consumer.realize(); }) == 1);
      // host: out[e][i][j] = t[i'][j'] + 1 with t = flip0(shrink(pad(reshape(permute(base)))))
      const double scale = base == &x ? 1 : 2;
      const auto xv = values(24);
      const auto got = consumer.tolist();
      std::vector<double> want(got.size());
      for (std::size_t e = 0; e < 2; ++e)
        for (std::size_t i = 0; i < 4; ++i)
          for (std::size_t j = 0; j < 9; ++j) {
            const std::size_t pi = 3 - i, pj = j + 1;  // flip<0> of 4 rows; shrink starts column 1
            double v = 0;
            if (pi >= 1 && pj < 8) {  // pad: 1 row before, 2 columns after
              const std::size_t flat = (pi - 1) * 8 + pj;  // reshape<3, 8> of the (6, 4) permuted tensor
              const std::size_t r = flat / 4, c = flat % 4;  // permuted coordinates; the base element is [c][r]
              v = scale * xv[c * 6 + r];
            }
            want[(e * 4 + i) * 9 + j] = v + 1;
          }
      expect_near(got, want, "consumer of the movement chain");
    }
  });
}

BOOST_AUTO_TEST_CASE(shared_reduction_is_computed_once, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto x = input<Tensor<float, 6, 10>>(dev);
    auto s = x.sum<1>(keepdim);
    // s is read through a broadcast twice in one graph: one kernel for s, one for the result
    auto y = (x - s) * (x + s);
    BOOST_TEST(kernels_run_by([&] { y.realize(); }) == 2);
    // later graphs reuse the realized s
    auto z = x / s;
    BOOST_TEST(kernels_run_by([&] { z.realize(); }) == 1);
    auto w = s * 3.0f;
    BOOST_TEST(kernels_run_by([&] { w.realize(); }) == 1);
    const auto xv = values(60);
    std::vector<double> sums(6, 0.0), want_y(60), want_z(60), want_w(6);
    for (std::size_t i = 0; i < 60; ++i) sums[i / 10] += xv[i];
    for (std::size_t i = 0; i < 60; ++i) {
      want_y[i] = (xv[i] - sums[i / 10]) * (xv[i] + sums[i / 10]);
      want_z[i] = xv[i] / sums[i / 10];
    }
    for (std::size_t r = 0; r < 6; ++r) want_w[r] = 3 * sums[r];
    expect_near(y.tolist(), want_y, "(x - s) * (x + s)");
    expect_near(z.tolist(), want_z, "x / s");
    expect_near(w.tolist(), want_w, "s * 3");
  });
}

// A reduction that two kernels of one schedule would each fuse as their own (a convolution read by its ReLU and by
// the ReLU's backward mask) is computed once, as a kernel of its own: x is read once, not once per consumer.
BOOST_AUTO_TEST_CASE(reduction_two_kernels_need_is_computed_once, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto x = input<Tensor<float, 6, 10>>(dev);
    auto s = x.sum<1>(keepdim);
    auto a = (s * 2.0f).relu();
    auto b = (s + 1.0f).exp();
    const std::int64_t bytes_before = rt::counters().bytes_moved;
    BOOST_TEST(kernels_run_by([&] { ctgrad::realize(a, b); }) == 3, "s, then a and b reading it");
    const std::int64_t bytes = rt::counters().bytes_moved - bytes_before, x_bytes = 60 * 4;
    BOOST_TEST(bytes < 2 * x_bytes, "the schedule moved " << bytes << " bytes: x (" << x_bytes << " bytes) was read more than once");
    const auto xv = values(60);
    std::vector<double> sums(6, 0.0), want_a(6), want_b(6);
    for (std::size_t i = 0; i < 60; ++i) sums[i / 10] += xv[i];
    for (std::size_t r = 0; r < 6; ++r) want_a[r] = std::max(0.0, 2 * sums[r]), want_b[r] = std::exp(sums[r] + 1);
    expect_near(a.tolist(), want_a, "relu(s * 2)");
    expect_near(b.tolist(), want_b, "exp(s + 1)");
  });
}

// Elementwise ops after a reduction run in the reduction's kernel: with keepdim, and without it (the result is then
// a reshape view of the reduction that only drops size-1 dims), which is also how mean() is built.
BOOST_AUTO_TEST_CASE(reduce_then_elementwise_is_one_kernel, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto x = input<Tensor<float, 6, 10>>(dev);
    auto kept = x.sum<1>(keepdim) * 2.0f + 1.0f;
    BOOST_TEST(kernels_run_by([&] { kept.realize(); }) == 1, "sum<1>(keepdim) * 2 + 1");
    auto dropped = x.sum<1>() * 2.0f + 1.0f;
    const auto dropped_kernels = kernels_run_by([&] { dropped.realize(); });
    BOOST_TEST(dropped_kernels == 1, "sum<1>() * 2 + 1 ran " << dropped_kernels << " kernels");
    auto mean = x.mean<0>();
    const auto mean_kernels = kernels_run_by([&] { mean.realize(); });
    BOOST_TEST(mean_kernels == 1, "mean<0>() ran " << mean_kernels << " kernels");
    const auto xv = values(60);
    std::vector<double> want_rows(6, 0.0), want_mean(10, 0.0);
    for (std::size_t i = 0; i < 60; ++i) {
      want_rows[i / 10] += xv[i];
      want_mean[i % 10] += xv[i] / 6.0;
    }
    for (auto& v : want_rows) v = v * 2 + 1;
    expect_near(kept.tolist(), want_rows, "sum<1>(keepdim) * 2 + 1");
    expect_near(dropped.tolist(), want_rows, "sum<1>() * 2 + 1");
    expect_near(mean.tolist(), want_mean, "mean<0>()");
  });
}

// A computation a reduction reads through a repeating view (a matmul's broadcast operand, a convolution's windows) is
// realized first when it is large (lower.hpp: the loop would compute each element again at every repeat); a small
// one stays fused.
BOOST_AUTO_TEST_CASE(large_computation_repeated_under_a_reduction_is_realized_first, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto a = input<Tensor<float, 128, 128>>(dev);  // 2^14 elements, each read 4 times by the matmul
    auto b = input<Tensor<float, 128, 4>>(dev, 0.5f);
    auto large = (a + 1.0f).relu().matmul(b);
    BOOST_TEST(kernels_run_by([&] { large.realize(); }) == 2, "relu(a + 1), then the matmul reading it");
    auto s = input<Tensor<float, 16, 16>>(dev);
    auto t = input<Tensor<float, 16, 4>>(dev, 0.5f);
    auto small = (s + 1.0f).relu().matmul(t);
    BOOST_TEST(kernels_run_by([&] { small.realize(); }) == 1, "a 16x16 relu(s + 1) fused into the matmul");
    auto want = [](std::size_t n) {
      const auto av = values(n * n), bv = values(n * 4, 0.5f);
      std::vector<double> out(n * 4, 0.0);
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t k = 0; k < n; ++k)
          for (std::size_t j = 0; j < 4; ++j) out[i * 4 + j] += std::max(0.0, double(av[i * n + k]) + 1) * bv[k * 4 + j];
      return out;
    };
    expect_near(large.tolist(), want(128), "relu(a + 1) @ b, 128x128");
    expect_near(small.tolist(), want(16), "relu(s + 1) @ t, 16x16");
  });
}

BOOST_AUTO_TEST_CASE(realizing_twice_runs_nothing_the_second_time, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto x = input<Tensor<float, 5, 7>>(dev);
    auto y = (x * x).sum<0>(keepdim) + 1.0f;
    BOOST_TEST(kernels_run_by([&] { y.realize(); }) == 1);
    BOOST_TEST(kernels_run_by([&] { y.realize(); }) == 0);
    BOOST_TEST(kernels_run_by([&] { y.tolist(); }) == 0);
    // an equal graph built again is the same (hash-consed) node, already realized
    auto again = (x * x).sum<0>(keepdim) + 1.0f;
    BOOST_TEST(kernels_run_by([&] { again.realize(); }) == 0);
  });
}

// Broadcast inputs, padded inputs and matmul's broadcast multiply all fuse into their consumer.
BOOST_AUTO_TEST_CASE(views_of_inputs_fuse_into_the_consumer, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto a = input<Tensor<float, 8, 16>>(dev);
    auto b = input<Tensor<float, 16, 4>>(dev, 0.5f);
    auto row = input<Tensor<float, 16>>(dev, 1.0f);
    auto broadcast = a * row + a.pad<0, 0, 0, 0>();
    BOOST_TEST(kernels_run_by([&] { broadcast.realize(); }) == 1);
    auto padded = a.pad<1, 1, 2, 2>() * 2.0f;
    BOOST_TEST(kernels_run_by([&] { padded.realize(); }) == 1);
    auto product = a.matmul(b);
    BOOST_TEST(kernels_run_by([&] { product.realize(); }) == 1);
    const auto av = values(128), bv = values(64, 0.5f);
    std::vector<double> want(32, 0.0);
    for (std::size_t i = 0; i < 8; ++i)
      for (std::size_t j = 0; j < 4; ++j)
        for (std::size_t k = 0; k < 16; ++k) want[i * 4 + j] += static_cast<double>(av[i * 16 + k]) * bv[k * 4 + j];
    expect_near(product.tolist(), want, "a @ b");
  });
}

// x - max(x) then exp then sum: the max is one kernel, the subtraction, exp and sum fuse into a second. The full
// softmax divides by that sum in a third kernel that recomputes exp(x - max) rather than storing it.
BOOST_AUTO_TEST_CASE(softmax_kernel_counts, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto x = input<Tensor<float, 4, 12>>(dev);
    auto e = (x - x.max<1>(keepdim)).exp();
    auto denominator = e.sum<1>();
    BOOST_TEST(kernels_run_by([&] { denominator.realize(); }) == 2);
    auto softmax = e / e.sum<1>(keepdim);
    BOOST_TEST(kernels_run_by([&] { softmax.realize(); }) == 1, "max and sum are realized already");
    auto fresh = input<Tensor<float, 4, 12>>(dev, 0.125f);
    auto fe = (fresh - fresh.max<1>(keepdim)).exp();
    auto fresh_softmax = fe / fe.sum<1>(keepdim);
    BOOST_TEST(kernels_run_by([&] { fresh_softmax.realize(); }) == 3);
    const auto xv = values(48);
    std::vector<double> want_den(4, 0.0), want_soft(48);
    for (std::size_t r = 0; r < 4; ++r) {
      const double m = *std::max_element(xv.begin() + static_cast<long>(r * 12), xv.begin() + static_cast<long>(r * 12 + 12));
      for (std::size_t c = 0; c < 12; ++c) want_den[r] += std::exp(xv[r * 12 + c] - m);
      for (std::size_t c = 0; c < 12; ++c) want_soft[r * 12 + c] = std::exp(xv[r * 12 + c] - m) / want_den[r];
    }
    expect_near(denominator.tolist(), want_den, "sum(exp(x - max(x)))");
    expect_near(softmax.tolist(), want_soft, "softmax");
    double total = 0;
    for (float v : fresh_softmax.tolist()) total += v;
    BOOST_TEST(std::abs(total - 4.0) < 1e-5, "each softmax row sums to 1");
  });
}

// Operations on constants fold to one constant at graph level; each bitwise and integer op folds to the value the
// kernel would compute (xor once folded to zero: the folder did not know it).
BOOST_AUTO_TEST_CASE(constant_folding_matches_the_kernels, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    using I = Tensor<int32_t, 3>;
    auto a = I::full(7).to(dev), b = I::full(-1).to(dev), c = I::full(12).to(dev);
    auto check = [](const I& t, int32_t want, const char* what) {
      for (int32_t v : t.tolist()) BOOST_TEST(v == want, what << ": " << v << " != " << want);
    };
    check(a ^ b, 7 ^ -1, "7 ^ -1");
    check(a ^ c, 7 ^ 12, "7 ^ 12");
    check(a & c, 7 & 12, "7 & 12");
    check(a | c, 7 | 12, "7 | 12");
    check(c / a, 12 / 7, "12 / 7");
    check((a ^ b) ^ b, 7, "(7 ^ -1) ^ -1");
  });
}
