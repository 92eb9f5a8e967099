// Op surface, movement group, against the float64 reference (each op written as a map from output coordinates to
// input coordinates): flatten<Start, End>, unflatten, T, cat, stack, split, chunk, repeat, repeat_interleave, roll,
// pad with a value and the reflect/replicate/circular modes, pad_to, shrink_to, slice with steps, select, diag, diagonal, meshgrid, unfold, interpolate; on inputs and on lazy compute,
// float and int32, fixed seeds, every device.
#define BOOST_TEST_MODULE surface_movement
#include <boost/test/unit_test.hpp>

#include <cstdint>

#include "reference_surface.hpp"

namespace {

using ctgrad::Tensor;
using ref::expect_basic;
using ref::remap;
using ref::Shape;

// Joins arrays along `axis`.
ref::Array cat_ref(const std::vector<ref::Array>& parts, std::size_t axis) {
  Shape s = parts[0].shape;
  s[axis] = 0;
  for (const auto& p : parts) s[axis] += p.shape[axis];
  ref::Array out{s, std::vector<double>(ref::numel(s))};
  for (std::size_t i = 0; i < out.v.size(); ++i) {
    auto c = ref::unravel(i, s);
    std::size_t k = 0;
    while (c[axis] >= parts[k].shape[axis]) c[axis] -= parts[k++].shape[axis];
    out.v[i] = parts[k].v[ref::ravel(c, parts[k].shape)];
  }
  return out;
}

template <class T>
void reshapes_and_joins(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<T, 2, 3, 4, 5>>(rng, dev, -9, 9);
  auto [y, ry] = ref::random_input<Tensor<T, 2, 2, 4, 5>>(rng, dev, -9, 9);
  auto [z, rz] = ref::random_input<Tensor<T, 2, 1, 4, 5>>(rng, dev, -9, 9);
  auto [m, rm] = ref::random_input<Tensor<T, 3, 4>>(rng, dev, -9, 9);
  auto [n, rn] = ref::random_input<Tensor<T, 3, 4>>(rng, dev, -9, 9);
  expect_basic(x.flatten(), ref::reshape(rx, {120}), "flatten()");
  expect_basic(x.template flatten<1>(), ref::reshape(rx, {2, 60}), "flatten<1>");
  expect_basic(x.template flatten<1, 2>(), ref::reshape(rx, {2, 12, 5}), "flatten<1, 2>");
  expect_basic(x.template flatten<-2>(), ref::reshape(rx, {2, 3, 20}), "flatten<-2>");
  expect_basic(x.template unflatten<3, 5, 1>(), ref::reshape(rx, {2, 3, 4, 5, 1}), "unflatten<3, 5, 1>");
  expect_basic(m.template unflatten<-1, 2, 2>(), ref::reshape(rm, {3, 2, 2}), "unflatten<-1, 2, 2>");
  expect_basic(m.T(), ref::permute(rm, {1, 0}), "T()");
  auto rcat = cat_ref({rx, ry, rz}, 1);
  expect_basic(ctgrad::cat<1>(x, y, z), rcat, "cat<1>(x, y, z)");
  expect_basic(x.template cat<1>(y, z), rcat, "x.cat<1>(y, z)");
  expect_basic(ctgrad::cat<-1>(m, n * 2), cat_ref({rm, ref::map(rn, [](double v) { return 2 * v; })}, 1), "cat<-1>(m, n * 2)");
  auto rstack = ref::Array{{3, 2, 4}, {}};
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t k = 0; k < 2; ++k)
      for (std::size_t j = 0; j < 4; ++j) rstack.v.push_back(k == 0 ? rm.v[i * 4 + j] : rn.v[i * 4 + j] + 1);
  expect_basic(ctgrad::stack<1>(m, n + 1), rstack, "stack<1>(m, n + 1)");
  expect_basic(m.template stack<-2>(n + 1), rstack, "m.stack<-2>(n + 1)");
  auto [p0, p1] = x.template split<2, 2>();
  static_assert(std::tuple_size_v<decltype(x.template split<3, 3>())> == 2, "split<3> of 5 is sizes 3, 2");
  expect_basic(p0, ref::shrink(rx, {0, 0, 0, 0}, {2, 3, 2, 5}), "split<2, 2>: first");
  expect_basic(p1, ref::shrink(rx, {0, 0, 2, 0}, {2, 3, 4, 5}), "split<2, 2>: second");
  auto [q0, q1] = x.template split<3, 3>();
  expect_basic(q1, ref::shrink(rx, {0, 0, 0, 3}, {2, 3, 4, 5}), "split<3, 3>: the smaller last piece");
  (void)q0;
  auto [s0, s1] = x.template split<ctgrad::sizes<1, 2>, 1>();
  expect_basic(s0, ref::shrink(rx, {0, 0, 0, 0}, {2, 1, 4, 5}), "split<sizes<1, 2>, 1>: first");
  expect_basic(s1, ref::shrink(rx, {0, 1, 0, 0}, {2, 3, 4, 5}), "split<sizes<1, 2>, 1>: second");
  auto [c0, c1, c2] = x.template chunk<3, 1>();
  expect_basic(c2 - c0 + c1, ref::zip(ref::zip(ref::shrink(rx, {0, 2, 0, 0}, {2, 3, 4, 5}), ref::shrink(rx, {0, 0, 0, 0}, {2, 1, 4, 5}),
               std::minus<>{}), ref::shrink(rx, {0, 1, 0, 0}, {2, 2, 4, 5}), std::plus<>{}), "chunk<3, 1>");
}

template <class T>
void tiles_and_slices(const std::string& dev, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto [m, rm] = ref::random_input<Tensor<T, 3, 4>>(rng, dev, -9, 9);
  auto [v, rv] = ref::random_input<Tensor<T, 5>>(rng, dev, -9, 9);
  auto [b, rb] = ref::random_input<Tensor<T, 2, 3, 3>>(rng, dev, -9, 9);
  expect_basic(m.template repeat<2, 3>(), remap(rm, {6, 12}, [](const Shape& c) -> std::optional<Shape> { return Shape{c[0] % 3, c[1] % 4}; }),
               "repeat<2, 3>");
  expect_basic(m.template repeat<2, 1, 2>(), remap(rm, {2, 3, 8}, [](const Shape& c) -> std::optional<Shape> { return Shape{c[1], c[2] % 4}; }),
               "repeat<2, 1, 2>: a new leading dim");
  expect_basic(m.template repeat_interleave<2, 1>(), remap(rm, {3, 8}, [](const Shape& c) -> std::optional<Shape> { return Shape{c[0], c[1] / 2}; }),
               "repeat_interleave<2, 1>");
  expect_basic(m.template roll<1, 1>(), remap(rm, {3, 4}, [](const Shape& c) -> std::optional<Shape> { return Shape{c[0], (c[1] + 3) % 4}; }),
               "roll<1, 1>");
  expect_basic(m.template roll<-5, 0>(), remap(rm, {3, 4}, [](const Shape& c) -> std::optional<Shape> { return Shape{(c[0] + 2) % 3, c[1]}; }),
               "roll<-5, 0>");
  expect_basic((m * 2).template roll<2, -1>(), ref::map(remap(rm, {3, 4}, [](const Shape& c) -> std::optional<Shape> { return Shape{c[0], (c[1] + 2) % 4}; }),
               [](double x) { return 2 * x; }), "roll<2, -1> of a computation");
  expect_basic(m.template pad_to<4, 6>(), ref::pad(rm, {0, 0}, {1, 2}), "pad_to<4, 6>");
  expect_basic(m.template shrink_to<2, 3>(), ref::shrink(rm, {0, 0}, {2, 3}), "shrink_to<2, 3>");
  expect_basic(m.template slice<1, 1, 4, 2>(), remap(rm, {3, 2}, [](const Shape& c) -> std::optional<Shape> { return Shape{c[0], 1 + 2 * c[1]}; }),
               "slice<1, 1, 4, 2>: x[:, 1:4:2]");
  expect_basic(v.template slice<0, 0, 5, 3>(), remap(rv, {2}, [](const Shape& c) -> std::optional<Shape> { return Shape{3 * c[0]}; }), "slice<0, 0, 5, 3>");
  expect_basic((v + 1).template slice<0, 1, 5, 4>(), ref::Array{{1}, {rv.v[1] + 1}}, "slice<0, 1, 5, 4> of a computation");
  expect_basic(m.template select<0, 2>(), ref::Array{{4}, {rm.v.begin() + 8, rm.v.end()}}, "select<0, 2>: x[2]");
  expect_basic(m.template select<1, 3>(), remap(rm, {3}, [](const Shape& c) -> std::optional<Shape> { return Shape{c[0], 3}; }), "select<1, 3>: x[:, 3]");
  expect_basic(v.diag(), remap(rv, {5, 5}, [](const Shape& c) -> std::optional<Shape> {
                 if (c[0] != c[1]) return std::nullopt;
                 return Shape{c[0]};
               }), "diag");
  expect_basic(b.diagonal(), remap(rb, {2, 3}, [](const Shape& c) -> std::optional<Shape> { return Shape{c[0], c[1], c[1]}; }), "diagonal (batched)");
  auto [gx, gy] = ctgrad::meshgrid(v, m.template select<0, 0>());
  expect_basic(gx, remap(rv, {5, 4}, [](const Shape& c) -> std::optional<Shape> { return Shape{c[0]}; }), "meshgrid ij: first");
  expect_basic(gy, remap(rm, {5, 4}, [](const Shape& c) -> std::optional<Shape> { return Shape{0, c[1]}; }), "meshgrid ij: second");
  auto [hx, hy] = ctgrad::meshgrid<ctgrad::Indexing::xy>(v, m.template select<0, 0>());
  expect_basic(hx, remap(rv, {4, 5}, [](const Shape& c) -> std::optional<Shape> { return Shape{c[1]}; }), "meshgrid xy: first");
  expect_basic(hy, remap(rm, {4, 5}, [](const Shape& c) -> std::optional<Shape> { return Shape{0, c[0]}; }), "meshgrid xy: second");
  expect_basic(m.template unfold<1, 2, 1>(), remap(rm, {3, 3, 2}, [](const Shape& c) -> std::optional<Shape> { return Shape{c[0], c[1] + c[2]}; }),
               "unfold<1, 2, 1>");
  expect_basic(m.template unfold<0, 2, 2>(), remap(rm, {1, 4, 2}, [](const Shape& c) -> std::optional<Shape> { return Shape{2 * c[0] + c[2], c[1]}; }),
               "unfold<0, 2, 2>");
  expect_basic(v.template unfold<0, 3, 2>().sum(), ref::Array{{}, {rv.v[0] + rv.v[1] + 2 * rv.v[2] + rv.v[3] + rv.v[4]}}, "unfold<0, 3, 2>.sum()");
}

// One dim resized the way torch's F.interpolate does it (separable: the dims one after another).
ref::Array resize_ref(const ref::Array& a, std::size_t axis, std::size_t n, ctgrad::Interpolation mode, bool align) {
  const std::size_t m = a.shape[axis];
  const double scale = align && n > 1 ? double(m - 1) / double(n - 1) : double(m) / double(n);
  Shape s = a.shape;
  s[axis] = n;
  ref::Array out{s, std::vector<double>(ref::numel(s))};
  for (std::size_t i = 0; i < out.v.size(); ++i) {
    auto c = ref::unravel(i, s);
    const double o = static_cast<double>(c[axis]);
    auto at = [&](std::size_t k) {
      auto ci = c;
      ci[axis] = k;
      return a.v[ref::ravel(ci, a.shape)];
    };
    if (mode == ctgrad::Interpolation::Linear) {
      const double f = std::clamp(align ? o * scale : (o + 0.5) * scale - 0.5, 0.0, double(m - 1));
      const auto lo = static_cast<std::size_t>(std::floor(f)), hi = static_cast<std::size_t>(std::ceil(f));
      out.v[i] = at(lo) + (at(hi) - at(lo)) * (f - std::floor(f));
    } else {
      const double f = mode == ctgrad::Interpolation::NearestExact ? (o + 0.5) * scale : o * scale;
      out.v[i] = at(std::min(static_cast<std::size_t>(std::floor(f)), m - 1));
    }
  }
  return out;
}

// numpy.pad's modes by index: out coordinate c on an axis of n with `before` pads reads input index src(c - before).
ref::Array pad_ref(const ref::Array& a, const Shape& pairs, ctgrad::PadMode mode, double value) {
  Shape s = a.shape;
  for (std::size_t d = 0; d < s.size(); ++d) s[d] += pairs[2 * d] + pairs[2 * d + 1];
  return remap(a, s, [&](const Shape& c) -> std::optional<Shape> {
    Shape in(c.size());
    for (std::size_t d = 0; d < c.size(); ++d) {
      const long n = static_cast<long>(a.shape[d]), i = static_cast<long>(c[d]) - static_cast<long>(pairs[2 * d]);
      long k = i;
      if (i < 0 || i >= n) {
        switch (mode) {
          case ctgrad::PadMode::Constant: return std::nullopt;
          case ctgrad::PadMode::Reflect: k = i < 0 ? -i : 2 * (n - 1) - i; break;
          case ctgrad::PadMode::Replicate: k = i < 0 ? 0 : n - 1; break;
          case ctgrad::PadMode::Circular: k = (i % n + n) % n; break;
        }
      }
      in[d] = static_cast<std::size_t>(k);
    }
    return in;
  }, value);
}

template <class T>
void pad_modes(const std::string& dev, std::uint64_t seed) {
  using ctgrad::PadMode;
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<T, 3, 4, 5>>(rng, dev, -9, 9);
  expect_basic(ctgrad::pad<1, 0, 0, 2, 3, 1>(x, 7), pad_ref(rx, {1, 0, 0, 2, 3, 1}, PadMode::Constant, 7), "pad(x, 7)");
  expect_basic(ctgrad::pad<PadMode::Reflect, 2, 1, 0, 3, 4, 1>(x), pad_ref(rx, {2, 1, 0, 3, 4, 1}, PadMode::Reflect, 0), "pad reflect");
  expect_basic(ctgrad::pad<PadMode::Replicate, 0, 2, 3, 0, 1, 1>(x * 2) / 2, pad_ref(rx, {0, 2, 3, 0, 1, 1}, PadMode::Replicate, 0),
               "pad replicate of a computation");
  expect_basic(ctgrad::pad<PadMode::Circular, 3, 0, 1, 4, 0, 5>(x), pad_ref(rx, {3, 0, 1, 4, 0, 5}, PadMode::Circular, 0), "pad circular");
  expect_basic(ctgrad::pad<PadMode::Constant, 1, 1, 0, 0, 0, 0>(x), pad_ref(rx, {1, 1, 0, 0, 0, 0}, PadMode::Constant, 0), "pad constant mode");
}

void resampling(const std::string& dev, std::uint64_t seed) {
  using ctgrad::Interpolation;
  std::mt19937_64 rng(seed);
  auto [x, rx] = ref::random_input<Tensor<float, 2, 3, 5, 4>>(rng, dev, -9, 9);
  auto both = [&](Interpolation mode, bool align, std::size_t h, std::size_t w) { return resize_ref(resize_ref(rx, 3, w, mode, align), 2, h, mode, align); };
  ref::expect_transcendental(x.interpolate<7, 3>(), both(Interpolation::Linear, false, 7, 3), "interpolate<7, 3> bilinear");
  ref::expect_transcendental(x.interpolate<7, 3>(Interpolation::Linear, true), both(Interpolation::Linear, true, 7, 3), "bilinear, align_corners");
  ref::expect_transcendental(x.interpolate<2, 9>(Interpolation::Nearest), both(Interpolation::Nearest, false, 2, 9), "interpolate<2, 9> nearest");
  ref::expect_transcendental(x.interpolate<8, 3>(Interpolation::NearestExact), both(Interpolation::NearestExact, false, 8, 3), "nearest-exact");
  ref::expect_transcendental(x.interpolate<6>(), resize_ref(rx, 3, 6, Interpolation::Linear, false), "interpolate<6>: the last dim only");
}

template <class T>
void all(const std::string& dev, std::uint64_t seed) {
  reshapes_and_joins<T>(dev, seed);
  tiles_and_slices<T>(dev, seed);
  pad_modes<T>(dev, seed);
}

}  // namespace

BOOST_AUTO_TEST_CASE(movement_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(all<float>); }
BOOST_AUTO_TEST_CASE(movement_int32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(all<std::int32_t>); }
BOOST_AUTO_TEST_CASE(interpolate_float32, CTGRAD_ON_DEVICES) { ref::on_seeds_and_devices(resampling); }
