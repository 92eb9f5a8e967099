// The autograd API contract exactly as the issue spells it, compiled by the suite with nothing but -I src by clang-19
// and g++-12 (-std=c++20), then run on the C device: each line of the contract is used and its result checked.
#include <cmath>
#include <cstdio>
#include <ctgrad/ctgrad.hpp>

int main() {
  using namespace ctgrad;
  manual_seed(0);
  auto x = Tensor<float, 2, 4>::randn().requires_grad_();
  auto w = Tensor<float, 4, 3>::randn().requires_grad_();  // marks a leaf that collects a gradient; returns the tensor
  bool ok = w.requires_grad();
  auto loss = x.matmul(w).relu().mean();  // Tensor<float>
  loss.backward();
  Tensor<float, 4, 3> g = w.grad();
  auto [gx, gw] = loss.gradient(x, w);
  auto t = (x * 2.0f).detach();
  ok = ok && !t.requires_grad();
  {
    NoGrad guard;
    ok = ok && !(x * 2.0f).requires_grad();
  }
  {
    Train guard;
    ok = ok && training();
  }
  ok = ok && !training();
  auto before = w.tolist();
  auto copy = w;
  w.assign(w - w.grad() * 0.1f);
  realize(loss, gx, gw);
  const auto gv = g.tolist(), gwv = gw.tolist(), after = copy.tolist();
  for (std::size_t i = 0; i < gv.size(); ++i)
    ok = ok && gv[i] == gwv[i] && std::abs(after[i] - (before[i] - 0.1f * gv[i])) < 1e-6f;
  ok = ok && gx.tolist().size() == 8;
  std::printf("autograd contract on %s: %s\n", default_device().c_str(), ok ? "ok" : "WRONG");
  return ok ? 0 : 1;
}
