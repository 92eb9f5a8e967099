// Normalization layers, Embedding and LSTMCell against PyTorch (tests/nn/make_reference.py), BatchNorm's running
// statistics in training() and its eval mode included.
#define BOOST_TEST_MODULE nn_norm
#include "nn_test_util.hpp"

using namespace nn_test;

BOOST_AUTO_TEST_CASE(batchnorm2d_training_vs_torch) {
  nn::BatchNorm<3> m;
  Train train;
  check_layer<Tensor<float, 4, 3, 5, 5>>(m, "batchnorm2d", 1e-4);
  expect_close(m.running_mean, "batchnorm2d.after.running_mean");
  expect_close(m.running_var, "batchnorm2d.after.running_var");
  BOOST_TEST(m.num_batches_tracked.item() == 1);
  BOOST_TEST(nn::state::get_parameters(m).size() == 2u);  // the running statistics are buffers
}
BOOST_AUTO_TEST_CASE(batchnorm1d_training_vs_torch) {
  nn::BatchNorm<3> m;
  Train train;
  check_layer<Tensor<float, 6, 3>>(m, "batchnorm1d", 1e-4);
  expect_close(m.running_mean, "batchnorm1d.after.running_mean");
  expect_close(m.running_var, "batchnorm1d.after.running_var");
}
BOOST_AUTO_TEST_CASE(batchnorm2d_eval_vs_torch) {
  BOOST_TEST(!training());
  nn::BatchNorm<3> m;
  check_layer<Tensor<float, 2, 3, 4, 4>>(m, "batchnorm2d_eval", 1e-4);
  expect_close(m.running_mean, "batchnorm2d_eval.after.running_mean");  // unchanged outside training()
  BOOST_TEST(m.num_batches_tracked.item() == 7);
}
BOOST_AUTO_TEST_CASE(layernorm_vs_torch) {
  nn::LayerNorm<4, 5> m;
  check_layer<Tensor<float, 2, 3, 4, 5>>(m, "layernorm", 1e-4);
}
BOOST_AUTO_TEST_CASE(rmsnorm_vs_torch) {
  nn::RMSNorm<6> m;
  check_layer<Tensor<float, 3, 6>>(m, "rmsnorm", 1e-4);
}
BOOST_AUTO_TEST_CASE(groupnorm_vs_torch) {
  nn::GroupNorm<2, 4> m;
  check_layer<Tensor<float, 2, 4, 3, 3>>(m, "groupnorm", 1e-4);
}
BOOST_AUTO_TEST_CASE(instancenorm_vs_torch) {
  nn::InstanceNorm<3> m;
  BOOST_TEST(nn::state::get_state_dict(m).empty());  // torch's default: no affine state
  check_layer<Tensor<float, 2, 3, 4, 4>>(m, "instancenorm", 1e-4);
}
BOOST_AUTO_TEST_CASE(embedding_vs_torch) {
  nn::Embedding<7, 4> m;
  check_layer<Tensor<std::int32_t, 2, 3>>(m, "embedding");
}
BOOST_AUTO_TEST_CASE(lstm_cell_vs_torch) {
  nn::LSTMCell<3, 4> m;
  load(m, "lstm");
  auto in = [](const std::string& k) { return Tensor<float, 2, 4>::from(std::span<const float>(floats(from_torch("lstm." + k)))).requires_grad_(); };
  auto x = Tensor<float, 2, 3>::from(std::span<const float>(floats(from_torch("lstm.x")))).requires_grad_();
  auto h = in("h"), c = in("c");
  auto [h2, c2] = m(x, h, c);
  ((h2 * from_torch("lstm.wh").as<Tensor<float, 2, 4>>()).sum() + (c2 * from_torch("lstm.wc").as<Tensor<float, 2, 4>>()).sum()).backward();
  expect_close(h2, "lstm.h2");
  expect_close(c2, "lstm.c2");
  expect_close(grad_of(x), "lstm.grad.x");
  expect_close(grad_of(h), "lstm.grad.h");
  expect_close(grad_of(c), "lstm.grad.c");
  for (const auto& [k, v] : nn::state::get_state_dict(m)) expect_close(grad_of(v), "lstm.grad." + k);
}
