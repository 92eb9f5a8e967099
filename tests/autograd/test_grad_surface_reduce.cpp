// gradcheck of the op surface's reductions and scans (surface/reduce.hpp, sort.hpp, einsum.hpp): softmax,
// log_softmax, softmin, logsumexp, var/std/var_mean/std_mean, cumsum, cumprod, cummax/cummin and logcumsumexp
// values, sort/topk values and einsum, in float and double on every device. Values are distinct (no ties in
// max-based ops) and cumprod's are positive.
#define BOOST_TEST_MODULE grad_surface_reduce
#include <boost/test/unit_test.hpp>

#include <map>

#include "../property/reference_surface.hpp"
#include "gradcheck.hpp"

namespace {

using ctgrad::einsum;
using ctgrad::keepdim;
using ctgrad::Tensor;
using gradcheck::check;
namespace r = ref;
using Fiber = std::vector<double>;

// f applied to each fiber along `axis` (the reference of every one-axis op here).
auto fibers(std::size_t axis, std::function<Fiber(const Fiber&)> f) {
  return [axis, f](const r::Array& x) { return r::along(x, axis, f); };
}
Fiber scan1(const Fiber& x, int op) {  // 0 sum, 1 prod, 2 max, 3 min, 4 logsumexp
  Fiber out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) {
    if (op == 4) {
      out[i] = r::logsumexp1(Fiber(x.begin(), x.begin() + static_cast<long>(i) + 1));
      continue;
    }
    const double prev = i == 0 ? (op == 1 ? 1 : op == 2 ? -INFINITY : op == 3 ? INFINITY : 0) : out[i - 1];
    out[i] = op == 0 ? prev + x[i] : op == 1 ? prev * x[i] : op == 2 ? std::max(prev, x[i]) : std::min(prev, x[i]);
  }
  return out;
}
// Variance over `axes` with `correction`, kept as size-1 dims when keep.
r::Array var_ref(const r::Array& x, const r::Shape& axes, double correction, bool keep) {
  auto mu = r::mean(x, axes, true);
  auto d2 = r::zip(x, mu, [](double v, double m) { return (v - m) * (v - m); });
  const double n = static_cast<double>(r::numel(x.shape) / r::numel(mu.shape)) - correction;
  return r::map(r::sum(d2, axes, keep), [n](double s) { return s / n; });
}

template <class T>
void softmaxes(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto a = r::random_input<Tensor<T, 3, 4, 5>>(rng, dev, -3, 3);
  check("softmax()", rng, [](auto x) { return x.softmax(); }, fibers(2, r::softmax1), a);
  check("softmax<0>()", rng, [](auto x) { return x.template softmax<0>(); }, fibers(0, r::softmax1), a);
  check("log_softmax<1>()", rng, [](auto x) { return x.template log_softmax<1>(); }, fibers(1, r::log_softmax1), a);
  check("log_softmax<-1>()", rng, [](auto x) { return x.template log_softmax<-1>(); }, fibers(2, r::log_softmax1), a);
  check("softmin<1>()", rng, [](auto x) { return x.template softmin<1>(); }, fibers(1, [](const Fiber& f) {
          Fiber n(f.size());
          for (std::size_t i = 0; i < f.size(); ++i) n[i] = -f[i];
          return r::softmax1(n);
        }), a);
  auto lse = [](const r::Array& x, const r::Shape& axes, bool keep) {
    auto mx = r::max(x, axes, true);
    auto s = r::sum(r::zip(x, mx, [](double v, double m) { return std::exp(v - m); }), axes, true);
    auto out = r::zip(r::map(s, [](double v) { return std::log(v); }), mx, std::plus<>{});
    if (keep) return out;
    return r::reshape(out, r::max(x, axes, false).shape);
  };
  check("logsumexp<1>()", rng, [](auto x) { return x.template logsumexp<1>(); }, [&](auto x) { return lse(x, {1}, false); }, a);
  check("logsumexp<0, 2>(keepdim)", rng, [](auto x) { return x.template logsumexp<0, 2>(keepdim); }, [&](auto x) { return lse(x, {0, 2}, true); }, a);
  check("logsumexp()", rng, [](auto x) { return x.logsumexp(); }, [&](auto x) { return lse(x, {}, false); }, a);
  // the large-logit case: softmax of a * 20 saturates, the gradient must stay finite and right
  check("softmax(a * 20)", rng, [](auto x) { return (x * T(20)).softmax(); },
        [](auto x) { return r::along(r::map(x, [](double v) { return 20 * v; }), 2, r::softmax1); }, a);
  check("log_softmax<0>(a * 20)", rng, [](auto x) { return (x * T(20)).template log_softmax<0>(); },
        [](auto x) { return r::along(r::map(x, [](double v) { return 20 * v; }), 0, r::log_softmax1); }, a);
}

template <class T>
void moments(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto a = r::random_input<Tensor<T, 3, 4, 5>>(rng, dev, -3, 3);
  check("var<1>()", rng, [](auto x) { return x.template var<1>(); }, [](auto x) { return var_ref(x, {1}, 1, false); }, a);
  check("var<0, 2>(keepdim, correction 0)", rng, [](auto x) { return x.template var<0, 2>(keepdim, 0.0); },
        [](auto x) { return var_ref(x, {0, 2}, 0, true); }, a);
  check("var()", rng, [](auto x) { return x.var(); }, [](auto x) { return var_ref(x, {}, 1, false); }, a);
  auto sqrt_of = [](r::Array v) { return r::map(v, [](double e) { return std::sqrt(e); }); };
  check("std<2>()", rng, [](auto x) { return x.template std<2>(); }, [&](auto x) { return sqrt_of(var_ref(x, {2}, 1, false)); }, a);
  check("std<1>(keepdim, correction 0)", rng, [](auto x) { return x.template std<1>(keepdim, 0.0); },
        [&](auto x) { return sqrt_of(var_ref(x, {1}, 0, true)); }, a);
  check("var_mean<2>(): var + 2 mean", rng, [](auto x) {
          auto [v, mu] = x.template var_mean<2>();
          return v + mu * T(2);
        }, [](auto x) { return r::zip(var_ref(x, {2}, 1, false), r::mean(x, {2}), [](double v, double mu) { return v + 2 * mu; }); }, a);
  check("std_mean<0>(): std * mean", rng, [](auto x) {
          auto [s, mu] = x.template std_mean<0>();
          return s * mu;
        }, [](auto x) { return r::zip(var_ref(x, {0}, 1, false), r::mean(x, {0}), [](double v, double mu) { return std::sqrt(v) * mu; }); }, a);
}

template <class T>
void scans(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto a = r::random_input<Tensor<T, 3, 5>>(rng, dev, -3, 3);
  auto p = r::random_input<Tensor<T, 3, 5>>(rng, dev, 0.5, 1.5);
  auto s = [](int op) { return [op](const Fiber& f) { return scan1(f, op); }; };
  check("cumsum()", rng, [](auto x) { return x.cumsum(); }, fibers(0, s(0)), a);
  check("cumsum<-1>()", rng, [](auto x) { return x.template cumsum<-1>(); }, fibers(1, s(0)), a);
  check("cumprod<1>() (positive)", rng, [](auto x) { return x.template cumprod<1>(); }, fibers(1, s(1)), p);
  check("cumprod<0>() (signs mixed)", rng, [](auto x) { return x.template cumprod<0>(); }, fibers(0, s(1)), a);
  check("cummax<1>() values", rng, [](auto x) { return std::get<0>(x.template cummax<1>()); }, fibers(1, s(2)), a);
  check("cummin<0>() values", rng, [](auto x) { return std::get<0>(x.template cummin<0>()); }, fibers(0, s(3)), a);
  check("logcumsumexp<1>()", rng, [](auto x) { return x.template logcumsumexp<1>(); }, fibers(1, s(4)), a);
  // sort and topk: the values are a permutation of x, so the gradient is the inverse permutation of the weights
  auto sorted = [](bool descending) {
    return [descending](const Fiber& f) {
      Fiber out;
      for (auto i : r::order1(f, descending)) out.push_back(f[i]);
      return out;
    };
  };
  check("sort<1>() values", rng, [](auto x) { return std::get<0>(x.template sort<1>()); }, fibers(1, sorted(false)), a);
  check("sort<0>(descending) values", rng, [](auto x) { return std::get<0>(x.template sort<0>(true)); }, fibers(0, sorted(true)), a);
  check("topk<2>() values", rng, [](auto x) { return std::get<0>(x.template topk<2>()); }, fibers(1, [&](const Fiber& f) {
          auto all = sorted(true)(f);
          return Fiber(all.begin(), all.begin() + 2);
        }), a);
}

// out[letters of `out`] = sum over the other letters of the product of the operands.
r::Array einsum_ref(const std::vector<std::string>& ins, const std::string& out, const std::vector<r::Array>& ops) {
  std::map<char, std::size_t> size;
  for (std::size_t o = 0; o < ins.size(); ++o)
    for (std::size_t k = 0; k < ins[o].size(); ++k) size[ins[o][k]] = ops[o].shape[k];
  std::string letters = out;
  for (auto [c, n] : size)
    if (out.find(c) == std::string::npos) letters += c;
  r::Shape all, out_shape;
  for (char c : letters) all.push_back(size[c]);
  for (char c : out) out_shape.push_back(size[c]);
  r::Array res{out_shape, std::vector<double>(r::numel(out_shape))};
  for (std::size_t i = 0; i < r::numel(all); ++i) {
    auto c = r::unravel(i, all);
    double prod = 1;
    for (std::size_t o = 0; o < ins.size(); ++o) {
      r::Shape idx;
      for (char l : ins[o]) idx.push_back(c[letters.find(l)]);
      prod *= ops[o].v[r::ravel(idx, ops[o].shape)];
    }
    res.v[r::ravel(r::Shape(c.begin(), c.begin() + static_cast<long>(out.size())), out_shape)] += prod;
  }
  return res;
}

template <class T>
void einsums(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto a = r::random_input<Tensor<T, 3, 4>>(rng, dev, -2, 2);
  auto b = r::random_input<Tensor<T, 4, 5>>(rng, dev, -2, 2);
  auto c = r::random_input<Tensor<T, 5, 3>>(rng, dev, -2, 2);
  auto x = r::random_input<Tensor<T, 2, 3, 4>>(rng, dev, -2, 2);
  auto y = r::random_input<Tensor<T, 2, 4, 5>>(rng, dev, -2, 2);
  auto v = r::random_input<Tensor<T, 4>>(rng, dev, -2, 2);
  check("ij,jk->ki", rng, [](auto p, auto q) { return einsum<"ij,jk->ki">(p, q); }, [](auto p, auto q) { return einsum_ref({"ij", "jk"}, "ki", {p, q}); }, a, b);
  check("bij,bjk->bik", rng, [](auto p, auto q) { return einsum<"bij,bjk->bik">(p, q); },
        [](auto p, auto q) { return einsum_ref({"bij", "bjk"}, "bik", {p, q}); }, x, y);
  check("bij->j", rng, [](auto p) { return einsum<"bij->j">(p); }, [](auto p) { return einsum_ref({"bij"}, "j", {p}); }, x);
  // (einsum rejects a repeated index within one operand, "ii->", at compile time: no trace or diagonal to check)
  check("ij,j->i", rng, [](auto p, auto q) { return einsum<"ij,j->i">(p, q); }, [](auto p, auto q) { return einsum_ref({"ij", "j"}, "i", {p, q}); }, a, v);
  check("ij,jk,ki-> (three operands)", rng, [](auto p, auto q, auto s) { return einsum<"ij,jk,ki->">(p, q, s); },
        [](auto p, auto q, auto s) { return einsum_ref({"ij", "jk", "ki"}, "", {p, q, s}); }, a, b, c);
  check("i,i,ij->j (an operand twice)", rng, [](auto p, auto q) { return einsum<"i,i,ij->j">(p, p, q); },
        [](auto p, auto q) { return einsum_ref({"i", "i", "ij"}, "j", {p, p, q}); }, v, b);
}

}  // namespace

BOOST_AUTO_TEST_CASE(softmax_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(softmaxes<float>); }
BOOST_AUTO_TEST_CASE(softmax_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(softmaxes<double>); }
BOOST_AUTO_TEST_CASE(moments_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(moments<float>); }
BOOST_AUTO_TEST_CASE(moments_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(moments<double>); }
BOOST_AUTO_TEST_CASE(scans_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(scans<float>); }
BOOST_AUTO_TEST_CASE(scans_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(scans<double>); }
BOOST_AUTO_TEST_CASE(einsum_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(einsums<float>); }
BOOST_AUTO_TEST_CASE(einsum_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(einsums<double>); }
