#pragma once
// conv2d and conv_transpose2d lowered as tinygrad lowers them: the input's sliding windows as a view (pool.hpp),
// broadcast against the weight, multiplied and summed over (Cin/G, KH, KW). One reduction kernel; no conv UOp.
#include "ctgrad/surface/pool.hpp"

namespace ctgrad {

namespace surface {
template <class X, class W>
constexpr bool conv_ranks = X::ndim == 4 && W::ndim == 4;

template <class X, class W, Hw S, Hw Pb, Hw Pa, Hw D, std::size_t G>
constexpr bool conv_ok() {
  if constexpr (!conv_ranks<X, W>) {
    return false;
  } else {
    if (G == 0 || X::shape[1] != G * W::shape[1] || W::shape[0] % G != 0) return false;
    return windows(X::shape[2] + Pb.h + Pa.h, W::shape[2], S.h, D.h) > 0 && windows(X::shape[3] + Pb.w + Pa.w, W::shape[3], S.w, D.w) > 0;
  }
}
template <class X, class W>
constexpr detail::Message conv_message(const char* name, std::size_t groups) {
  return detail::Message{} << "ctgrad::" << name << ": input " << X::shape << " and weight " << W::shape << " do not fit (groups " << groups
                           << "; input (B,Cin,H,W), weight (Cout,Cin/groups,KH,KW))";
}

// conv2d with explicit (before, after) padding per spatial dim; the public entries have checked the shapes.
template <Hw S, Hw Pb, Hw Pa, Hw D, std::size_t G, class X, class W>
auto conv2d_impl(const X& x, const W& w) {
  constexpr std::size_t B = X::shape[0], Cin = X::shape[1], Cout = W::shape[0], KH = W::shape[2], KW = W::shape[3];
  constexpr std::size_t CinG = Cin / G, CoutG = Cout / G;
  constexpr auto pads = [] {
    Shape<8> p{};
    p[4] = Pb.h, p[5] = Pa.h, p[6] = Pb.w, p[7] = Pa.w;
    return p;
  }();
  auto windows = pool2d<Hw{KH, KW}, S, D>(pad_as<pads>(x));  // (B, Cin, OH, OW, KH, KW)
  using Win = decltype(windows);
  constexpr std::size_t OH = Win::shape[2], OW = Win::shape[3];
  // (B, G, 1, OH, OW, Cin/G, KH, KW) against (1, G, Cout/G, 1, 1, Cin/G, KH, KW), summed over the last three
  auto xg = windows.template reshape<B, G, 1, CinG, OH, OW, KH, KW>().template permute<0, 1, 2, 4, 5, 3, 6, 7>();
  auto wg = w.template reshape<1, G, CoutG, 1, 1, CinG, KH, KW>();
  return (xg * wg).template sum<5, 6, 7>().template reshape<B, Cout, OH, OW>();
}
template <class Y, class Bias>
auto add_bias(const Y& y, const Bias& b) {
  return y + b.template reshape<1, Y::shape[1], 1, 1>();
}
}  // namespace surface

// (B, Cin, H, W) conv (Cout, Cin/Groups, KH, KW) -> (B, Cout, OH, OW); Stride, Padding and Dilation per spatial dim.
template <Hw Stride = 1, Hw Padding = 0, Hw Dilation = 1, std::size_t Groups = 1, TensorLike X, TensorLike W>
auto conv2d(const X& x, const W& w) {
  constexpr bool ok = surface::conv_ok<X, W, Stride, Padding, Padding, Dilation, Groups>();
  CTGRAD_STATIC_CHECK(ok, "ctgrad::conv2d: input and weight shapes do not fit", (surface::conv_message<X, W>("conv2d", Groups)));
  if constexpr (ok) return surface::conv2d_impl<Stride, Padding, Padding, Dilation, Groups>(x, w);
}
template <Hw Stride = 1, Hw Padding = 0, Hw Dilation = 1, std::size_t Groups = 1, TensorLike X, TensorLike W, TensorLike B>
auto conv2d(const X& x, const W& w, const B& b) {
  constexpr bool ok = surface::conv_ok<X, W, Stride, Padding, Padding, Dilation, Groups>() && B::ndim == 1 && B::shape[0] == W::shape[0];
  CTGRAD_STATIC_CHECK(ok, "ctgrad::conv2d: input, weight and bias shapes do not fit",
                      (surface::conv_message<X, W>("conv2d", Groups) << " with bias " << B::shape));
  if constexpr (ok) return surface::add_bias(surface::conv2d_impl<Stride, Padding, Padding, Dilation, Groups>(x, w), b);
}

namespace surface {
template <class X, class W, Hw S, Hw P, Hw OP, Hw D, std::size_t G>
constexpr bool conv_transpose_ok() {
  if constexpr (!conv_ranks<X, W>) {
    return false;
  } else {
    if (G == 0 || X::shape[1] != W::shape[0] || W::shape[0] % G != 0 || S.h == 0 || S.w == 0) return false;
    // the equivalent conv pads (K - 1) * D - P on each side: P may not exceed (K - 1) * D
    return P.h <= (W::shape[2] - 1) * D.h && P.w <= (W::shape[3] - 1) * D.w && OP.h < S.h + D.h && OP.w < S.w + D.w;
  }
}
// (B, C, H, W) -> (B, C, (H - 1) * s + 1, ...): s - 1 zeros between neighbours.
template <Hw S, class X>
auto dilate_input(const X& x) {
  if constexpr (S.h == 1 && S.w == 1) {
    return x;
  } else {
    constexpr std::size_t B = X::shape[0], C = X::shape[1], H = X::shape[2], W = X::shape[3];
    auto spread = x.template reshape<B, C, H, 1, W, 1>().template pad<0, 0, 0, 0, 0, 0, 0, S.h - 1, 0, 0, 0, S.w - 1>();
    return spread.template reshape<B, C, H * S.h, W * S.w>().template shrink<0, B, 0, C, 0, (H - 1) * S.h + 1, 0, (W - 1) * S.w + 1>();
  }
}
template <Hw S, Hw P, Hw OP, Hw D, std::size_t G, class X, class W>
auto conv_transpose2d_impl(const X& x, const W& w) {
  constexpr std::size_t Cin = W::shape[0], CoutG = W::shape[1], KH = W::shape[2], KW = W::shape[3], CinG = Cin / G;
  // weight (Cin, Cout/G, KH, KW) -> (G * Cout/G, Cin/G, KH, KW), flipped spatially: the transpose as a plain conv
  auto wt = w.template reshape<G, CinG, CoutG, KH, KW>().template transpose<1, 2>().template flip<3, 4>().template reshape<G * CoutG, CinG, KH, KW>();
  constexpr Hw before{(KH - 1) * D.h - P.h, (KW - 1) * D.w - P.w};
  constexpr Hw after{before.h + OP.h, before.w + OP.w};
  return conv2d_impl<1, before, after, D, G>(dilate_input<S>(x), wt);
}
}  // namespace surface

// (B, Cin, H, W) with weight (Cin, Cout/Groups, KH, KW) -> (B, Cout, (H - 1) * S - 2P + D (KH - 1) + OutputPadding + 1, ...).
template <Hw Stride = 1, Hw Padding = 0, Hw OutputPadding = 0, Hw Dilation = 1, std::size_t Groups = 1, TensorLike X, TensorLike W>
auto conv_transpose2d(const X& x, const W& w) {
  constexpr bool ok = surface::conv_transpose_ok<X, W, Stride, Padding, OutputPadding, Dilation, Groups>();
  CTGRAD_STATIC_CHECK(ok, "ctgrad::conv_transpose2d: input and weight shapes do not fit",
                      (surface::conv_message<X, W>("conv_transpose2d", Groups) << "; transposed: weight (Cin,Cout/groups,KH,KW)"));
  if constexpr (ok) return surface::conv_transpose2d_impl<Stride, Padding, OutputPadding, Dilation, Groups>(x, w);
}
template <Hw Stride = 1, Hw Padding = 0, Hw OutputPadding = 0, Hw Dilation = 1, std::size_t Groups = 1, TensorLike X, TensorLike W,
          TensorLike B>
auto conv_transpose2d(const X& x, const W& w, const B& b) {
  constexpr bool ok = surface::conv_transpose_ok<X, W, Stride, Padding, OutputPadding, Dilation, Groups>() && B::ndim == 1 &&
                      B::shape[0] == W::shape[1] * Groups;
  CTGRAD_STATIC_CHECK(ok, "ctgrad::conv_transpose2d: input, weight and bias shapes do not fit",
                      (surface::conv_message<X, W>("conv_transpose2d", Groups) << " with bias " << B::shape));
  if constexpr (ok) return surface::add_bias(surface::conv_transpose2d_impl<Stride, Padding, OutputPadding, Dilation, Groups>(x, w), b);
}

}  // namespace ctgrad
