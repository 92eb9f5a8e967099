// Convolution benchmark (issue: kernel optimizer): the flagship CNN's four convolutions (tinygrad's beautiful_mnist,
// examples/fashion_mnist/model.hpp) forward and backward against PyTorch CPU, same threads, one run, one table.
// Forward: y = conv2d(x, w) (no bias: it is an elementwise add that fuses). Backward: the gradients of sum(y * g)
// for a random g, i.e. the weight gradient (a reduce over batch x output pixels) and, except for the first layer
// whose input is data, the input gradient (a transposed convolution).
// Contenders are measured in interleaved rounds (the machine is shared); each figure is the median over the rounds
// of each round's median.
//
// Usage: bench_conv [python [batch [rounds]]]   (python with torch, e.g. /tmp/peers/bin/python; batch 512 or 64)
// DEBUG=2 prints each kernel's time, DEBUG=3 the optimizer's actions.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <ctgrad/ctgrad.hpp>

#include "peer_server.hpp"

using namespace ctgrad;
using Clock = std::chrono::steady_clock;

namespace {

double median(std::vector<double> v) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <class F>
double median_seconds(int reps, F&& f) {
  std::vector<double> t;
  for (int i = 0; i < reps; ++i) {
    auto t0 = Clock::now();
    f();
    t.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
  }
  return median(t);
}

struct Layer {
  std::string name, request;  // request: "<batch> <cin> <size> <cout> <k> <input_grad>" for the peer
  std::function<double(int)> fwd, bwd;
  std::vector<double> ours_fwd, ours_bwd, peer_fwd, peer_bwd;  // one median per round
};

// One convolution (B, Cin, H, H) * (Cout, Cin, K, K) on the default device; InputGrad: backward also gives dx.
template <std::size_t B, std::size_t Cin, std::size_t H, std::size_t Cout, std::size_t K, bool InputGrad>
Layer make_layer(const std::string& name) {
  constexpr std::size_t O = H - K + 1;
  auto x = std::make_shared<Tensor<float, B, Cin, H, H>>(Tensor<float, B, Cin, H, H>::randn().realize());
  auto w = std::make_shared<Tensor<float, Cout, Cin, K, K>>((Tensor<float, Cout, Cin, K, K>::randn() * 0.1f).realize());
  auto g = std::make_shared<Tensor<float, B, Cout, O, O>>(Tensor<float, B, Cout, O, O>::randn().realize());
  Layer l;
  l.name = name;
  l.request = std::to_string(B) + " " + std::to_string(Cin) + " " + std::to_string(H) + " " + std::to_string(Cout) + " " + std::to_string(K) +
              " " + (InputGrad ? "1" : "0");
  l.fwd = [x, w](int reps) {
    auto run = [&] { x->conv2d(*w).realize(); };
    run();  // compiles
    return median_seconds(reps, run);
  };
  l.bwd = [x, w, g](int reps) {
    auto xg = InputGrad ? x->requires_grad_() : *x;
    auto wg = w->requires_grad_();
    auto run = [&] {
      xg.clear_grad();
      wg.clear_grad();
      (xg.conv2d(wg) * *g).sum().backward();
      if constexpr (InputGrad) realize(wg.grad(), xg.grad());
      else wg.grad().realize();
    };
    run();
    return median_seconds(reps, run);
  };
  return l;
}

// The flagship's convolutions at batch B: sizes as in the model (28 -> 24 -> 20, pool 10 -> 8 -> 6).
template <std::size_t B>
std::vector<Layer> flagship_layers() {
  return {make_layer<B, 1, 28, 32, 5, false>("c1 1->32 5x5 @28"), make_layer<B, 32, 24, 32, 5, true>("c2 32->32 5x5 @24"),
          make_layer<B, 32, 10, 64, 3, true>("c3 32->64 3x3 @10"), make_layer<B, 64, 8, 64, 3, true>("c4 64->64 3x3 @8")};
}

std::string ms(double s) {
  if (s <= 0) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", s * 1e3);
  return buf;
}
std::string speed(double ours, double peer) {  // ctgrad speed relative to the peer: peer time / ctgrad time
  if (ours <= 0 || peer <= 0) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fx", peer / ours);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IONBF, 0);
  const std::string python = argc > 1 ? argv[1] : "python3";
  const int batch = argc > 2 ? std::atoi(argv[2]) : 512;
  const int rounds = argc > 3 ? std::atoi(argv[3]) : 3;
  if (batch != 512 && batch != 64) {
    std::fprintf(stderr, "bench_conv: batch must be 512 or 64, not %d\n", batch);
    return 2;
  }
  const std::size_t threads = rt::ThreadPool::instance().size();
  PeerServer peer(python, std::string(CTGRAD_SOURCE_ROOT) + "/bench/peer_conv.py", {std::to_string(threads)});
  manual_seed(0);
  auto layers = batch == 512 ? flagship_layers<512>() : flagship_layers<64>();
  const int reps = batch == 512 ? 3 : 5;
  for (int r = 0; r < rounds; ++r)
    for (auto& l : layers) {
      l.ours_fwd.push_back(l.fwd(reps));
      l.peer_fwd.push_back(peer.ask("conv fwd " + l.request + " " + std::to_string(reps)));
      l.ours_bwd.push_back(l.bwd(reps));
      l.peer_bwd.push_back(peer.ask("conv bwd " + l.request + " " + std::to_string(reps)));
    }

  std::printf("\nflagship CNN convolutions, batch %d, float32, %s, %zu threads, ms (median over %d interleaved rounds of %d runs)\n", batch,
              Tensor<float, 1>::zeros().device().c_str(), threads, rounds, reps);
  std::printf("%-20s %9s %9s %8s %9s %9s %8s %9s %9s %8s\n", "layer", "fwd", "torch", "speed", "bwd", "torch", "speed", "fwd+bwd", "torch",
              "speed");
  double total_ours = 0, total_peer = 0;
  bool peer_ok = true;
  for (auto& l : layers) {
    const double of = median(l.ours_fwd), ob = median(l.ours_bwd), pf = median(l.peer_fwd), pb = median(l.peer_bwd);
    total_ours += of + ob;
    total_peer += pf + pb;
    peer_ok = peer_ok && pf > 0 && pb > 0;
    std::printf("%-20s %9s %9s %8s %9s %9s %8s %9s %9s %8s\n", l.name.c_str(), ms(of).c_str(), ms(pf).c_str(), speed(of, pf).c_str(),
                ms(ob).c_str(), ms(pb).c_str(), speed(ob, pb).c_str(), ms(of + ob).c_str(), ms(pf + pb).c_str(), speed(of + ob, pf + pb).c_str());
  }
  if (!peer_ok) total_peer = -1;
  std::printf("%-20s %9s %9s %8s %9s %9s %8s %9s %9s %8s\n", "all four", "", "", "", "", "", "", ms(total_ours).c_str(), ms(total_peer).c_str(),
              speed(total_ours, total_peer).c_str());
  std::printf("speed: PyTorch time / ctgrad time (1 = as fast as PyTorch CPU)%s\n",
              peer_ok ? "" : "; PyTorch peer missing: pass a python with torch as the first argument");
  return 0;
}
