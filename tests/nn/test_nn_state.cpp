// AnyTensor, module reflection (PyTorch's state-dict names for nested structs and arrays), parameters against
// buffers, safe_save/safe_load round trips of every dtype, and the strict load_state_dict's errors.
#define BOOST_TEST_MODULE nn_state
#include "nn_test_util.hpp"

#include <filesystem>

using namespace nn_test;

struct Block {
  nn::Linear<3, 3> fc;
  nn::BatchNorm<3> bn;
  double unrelated = 0.5;  // not a tensor: no state
};
BOOST_HANA_ADAPT_STRUCT(Block, fc, bn, unrelated);
struct Net {
  std::array<Block, 2> blocks;
  nn::Linear<3, 2> head;
  template <std::size_t B>
  auto operator()(const Tensor<float, B, 3>& x) const {
    return head(blocks[1].bn(blocks[1].fc(blocks[0].bn(blocks[0].fc(x)).relu())).relu());
  }
};
BOOST_HANA_ADAPT_STRUCT(Net, blocks, head);

namespace {
std::string message_of(auto f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}
void expect_message(auto f, const std::string& text) {
  const std::string m = message_of(f);
  BOOST_TEST(m.find(text) != std::string::npos, m);
}
std::string temp_file(const std::string& name) { return (std::filesystem::temp_directory_path() / ("ctgrad_nn_" + name)).string(); }
}  // namespace

BOOST_AUTO_TEST_CASE(state_dict_names_as_pytorch) {
  Net net;
  auto sd = nn::state::get_state_dict(net);
  std::vector<std::string> keys;
  for (const auto& [k, v] : sd) keys.push_back(k);
  const std::vector<std::string> want{"blocks.0.bn.bias", "blocks.0.bn.num_batches_tracked", "blocks.0.bn.running_mean", "blocks.0.bn.running_var",
                                      "blocks.0.bn.weight", "blocks.0.fc.bias", "blocks.0.fc.weight", "blocks.1.bn.bias",
                                      "blocks.1.bn.num_batches_tracked", "blocks.1.bn.running_mean", "blocks.1.bn.running_var", "blocks.1.bn.weight",
                                      "blocks.1.fc.bias", "blocks.1.fc.weight", "head.bias", "head.weight"};
  BOOST_TEST(keys == want, boost::test_tools::per_element());
  BOOST_TEST((sd.at("blocks.0.bn.num_batches_tracked").dtype() == rt::DType::Int64));
  BOOST_TEST(sd.at("head.weight").describe() == "float (2,3)");
  // parameters: weights and biases (declaration order), not the running statistics
  auto ps = nn::state::get_parameters(net);
  BOOST_TEST(ps.size() == 10u);
  BOOST_TEST(ps[0].impl() == net.blocks[0].fc.weight.impl());  // shared handles
  BOOST_TEST(ps.back().impl() == net.head.bias.impl());
}

BOOST_AUTO_TEST_CASE(any_tensor_as) {
  auto t = Tensor<float, 2, 3>::ones();
  AnyTensor a(t);
  auto back = a.as<Tensor<float, 2, 3>>();
  back.assign(Tensor<float, 2, 3>::zeros());
  BOOST_TEST(t.tolist()[0] == 0.0f);  // one impl
  expect_message([&] { a.as<Tensor<float, 3, 2>>(); }, "ctgrad::nn::AnyTensor::as: the tensor is float (2,3), not float (3,2)");
  expect_message([&] { a.as<Tensor<double, 2, 3>>(); }, "the tensor is float (2,3), not double (2,3)");
  expect_message([] { AnyTensor().as<Tensor<float>>(); }, "the AnyTensor is empty, not a float ()");
}

namespace {
template <class T>
void round_trip_dtype() {
  std::array<T, 6> v{};
  for (std::size_t i = 0; i < v.size(); ++i) {
    if constexpr (std::is_same_v<T, half> || std::is_same_v<T, bfloat16>) v[i] = T{static_cast<std::uint16_t>(0x3c00 + 37 * i)};
    else v[i] = static_cast<T>(i * 3 % 5);
  }
  auto t = Tensor<T, 2, 3>::from(std::span<const T>(v));
  const std::string path = temp_file(std::string(rt::name(dtype_of<T>())) + ".safetensors");
  nn::state::safe_save({{"t", AnyTensor(t)}, {"scalar", AnyTensor(Tensor<T>::from({v[1]}))}}, path);
  auto sd = nn::state::safe_load(path);
  std::filesystem::remove(path);
  BOOST_TEST_CONTEXT(rt::name(dtype_of<T>())) {
    BOOST_TEST((sd.at("t").as<Tensor<T, 2, 3>>().tolist() == std::vector<T>(v.begin(), v.end())));
    BOOST_TEST((sd.at("scalar").as<Tensor<T>>().item() == v[1]));
  }
}
}  // namespace

BOOST_AUTO_TEST_CASE(safe_save_load_every_dtype) {
  round_trip_dtype<bool>();
  round_trip_dtype<std::int8_t>();
  round_trip_dtype<std::int16_t>();
  round_trip_dtype<std::int32_t>();
  round_trip_dtype<std::int64_t>();
  round_trip_dtype<std::uint8_t>();
  round_trip_dtype<std::uint16_t>();
  round_trip_dtype<std::uint32_t>();
  round_trip_dtype<std::uint64_t>();
  round_trip_dtype<half>();
  round_trip_dtype<bfloat16>();
  round_trip_dtype<float>();
  round_trip_dtype<double>();
}

BOOST_AUTO_TEST_CASE(state_dict_round_trip_through_a_file) {
  manual_seed(1);
  Net a;
  {
    Train train;  // move the running statistics away from their init
    a(Tensor<float, 4, 3>::randn()).sum().backward();
  }
  const std::string path = temp_file("net.safetensors");
  nn::state::safe_save(nn::state::get_state_dict(a), path);
  manual_seed(2);
  Net b;
  nn::state::load_state_dict(b, nn::state::safe_load(path));
  std::filesystem::remove(path);
  auto sa = nn::state::get_state_dict(a), sb = nn::state::get_state_dict(b);
  for (const auto& [k, v] : sa) {
    auto ra = v.to_raw(), rb = sb.at(k).to_raw();
    BOOST_TEST_CONTEXT(k) { BOOST_TEST(std::equal(ra.bytes.begin(), ra.bytes.end(), rb.bytes.begin(), rb.bytes.end())); }
  }
  BOOST_TEST(b.blocks[0].bn.num_batches_tracked.item() == 1);
  BOOST_TEST(b.head.weight.requires_grad());  // loaded parameters stay trainable
  auto x = Tensor<float, 2, 3>::randn();
  BOOST_TEST(a(x).tolist() == b(x).tolist(), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(load_state_dict_is_strict) {
  Net net;
  const auto before = net.head.bias.tolist();
  auto sd = nn::state::get_state_dict(Net{});
  auto missing = sd;
  missing.erase("head.bias");
  expect_message([&] { nn::state::load_state_dict(net, missing); }, "ctgrad::nn::load_state_dict: missing key 'head.bias' (the module's float (2))");
  auto extra = sd;
  extra.emplace("head.scale", AnyTensor(Tensor<float, 2>::ones()));
  expect_message([&] { nn::state::load_state_dict(net, extra); }, "unexpected key 'head.scale' (float (2)) in the state dict");
  auto misshaped = sd;
  misshaped.at("head.weight") = AnyTensor(Tensor<float, 3, 2>::ones());
  expect_message([&] { nn::state::load_state_dict(net, misshaped); },
                 "key 'head.weight' is float (3,2) in the state dict but float (2,3) in the module");
  auto mistyped = sd;
  mistyped.at("blocks.1.bn.num_batches_tracked") = AnyTensor(Tensor<float>::ones());
  expect_message([&] { nn::state::load_state_dict(net, mistyped); },
                 "key 'blocks.1.bn.num_batches_tracked' is float () in the state dict but int64 ()");
  BOOST_TEST(net.head.bias.tolist() == before, boost::test_tools::per_element());  // nothing was changed
}

BOOST_AUTO_TEST_CASE(reads_pytorchs_file) {
  // tests/nn/reference.safetensors was written by torch: its BatchNorm state has torch's names and dtypes
  BOOST_TEST((from_torch("batchnorm2d.num_batches_tracked").dtype() == rt::DType::Int64));
  BOOST_TEST(from_torch("batchnorm2d.num_batches_tracked").shape().empty());
  nn::BatchNorm<3> bn;
  load(bn, "batchnorm2d_eval");
  BOOST_TEST(bn.num_batches_tracked.item() == 7);
}
