#pragma once
// safe_save / safe_load: state dicts in safetensors files (tinygrad's nn.state names), through io's byte-level
// reader and writer (libctgrad's, built with the io formats: nlohmann-json and zlib).
#include "ctgrad/io/safetensors.hpp"
#include "ctgrad/nn/state.hpp"

namespace ctgrad::nn::state {

inline void safe_save(const StateDict& sd, const std::string& path, const std::map<std::string, std::string>& metadata = {}) {
  std::map<std::string, io::RawTensor> raw;
  for (const auto& [name, t] : sd) raw.emplace(name, t.to_raw());
  io::write_safetensors(path, raw, metadata);
}

// Every tensor of the file, copied onto `device` as plain (not requires-grad) tensors.
inline StateDict safe_load(const std::string& path, const std::string& device = default_device()) {
  StateDict out;
  for (const auto& [name, raw] : io::read_safetensors(path)) out.emplace(name, AnyTensor::from_raw(raw, device));
  return out;
}

}  // namespace ctgrad::nn::state
