#pragma once
// Losses, tinygrad's formulas: log_softmax plus one-hot masks and reductions. The reduction ("mean", "sum",
// "none") decides the result's shape, so it is a template argument; smoothing and ignore_index are values.
#include "ctgrad/surface/activation.hpp"
#include "ctgrad/surface/indexing.hpp"
#include "ctgrad/surface/reduce.hpp"

namespace ctgrad {

enum class Reduction { Mean, Sum, None };

namespace surface {
template <Reduction R, class L>
auto reduced(const L& loss) {
  if constexpr (R == Reduction::Mean) return loss.mean();
  else if constexpr (R == Reduction::Sum) return loss.sum();
  else return loss;
}
}  // namespace surface

// (B..., C) logits against integer labels (B...): the mean over labels that are not ignore_index of
// -log_softmax[label], label smoothing mixing in the mean log-probability (tinygrad's formula).
template <Reduction R = Reduction::Mean, TensorLike X, TensorLike Y>
auto sparse_categorical_crossentropy(const X& logits, const Y& labels, long ignore_index = -1, double label_smoothing = 0.0) {
  constexpr bool ok = X::ndim == Y::ndim + 1 && surface::integer_index<Y> && [] {
    for (std::size_t d = 0; d < Y::ndim; ++d)
      if (X::shape[d] != Y::shape[d]) return false;
    return true;
  }();
  CTGRAD_STATIC_CHECK(ok, "ctgrad::sparse_categorical_crossentropy: labels must be integers shaped like the logits without the class dim",
                      detail::Message{} << "ctgrad::sparse_categorical_crossentropy: logits " << X::shape << " and labels " << Y::shape
                                        << " (labels must be integers shaped like the logits without the last, class dim)");
  if constexpr (ok) {
    constexpr std::size_t C = X::shape[X::ndim - 1];
    auto log_probs = ctgrad::log_softmax<-1>(logits);
    using F = typename decltype(log_probs)::dtype;
    auto counted = (labels != static_cast<typename Y::dtype>(ignore_index));
    auto y = surface::one_hot_mask<C>(labels).template cast<F>();
    auto picked = (log_probs * y).template sum<X::ndim - 1>();
    auto smoothing = log_probs.template mean<X::ndim - 1>() * label_smoothing;
    auto unreduced = counted.where(picked * (1.0 - label_smoothing) + smoothing, F(0));
    if constexpr (R == Reduction::Mean) return -(unreduced.sum() / counted.template cast<F>().sum());
    else return -surface::reduced<R>(unreduced);
  }
}

// (B, C, ...) logits against class indices (B, ...) or probabilities shaped like the logits; classes on axis 1.
template <Reduction R = Reduction::Mean, TensorLike X, TensorLike Y>
auto cross_entropy(const X& logits, const Y& target, double label_smoothing = 0.0) {
  constexpr bool as_indices = Y::ndim + 1 == X::ndim;
  constexpr bool ok = X::ndim >= 2 && [] {
    if constexpr (as_indices) {
      if (!surface::integer_index<Y>) return false;
      for (std::size_t d = 0, j = 0; d < X::ndim; ++d)
        if (d != 1 && X::shape[d] != Y::shape[j++]) return false;
      return true;
    } else {
      return shape::same(X::shape, Y::shape);
    }
  }();
  CTGRAD_STATIC_CHECK(ok, "ctgrad::cross_entropy: target must be class indices (B, ...) or probabilities shaped like the logits",
                      detail::Message{} << "ctgrad::cross_entropy: logits " << X::shape << " and target " << Y::shape
                                        << " (target: integer classes without dim 1, or probabilities of the logits' shape)");
  if constexpr (ok) {
    constexpr std::size_t C = X::shape[1];
    auto log_probs = ctgrad::log_softmax<1>(logits);
    using F = typename decltype(log_probs)::dtype;
    auto probs = [&] {
      if constexpr (as_indices) return surface::move_from_last<1>(surface::one_hot_mask<C>(target).template cast<F>());
      else return target.template cast<F>();
    }();
    auto smoothed = probs * (1.0 - label_smoothing) + label_smoothing / static_cast<double>(C);
    return surface::reduced<R>(-(log_probs * smoothed).template sum<1>());
  }
}

namespace surface {
template <Reduction R, class X, class Y, class W>
auto nll_impl(const X& log_probs, const Y& target, const W* class_weight, long ignore_index) {
  constexpr std::size_t C = X::shape[1];
  auto f = as_float(log_probs);
  using F = typename decltype(f)::dtype;
  auto hot = one_hot_mask<C>(target).template cast<F>();  // (B, C)
  auto kept = (target != static_cast<typename Y::dtype>(ignore_index)).template cast<F>();
  auto weight = [&] {
    if constexpr (std::is_same_v<W, void>) return kept;
    else return (hot * class_weight->template cast<F>()).template sum<1>() * kept;  // weight[y[b]]
  }();
  auto nll = -(f * hot).template sum<1>() * weight;
  if constexpr (R == Reduction::Mean) return nll.sum() / weight.sum();
  else return reduced<R>(nll);
}
template <class X, class Y>
constexpr bool nll_ok = X::ndim == 2 && Y::ndim == 1 && X::shape[0] == Y::shape[0] && integer_index<Y>;
}  // namespace surface

// (B, C) log-probabilities against integer classes (B): -x[b, y[b]], skipping ignore_index; with a (C) class weight
// each term is scaled by weight[y[b]] and the mean divides by the weights' sum (torch and tinygrad).
template <Reduction R = Reduction::Mean, TensorLike X, TensorLike Y>
auto nll_loss(const X& log_probs, const Y& target, long ignore_index = -100) {
  CTGRAD_STATIC_CHECK((surface::nll_ok<X, Y>), "ctgrad::nll_loss: needs (B, C) log-probabilities and integer classes (B)",
                      detail::Message{} << "ctgrad::nll_loss: log-probabilities " << X::shape << " and target " << Y::shape
                                        << " (needs (B,C) and integer (B))");
  if constexpr (surface::nll_ok<X, Y>) return surface::nll_impl<R, X, Y, void>(log_probs, target, nullptr, ignore_index);
}
template <Reduction R = Reduction::Mean, TensorLike X, TensorLike Y, TensorLike W>
auto nll_loss(const X& log_probs, const Y& target, const W& weight, long ignore_index = -100) {
  constexpr bool ok = surface::nll_ok<X, Y> && W::ndim == 1 && W::shape[0] == X::shape[X::ndim == 2 ? 1 : 0];
  CTGRAD_STATIC_CHECK(ok, "ctgrad::nll_loss: needs (B, C) log-probabilities, integer classes (B) and a (C) weight",
                      detail::Message{} << "ctgrad::nll_loss: log-probabilities " << X::shape << ", target " << Y::shape << " and weight " << W::shape
                                        << " (needs (B,C), integer (B) and (C))");
  if constexpr (ok) return surface::nll_impl<R, X, Y, W>(log_probs, target, &weight, ignore_index);
}

// Probabilities p against targets y of the same shape: -(y log p + (1 - y) log(1 - p)).
template <Reduction R = Reduction::Mean, TensorLike X, TensorLike Y>
auto binary_crossentropy(const X& p, const Y& y) {
  CTGRAD_STATIC_CHECK(shape::same(X::shape, Y::shape), "ctgrad::binary_crossentropy: shapes differ",
                      detail::Message{} << "ctgrad::binary_crossentropy: predictions " << X::shape << " and targets " << Y::shape << " differ");
  if constexpr (shape::same(X::shape, Y::shape)) {
    auto fp = surface::as_float(p);
    auto fy = y.template cast<typename decltype(fp)::dtype>();
    return surface::reduced<R>(-(fy * fp.log()) - (1.0 - fy) * (1.0 - fp).log());
  }
}
// The same from logits, through logsigmoid (no log of 0); pos_weight scales the positive term.
template <Reduction R = Reduction::Mean, TensorLike X, TensorLike Y>
auto binary_crossentropy_logits(const X& logits, const Y& y, double pos_weight = 1.0) {
  CTGRAD_STATIC_CHECK(shape::same(X::shape, Y::shape), "ctgrad::binary_crossentropy_logits: shapes differ",
                      detail::Message{} << "ctgrad::binary_crossentropy_logits: logits " << X::shape << " and targets " << Y::shape << " differ");
  if constexpr (shape::same(X::shape, Y::shape)) {
    auto f = surface::as_float(logits);
    auto fy = y.template cast<typename decltype(f)::dtype>();
    return surface::reduced<R>(-(fy * ctgrad::logsigmoid(f) * pos_weight + (1.0 - fy) * ctgrad::logsigmoid(-f)));
  }
}

}  // namespace ctgrad
