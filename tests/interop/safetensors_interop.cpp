// The C++ half of the safetensors interop test (safetensors_torch.py drives it):
//   safetensors_interop check <file>   checks a file written by Python's safetensors+torch
//   safetensors_interop write <file>   writes the same tensors for Python to check
// Both sides compute the values from the same formulas (see safetensors_torch.py).
#include <cmath>
#include <cstring>
#include <iostream>
#include <limits>

#include "ctgrad/dtype.hpp"
#include "ctgrad/io/safetensors.hpp"

namespace {

namespace io = ctgrad::io;
namespace rt = ctgrad::rt;
using rt::DType;

constexpr DType kAll[] = {DType::Bool,   DType::Int8,   DType::Int16, DType::Int32,    DType::Int64,   DType::UInt8,  DType::UInt16,
                          DType::UInt32, DType::UInt64, DType::Half,  DType::BFloat16, DType::Float32, DType::Float64};
constexpr int kNumel = 24;  // shape (2, 3, 4)

template <class T>
void put(std::vector<std::byte>& out, T v) {
  const auto* p = reinterpret_cast<const std::byte*>(&v);
  out.insert(out.end(), p, p + sizeof(T));
}

// Element i of the tensor named after `dt` (the formulas of safetensors_torch.py).
void put_formula(std::vector<std::byte>& out, DType dt, int i) {
  const double f = (i - 7) * 0.375;
  const long s = (i * 37) % 101 - 50, u = (i * 37) % 251;
  switch (dt) {
    case DType::Bool:
      return put<std::uint8_t>(out, i % 3 == 0);
    case DType::Int8:
      return put<std::int8_t>(out, static_cast<std::int8_t>(s));
    case DType::Int16:
      return put<std::int16_t>(out, static_cast<std::int16_t>(s));
    case DType::Int32:
      return put<std::int32_t>(out, static_cast<std::int32_t>(s));
    case DType::Int64:
      return put<std::int64_t>(out, s);
    case DType::UInt8:
      return put<std::uint8_t>(out, static_cast<std::uint8_t>(u));
    case DType::UInt16:
      return put<std::uint16_t>(out, static_cast<std::uint16_t>(u));
    case DType::UInt32:
      return put<std::uint32_t>(out, static_cast<std::uint32_t>(u));
    case DType::UInt64:
      return put<std::uint64_t>(out, static_cast<std::uint64_t>(u));
    case DType::Half:
      return put(out, ctgrad::float_to_bits<ctgrad::half>(static_cast<float>(f)));
    case DType::BFloat16:
      return put(out, ctgrad::float_to_bits<ctgrad::bfloat16>(static_cast<float>(f)));
    case DType::Float32:
      return put(out, static_cast<float>(f));
    case DType::Float64:
      return put(out, f);
  }
}

std::map<std::string, io::RawTensor> expected() {
  std::map<std::string, io::RawTensor> sd;
  for (auto dt : kAll) {
    std::vector<std::byte> b;
    for (int i = 0; i < kNumel; ++i) put_formula(b, dt, i);
    sd.emplace(io::safetensors_dtype(dt), io::RawTensor::owning(dt, {2, 3, 4}, std::move(b)));
  }
  // Rounding and the edges of the 16-bit floats, rounded by ctgrad here and by torch there.
  const float special[] = {1.0f / 3, 65504.0f, -0.0f, 0x1p-24f, std::numeric_limits<float>::infinity(), 1e-3f, -3.14159f};
  std::vector<std::byte> h, bf;
  for (float x : special) put(h, ctgrad::float_to_bits<ctgrad::half>(x)), put(bf, ctgrad::float_to_bits<ctgrad::bfloat16>(x));
  sd.emplace("special_F16", io::RawTensor::owning(DType::Half, {7}, std::move(h)));
  sd.emplace("special_BF16", io::RawTensor::owning(DType::BFloat16, {7}, std::move(bf)));
  std::vector<std::byte> big;
  for (std::int64_t v : {-(std::int64_t{1} << 62), (std::int64_t{1} << 62) + 1, std::int64_t{-1}}) put(big, v);
  sd.emplace("big_I64", io::RawTensor::owning(DType::Int64, {3}, std::move(big)));
  sd.emplace("empty_F32", io::RawTensor::owning(DType::Float32, {0, 3}, {}));
  sd.emplace("scalar_F64", io::RawTensor::owning(DType::Float64, {}, [] {
               std::vector<std::byte> b;
               put(b, 2.5);
               return b;
             }()));
  return sd;
}

int check(const std::string& path) {
  const auto file = io::read_safetensors_file(path);
  int bad = 0;
  const auto want = expected();
  for (const auto& [name, w] : want) {
    const auto it = file.tensors.find(name);
    if (it == file.tensors.end()) {
      std::cerr << "missing tensor " << name << "\n";
      ++bad;
      continue;
    }
    const auto& t = it->second;
    const bool same = t.dtype == w.dtype && t.shape == w.shape && std::equal(t.bytes.begin(), t.bytes.end(), w.bytes.begin(), w.bytes.end());
    if (!same) std::cerr << "tensor " << name << " differs (dtype " << rt::name(t.dtype) << ", " << t.bytes.size() << " bytes)\n";
    bad += !same;
  }
  if (file.tensors.size() != want.size()) std::cerr << "expected " << want.size() << " tensors, found " << file.tensors.size() << "\n", ++bad;
  if (file.metadata != std::map<std::string, std::string>{{"producer", "torch"}}) std::cerr << "metadata differs\n", ++bad;
  std::cout << "C++ read " << file.tensors.size() << " tensors written by torch: " << (bad ? "MISMATCH" : "all equal") << "\n";
  return bad ? 1 : 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: safetensors_interop check|write <file>\n";
    return 2;
  }
  try {
    const std::string mode = argv[1];
    if (mode == "check") return check(argv[2]);
    if (mode == "write") {
      io::write_safetensors(argv[2], expected(), {{"producer", "ctgrad"}});
      return 0;
    }
  } catch (const std::exception& e) {
    std::cerr << e.what() << "\n";
    return 1;
  }
  std::cerr << "unknown mode " << argv[1] << "\n";
  return 2;
}
