#pragma once
// The definitions of fashion_mnist.hpp: compiled once into libctgrad (src/lib/ctgrad_io.cpp), or inline with
// CTGRAD_HEADER_ONLY.
#include "ctgrad/runtime/implementation.hpp"
//
#include <cstdlib>
#include <filesystem>

#include "ctgrad/datasets/fashion_mnist.hpp"
#include "ctgrad/io/idx.hpp"

namespace ctgrad::datasets {

namespace detail {

inline std::filesystem::path fashion_mnist_dir() {
  const char* env = std::getenv("CTGRAD_FASHION_MNIST_DIR");
  return env && *env ? env : kFashionMnistDir;
}

// Images (n, 28, 28) become (n, 1, 28, 28), the channel dim convolutions expect; labels must be classes 0..9.
inline io::RawTensor load_split(const std::filesystem::path& dir, const std::string& name, bool images) {
  const auto path = dir / (name + (images ? "-images-idx3-ubyte.gz" : "-labels-idx1-ubyte.gz"));
  if (!std::filesystem::exists(path))
    throw io::IoError("Fashion-MNIST: " + io::squoted(path.string()) +
                      " not found; install the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist)"
                      " or point CTGRAD_FASHION_MNIST_DIR at a folder holding the idx.gz files");
  auto t = io::read_idx(path.string());
  const bool ok = t.dtype == rt::DType::UInt8 && (images ? t.shape.size() == 3 && t.shape[1] == 28 && t.shape[2] == 28 : t.shape.size() == 1);
  if (!ok)
    throw io::IoError("Fashion-MNIST: " + io::squoted(path.string()) + " is not a uint8 " + (images ? "(n, 28, 28) image" : "(n) label") + " file");
  if (images)
    t.shape.insert(t.shape.begin() + 1, 1);
  else
    for (auto b : t.bytes)
      if (std::to_integer<unsigned>(b) > 9) throw io::IoError("Fashion-MNIST: " + io::squoted(path.string()) + " has a label outside 0..9");
  return t;
}

}  // namespace detail

CTGRAD_API FashionMnistRaw fashion_mnist_raw() { return fashion_mnist_raw(detail::fashion_mnist_dir()); }

CTGRAD_API FashionMnistRaw fashion_mnist_raw(const std::string& dir_name) {
  const std::filesystem::path dir(dir_name);
  FashionMnistRaw d{detail::load_split(dir, "train", true), detail::load_split(dir, "train", false), detail::load_split(dir, "t10k", true),
                    detail::load_split(dir, "t10k", false)};
  for (auto [x, y] : {std::pair{&d.X_train, &d.Y_train}, std::pair{&d.X_test, &d.Y_test}})
    if (x->shape[0] != y->shape[0])
      throw io::IoError("Fashion-MNIST: " + std::to_string(x->shape[0]) + " images but " + std::to_string(y->shape[0]) + " labels in " +
                        dir.string());
  return d;
}

}  // namespace ctgrad::datasets
