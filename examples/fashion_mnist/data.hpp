#pragma once
// Fashion-MNIST on the host as floats in [0, 1), and batches of it as tensors: a random batch for training, a slice for
// evaluation. Gathering rows on the host costs a memcpy per image; gathering on the device would cost a kernel.
#include <random>
#include <span>
#include <vector>

#include "model.hpp"

namespace example {

struct Split {
  std::vector<float> images;  // (n, 1, 28, 28), scaled to [0, 1)
  std::vector<std::int32_t> labels;
  std::size_t size() const { return labels.size(); }
};

template <std::size_t N>
Split host_split(const Tensor<std::uint8_t, N, 1, 28, 28>& x, const Tensor<std::uint8_t, N>& y) {
  Split s;
  for (auto v : x.tolist()) s.images.push_back(static_cast<float>(v) / 255.0f);
  for (auto v : y.tolist()) s.labels.push_back(v);
  return s;
}

constexpr std::size_t kImage = 28 * 28;

template <std::size_t B>
struct Batch {
  Tensor<float, B, 1, 28, 28> x;
  Tensor<std::int32_t, B> y;
  std::vector<std::int32_t> labels;
};

template <std::size_t B>
Batch<B> batch_of(const Split& s, const std::vector<std::size_t>& rows) {
  std::vector<float> x(B * kImage);
  std::vector<std::int32_t> y(B);
  for (std::size_t i = 0; i < B; ++i) {
    std::copy_n(s.images.begin() + static_cast<std::ptrdiff_t>(rows[i] * kImage), kImage, x.begin() + static_cast<std::ptrdiff_t>(i * kImage));
    y[i] = s.labels[rows[i]];
  }
  return {Tensor<float, B, 1, 28, 28>::from(std::span<const float>(x)), Tensor<std::int32_t, B>::from(std::span<const std::int32_t>(y)), y};
}

template <std::size_t B>
Batch<B> random_batch(const Split& s, std::mt19937_64& rng) {
  std::vector<std::size_t> rows(B);
  std::uniform_int_distribution<std::size_t> pick(0, s.size() - 1);
  for (auto& r : rows) r = pick(rng);
  return batch_of<B>(s, rows);
}

// Test accuracy in batches of B (the last partial batch is left out when B does not divide the split).
template <std::size_t B>
double accuracy(const Net& net, const Split& s) {
  NoGrad no_grad;
  std::size_t right = 0, seen = 0;
  for (std::size_t start = 0; start + B <= s.size(); start += B) {
    std::vector<std::size_t> rows(B);
    for (std::size_t i = 0; i < B; ++i) rows[i] = start + i;
    auto b = batch_of<B>(s, rows);
    auto predicted = net(b.x).template argmax<1>().tolist();
    for (std::size_t i = 0; i < B; ++i) right += predicted[i] == b.labels[i];
    seen += B;
  }
  return static_cast<double>(right) / static_cast<double>(seen);
}

}  // namespace example
