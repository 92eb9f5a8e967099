#pragma once
// Embedding<Vocab, D>: rows of weight (Vocab, D) picked by an integer tensor of any shape; weight ~ N(0, 1) as torch's.
#include "ctgrad/nn/linear.hpp"

namespace ctgrad::nn {

template <std::size_t Vocab, std::size_t D>
struct Embedding {
  using Weight = Tensor<float, Vocab, D>;
  Weight weight = Weight::randn().requires_grad_();
  CTGRAD_NN_MODULE(Embedding, weight);

  template <TensorLike I>
  auto operator()(const I& idx) const {
    constexpr bool ok = std::is_integral_v<typename I::dtype> && !std::is_same_v<typename I::dtype, bool> && I::ndim + 1 <= kMaxRank;
    CTGRAD_STATIC_CHECK(ok, "ctgrad::nn::Embedding: the input must be an integer tensor of rank < 8",
                        ::ctgrad::detail::Message{} << "ctgrad::nn::Embedding<" << Vocab << "," << D << ">: input "
                                                    << rt::name(dtype_of<typename I::dtype>()) << " " << I::shape << " does not fit weight "
                                                    << Weight::shape << " (need integer indices)");
    if constexpr (ok) return weight[idx];
  }
};

}  // namespace ctgrad::nn
