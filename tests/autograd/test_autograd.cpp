// Autograd semantics: tensors as shared handles, requires_grad propagation, accumulation across backward() calls,
// gradient() beside backward(), detach, NoGrad and Train scopes, assign, realize of several outputs as one schedule,
// movement nodes only on gradient paths, and the kernels a training step's backward adds.
#define BOOST_TEST_MODULE autograd
#include <boost/test/unit_test.hpp>

#include "gradcheck.hpp"

namespace {

using ctgrad::Tensor;

std::vector<double> values(const auto& t) { return gradcheck::doubles(t.tolist()); }

BOOST_AUTO_TEST_CASE(requires_grad_propagates_and_stops) {
  auto w = Tensor<float, 2, 3>::randn().requires_grad_();
  auto x = Tensor<float, 2, 3>::randn();
  BOOST_TEST(w.requires_grad());
  BOOST_TEST(!x.requires_grad());
  BOOST_TEST((w * x + 1.0f).requires_grad());
  BOOST_TEST((w.permute<1, 0>().sum().requires_grad()));
  BOOST_TEST(!(w < x).requires_grad(), "a comparison has no gradient");
  BOOST_TEST(!w.cast<std::int32_t>().cast<float>().requires_grad(), "an integer cast cuts the gradient");
  BOOST_TEST(!w.detach().requires_grad());
  BOOST_TEST(!(w.detach() * 2.0f).requires_grad());
  {
    ctgrad::NoGrad guard;
    BOOST_TEST(!ctgrad::grad_enabled());
    BOOST_TEST(!(w * 2.0f).requires_grad());
    BOOST_TEST(!(w.transpose<0, 1>().requires_grad()));
    {
      ctgrad::NoGrad inner;
    }
    BOOST_TEST(!ctgrad::grad_enabled(), "scopes nest");
  }
  BOOST_TEST(ctgrad::grad_enabled());
  BOOST_TEST((w * 2.0f).requires_grad());
  w.requires_grad_(false);
  BOOST_TEST(!w.requires_grad());
}

BOOST_AUTO_TEST_CASE(training_mode_scopes) {
  BOOST_TEST(!ctgrad::training());
  {
    ctgrad::Train on;
    BOOST_TEST(ctgrad::training());
    {
      ctgrad::Train off(false);
      BOOST_TEST(!ctgrad::training());
    }
    BOOST_TEST(ctgrad::training());
  }
  BOOST_TEST(!ctgrad::training());
}

BOOST_AUTO_TEST_CASE(copies_share_value_and_gradient) {
  auto w = Tensor<float, 3>::from({1, 2, 3}).requires_grad_();
  auto copy = w;
  (w * w).sum().backward();
  BOOST_TEST(values(copy.grad()) == (std::vector<double>{2, 4, 6}), boost::test_tools::per_element());
  copy.assign(copy - copy.grad() * 0.5f);
  BOOST_TEST(values(w) == (std::vector<double>{0, 0, 0}), boost::test_tools::per_element());
  BOOST_TEST(w.requires_grad(), "a leaf stays a leaf after assign");
  BOOST_TEST(values(w.grad()) == (std::vector<double>{2, 4, 6}), boost::test_tools::per_element());  // assign keeps the gradient
}

BOOST_AUTO_TEST_CASE(gradients_accumulate_until_cleared) {
  auto w = Tensor<float, 2>::from({1, -2}).requires_grad_();
  auto loss = (w * 3.0f).sum();
  loss.backward();
  loss.backward();
  BOOST_TEST(values(w.grad()) == (std::vector<double>{6, 6}), boost::test_tools::per_element());
  (w * w).sum().backward();
  BOOST_TEST(values(w.grad()) == (std::vector<double>{8, 2}), boost::test_tools::per_element());
  w.clear_grad();
  BOOST_CHECK_EXCEPTION(w.grad(), ctgrad::Error, [](const ctgrad::Error& e) {
    return std::string(e.what()).find("backward() has not reached it") != std::string::npos;
  });
  BOOST_CHECK_EXCEPTION((Tensor<float, 2>::ones().grad()), ctgrad::Error, [](const ctgrad::Error& e) {
    return std::string(e.what()).find("does not require grad") != std::string::npos;
  });
}

BOOST_AUTO_TEST_CASE(gradient_returns_typed_tuple_and_leaves_grad_alone) {
  auto x = Tensor<float, 2, 4>::randn().requires_grad_();
  auto w = Tensor<float, 4, 3>::randn().requires_grad_();
  auto loss = x.matmul(w).relu().mean();
  auto [gx, gw] = loss.gradient(x, w);
  static_assert(std::is_same_v<decltype(gx), Tensor<float, 2, 4>> && std::is_same_v<decltype(gw), Tensor<float, 4, 3>>);
  BOOST_CHECK_THROW(w.grad(), ctgrad::Error);
  loss.backward();
  Tensor<float, 4, 3> g = w.grad();
  BOOST_TEST(values(g) == values(gw), boost::test_tools::per_element());
  BOOST_TEST(values(x.grad()) == values(gx), boost::test_tools::per_element());
  auto plain = Tensor<float, 4, 3>::randn();
  BOOST_CHECK_EXCEPTION(loss.gradient(plain), ctgrad::Error,
                        [](const ctgrad::Error& e) { return std::string(e.what()).find("does not require grad") != std::string::npos; });
  auto unrelated = Tensor<float, 3>::randn().requires_grad_();
  BOOST_CHECK_EXCEPTION(loss.gradient(unrelated), ctgrad::Error,
                        [](const ctgrad::Error& e) { return std::string(e.what()).find("does not depend on target 0") != std::string::npos; });
  BOOST_CHECK_EXCEPTION(Tensor<float>::full(2).backward(), ctgrad::Error,
                        [](const ctgrad::Error& e) { return std::string(e.what()).find("does not depend on any tensor") != std::string::npos; });
}

BOOST_AUTO_TEST_CASE(detach_cuts_one_path) {
  auto w = Tensor<float, 2>::from({2, 5}).requires_grad_();
  (w * w.detach()).sum().backward();  // d/dw (w * c) = c
  BOOST_TEST(values(w.grad()) == (std::vector<double>{2, 5}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(assign_to_a_plain_tensor_is_lazy_and_shared) {
  auto m = Tensor<float, 3>::zeros();
  auto alias = m;
  auto before = m * 1.0f;  // built before the assign: keeps the old value
  m.assign(m + Tensor<float, 3>::from({1, 2, 3}));
  m.assign(m * 2.0f);
  BOOST_TEST(values(alias) == (std::vector<double>{2, 4, 6}), boost::test_tools::per_element());
  BOOST_TEST(values(before) == (std::vector<double>{0, 0, 0}), boost::test_tools::per_element());
  BOOST_TEST(!m.requires_grad());
}

BOOST_AUTO_TEST_CASE(movement_nodes_only_on_gradient_paths) {
  auto x = Tensor<float, 4, 6>::randn();
  x.realize();
  const auto before = ctgrad::rt::live_uops();
  auto v = x.permute<1, 0>().reshape<3, 8>().flip<0>().pad<1, 1, 0, 0>();
  BOOST_TEST(ctgrad::rt::live_uops() == before, "off a gradient path movement ops fold into the view");
  auto w = (x * 1.0f).requires_grad_();  // the same values, as a leaf
  const auto with_leaf = ctgrad::rt::live_uops();
  auto u = w.permute<1, 0>().reshape<3, 8>().flip<0>().pad<1, 1, 0, 0>();
  BOOST_TEST(ctgrad::rt::live_uops() == with_leaf + 4, "on a gradient path each movement op is a node");
  BOOST_TEST(values(v.detach()) == values((u * 1.0f).detach()), boost::test_tools::per_element());
}

// Forward and backward of a 2-layer MLP as one schedule: 3 forward reductions (2 matmuls, the loss) and one per
// gradient (2 for the hidden activations' chain, 4 for the weights and biases); weight gradients stay views.
BOOST_AUTO_TEST_CASE(training_step_kernels) {
  auto w1 = Tensor<float, 16, 32>::randn().requires_grad_();
  auto b1 = Tensor<float, 32>::zeros().requires_grad_();
  auto w2 = Tensor<float, 32, 4>::randn().requires_grad_();
  auto b2 = Tensor<float, 4>::zeros().requires_grad_();
  auto x = Tensor<float, 8, 16>::randn();
  auto out = (x.matmul(w1) + b1).relu().matmul(w2) + b2;
  auto loss = (out * out).mean();
  loss.backward();
  const std::int64_t run_before = ctgrad::rt::counters().kernels_run;
  ctgrad::realize(loss, w1.grad(), b1.grad(), w2.grad(), b2.grad());
  BOOST_TEST(ctgrad::rt::counters().kernels_run - run_before == 8);
  const std::int64_t again = ctgrad::rt::counters().kernels_run;
  ctgrad::realize(loss, w1.grad(), b1.grad(), w2.grad(), b2.grad());
  BOOST_TEST(ctgrad::rt::counters().kernels_run == again, "realized tensors are not computed twice");
}

// An Adjoint node is its value in the forward pass and takes its inputs' gradients from its own function (conv2d
// uses one). The rule here is deliberately not the value's derivative, so the test sees which one backward() ran.
BOOST_AUTO_TEST_CASE(adjoint_node_supplies_the_gradients) {
  namespace rt = ctgrad::rt;
  auto x = Tensor<float, 4>::from({1.0f, 2.0f, 3.0f, 4.0f}).requires_grad_();
  auto rule = std::make_shared<const rt::AdjointFn>(rt::AdjointFn{"times five", [](const rt::UOpPtr& ctx) {
    return std::vector<rt::UOpPtr>{rt::grad_ops::operator*(ctx, 5.0)};
  }});
  auto y = Tensor<float, 4>::from_uop(rt::adjoint_uop((x.detach() * 3.0f).to_uop(), {x.to_uop()}, rule), x.device());
  BOOST_TEST((y.to_uop()->op == rt::Ops::Adjoint));
  BOOST_TEST(values(y) == (std::vector<double>{3, 6, 9, 12}), boost::test_tools::per_element());
  (y * y).sum().backward();
  BOOST_TEST(values(x.grad()) == (std::vector<double>{30, 60, 90, 120}), boost::test_tools::per_element());  // 5 * 2y
  {
    ctgrad::NoGrad guard;
    BOOST_TEST((rt::adjoint_uop((x.detach() * 3.0f).to_uop(), {x.to_uop()}, rule)->op != rt::Ops::Adjoint), "no gradient graph in NoGrad");
  }
  auto wrong = std::make_shared<const rt::AdjointFn>(rt::AdjointFn{"no gradients", [](const rt::UOpPtr&) { return std::vector<rt::UOpPtr>{}; }});
  auto z = Tensor<float, 4>::from_uop(rt::adjoint_uop(x.detach().to_uop(), {x.to_uop()}, wrong), x.device());
  BOOST_CHECK_EXCEPTION(z.sum().backward(), ctgrad::Error, [](const ctgrad::Error& e) {
    return std::string(e.what()).find("adjoint of no gradients gave 0 gradients for 1 inputs") != std::string::npos;
  });
}

}  // namespace
