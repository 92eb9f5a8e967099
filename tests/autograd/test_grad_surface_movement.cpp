// gradcheck of the op surface's movement and indexing (surface/movement.hpp, indexing.hpp): flatten/unflatten, T,
// cat/stack, split/chunk, repeat/repeat_interleave, roll, pad_to/shrink_to, slice/select, diag/diagonal, unfold,
// meshgrid, x[idx], gather, scatter/scatter_reduce, masked_fill, triu/tril, in float and double on every device.
// Index tensors are fixed and captured by the lambdas (they have no gradient); repeated indices make the gradient
// of a pick add up, and scatter's gradient reach every source element that lands.
#define BOOST_TEST_MODULE grad_surface_movement
#include <boost/test/unit_test.hpp>

#include <cstdint>

#include "../property/reference_surface.hpp"
#include "gradcheck.hpp"

namespace {

using ctgrad::Tensor;
using gradcheck::check;
namespace r = ref;
using r::Shape;
using Src = std::optional<Shape>;

// Joins arrays along `axis`.
r::Array cat_ref(const std::vector<r::Array>& parts, std::size_t axis) {
  Shape s = parts[0].shape;
  s[axis] = 0;
  for (const auto& p : parts) s[axis] += p.shape[axis];
  r::Array out{s, std::vector<double>(r::numel(s))};
  for (std::size_t i = 0; i < out.v.size(); ++i) {
    auto c = r::unravel(i, s);
    std::size_t k = 0;
    while (c[axis] >= parts[k].shape[axis]) c[axis] -= parts[k++].shape[axis];
    out.v[i] = parts[k].v[r::ravel(c, parts[k].shape)];
  }
  return out;
}
auto scaled(const r::Array& a, double k) {
  return r::map(a, [k](double v) { return k * v; });
}

template <class T>
void views(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto x = r::random_input<Tensor<T, 2, 3, 4>>(rng, dev, -2, 2);
  auto y = r::random_input<Tensor<T, 2, 1, 4>>(rng, dev, -2, 2);
  auto m = r::random_input<Tensor<T, 3, 4>>(rng, dev, -2, 2);
  auto n = r::random_input<Tensor<T, 3, 4>>(rng, dev, -2, 2);
  auto v = r::random_input<Tensor<T, 4>>(rng, dev, -2, 2);
  check("flatten<1, 2>()", rng, [](auto a) { return a.template flatten<1, 2>() * T(2); }, [](auto a) { return scaled(r::reshape(a, {2, 12}), 2); }, x);
  check("flatten()", rng, [](auto a) { return a.flatten(); }, [](auto a) { return r::reshape(a, {24}); }, x);
  check("unflatten<2, 2, 2>()", rng, [](auto a) { return a.template unflatten<2, 2, 2>(); }, [](auto a) { return r::reshape(a, {2, 3, 2, 2}); }, x);
  check("T()", rng, [](auto a) { return a.T(); }, [](auto a) { return r::permute(a, {1, 0}); }, m);
  check("cat<1>(x, y, x * 2) (one input twice)", rng, [](auto a, auto b) { return a.template cat<1>(b, a * T(2)); },
        [](auto a, auto b) { return cat_ref({a, b, scaled(a, 2)}, 1); }, x, y);
  check("cat<-1>(m, n)", rng, [](auto a, auto b) { return ctgrad::cat<-1>(a, b); }, [](auto a, auto b) { return cat_ref({a, b}, 1); }, m, n);
  check("stack<1>(m, n)", rng, [](auto a, auto b) { return a.template stack<1>(b); },
        [](auto a, auto b) { return cat_ref({r::reshape(a, {3, 1, 4}), r::reshape(b, {3, 1, 4})}, 1); }, m, n);
  // the pieces of a split joined back in another order: both pieces' adjoints at once
  check("split<3, 2>() rejoined (4 = 3 + 1)", rng,
        [](auto a) {
          auto [p, q] = a.template split<3, 2>();
          return ctgrad::cat<2>(q * T(3), p);
        },
        [](auto a) { return cat_ref({scaled(r::shrink(a, {0, 0, 3}, {2, 3, 4}), 3), r::shrink(a, {0, 0, 0}, {2, 3, 3})}, 2); }, x);
  check("split<sizes<1, 2>, 1>() second", rng, [](auto a) { return std::get<1>(a.template split<ctgrad::sizes<1, 2>, 1>()); },
        [](auto a) { return r::shrink(a, {0, 1, 0}, {2, 3, 4}); }, x);
  check("chunk<2, 1>() rejoined", rng,
        [](auto a) {
          auto [p, q] = a.template chunk<2, 1>();
          return ctgrad::cat<1>(q, p * T(-1));
        },
        [](auto a) { return cat_ref({r::shrink(a, {0, 2, 0}, {2, 3, 4}), scaled(r::shrink(a, {0, 0, 0}, {2, 2, 4}), -1)}, 1); }, x);
  check("repeat<2, 3>()", rng, [](auto a) { return a.template repeat<2, 3>(); },
        [](auto a) { return r::remap(a, {6, 12}, [](const Shape& c) -> Src { return Shape{c[0] % 3, c[1] % 4}; }); }, m);
  check("repeat<2, 1, 1>() (a new dim)", rng, [](auto a) { return a.template repeat<2, 1, 1>(); },
        [](auto a) { return r::remap(a, {2, 3, 4}, [](const Shape& c) -> Src { return Shape{c[1], c[2]}; }); }, m);
  check("repeat_interleave<2, 1>()", rng, [](auto a) { return a.template repeat_interleave<2, 1>(); },
        [](auto a) { return r::remap(a, {3, 8}, [](const Shape& c) -> Src { return Shape{c[0], c[1] / 2}; }); }, m);
  check("roll<1, 1>()", rng, [](auto a) { return a.template roll<1, 1>(); },
        [](auto a) { return r::remap(a, {3, 4}, [](const Shape& c) -> Src { return Shape{c[0], (c[1] + 3) % 4}; }); }, m);
  check("roll<-1, 0>()", rng, [](auto a) { return a.template roll<-1, 0>(); },
        [](auto a) { return r::remap(a, {3, 4}, [](const Shape& c) -> Src { return Shape{(c[0] + 1) % 3, c[1]}; }); }, m);
  check("pad_to<4, 6>()", rng, [](auto a) { return a.template pad_to<4, 6>(); }, [](auto a) { return r::pad(a, {0, 0}, {1, 2}); }, m);
  check("shrink_to<2, 3>()", rng, [](auto a) { return a.template shrink_to<2, 3>(); }, [](auto a) { return r::shrink(a, {0, 0}, {2, 3}); }, m);
  check("slice<1, 1, 4, 2>()", rng, [](auto a) { return a.template slice<1, 1, 4, 2>(); },
        [](auto a) { return r::remap(a, {3, 2}, [](const Shape& c) -> Src { return Shape{c[0], 1 + 2 * c[1]}; }); }, m);
  check("slice<2, 0, 4, 3>()", rng, [](auto a) { return a.template slice<2, 0, 4, 3>(); },
        [](auto a) { return r::remap(a, {2, 3, 2}, [](const Shape& c) -> Src { return Shape{c[0], c[1], 3 * c[2]}; }); }, x);
  check("select<1, 2>()", rng, [](auto a) { return a.template select<1, 2>(); },
        [](auto a) { return r::remap(a, {2, 4}, [](const Shape& c) -> Src { return Shape{c[0], 2, c[1]}; }); }, x);
  check("diag()", rng, [](auto a) { return a.diag(); },
        [](auto a) { return r::remap(a, {4, 4}, [](const Shape& c) -> Src { return c[0] == c[1] ? Src{Shape{c[0]}} : std::nullopt; }); }, v);
  auto sq = r::random_input<Tensor<T, 2, 3, 3>>(rng, dev, -2, 2);
  check("diagonal()", rng, [](auto a) { return a.diagonal(); }, [](auto a) { return r::remap(a, {2, 3}, [](const Shape& c) -> Src { return Shape{c[0], c[1], c[1]}; }); },
        sq);
  check("unfold<1, 2, 1>() (overlapping)", rng, [](auto a) { return a.template unfold<1, 2, 1>(); },
        [](auto a) { return r::remap(a, {3, 3, 2}, [](const Shape& c) -> Src { return Shape{c[0], c[1] + c[2]}; }); }, m);
  check("unfold<2, 2, 2>()", rng, [](auto a) { return a.template unfold<2, 2, 2>(); },
        [](auto a) { return r::remap(a, {2, 3, 2, 2}, [](const Shape& c) -> Src { return Shape{c[0], c[1], 2 * c[2] + c[3]}; }); }, x);
  auto w = r::random_input<Tensor<T, 3>>(rng, dev, -2, 2);
  check("meshgrid(v, w): a * b", rng,
        [](auto a, auto b) {
          auto [ga, gb] = ctgrad::meshgrid(a, b);
          return ga * gb + ga;
        },
        [](auto a, auto b) {
          r::Array out{{4, 3}, std::vector<double>(12)};
          for (std::size_t i = 0; i < 12; ++i) out.v[i] = a.v[i / 3] * b.v[i % 3] + a.v[i / 3];
          return out;
        },
        v, w);
}

template <class T>
void indexing(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto x = r::random_input<Tensor<T, 5, 3>>(rng, dev, -2, 2);
  auto i = r::random_input<Tensor<std::int32_t, 2, 3>>(rng, dev, -5, 4);  // negative from the end, repeats likely
  auto wrap = [](double k) { return static_cast<std::size_t>(k < 0 ? k + 5 : k); };
  check("x[idx] (2, 3)", rng, [&](auto a) { return a[i.t]; },
        [&](auto a) { return r::remap(a, {2, 3, 3}, [&](const Shape& c) -> Src { return Shape{wrap(i.r.v[c[0] * 3 + c[1]]), c[2]}; }); }, x);
  auto g = r::random_input<Tensor<std::int32_t, 4, 2>>(rng, dev, 0, 2);
  check("gather<1>(idx) (smaller along dim 1)", rng, [&](auto a) { return a.template gather<1>(g.t); },
        [&](auto a) { return r::remap(a, {4, 2}, [&](const Shape& c) -> Src { return Shape{c[0], static_cast<std::size_t>(g.r.v[c[0] * 2 + c[1]])}; }); }, x);
  auto g0 = r::random_input<Tensor<std::int32_t, 6, 3>>(rng, dev, 0, 4);
  check("gather<0>(idx) (more picks than the dim)", rng, [&](auto a) { return a.template gather<0>(g0.t); },
        [&](auto a) { return r::remap(a, {6, 3}, [&](const Shape& c) -> Src { return Shape{static_cast<std::size_t>(g0.r.v[c[0] * 3 + c[1]]), c[1]}; }); }, x);
  // scatter<0>: out[idx[q], q1] = the sum of src[q] over the q that land there; x elsewhere
  auto s = r::random_input<Tensor<T, 2, 3>>(rng, dev, -2, 2);
  auto si = r::random_input<Tensor<std::int32_t, 2, 3>>(rng, dev, 0, 4);
  // 0 scatter, then with self: 1 sum, 2 mean, 3 prod, 4 amax, 5 amin
  auto scatter_ref = [&](const r::Array& a, const r::Array& src, int mode) {
    r::Array out = a, count{a.shape, std::vector<double>(a.v.size())}, total = count;
    for (std::size_t q = 0; q < 6; ++q) {
      const std::size_t at = static_cast<std::size_t>(si.r.v[q]) * 3 + q % 3;
      const double e = src.v[q];
      if (mode == 0 || count.v[at] == 0) total.v[at] = mode == 0 ? total.v[at] + e : e;
      else total.v[at] = mode == 3 ? total.v[at] * e : mode == 4 ? std::max(total.v[at], e) : mode == 5 ? std::min(total.v[at], e) : total.v[at] + e;
      count.v[at] += 1;
    }
    for (std::size_t k = 0; k < out.v.size(); ++k) {
      if (count.v[k] == 0) continue;
      const double t = total.v[k], x0 = a.v[k];
      out.v[k] = mode == 0   ? t
                 : mode == 1 ? x0 + t
                 : mode == 2 ? (x0 + t) / (count.v[k] + 1)
                 : mode == 3 ? x0 * t
                 : mode == 4 ? std::max(x0, t)
                             : std::min(x0, t);
    }
    return out;
  };
  check("scatter<0>(idx, src)", rng, [&](auto a, auto b) { return a.template scatter<0>(si.t, b); },
        [&](auto a, auto b) { return scatter_ref(a, b, 0); }, x, s);
  check("scatter_reduce<0>(Sum)", rng, [&](auto a, auto b) { return a.template scatter_reduce<0>(si.t, b, ctgrad::ScatterReduce::Sum); },
        [&](auto a, auto b) { return scatter_ref(a, b, 1); }, x, s);
  check("scatter_reduce<0>(Mean)", rng, [&](auto a, auto b) { return a.template scatter_reduce<0>(si.t, b, ctgrad::ScatterReduce::Mean); },
        [&](auto a, auto b) { return scatter_ref(a, b, 2); }, x, s);
  check("scatter_reduce<0>(Prod)", rng, [&](auto a, auto b) { return a.template scatter_reduce<0>(si.t, b, ctgrad::ScatterReduce::Prod); },
        [&](auto a, auto b) { return scatter_ref(a, b, 3); }, x, s);
  // amax / amin: continuous values, so no ties between self and the sources
  check("scatter_reduce<0>(Amax)", rng, [&](auto a, auto b) { return a.template scatter_reduce<0>(si.t, b, ctgrad::ScatterReduce::Amax); },
        [&](auto a, auto b) { return scatter_ref(a, b, 4); }, x, s);
  check("scatter_reduce<0>(Amin)", rng, [&](auto a, auto b) { return a.template scatter_reduce<0>(si.t, b, ctgrad::ScatterReduce::Amin); },
        [&](auto a, auto b) { return scatter_ref(a, b, 5); }, x, s);
  auto coin = r::random_input<Tensor<T, 5, 3>>(rng, dev, -1, 1);
  auto mask = coin.t > T(0);
  check("masked_fill(mask, 0.5)", rng, [&](auto a) { return a.masked_fill(mask, 0.5); },
        [&](auto a) { return r::where(r::map(coin.r, [](double c) { return double(c > 0); }), r::map(a, [](double) { return 0.5; }), a); }, x);
  auto sq = r::random_input<Tensor<T, 2, 3, 4>>(rng, dev, -2, 2);
  auto tri = [](long d, bool upper) {
    return [=](const r::Array& a) {
      r::Array out = a;
      for (std::size_t k = 0; k < out.v.size(); ++k) {
        auto c = r::unravel(k, a.shape);
        const long off = static_cast<long>(c[2]) - static_cast<long>(c[1]);
        if (upper ? off < d : off > d) out.v[k] = 0;
      }
      return out;
    };
  };
  check("triu(1)", rng, [](auto a) { return a.triu(1); }, tri(1, true), sq);
  check("tril(-1)", rng, [](auto a) { return a.tril(-1); }, tri(-1, false), sq);
  check("tril()", rng, [](auto a) { return a.tril(); }, tri(0, false), sq);
}

}  // namespace

BOOST_AUTO_TEST_CASE(views_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(views<float>); }
BOOST_AUTO_TEST_CASE(views_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(views<double>); }
BOOST_AUTO_TEST_CASE(indexing_float, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(indexing<float>); }
BOOST_AUTO_TEST_CASE(indexing_double, CTGRAD_ON_DEVICES) { r::on_seeds_and_devices(indexing<double>); }
