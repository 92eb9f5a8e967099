// Every optimizer against PyTorch (tests/nn/make_reference.py): five steps on a small least-squares problem, the
// learning rate halved through `opt.lr` from the third on.
#define BOOST_TEST_MODULE nn_optim
#include "nn_test_util.hpp"

using namespace nn_test;

namespace {
template <class TT>
TT start(const std::string& name, const std::string& p) {
  return TT::from(std::span<const float>(floats(from_torch(name + ".init." + p))));
}

template <class Opt, class... Args>
void check_optimizer(const std::string& name, float lr, bool with_b, Args... args) {
  auto p1 = start<Tensor<float, 4, 3>>(name, "p1").requires_grad_();
  auto p2 = start<Tensor<float, 3, 5>>(name, "p2").requires_grad_();
  auto b = start<Tensor<float, 5>>(name, "b");
  if (with_b) b.requires_grad_();
  std::vector<AnyTensor> params{p1, p2};
  if (with_b) params.emplace_back(b);
  Opt opt(params, lr, args...);
  auto x = from_torch("opt.x").as<Tensor<float, 6, 4>>();
  auto t = from_torch("opt.t").as<Tensor<float, 6, 5>>();
  for (int k = 1; k <= 5; ++k) {
    if (k == 3) opt.lr = lr * 0.5f;
    opt.zero_grad();
    (x.matmul(p1).matmul(p2) + b - t).square().mean().backward();
    opt.step();
    const std::string at = name + ".step" + std::to_string(k) + ".";
    expect_close(p1, at + "p1", 1e-4, 1e-5);
    expect_close(p2, at + "p2", 1e-4, 1e-5);
    expect_close(b, at + "b", 1e-4, 1e-5);
  }
  BOOST_TEST(p1.requires_grad());  // still a leaf collecting gradients
}
}  // namespace

BOOST_AUTO_TEST_CASE(sgd_vs_torch) { check_optimizer<nn::optim::SGD>("sgd", 0.1f, true); }
BOOST_AUTO_TEST_CASE(sgd_momentum_weight_decay_vs_torch) { check_optimizer<nn::optim::SGD>("sgd_momentum", 0.1f, true, 0.9f, 0.01f); }
BOOST_AUTO_TEST_CASE(sgd_nesterov_vs_torch) { check_optimizer<nn::optim::SGD>("sgd_nesterov", 0.1f, true, 0.9f, 0.0f, true); }
BOOST_AUTO_TEST_CASE(adam_vs_torch) { check_optimizer<nn::optim::Adam>("adam", 0.1f, true); }
BOOST_AUTO_TEST_CASE(adamw_vs_torch) { check_optimizer<nn::optim::AdamW>("adamw", 0.1f, true, 0.9f, 0.999f, 1e-8f, 0.1f); }
BOOST_AUTO_TEST_CASE(lamb_vs_torch) { check_optimizer<nn::optim::LAMB>("lamb", 0.1f, true, 0.9f, 0.999f, 1e-6f, 0.01f); }
BOOST_AUTO_TEST_CASE(lars_vs_torch) { check_optimizer<nn::optim::LARS>("lars", 0.1f, true); }
BOOST_AUTO_TEST_CASE(muon_vs_torch) { check_optimizer<nn::optim::Muon>("muon", 0.02f, false); }

BOOST_AUTO_TEST_CASE(zero_grad_and_parameters_without_gradient) {
  auto w = Tensor<float, 3>::ones().requires_grad_();
  auto unused = Tensor<float, 2>::ones().requires_grad_();
  nn::optim::SGD opt({w, unused}, 0.5f);
  (w * 2.0f).sum().backward();
  opt.step();  // `unused` has no gradient: left alone
  BOOST_TEST(w.tolist() == std::vector<float>({0, 0, 0}), boost::test_tools::per_element());
  BOOST_TEST(unused.tolist() == std::vector<float>({1, 1}), boost::test_tools::per_element());
  opt.zero_grad();
  BOOST_TEST(!w.impl()->grad);
}
BOOST_AUTO_TEST_CASE(bad_parameters_throw) {
  auto check = [](auto make, const std::string& text) {
    try {
      make();
      BOOST_ERROR("no error");
    } catch (const Error& e) {
      BOOST_TEST(std::string(e.what()).find(text) != std::string::npos, e.what());
    }
  };
  check([] { nn::optim::SGD({Tensor<std::int32_t, 2>::ones()}, 0.1f); }, "parameter 0 is int32 (2): an optimizer needs floating-point tensors");
  check([] { nn::optim::Muon({Tensor<float, 4>::ones().requires_grad_()}); }, "parameter 0 is float (4): Muon takes 2-d parameters only");
}

// step(buffers) realizes BatchNorm's lazily updated running statistics in the same schedule as the parameters.
BOOST_AUTO_TEST_CASE(step_realizes_buffers) {
  manual_seed(5);
  nn::BatchNorm<3> bn;
  nn::optim::SGD opt(nn::state::get_parameters(bn), 0.1f);
  BOOST_TEST(nn::state::get_buffers(bn).size() == 3u);
  auto x = Tensor<float, 4, 3>::randn();
  {
    Train train;
    bn(x).square().sum().backward();
  }
  BOOST_TEST((bn.running_mean.base()->op != rt::Ops::Buffer));  // a lazy assign so far
  opt.step(nn::state::get_buffers(bn));
  BOOST_TEST((bn.running_mean.base()->op == rt::Ops::Buffer));
  auto want = (x.mean<0>() * 0.1f).tolist();
  auto got = bn.running_mean.tolist();
  for (std::size_t i = 0; i < 3; ++i) BOOST_TEST(got[i] == want[i], boost::test_tools::tolerance(1e-6f));
  BOOST_TEST(bn.num_batches_tracked.item() == 1);
}

// lr and the bias corrections are input buffers, not constants: a changed lr and further steps compile no kernel.
BOOST_AUTO_TEST_CASE(changing_lr_compiles_nothing) {
  manual_seed(6);
  auto w = Tensor<float, 4, 3>::randn().requires_grad_();
  auto x = Tensor<float, 2, 4>::randn();
  nn::optim::Adam opt({w}, 0.1f);
  auto train_step = [&] {
    opt.zero_grad();
    x.matmul(w).square().mean().backward();
    opt.step();
  };
  train_step();
  train_step();  // the first step reads zero moments (constants), the second their buffers
  const auto loaded = [] { return rt::counters().kernels_compiled + rt::counters().disk_cache_hits; };
  const auto before = loaded();
  BOOST_TEST(before > 0);  // the counters see this process's kernels
  opt.lr = 0.05f;
  train_step();
  train_step();
  BOOST_TEST(loaded() == before);
}

// cosine_decay(T): step t moves by lr * (1 + cos(pi * (t - 1) / T)) / 2, as torch's CosineAnnealingLR (eta_min 0), and
// on past T as that formula does. A constant gradient c makes the parameter after k steps p0 - c * (sum of the rates).
BOOST_AUTO_TEST_CASE(cosine_decay_schedule) {
  const std::vector<float> p0{1.0f, -2.0f, 0.5f}, c{0.3f, 1.0f, -2.0f};
  auto p = Tensor<float, 3>::from(std::span<const float>(p0)).requires_grad_();
  auto grad = Tensor<float, 3>::from(std::span<const float>(c));
  nn::optim::SGD opt({p}, 0.1f);
  opt.schedule = nn::optim::cosine_decay(4);
  double rates = 0;
  for (int t = 1; t <= 6; ++t) {
    opt.zero_grad();
    (p * grad).sum().backward();
    opt.step();
    rates += 0.1 * 0.5 * (1 + std::cos(3.141592653589793 * (t - 1) / 4));
    const auto got = p.tolist();
    for (std::size_t i = 0; i < 3; ++i)
      BOOST_TEST(std::abs(got[i] - (p0[i] - c[i] * rates)) <= 1e-5, "step " << t << ", element " << i << ": " << got[i]);
  }
  BOOST_CHECK_EXCEPTION(nn::optim::cosine_decay(0), ctgrad::Error,
                        [](const ctgrad::Error& e) { return std::string(e.what()).find("steps must be positive, got 0") != std::string::npos; });
}

// half and bfloat16 parameters: the state and the update in the parameter's dtype (Adam's first steps move by ~lr).
BOOST_AUTO_TEST_CASE(half_and_bfloat16_parameters) {
  auto w = Tensor<float, 4>::from({1, 2, 3, 4}).cast<half>().contiguous().requires_grad_();
  auto wb = Tensor<float, 4>::from({1, 2, 3, 4}).cast<bfloat16>().contiguous().requires_grad_();
  nn::optim::Adam opt({w, wb}, 0.1f);
  for (int i = 0; i < 2; ++i) {
    opt.zero_grad();
    (w.cast<float>().square().sum() + wb.cast<float>().square().sum()).backward();
    opt.step();
  }
  auto h = w.cast<float>().tolist(), b = wb.cast<float>().tolist();
  for (std::size_t i = 0; i < 4; ++i) {
    BOOST_TEST(h[i] == i + 0.8f, boost::test_tools::tolerance(2e-3f));
    BOOST_TEST(b[i] == i + 0.8f, boost::test_tools::tolerance(1e-2f));
  }
}
