#pragma once
// Shared by the nn suites: the PyTorch reference values (tests/nn/reference.safetensors, written by
// make_reference.py), loaded once through nn::state::safe_load, and float comparisons against them.
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstring>

#include "ctgrad/ctgrad.hpp"
#include "ctgrad/nn/nn.hpp"
#include "ctgrad/nn/safe.hpp"

namespace nn_test {

using namespace ctgrad;
using nn::AnyTensor;

inline const nn::state::StateDict& reference() {
  static const nn::state::StateDict sd = nn::state::safe_load(CTGRAD_NN_REFERENCE);
  return sd;
}
inline const AnyTensor& from_torch(const std::string& key) {
  auto it = reference().find(key);
  if (it == reference().end()) throw std::runtime_error("reference.safetensors has no '" + key + "' (rerun tests/nn/make_reference.py)");
  return it->second;
}
inline std::vector<float> floats(const AnyTensor& t) {
  auto raw = t.to_raw();
  BOOST_REQUIRE(raw.dtype == rt::DType::Float32);
  std::vector<float> v(raw.bytes.size() / sizeof(float));
  std::memcpy(v.data(), raw.bytes.data(), raw.bytes.size());
  return v;
}
// |got - want| <= atol + rtol |want| elementwise, shapes equal.
inline void expect_close(const AnyTensor& got, const std::string& key, double rtol = 1e-4, double atol = 1e-5) {
  const AnyTensor& want = from_torch(key);
  BOOST_TEST_CONTEXT(key) {
    BOOST_REQUIRE_MESSAGE(got.shape() == want.shape(), "shape " << got.describe() << " against " << want.describe());
    auto a = floats(got), b = floats(want);
    double worst = 0;
    std::size_t at = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      const double excess = std::abs(double(a[i]) - b[i]) - (atol + rtol * std::abs(double(b[i])));
      if (excess > worst) worst = excess, at = i;
    }
    BOOST_TEST(worst == 0.0, "element " << at << ": " << a[at] << " against torch's " << b[at]);
  }
}
// The gradient a parameter or input collected, as an AnyTensor.
inline AnyTensor grad_of(const AnyTensor& t) {
  BOOST_REQUIRE_MESSAGE(t.impl()->grad, "no gradient");
  return AnyTensor(t.impl()->grad, t.dtype(), t.shape());
}
// The module's state from the reference's "<prefix>.<key>" entries (strict: every key must be there).
template <class M>
void load(M& m, const std::string& prefix) {
  nn::state::StateDict sd;
  for (const auto& [k, v] : nn::state::get_state_dict(m)) sd.emplace(k, from_torch(prefix + "." + k));
  nn::state::load_state_dict(m, sd);
}
// A module against torch: output and gradients of sum(y * w) for the input and every parameter.
template <class X, class M>
void check_layer(M& m, const std::string& name, double atol = 1e-5) {
  load(m, name);
  auto x = from_torch(name + ".x").as<X>();
  constexpr bool float_input = std::is_same_v<typename X::dtype, float>;
  if constexpr (float_input) x = X::from(std::span<const float>(floats(from_torch(name + ".x")))).requires_grad_();
  auto y = m(x);
  auto w = from_torch(name + ".w").as<decltype(y)>();
  (y * w).sum().backward();
  expect_close(y, name + ".y", 1e-4, atol);
  if constexpr (float_input) expect_close(grad_of(x), name + ".grad.x", 1e-4, atol);
  for (const auto& p : nn::state::get_parameters(m)) {
    std::string key;
    for (const auto& [k, v] : nn::state::get_state_dict(m))
      if (v.impl() == p.impl()) key = k;
    expect_close(grad_of(p), name + ".grad." + key, 1e-4, atol);
  }
}

}  // namespace nn_test
