#pragma once
// Fashion-MNIST (Zalando, 60k train / 10k test 28x28 grey images, 10 classes) from the idx.gz files the Debian
// package dataset-fashion-mnist installs. Raw arrays for now: the typed layer wraps them in Tensors. The loader is
// libctgrad's (fashion_mnist_impl.hpp); header-only, it follows inline.
#include <string>

#include "ctgrad/io/raw_tensor.hpp"
#include "ctgrad/runtime/api.hpp"

namespace ctgrad::datasets {

inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

// X_train (60000, 1, 28, 28) uint8, Y_train (60000) uint8, X_test (10000, 1, 28, 28) uint8, Y_test (10000) uint8.
struct FashionMnistRaw {
  io::RawTensor X_train, Y_train, X_test, Y_test;
};

// Reads the four files from $CTGRAD_FASHION_MNIST_DIR, else the Debian package's folder (kFashionMnistDir).
CTGRAD_API FashionMnistRaw fashion_mnist_raw();
// Reads the four files from `dir` (a std::filesystem::path converts).
CTGRAD_API FashionMnistRaw fashion_mnist_raw(const std::string& dir);

}  // namespace ctgrad::datasets

#ifdef CTGRAD_HEADER_ONLY
#include "ctgrad/datasets/fashion_mnist_impl.hpp"  // NOLINT: the definitions follow their declarations
#endif
