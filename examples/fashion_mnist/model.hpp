#pragma once
// tinygrad's beautiful_mnist CNN: two 5x5 convolutions of 32 channels, batch norm, 2x2 max pool; two 3x3 convolutions
// of 64, batch norm, max pool; a linear layer from 576 features to 10 classes. Shared by the training example and
// the classifier that loads its checkpoint.
#include <ctgrad/ctgrad.hpp>
#include <ctgrad/nn.hpp>

namespace example {

using namespace ctgrad;

struct Net {
  nn::Conv2d<1, 32, 5> c1;
  nn::Conv2d<32, 32, 5> c2;
  nn::BatchNorm<32> bn1;
  nn::Conv2d<32, 64, 3> c3;
  nn::Conv2d<64, 64, 3> c4;
  nn::BatchNorm<64> bn2;
  nn::Linear<576, 10> l1;

  template <std::size_t B>
  auto operator()(const Tensor<float, B, 1, 28, 28>& x) const {
    auto h = bn1(c2(c1(x).relu()).relu()).max_pool2d();  // (B, 32, 10, 10)
    auto g = bn2(c4(c3(h).relu()).relu()).max_pool2d();  // (B, 64, 3, 3)
    return l1(g.template flatten<1>());                  // (B, 10) logits
  }
};

}  // namespace example

BOOST_HANA_ADAPT_STRUCT(example::Net, c1, c2, bn1, c3, c4, bn2, l1);
