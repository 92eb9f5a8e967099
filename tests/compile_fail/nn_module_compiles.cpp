// expected: compiles
// The example net, as a module: reflection, the optimizers and a training step's calls.
#include "ctgrad/ctgrad.hpp"
#include "ctgrad/nn/nn.hpp"

namespace nn = ctgrad::nn;
struct Net {
  nn::Linear<784, 128> l1;
  nn::Linear<128, 10> l2;
  template <std::size_t B>
  auto operator()(const ctgrad::Tensor<float, B, 784>& x) const {
    return l2(l1(x).relu());
  }
};
BOOST_HANA_ADAPT_STRUCT(Net, l1, l2);

void use() {
  Net net;
  nn::optim::Adam opt(nn::state::get_parameters(net));
  auto y = net(ctgrad::Tensor<float, 4, 784>::ones());
  static_assert(std::is_same_v<decltype(y), ctgrad::Tensor<float, 4, 10>>);
  opt.zero_grad();
  y.sum().backward();
  opt.step();
  opt.lr = 0.01f;
  auto sd = nn::state::get_state_dict(net);
  nn::state::load_state_dict(net, sd);
}
