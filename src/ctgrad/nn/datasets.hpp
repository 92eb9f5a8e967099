#pragma once
// Datasets as typed tensors: auto [X_train, Y_train, X_test, Y_test] = nn::datasets::fashion_mnist();
// The shapes are part of the contract, so a file with other counts is an error naming the file's counts.
#include <span>
#include <tuple>

#include "ctgrad/datasets/fashion_mnist.hpp"
#include "ctgrad/ctgrad.hpp"

namespace ctgrad::nn::datasets {

namespace detail {
template <class TT>
TT typed(const io::RawTensor& raw, const char* what) {
  if (raw.numel() != static_cast<std::int64_t>(TT::numel))
    throw io::IoError(std::string("Fashion-MNIST: ") + what + " holds " + std::to_string(raw.numel()) + " values, expected " +
                      std::to_string(TT::numel));
  const auto* data = reinterpret_cast<const std::uint8_t*>(raw.bytes.data());
  return TT::from(std::span<const std::uint8_t>(data, TT::numel));
}
}  // namespace detail

// X_train (60000,1,28,28), Y_train (60000), X_test (10000,1,28,28), Y_test (10000), all uint8, on the default device.
inline auto fashion_mnist() {
  auto raw = ctgrad::datasets::fashion_mnist_raw();
  return std::tuple{detail::typed<Tensor<std::uint8_t, 60000, 1, 28, 28>>(raw.X_train, "train images"),
                    detail::typed<Tensor<std::uint8_t, 60000>>(raw.Y_train, "train labels"),
                    detail::typed<Tensor<std::uint8_t, 10000, 1, 28, 28>>(raw.X_test, "test images"),
                    detail::typed<Tensor<std::uint8_t, 10000>>(raw.Y_test, "test labels")};
}

}  // namespace ctgrad::nn::datasets
