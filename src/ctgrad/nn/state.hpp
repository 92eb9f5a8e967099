#pragma once
// nn::state: a module's trainable tensors, its state dict (parameters and buffers by PyTorch's names), and a strict
// load that checks every key, dtype and shape before it changes anything.
#include <map>
#include <set>
#include <vector>

#include "ctgrad/nn/module.hpp"

namespace ctgrad::nn::state {

using StateDict = std::map<std::string, AnyTensor>;

// The tensors that require grad (parameters; running statistics and counters are buffers), as shared handles.
template <Module M>
std::vector<AnyTensor> get_parameters(const M& module) {
  std::vector<AnyTensor> out;
  for_each_tensor(module, [&](const std::string&, const auto& t) {
    if (t.requires_grad()) out.emplace_back(t);
  });
  return out;
}

// The tensors that do not require grad (running statistics, counters): what Optimizer::step(buffers) realizes.
template <Module M>
std::vector<AnyTensor> get_buffers(const M& module) {
  std::vector<AnyTensor> out;
  for_each_tensor(module, [&](const std::string&, const auto& t) {
    if (!t.requires_grad()) out.emplace_back(t);
  });
  return out;
}

// Every tensor of the module by name, buffers included; the values are the module's own (shared handles).
template <Module M>
StateDict get_state_dict(const M& module) {
  StateDict out;
  for_each_tensor(module, [&](const std::string& name, const auto& t) { out.emplace(name, AnyTensor(t)); });
  return out;
}

// Takes every value of `sd` into the module (assign: every copy of a tensor sees it). Strict: a missing, extra or
// mis-typed key throws naming it before any tensor is changed.
template <Module M>
void load_state_dict(M& module, const StateDict& sd) {
  std::set<std::string> seen;
  std::vector<std::pair<rt::ImplPtr, const AnyTensor*>> moves;
  for_each_tensor(module, [&](const std::string& name, auto& t) {
    auto it = sd.find(name);
    if (it == sd.end()) throw Error("ctgrad::nn::load_state_dict: missing key '" + name + "' (the module's " + AnyTensor(t).describe() + ")");
    const AnyTensor& v = it->second;
    if (!v.defined() || v.dtype() != AnyTensor(t).dtype() || v.shape() != AnyTensor(t).shape())
      throw Error("ctgrad::nn::load_state_dict: key '" + name + "' is " + (v.defined() ? v.describe() : std::string("empty")) +
                  " in the state dict but " + AnyTensor(t).describe() + " in the module");
    seen.insert(name);
    moves.emplace_back(t.impl(), &v);
  });
  for (const auto& [name, v] : sd)
    if (!seen.contains(name)) throw Error("ctgrad::nn::load_state_dict: unexpected key '" + name + "' (" + v.describe() + ") in the state dict");
  for (auto& [impl, v] : moves) {
    // rt::assign reads the old node's shape after rebinding the leaf (a reference to freed memory when nothing else
    // holds that node): keep it alive until assign returns.
    const rt::UOpPtr keep = impl->base;
    if (v->device() != impl->device) {  // a loaded file's tensors live on the default device: copy them over
      auto moved = AnyTensor::from_raw(v->to_raw(), impl->device);
      rt::assign(impl, *moved.impl());
    } else {
      rt::assign(impl, *v->impl());
    }
  }
}

}  // namespace ctgrad::nn::state
