// gradcheck of the movement ops: each one and fixed compositions through the tensor API (an overlapping sliding
// window among them, which no single folded view could differentiate), then random chains of up to six movement ops
// at random run-time shapes, built as movement nodes, against the adjoint computed by the reference interpreter.
#define BOOST_TEST_MODULE grad_movement
#include <boost/test/unit_test.hpp>

#include <numeric>

#include "gradcheck.hpp"

namespace {

using ctgrad::Tensor;
using gradcheck::check;
namespace r = ref;
namespace rt = ctgrad::rt;

template <class T>
void single_ops(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto a = r::random_input<Tensor<T, 2, 3, 4>>(rng, dev, -2, 2);
  auto c = r::random_input<Tensor<T, 3, 1>>(rng, dev, -2, 2);
  check("reshape<4, 6>", rng, [](auto x) { return x.template reshape<4, 6>(); }, [](auto x) { return r::reshape(x, {4, 6}); }, a);
  check("permute<2, 0, 1>", rng, [](auto x) { return x.template permute<2, 0, 1>(); }, [](auto x) { return r::permute(x, {2, 0, 1}); }, a);
  check("transpose<0, 2>", rng, [](auto x) { return x.template transpose<0, 2>(); }, [](auto x) { return r::permute(x, {2, 1, 0}); }, a);
  check("expand<3, 5>", rng, [](auto x) { return x.template expand<3, 5>(); }, [](auto x) { return r::expand(x, {3, 5}); }, c);
  check("expand<2, 3, 4> (new leading dim)", rng, [](auto x) { return x.template expand<2, 3, 4>(); },
        [](auto x) { return r::expand(r::reshape(x, {1, 3, 1}), {2, 3, 4}); }, c);
  check("pad<1, 0, 0, 2, 1, 1>", rng, [](auto x) { return x.template pad<1, 0, 0, 2, 1, 1>(); }, [](auto x) { return r::pad(x, {1, 0, 1}, {0, 2, 1}); }, a);
  check("shrink<0, 1, 1, 3, 0, 4>", rng, [](auto x) { return x.template shrink<0, 1, 1, 3, 0, 4>(); },
        [](auto x) { return r::shrink(x, {0, 1, 0}, {1, 3, 4}); }, a);
  check("flip<0, 2>", rng, [](auto x) { return x.template flip<0, 2>(); }, [](auto x) { return r::flip(x, {0, 2}); }, a);
  check("squeeze<1>", rng, [](auto x) { return x.template squeeze<1>(); }, [](auto x) { return r::reshape(x, {3}); }, c);
  check("unsqueeze<0>", rng, [](auto x) { return x.template unsqueeze<0>(); }, [](auto x) { return r::reshape(x, {1, 2, 3, 4}); }, a);
  check("flatten", rng, [](auto x) { return x.flatten(); }, [](auto x) { return r::reshape(x, {24}); }, a);
}

template <class T>
void compositions(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto a = r::random_input<Tensor<T, 2, 3, 4>>(rng, dev, -2, 2);
  auto x6 = r::random_input<Tensor<T, 6>>(rng, dev, -2, 2);
  check("permute, reshape, pad, shrink, flip, expand", rng,
        [](auto x) {
          return x.template permute<1, 0, 2>().template reshape<6, 4>().template pad<1, 1, 0, 2>().template shrink<0, 7, 1, 6>().template flip<1>()
              .template reshape<1, 7, 5>().template expand<2, 7, 5>();
        },
        [](auto x) {
          auto y = r::pad(r::reshape(r::permute(x, {1, 0, 2}), {6, 4}), {1, 0}, {1, 2});
          y = r::flip(r::shrink(y, {0, 1}, {7, 6}), {1});
          return r::expand(r::reshape(y, {1, 7, 5}), {2, 7, 5});
        },
        a);
  // w[a][b] = x[a + b]: overlapping windows, as pooling builds them (repeat, flatten, pad, regroup, shrink)
  check("sliding window of 3 over 6", rng,
        [](auto x) {
          return x.template reshape<1, 6>().template expand<3, 6>().template reshape<18>().template pad<0, 3>().template reshape<3, 7>()
              .template shrink<0, 3, 0, 4>();
        },
        [](auto x) {
          r::Array w{{3, 4}, std::vector<double>(12)};
          for (std::size_t i = 0; i < 3; ++i)
            for (std::size_t j = 0; j < 4; ++j) w.v[i * 4 + j] = x.v[i + j];
          return w;
        },
        x6);
  check("a * a.flip<1>() + a.permute<0, 2, 1>().transpose<1, 2>() (one leaf, three views)", rng,
        [](auto x) { return x * x.template flip<1>() + x.template permute<0, 2, 1>().template transpose<1, 2>(); },
        [](auto x) { return r::zip(r::zip(x, r::flip(x, {1}), std::multiplies<>{}), x, std::plus<>{}); }, a);
}

// ---- random chains as movement nodes, checked against the reference's adjoint ----

struct Chain {
  std::vector<rt::Movement> moves;
  std::vector<std::function<r::Array(const r::Array&)>> ref_moves;
};

ctgrad::Dims dims_of(const r::Shape& s) {
  ctgrad::Dims d{};
  for (std::size_t i = 0; i < s.size(); ++i) d[i] = static_cast<std::int64_t>(s[i]);
  return d;
}
rt::NodeShape node_shape_of(const r::Shape& s) {
  rt::NodeShape n;
  n.rank = static_cast<std::uint8_t>(s.size());
  n.shape = dims_of(s);
  return n;
}

// A random valid movement op for a tensor of shape s (which it updates), with its reference twin.
void add_random_move(std::mt19937_64& rng, r::Shape& s, Chain& c) {
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
  const auto rank = static_cast<std::uint8_t>(s.size());
  switch (pick(6)) {
    case 0: {  // reshape into random factors of the element count
      std::size_t n = r::numel(s);
      r::Shape to;
      for (std::size_t k = 0; k < 3 && n > 1; ++k) {
        std::vector<std::size_t> divisors;
        for (std::size_t d = 1; d <= n; ++d)
          if (n % d == 0) divisors.push_back(d);
        to.push_back(divisors[pick(divisors.size())]);
        n /= to.back();
      }
      to.push_back(n);
      c.moves.push_back(rt::reshape_move(node_shape_of(to)));
      c.ref_moves.push_back([to](const r::Array& a) { return r::reshape(a, to); });
      s = to;
      return;
    }
    case 1: {
      r::Shape order(s.size());
      std::iota(order.begin(), order.end(), 0);
      std::shuffle(order.begin(), order.end(), rng);
      c.moves.push_back(rt::permute_move(rank, dims_of(order)));
      c.ref_moves.push_back([order](const r::Array& a) { return r::permute(a, order); });
      r::Shape to(s.size());
      for (std::size_t i = 0; i < s.size(); ++i) to[i] = s[order[i]];
      s = to;
      return;
    }
    case 2: {  // expand every size-1 dim (if there is none, a pad makes the chain go on)
      r::Shape to = s;
      for (auto& d : to)
        if (d == 1) d = 2 + pick(2);
      if (to != s) {
        c.moves.push_back(rt::expand_move(node_shape_of(to)));
        c.ref_moves.push_back([to](const r::Array& a) { return r::expand(a, to); });
        s = to;
        return;
      }
      [[fallthrough]];
    }
    case 3: {
      r::Shape before(s.size()), after(s.size());
      for (std::size_t i = 0; i < s.size(); ++i) before[i] = pick(2), after[i] = pick(3);
      c.moves.push_back(rt::pad_move(rank, dims_of(before), dims_of(after)));
      c.ref_moves.push_back([before, after](const r::Array& a) { return r::pad(a, before, after); });
      for (std::size_t i = 0; i < s.size(); ++i) s[i] += before[i] + after[i];
      return;
    }
    case 4: {
      r::Shape begin(s.size()), end(s.size());
      for (std::size_t i = 0; i < s.size(); ++i) {
        begin[i] = pick(s[i]);
        end[i] = begin[i] + 1 + pick(s[i] - begin[i]);
      }
      c.moves.push_back(rt::shrink_move(rank, dims_of(begin), dims_of(end)));
      c.ref_moves.push_back([begin, end](const r::Array& a) { return r::shrink(a, begin, end); });
      for (std::size_t i = 0; i < s.size(); ++i) s[i] = end[i] - begin[i];
      return;
    }
    default: {
      r::Shape axes;
      std::array<bool, ctgrad::kMaxRank> flags{};
      for (std::size_t i = 0; i < s.size(); ++i)
        if (rng() & 1u) axes.push_back(i), flags[i] = true;
      c.moves.push_back(rt::flip_move(rank, flags));
      c.ref_moves.push_back([axes](const r::Array& a) { return r::flip(a, axes); });
      return;
    }
  }
}

std::shared_ptr<rt::Buffer> upload(const std::string& dev, const std::vector<double>& v) {
  auto b = std::make_shared<rt::Buffer>(dev, rt::DType::Float64, static_cast<std::int64_t>(v.size()));
  b->copy_in(v.data());
  return b;
}
std::vector<double> download(const rt::UOpPtr& n, const std::string& dev) {
  auto b = rt::realize(n, dev);
  std::vector<double> v(static_cast<std::size_t>(b->numel));
  b->copy_out(v.data());
  return v;
}

void random_chains(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> value(-1, 1);
  for (int trial = 0; trial < 40; ++trial) {
    r::Shape s(1 + rng() % 4);
    for (auto& d : s) d = 1 + rng() % 4;
    const r::Shape in_shape = s;
    r::Array x{s, std::vector<double>(r::numel(s))};
    for (auto& v : x.v) v = value(rng);
    auto leaf = rt::leaf_uop(upload(dev, x.v), node_shape_of(s));
    Chain chain;
    const int length = 1 + static_cast<int>(rng() % 6);
    for (int k = 0; k < length; ++k) add_random_move(rng, s, chain);
    rt::UOpPtr y = leaf;
    for (auto& m : chain.moves) y = rt::move_uop(y, m);
    auto apply = [&](r::Array a) {
      for (auto& f : chain.ref_moves) a = f(a);
      return a;
    };
    std::string what = "trial " + std::to_string(trial) + " (" + std::to_string(length) + " ops from rank " + std::to_string(in_shape.size()) + ")";
    const r::Array want = apply(x);
    r::expect_values(want.shape, download(y, dev), want, r::exact, what + ": forward");
    // loss = sum(y * w); d/dx[j] = sum_i w[i] * chain(e_j)[i], the chain being linear
    r::Array w{want.shape, std::vector<double>(want.v.size())};
    for (auto& v : w.v) v = value(rng);
    auto w_node = rt::view_uop(rt::buffer_uop(upload(dev, w.v)), ctgrad::stack_of(ctgrad::contiguous(y->rank(), y->shape.shape)));
    auto loss = rt::grad_ops::sum(rt::grad_ops::operator*(y, w_node), (1u << y->rank()) - 1);
    auto grads = rt::compute_gradient(loss, rt::const_like(*loss, 1.0), {leaf});
    BOOST_TEST_REQUIRE(grads[0] != nullptr, what << ": no gradient");
    r::Array adjoint{in_shape, std::vector<double>(x.v.size())};
    for (std::size_t j = 0; j < x.v.size(); ++j) {
      r::Array e{in_shape, std::vector<double>(x.v.size())};
      e.v[j] = 1;
      adjoint.v[j] = gradcheck::weighted_sum(apply(e), w);
    }
    r::expect_values(in_shape, download(grads[0], dev), adjoint, {1e-12, 1e-12}, what + ": gradient");
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(movement_ops_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(single_ops<float>); }
BOOST_AUTO_TEST_CASE(movement_ops_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(single_ops<double>); }
BOOST_AUTO_TEST_CASE(movement_compositions_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(compositions<float>); }
BOOST_AUTO_TEST_CASE(movement_compositions_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(compositions<double>); }
BOOST_AUTO_TEST_CASE(random_movement_chains, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(random_chains); }
