#pragma once
// Float64 references for the op-surface tests, in the style of reference.hpp: plain loops over dense row-major
// arrays, sharing no code with ctgrad. Most ops act on 1-D fibers along an axis (along()), or map output
// coordinates to input coordinates (remap()); conv and pooling are written out as their textbook loops.
#include <numeric>
#include <optional>

#include "reference.hpp"

namespace ref {

// Applies f to every fiber along `axis`; f returns the new fiber (its length becomes that dim).
inline Array along(const Array& a, std::size_t axis, const std::function<std::vector<double>(const std::vector<double>&)>& f) {
  const std::size_t n = a.shape[axis];
  std::size_t outer = 1, inner = 1;
  for (std::size_t d = 0; d < axis; ++d) outer *= a.shape[d];
  for (std::size_t d = axis + 1; d < a.shape.size(); ++d) inner *= a.shape[d];
  Array out{a.shape, {}};
  std::size_t m = 0;
  for (std::size_t o = 0; o < outer; ++o)
    for (std::size_t i = 0; i < inner; ++i) {
      std::vector<double> fiber(n);
      for (std::size_t k = 0; k < n; ++k) fiber[k] = a.v[(o * n + k) * inner + i];
      auto r = f(fiber);
      if (out.v.empty()) {
        m = r.size();
        out.shape[axis] = m;
        out.v.resize(outer * m * inner);
      }
      for (std::size_t k = 0; k < m; ++k) out.v[(o * m + k) * inner + i] = r[k];
    }
  return out;
}
// out[c] = a[src(c)] for every output coordinate c; an empty src reads `fill`.
inline Array remap(const Array& a, const Shape& out_shape, const std::function<std::optional<Shape>(const Shape&)>& src, double fill = 0) {
  Array out{out_shape, std::vector<double>(numel(out_shape))};
  for (std::size_t i = 0; i < out.v.size(); ++i) {
    auto s = src(unravel(i, out_shape));
    out.v[i] = s ? a.v[ravel(*s, a.shape)] : fill;
  }
  return out;
}

// ---- fiber functions ----
inline std::vector<double> softmax1(const std::vector<double>& x) {
  const double m = *std::max_element(x.begin(), x.end());
  std::vector<double> e(x.size());
  double s = 0;
  for (std::size_t i = 0; i < x.size(); ++i) s += e[i] = std::exp(x[i] - m);
  for (auto& v : e) v /= s;
  return e;
}
inline double logsumexp1(const std::vector<double>& x) {
  const double m = *std::max_element(x.begin(), x.end());
  double s = 0;
  for (auto v : x) s += std::exp(v - m);
  return std::log(s) + m;
}
inline std::vector<double> log_softmax1(const std::vector<double>& x) {
  const double l = logsumexp1(x);
  std::vector<double> out(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) out[i] = x[i] - l;
  return out;
}
// Stable ascending (or descending) order: the indices.
inline std::vector<std::size_t> order1(const std::vector<double>& x, bool descending) {
  std::vector<std::size_t> idx(x.size());
  std::iota(idx.begin(), idx.end(), 0);
  std::sort(idx.begin(), idx.end(), [&](std::size_t a, std::size_t b) {  // ties keep their order
    if (x[a] == x[b]) return a < b;
    return descending ? x[a] > x[b] : x[a] < x[b];
  });
  return idx;
}

// ---- conv and pooling (NCHW) ----
struct Conv {
  std::size_t sh = 1, sw = 1, ph = 0, pw = 0, dh = 1, dw = 1, groups = 1;
};
inline Array conv2d(const Array& x, const Array& w, const Array* bias, Conv c) {
  const std::size_t B = x.shape[0], Cin = x.shape[1], H = x.shape[2], W = x.shape[3];
  const std::size_t Cout = w.shape[0], CinG = w.shape[1], KH = w.shape[2], KW = w.shape[3], CoutG = Cout / c.groups;
  const std::size_t OH = (H + 2 * c.ph - c.dh * (KH - 1) - 1) / c.sh + 1, OW = (W + 2 * c.pw - c.dw * (KW - 1) - 1) / c.sw + 1;
  (void)Cin;
  Array out{{B, Cout, OH, OW}, std::vector<double>(B * Cout * OH * OW)};
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t co = 0; co < Cout; ++co)
      for (std::size_t oy = 0; oy < OH; ++oy)
        for (std::size_t ox = 0; ox < OW; ++ox) {
          double acc = bias ? bias->v[co] : 0;
          const std::size_t g = co / CoutG;
          for (std::size_t ci = 0; ci < CinG; ++ci)
            for (std::size_t ky = 0; ky < KH; ++ky)
              for (std::size_t kx = 0; kx < KW; ++kx) {
                const long iy = static_cast<long>(oy * c.sh + ky * c.dh) - static_cast<long>(c.ph);
                const long ix = static_cast<long>(ox * c.sw + kx * c.dw) - static_cast<long>(c.pw);
                if (iy < 0 || ix < 0 || iy >= static_cast<long>(H) || ix >= static_cast<long>(W)) continue;
                acc += x.v[ravel({b, g * CinG + ci, static_cast<std::size_t>(iy), static_cast<std::size_t>(ix)}, x.shape)] *
                       w.v[ravel({co, ci, ky, kx}, w.shape)];
              }
          out.v[ravel({b, co, oy, ox}, out.shape)] = acc;
        }
  return out;
}
// Transposed conv as the scatter of each input pixel times the kernel (weight (Cin, Cout/G, KH, KW)).
inline Array conv_transpose2d(const Array& x, const Array& w, Conv c, std::size_t oph = 0, std::size_t opw = 0) {
  const std::size_t B = x.shape[0], Cin = x.shape[1], H = x.shape[2], W = x.shape[3];
  const std::size_t CoutG = w.shape[1], KH = w.shape[2], KW = w.shape[3], CinG = Cin / c.groups, Cout = CoutG * c.groups;
  const long OH = static_cast<long>((H - 1) * c.sh + c.dh * (KH - 1) + oph + 1) - 2 * static_cast<long>(c.ph);
  const long OW = static_cast<long>((W - 1) * c.sw + c.dw * (KW - 1) + opw + 1) - 2 * static_cast<long>(c.pw);
  Array out{{B, Cout, static_cast<std::size_t>(OH), static_cast<std::size_t>(OW)}, std::vector<double>(B * Cout * OH * OW)};
  for (std::size_t b = 0; b < B; ++b)
    for (std::size_t ci = 0; ci < Cin; ++ci)
      for (std::size_t iy = 0; iy < H; ++iy)
        for (std::size_t ix = 0; ix < W; ++ix)
          for (std::size_t co = 0; co < CoutG; ++co)
            for (std::size_t ky = 0; ky < KH; ++ky)
              for (std::size_t kx = 0; kx < KW; ++kx) {
                const long oy = static_cast<long>(iy * c.sh + ky * c.dh) - static_cast<long>(c.ph);
                const long ox = static_cast<long>(ix * c.sw + kx * c.dw) - static_cast<long>(c.pw);
                if (oy < 0 || ox < 0 || oy >= OH || ox >= OW) continue;
                const std::size_t g = ci / CinG;
                out.v[ravel({b, g * CoutG + co, static_cast<std::size_t>(oy), static_cast<std::size_t>(ox)}, out.shape)] +=
                    x.v[ravel({b, ci, iy, ix}, x.shape)] * w.v[ravel({ci, co, ky, kx}, w.shape)];
              }
  return out;
}
// Max or mean pooling over the last two dims; padding reads -inf (max) or 0 (mean); `include_pad` counts it.
inline Array pool2d(const Array& x, bool is_max, std::size_t kh, std::size_t kw, Conv c, bool include_pad = true) {
  const std::size_t R = x.shape.size(), H = x.shape[R - 2], W = x.shape[R - 1];
  const std::size_t OH = (H + 2 * c.ph - c.dh * (kh - 1) - 1) / c.sh + 1, OW = (W + 2 * c.pw - c.dw * (kw - 1) - 1) / c.sw + 1;
  Shape s = x.shape;
  s[R - 2] = OH, s[R - 1] = OW;
  Array out{s, std::vector<double>(numel(s))};
  for (std::size_t i = 0; i < out.v.size(); ++i) {
    auto oc = unravel(i, s);
    double acc = is_max ? -INFINITY : 0, count = 0;
    for (std::size_t ky = 0; ky < kh; ++ky)
      for (std::size_t kx = 0; kx < kw; ++kx) {
        const long iy = static_cast<long>(oc[R - 2] * c.sh + ky * c.dh) - static_cast<long>(c.ph);
        const long ix = static_cast<long>(oc[R - 1] * c.sw + kx * c.dw) - static_cast<long>(c.pw);
        const bool inside = iy >= 0 && ix >= 0 && iy < static_cast<long>(H) && ix < static_cast<long>(W);
        if (inside || include_pad) count += 1;
        if (!inside) continue;
        auto ic = oc;
        ic[R - 2] = static_cast<std::size_t>(iy), ic[R - 1] = static_cast<std::size_t>(ix);
        const double v = x.v[ravel(ic, x.shape)];
        acc = is_max ? std::max(acc, v) : acc + v;
      }
    out.v[i] = is_max ? acc : acc / count;
  }
  return out;
}

}  // namespace ref
