// Linear and the convolutions against PyTorch (tests/nn/make_reference.py): outputs and gradients.
#define BOOST_TEST_MODULE nn_layers
#include "nn_test_util.hpp"

using namespace nn_test;

BOOST_AUTO_TEST_CASE(linear_vs_torch) {
  nn::Linear<5, 3> m;
  check_layer<Tensor<float, 2, 5>>(m, "linear");
}
BOOST_AUTO_TEST_CASE(linear_no_bias_batched_vs_torch) {
  nn::Linear<5, 3, false> m;
  BOOST_TEST(nn::state::get_state_dict(m).size() == 1u);
  check_layer<Tensor<float, 2, 4, 5>>(m, "linear_nobias_3d");
}
BOOST_AUTO_TEST_CASE(conv2d_stride_padding_vs_torch) {
  nn::Conv2d<2, 4, 3, 2, 1> m;
  check_layer<Tensor<float, 2, 2, 7, 7>>(m, "conv2d");
}
BOOST_AUTO_TEST_CASE(conv2d_dilation_groups_vs_torch) {
  nn::Conv2d<4, 6, 3, 1, 0, 2, 2, false> m;
  check_layer<Tensor<float, 1, 4, 8, 8>>(m, "conv2d_groups");
}
BOOST_AUTO_TEST_CASE(conv1d_vs_torch) {
  nn::Conv1d<2, 3, 3, 1, 1> m;
  check_layer<Tensor<float, 2, 2, 6>>(m, "conv1d");
}
BOOST_AUTO_TEST_CASE(conv_transpose2d_vs_torch) {
  nn::ConvTranspose2d<3, 2, 3, 2, 1, 1> m;
  check_layer<Tensor<float, 1, 3, 4, 4>>(m, "conv_transpose2d");
}
BOOST_AUTO_TEST_CASE(conv_transpose1d_vs_torch) {
  nn::ConvTranspose1d<2, 3, 3, 2> m;
  check_layer<Tensor<float, 2, 2, 5>>(m, "conv_transpose1d");
}
// The init: torch's bounds (U(-1/sqrt(fan_in), ..) for weight and bias), parameters require grad.
BOOST_AUTO_TEST_CASE(default_init_bounds) {
  manual_seed(3);
  nn::Conv2d<4, 8, 3> c;
  const double bound = 1.0 / std::sqrt(4.0 * 9);
  for (auto v : c.weight.tolist()) BOOST_TEST(std::abs(v) <= bound);
  for (auto v : c.bias.tolist()) BOOST_TEST(std::abs(v) <= bound);
  BOOST_TEST(c.weight.requires_grad());
  BOOST_TEST(nn::state::get_parameters(c).size() == 2u);
}

// A whole torch model's state dict (torch's names, BatchNorm's int64 counter) loads into the same net written
// with ctgrad's modules, which then computes torch's outputs.
struct TorchNet {
  nn::Conv2d<1, 4, 3, 1, 1> conv;
  nn::BatchNorm<4> bn;
  nn::Linear<64, 3> fc;
  template <std::size_t B>
  auto operator()(const Tensor<float, B, 1, 8, 8>& x) const {
    return fc(bn(conv(x)).relu().max_pool2d().template flatten<1>());
  }
};
BOOST_HANA_ADAPT_STRUCT(TorchNet, conv, bn, fc);

BOOST_AUTO_TEST_CASE(torch_model_state_dict) {
  TorchNet net;
  load(net, "model");
  expect_close(net(from_torch("model_io.x").as<Tensor<float, 2, 1, 8, 8>>()), "model_io.y", 1e-4, 1e-5);
  BOOST_TEST(net.bn.num_batches_tracked.item() == 3);
}
