// The nn contract of the training issue, compiled with only -I src by each compiler users have (clang-19, g++-12)
// and run on the C device: a Hana module, its state dict through a safetensors file, and a few Adam steps that
// must lower the loss. Exits non-zero with a message on the first failure.
#include <cstdio>
#include <filesystem>

#include "ctgrad/ctgrad.hpp"
#include "ctgrad/nn/nn.hpp"
#include "ctgrad/nn/safe.hpp"

using namespace ctgrad;

struct Net {
  nn::Linear<4, 8> l1;
  nn::BatchNorm<8> bn;
  nn::Linear<8, 2> l2;
  template <std::size_t B>
  auto operator()(const Tensor<float, B, 4>& x) const {
    return l2(bn(l1(x)).relu());
  }
};
BOOST_HANA_ADAPT_STRUCT(Net, l1, bn, l2);

static int fail(const char* what) {
  std::fprintf(stderr, "nn_contract: %s\n", what);
  return 1;
}

int main() {
  manual_seed(0);
  Net net;
  auto sd = nn::state::get_state_dict(net);
  if (sd.size() != 9 || !sd.count("bn.num_batches_tracked") || !sd.count("l2.bias")) return fail("state-dict keys");
  if (nn::state::get_parameters(net).size() != 6) return fail("parameters");
  auto x = Tensor<float, 16, 4>::randn();
  auto target = Tensor<float, 16, 2>::randn();
  nn::optim::Adam opt(nn::state::get_parameters(net), 0.05f);
  float first = 0, last = 0;
  {
    Train train;
    for (int step = 0; step < 8; ++step) {
      opt.zero_grad();
      auto loss = (net(x) - target).square().mean();
      loss.backward();
      opt.step(nn::state::get_buffers(net));
      last = loss.item();
      if (step == 0) first = last;
    }
  }
  if (!(last < first)) return fail("Adam did not lower the loss");
  if (net.bn.num_batches_tracked.item() != 8) return fail("BatchNorm's step counter");
  const std::string path = (std::filesystem::temp_directory_path() / "ctgrad_nn_contract.safetensors").string();
  nn::state::safe_save(nn::state::get_state_dict(net), path);
  Net copy;
  nn::state::load_state_dict(copy, nn::state::safe_load(path));
  std::filesystem::remove(path);
  if (net(x).tolist() != copy(x).tolist()) return fail("a reloaded state dict computes other values");
  try {
    nn::state::get_state_dict(net).at("l1.weight").as<Tensor<float, 4, 8>>();
    return fail("AnyTensor::as accepted a wrong shape");
  } catch (const Error&) {
  }
  std::printf("nn_contract: loss %.4f -> %.4f\n", first, last);
  return 0;
}
