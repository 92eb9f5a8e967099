// ctgrad::jit: replays give the results of plain calls (a pure function, a training step that assigns its weights, and
// an Adam step, whose bias corrections change every step),
// build no graph, and never write a caller's tensor.
#define BOOST_TEST_MODULE jit
#include <boost/test/unit_test.hpp>

#include <ctgrad/jit.hpp>
#include <ctgrad/nn/nn.hpp>

namespace {

using ctgrad::Tensor;

BOOST_AUTO_TEST_CASE(pure_function_replays) {
  auto f = [](const Tensor<float, 4, 8>& x) { return (x * 2.0f + 1.0f).relu().sum<1>(); };
  auto jitted = ctgrad::jit(f);
  for (int call = 0; call < 5; ++call) {
    auto x = Tensor<float, 4, 8>::randn();
    const auto keep = x.tolist();
    const auto uops = ctgrad::rt::live_uops();
    auto got = jitted(x).tolist();
    if (call >= 2) {
      BOOST_TEST(ctgrad::rt::live_uops() == uops, "a replay builds no graph (call " << call << ")");
      const auto& t = jitted.last_replay();  // bench/bench_jit reports the host part, seconds - in_kernels
      BOOST_TEST(t.in_kernels > 0.0);
      BOOST_TEST(t.in_kernels <= t.seconds);
    }
    BOOST_TEST(got == f(x).tolist(), boost::test_tools::per_element());
    BOOST_TEST(x.tolist() == keep, boost::test_tools::per_element());
  }
  BOOST_TEST(jitted.captured_kernels() >= 1u);
}

// Six training steps on random batches, plain and jitted (the first plain, the second captured, then replays): the
// same losses and weights, bit for bit.
template <class Plain, class Jitted>
void expect_same_steps(Plain& plain, Jitted& jitted, const Tensor<float, 6, 2>& plain_w, const Tensor<float, 6, 2>& jit_w) {
  for (int call = 0; call < 6; ++call) {
    auto x = Tensor<float, 8, 6>::randn();
    auto y = Tensor<float, 8, 2>::randn();
    const float want = plain(x, y).item(), got = jitted(x, y).item();
    BOOST_TEST(got == want, "loss of call " << call);
    BOOST_TEST(jit_w.tolist() == plain_w.tolist(), boost::test_tools::per_element());
  }
}

// Plain SGD on a linear model, jitted and not, from the same start: the same losses and weights, bit for bit.
BOOST_AUTO_TEST_CASE(training_step_replays) {
  ctgrad::manual_seed(3);
  const auto w0 = Tensor<float, 6, 2>::randn().tolist();
  auto make = [&] { return Tensor<float, 6, 2>::from(std::span<const float>(w0)).requires_grad_(); };
  auto plain_w = make(), jit_w = make();
  auto step_of = [](Tensor<float, 6, 2> w) {
    return [w](const Tensor<float, 8, 6>& x, const Tensor<float, 8, 2>& y) mutable {
      auto err = x.matmul(w) - y;
      auto loss = (err * err).mean();
      loss.backward();
      {
        ctgrad::NoGrad no_grad;
        w.assign(w - w.grad() * 0.1f);
      }
      w.clear_grad();
      return loss;
    };
  };
  auto plain = step_of(plain_w);
  auto jitted = ctgrad::jit(step_of(jit_w));
  expect_same_steps(plain, jitted, plain_w, jit_w);
}

// Adam's bias corrections depend on the step number: counted on the device, a replay advances it as a plain step does.
BOOST_AUTO_TEST_CASE(adam_step_replays) {
  namespace nn = ctgrad::nn;
  ctgrad::manual_seed(5);
  const auto w0 = Tensor<float, 6, 2>::randn().tolist();
  auto make = [&] { return Tensor<float, 6, 2>::from(std::span<const float>(w0)).requires_grad_(); };
  auto plain_w = make(), jit_w = make();
  nn::optim::Adam plain_opt({nn::AnyTensor(plain_w)}, 0.05f), jit_opt({nn::AnyTensor(jit_w)}, 0.05f);
  auto step_of = [](Tensor<float, 6, 2> w, nn::optim::Adam& opt) {
    return [w, &opt](const Tensor<float, 8, 6>& x, const Tensor<float, 8, 2>& y) {
      opt.zero_grad();
      auto err = x.matmul(w) - y;
      auto loss = (err * err).mean();
      loss.backward();
      opt.step();
      return loss;
    };
  };
  auto plain = step_of(plain_w, plain_opt);
  auto jitted = ctgrad::jit(step_of(jit_w, jit_opt));
  expect_same_steps(plain, jitted, plain_w, jit_w);
  BOOST_TEST(jitted.captured_kernels() > 0u);

  // a learning-rate schedule is a function of that count: replays follow it (the flagship's cosine decay)
  auto sched_plain_w = make(), sched_jit_w = make();
  nn::optim::Adam sched_plain({nn::AnyTensor(sched_plain_w)}, 0.05f), sched_jit({nn::AnyTensor(sched_jit_w)}, 0.05f);
  sched_plain.schedule = sched_jit.schedule = nn::optim::cosine_decay(5);
  auto scheduled = step_of(sched_plain_w, sched_plain);
  auto scheduled_jit = ctgrad::jit(step_of(sched_jit_w, sched_jit));
  expect_same_steps(scheduled, scheduled_jit, sched_plain_w, sched_jit_w);
}

}  // namespace
