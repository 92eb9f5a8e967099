#pragma once
// The oracle of the op tests: a naive float64 interpreter over dense row-major arrays. It shares no code with
// ctgrad (no views, no kernels), so a tensor op and its reference here can only agree by both being right.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "support/devices.hpp"

namespace ref {

using Shape = std::vector<std::size_t>;

struct Array {
  Shape shape;
  std::vector<double> v;
};

inline std::size_t numel(const Shape& s) {
  std::size_t n = 1;
  for (auto d : s) n *= d;
  return n;
}

// The coordinates of row-major element i.
inline Shape unravel(std::size_t i, const Shape& s) {
  Shape c(s.size());
  for (std::size_t d = s.size(); d-- > 0;) {
    c[d] = i % s[d];
    i /= s[d];
  }
  return c;
}
inline std::size_t ravel(const Shape& c, const Shape& s) {
  std::size_t i = 0;
  for (std::size_t d = 0; d < s.size(); ++d) i = i * s[d] + c[d];
  return i;
}

inline Array map(const Array& a, const std::function<double(double)>& f) {
  Array out{a.shape, a.v};
  for (auto& x : out.v) x = f(x);
  return out;
}

// numpy broadcasting: shapes aligned on the right; a size-1 dim repeats.
inline Shape broadcast_shape(const Shape& a, const Shape& b) {
  const std::size_t r = std::max(a.size(), b.size());
  Shape out(r);
  for (std::size_t i = 0; i < r; ++i) {
    const std::size_t x = i < a.size() ? a[a.size() - 1 - i] : 1, y = i < b.size() ? b[b.size() - 1 - i] : 1;
    out[r - 1 - i] = x == 1 ? y : x;
  }
  return out;
}
// The element of `a` that output coordinate c of a broadcast of shape `out` reads.
inline double at_broadcast(const Array& a, const Shape& c) {
  const std::size_t skip = c.size() - a.shape.size();
  Shape ac(a.shape.size());
  for (std::size_t d = 0; d < ac.size(); ++d) ac[d] = a.shape[d] == 1 ? 0 : c[skip + d];
  return a.v[ravel(ac, a.shape)];
}

inline Array zip(const Array& a, const Array& b, const std::function<double(double, double)>& f) {
  Array out{broadcast_shape(a.shape, b.shape), {}};
  out.v.resize(numel(out.shape));
  for (std::size_t i = 0; i < out.v.size(); ++i) {
    auto c = unravel(i, out.shape);
    out.v[i] = f(at_broadcast(a, c), at_broadcast(b, c));
  }
  return out;
}

inline Array where(const Array& cond, const Array& a, const Array& b) {
  Array out{broadcast_shape(broadcast_shape(a.shape, b.shape), cond.shape), {}};
  out.v.resize(numel(out.shape));
  for (std::size_t i = 0; i < out.v.size(); ++i) {
    auto c = unravel(i, out.shape);
    out.v[i] = at_broadcast(cond, c) != 0 ? at_broadcast(a, c) : at_broadcast(b, c);
  }
  return out;
}

// Reduces `axes` (all when empty) with f starting from init; keepdim keeps them as size 1.
inline Array reduce(const Array& a, Shape axes, bool keepdim, double init, const std::function<double(double, double)>& f) {
  if (axes.empty())
    for (std::size_t d = 0; d < a.shape.size(); ++d) axes.push_back(d);
  auto reduced = [&](std::size_t d) { return std::find(axes.begin(), axes.end(), d) != axes.end(); };
  Shape kept = a.shape, final_shape;
  for (std::size_t d = 0; d < a.shape.size(); ++d) {
    if (reduced(d)) kept[d] = 1;
    if (!reduced(d) || keepdim) final_shape.push_back(kept[d]);
  }
  std::vector<double> acc(numel(kept), init);
  for (std::size_t i = 0; i < a.v.size(); ++i) {
    auto c = unravel(i, a.shape);
    for (std::size_t d = 0; d < c.size(); ++d)
      if (reduced(d)) c[d] = 0;
    auto& slot = acc[ravel(c, kept)];
    slot = f(slot, a.v[i]);
  }
  return {final_shape, acc};
}
inline Array sum(const Array& a, Shape axes = {}, bool keepdim = false) { return reduce(a, std::move(axes), keepdim, 0, std::plus<>{}); }
inline Array prod(const Array& a, Shape axes = {}, bool keepdim = false) {
  return reduce(a, std::move(axes), keepdim, 1, std::multiplies<>{});
}
inline Array max(const Array& a, Shape axes = {}, bool keepdim = false) {
  return reduce(a, std::move(axes), keepdim, -INFINITY, [](double x, double y) { return std::max(x, y); });
}
inline Array min(const Array& a, Shape axes = {}, bool keepdim = false) {
  return reduce(a, std::move(axes), keepdim, INFINITY, [](double x, double y) { return std::min(x, y); });
}
inline Array mean(const Array& a, Shape axes = {}, bool keepdim = false) {
  auto s = sum(a, axes, keepdim);
  const double count = static_cast<double>(numel(a.shape)) / static_cast<double>(std::max<std::size_t>(numel(s.shape), 1));
  return map(s, [count](double x) { return x / count; });
}

// ---- movement: each builds the new array element by element from the old one ----
inline Array reshape(const Array& a, Shape s) { return {std::move(s), a.v}; }

inline Array permute(const Array& a, const Shape& order) {
  Shape s(order.size());
  for (std::size_t d = 0; d < order.size(); ++d) s[d] = a.shape[order[d]];
  Array out{s, std::vector<double>(numel(s))};
  for (std::size_t i = 0; i < out.v.size(); ++i) {
    auto c = unravel(i, s);
    Shape src(c.size());
    for (std::size_t d = 0; d < c.size(); ++d) src[order[d]] = c[d];
    out.v[i] = a.v[ravel(src, a.shape)];
  }
  return out;
}

inline Array expand(const Array& a, const Shape& s) {
  Array out{s, std::vector<double>(numel(s))};
  for (std::size_t i = 0; i < out.v.size(); ++i) out.v[i] = at_broadcast(a, unravel(i, s));
  return out;
}

// before[d] zeros ahead of axis d and after[d] behind it.
inline Array pad(const Array& a, const Shape& before, const Shape& after) {
  Shape s = a.shape;
  for (std::size_t d = 0; d < s.size(); ++d) s[d] += before[d] + after[d];
  Array out{s, std::vector<double>(numel(s), 0.0)};
  for (std::size_t i = 0; i < a.v.size(); ++i) {
    auto c = unravel(i, a.shape);
    for (std::size_t d = 0; d < c.size(); ++d) c[d] += before[d];
    out.v[ravel(c, s)] = a.v[i];
  }
  return out;
}

// Keeps [begin[d], end[d]) of each axis.
inline Array shrink(const Array& a, const Shape& begin, const Shape& end) {
  Shape s(a.shape.size());
  for (std::size_t d = 0; d < s.size(); ++d) s[d] = end[d] - begin[d];
  Array out{s, std::vector<double>(numel(s))};
  for (std::size_t i = 0; i < out.v.size(); ++i) {
    auto c = unravel(i, s);
    for (std::size_t d = 0; d < c.size(); ++d) c[d] += begin[d];
    out.v[i] = a.v[ravel(c, a.shape)];
  }
  return out;
}

inline Array flip(const Array& a, const Shape& axes) {
  Array out{a.shape, std::vector<double>(a.v.size())};
  for (std::size_t i = 0; i < out.v.size(); ++i) {
    auto c = unravel(i, a.shape);
    for (auto d : axes) c[d] = a.shape[d] - 1 - c[d];
    out.v[i] = a.v[ravel(c, a.shape)];
  }
  return out;
}

// numpy matmul: batch dims broadcast; a 1-D operand is a vector (a row on the left, a column on the right).
inline Array matmul(Array a, Array b) {
  const bool vec_a = a.shape.size() == 1, vec_b = b.shape.size() == 1;
  if (vec_a) a.shape.insert(a.shape.begin(), 1);
  if (vec_b) b.shape.push_back(1);
  const std::size_t m = a.shape[a.shape.size() - 2], k = a.shape.back(), n = b.shape.back();
  const Shape batch_a(a.shape.begin(), a.shape.end() - 2), batch_b(b.shape.begin(), b.shape.end() - 2);
  const Shape batch = broadcast_shape(batch_a, batch_b);
  Shape s = batch;
  s.push_back(m);
  s.push_back(n);
  Array out{s, std::vector<double>(numel(s))};
  for (std::size_t i = 0; i < out.v.size(); ++i) {
    auto c = unravel(i, s);
    const std::size_t row = c[c.size() - 2], col = c.back();
    double acc = 0;
    for (std::size_t j = 0; j < k; ++j) {
      Shape ca(c.begin(), c.end() - 2), cb(ca);
      ca.push_back(row), ca.push_back(j);
      cb.push_back(j), cb.push_back(col);
      acc += at_broadcast(a, ca) * at_broadcast(b, cb);
    }
    out.v[i] = acc;
  }
  if (vec_b) out.shape.pop_back();
  if (vec_a) out.shape.erase(out.shape.end() - (vec_b ? 1 : 2));
  return out;
}

// ---- comparing a tensor with its reference ----

struct Tol {
  double rel = 0, abs = 0;
};
inline constexpr Tol exact{0, 0};

// The tolerance for results of dtype T: integers and bool are exact whatever a float computation would allow.
template <class T>
Tol tol_for(Tol float_tol, Tol double_tol) {
  if constexpr (std::is_same_v<T, float>) return float_tol;
  else if constexpr (std::is_same_v<T, double>) return double_tol;
  else return exact;
}
template <class T>
Tol basic_tol() {  // + - * / and short chains: rounded once or a few times
  return tol_for<T>({1e-5, 1e-6}, {1e-12, 1e-13});
}
template <class T>
Tol transcendental_tol() {
  return tol_for<T>({1e-4, 1e-5}, {1e-9, 1e-10});
}
template <class T>
Tol reduction_tol() {  // sums of tens of terms of magnitude ~1
  return tol_for<T>({1e-5, 1e-4}, {1e-12, 1e-11});
}

inline bool close(double got, double want, Tol t) {
  if (std::isnan(want)) return std::isnan(got);
  if (std::isinf(want)) return got == want;
  return std::abs(got - want) <= t.abs + t.rel * std::abs(want);
}

// Compares read-back values with the reference (not a template, so each result type adds little code).
inline void expect_values(const Shape& got_shape, const std::vector<double>& got, const Array& want, Tol tol, const std::string& what) {
  BOOST_TEST_REQUIRE((got_shape == want.shape), what << ": the reference has another shape (a test bug)");
  std::size_t bad = 0;
  std::ostringstream first;
  first.precision(10);
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (close(got[i], want.v[i], tol)) continue;
    if (bad++ < 3) first << " [" << i << "] got " << got[i] << " want " << want.v[i] << ";";
  }
  BOOST_TEST(bad == 0u, what << ": " << bad << " of " << got.size() << " elements differ:" << first.str());
}

// Checks the shape and every element of `t` against `want`; a failure names `what` and the first mismatches.
template <class T, std::size_t... D>
void expect_matches(const ctgrad::Tensor<T, D...>& t, const Array& want, Tol tol, const std::string& what) {
  const auto values = t.tolist();
  expect_values(Shape{D...}, std::vector<double>(values.begin(), values.end()), want, tol, what);
}

template <class TT>
void expect_basic(const TT& t, const Array& want, const char* what) {
  expect_matches(t, want, basic_tol<typename TT::dtype>(), what);
}
template <class TT>
void expect_transcendental(const TT& t, const Array& want, const char* what) {
  expect_matches(t, want, transcendental_tol<typename TT::dtype>(), what);
}
template <class TT>
void expect_reduced(const TT& t, const Array& want, const char* what) {
  expect_matches(t, want, reduction_tol<typename TT::dtype>(), what);
}

// Integer division: truncating, and x / 0 is 0 (ctgrad's documented behaviour; a kernel must never trap).
inline double idiv(double a, double b) { return b == 0 ? 0 : std::trunc(a / b); }

// ---- random inputs: a tensor on a device and the same values as a reference array ----

template <class TT>
struct Input {
  TT t;
  Array r;
};

// Values uniform in [lo, hi] (integers for integer dtypes, a coin for bool), rounded to multiples of `quantum`
// when it is non-zero so that ties and equal elements occur.
template <class TT>
Input<TT> random_input(std::mt19937_64& rng, const std::string& device, double lo, double hi, double quantum = 0) {
  using T = typename TT::dtype;
  std::vector<T> values(TT::numel);
  Array r{Shape(TT::shape.begin(), TT::shape.end()), std::vector<double>(TT::numel)};
  for (std::size_t i = 0; i < TT::numel; ++i) {
    double x;
    if constexpr (std::is_same_v<T, bool>) {
      x = static_cast<double>(rng() & 1u);
    } else if constexpr (std::is_integral_v<T>) {
      x = static_cast<double>(std::uniform_int_distribution<std::int64_t>(static_cast<std::int64_t>(lo), static_cast<std::int64_t>(hi))(rng));
    } else {
      x = std::uniform_real_distribution<double>(lo, hi)(rng);
      if (quantum != 0) x = std::round(x / quantum) * quantum;
    }
    values[i] = static_cast<T>(x);
    r.v[i] = static_cast<double>(values[i]);  // what the tensor really holds (float rounding included)
  }
  return {TT::from(std::span<const T>(values)).to(device), r};
}

// Fixed seeds: each case runs on these, on every device.
inline const std::vector<std::uint64_t> seeds = {1, 2, 3};

// Runs case_fn(device, seed) for every seed on every usable device, both named in any failure.
inline void on_seeds_and_devices(void (*case_fn)(const std::string&, std::uint64_t)) {
  for (auto seed : seeds)
    ctgrad_test::on_each_device([&](const std::string& dev) { BOOST_TEST_CONTEXT("seed " << seed) { case_fn(dev, seed); } });
}

}  // namespace ref
