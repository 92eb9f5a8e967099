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
// The forward of conv2d with explicit (before, after) padding per spatial dim: the padded input's windows
// (B, G, 1, OH, OW, Cin/G, KH, KW) against the weight (1, G, Cout/G, 1, 1, Cin/G, KH, KW), summed over the last three.
template <Hw S, Hw Pb, Hw Pa, Hw D, std::size_t G, class X, class W>
auto conv2d_windows(const X& x) {
  constexpr std::size_t B = X::shape[0], Cin = X::shape[1], KH = W::shape[2], KW = W::shape[3], CinG = Cin / G;
  constexpr auto pads = [] {
    Shape<8> p{};
    p[4] = Pb.h, p[5] = Pa.h, p[6] = Pb.w, p[7] = Pa.w;
    return p;
  }();
  auto windows = pool2d<Hw{KH, KW}, S, D>(pad_as<pads>(x));  // (B, Cin, OH, OW, KH, KW)
  using Win = decltype(windows);
  return windows.template reshape<B, G, 1, CinG, Win::shape[2], Win::shape[3], KH, KW>().template permute<0, 1, 2, 4, 5, 3, 6, 7>();
}
template <Hw S, Hw Pb, Hw Pa, Hw D, std::size_t G, class X, class W>
auto conv2d_forward(const X& x, const W& w) {
  constexpr std::size_t B = X::shape[0], Cout = W::shape[0], KH = W::shape[2], KW = W::shape[3], CinG = W::shape[1], CoutG = Cout / G;
  auto xg = conv2d_windows<S, Pb, Pa, D, G, X, W>(x);
  using Xg = decltype(xg);
  auto wg = w.template reshape<1, G, CoutG, 1, 1, CinG, KH, KW>();
  return (xg * wg).template sum<5, 6, 7>().template reshape<B, Cout, Xg::shape[3], Xg::shape[4]>();
}

template <Hw S, Hw P, Hw OP, Hw D, std::size_t G, bool Adjoint, class X, class W>
auto conv_transpose_as_conv(const X& x, const W& w);

// conv2d's adjoints, which PyTorch uses too. For the input: the transposed conv of the output gradient with the same
// weight, in padded coordinates, cut back to the input (rows no window covered get zero); it tiles like a forward
// conv, where the gradient derived through the window view is a col2im whose div/mod indices do not. For the weight:
// the windows times the output gradient, summed over (B, OH, OW).
template <Hw S, Hw Pb, Hw Pa, Hw D, std::size_t G, class X, class W, class Y>
auto conv2d_input_grad(const Y& g, const W& w) {
  constexpr std::size_t B = X::shape[0], Cin = X::shape[1], H = X::shape[2], Wd = X::shape[3];
  auto full = conv_transpose_as_conv<S, 0, 0, D, G, false>(g, w);  // ((OH - 1) S + D (KH - 1) + 1, ...) <= the padded size
  using F = decltype(full);
  constexpr std::size_t Hp = H + Pb.h + Pa.h, Wp = Wd + Pb.w + Pa.w;
  return full.template pad<0, 0, 0, 0, 0, Hp - F::shape[2], 0, Wp - F::shape[3]>()
      .template shrink<0, B, 0, Cin, Pb.h, Pb.h + H, Pb.w, Pb.w + Wd>();
}
template <Hw S, Hw Pb, Hw Pa, Hw D, std::size_t G, class X, class W, class Y>
auto conv2d_weight_grad(const X& x, const Y& g) {
  constexpr std::size_t B = X::shape[0], Cout = W::shape[0], CoutG = Cout / G, OH = Y::shape[2], OW = Y::shape[3];
  auto gg = g.template reshape<B, G, CoutG, OH, OW, 1, 1, 1>();
  return (conv2d_windows<S, Pb, Pa, D, G, X, W>(x) * gg).template sum<0, 3, 4>().template reshape<Cout, W::shape[1], W::shape[2], W::shape[3]>();
}

// conv2d with explicit (before, after) padding; the public entries have checked the shapes. On a gradient path the
// result is an Adjoint node: the forward over detached inputs, with the adjoints above as the inputs' gradients.
template <Hw S, Hw Pb, Hw Pa, Hw D, std::size_t G, class X, class W>
auto conv2d_impl(const X& x, const W& w) {
  using Y = decltype(conv2d_forward<S, Pb, Pa, D, G>(x, w));
  if (!grad_enabled() || !(x.requires_grad() || w.requires_grad())) return conv2d_forward<S, Pb, Pa, D, G>(x, w);
  const X xd = x.detach();
  const W wd = w.detach();
  auto adjoint = std::make_shared<const rt::AdjointFn>(rt::AdjointFn{"conv2d", [xd, wd](const rt::UOpPtr& ctx) {
    const Y g = Y::from_uop(ctx, xd.device());
    return std::vector<rt::UOpPtr>{conv2d_input_grad<S, Pb, Pa, D, G, X, W>(g, wd).to_uop(), conv2d_weight_grad<S, Pb, Pa, D, G, X, W>(xd, g).to_uop()};
  }});
  return Y::from_uop(rt::adjoint_uop(conv2d_forward<S, Pb, Pa, D, G>(xd, wd).to_uop(), {x.to_uop(), w.to_uop()}, std::move(adjoint)), x.device());
}
// conv_transpose2d as a plain conv: the input dilated by the stride, padded by (K - 1) D - P (+ OutputPadding after),
// with the weight (Cin, Cout/G, KH, KW) regrouped to (G * Cout/G, Cin/G, KH, KW) and flipped spatially. With Adjoint
// it differentiates as a conv2d_impl (for users); without, it is the bare forward (inside conv2d's own adjoint).
template <class W, std::size_t G>
auto transposed_weight(const W& w) {
  constexpr std::size_t Cin = W::shape[0], CoutG = W::shape[1], KH = W::shape[2], KW = W::shape[3], CinG = Cin / G;
  return w.template reshape<G, CinG, CoutG, KH, KW>().template transpose<1, 2>().template flip<3, 4>().template reshape<G * CoutG, CinG, KH, KW>();
}
template <Hw S, Hw P, Hw OP, Hw D, std::size_t G, bool Adjoint, class X, class W>
auto conv_transpose_as_conv(const X& x, const W& w) {
  constexpr std::size_t KH = W::shape[2], KW = W::shape[3];
  constexpr Hw before{(KH - 1) * D.h - P.h, (KW - 1) * D.w - P.w};
  constexpr Hw after{before.h + OP.h, before.w + OP.w};
  if constexpr (Adjoint) return conv2d_impl<1, before, after, D, G>(dilate_input<S>(x), transposed_weight<W, G>(w));
  else return conv2d_forward<1, before, after, D, G>(dilate_input<S>(x), transposed_weight<W, G>(w));
}
template <Hw S, Hw P, Hw OP, Hw D, std::size_t G, class X, class W>
auto conv_transpose2d_impl(const X& x, const W& w) {
  return conv_transpose_as_conv<S, P, OP, D, G, true>(x, w);
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
