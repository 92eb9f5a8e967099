#pragma once
// AnyTensor: a Tensor handle with its dtype and shape known at run time only: what state dicts, files and optimizers
// hold. It shares the impl (value, gradient, assign) with the typed tensor it came from; as<Tensor<...>>() gets the
// typed handle back after checking both. RawTensor (io) converts in and out by bytes, every dtype included.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "ctgrad/io/raw_tensor.hpp"
#include "ctgrad/tensor.hpp"

namespace ctgrad::nn {

class AnyTensor {
 public:
  AnyTensor() = default;
  template <class T, std::size_t... D>
  AnyTensor(const Tensor<T, D...>& t)  // NOLINT: implicit, so a typed tensor goes wherever an AnyTensor is wanted
      : impl_(t.impl()), dtype_(dtype_of<T>()), shape_{static_cast<std::int64_t>(D)...} {}
  // A handle over an existing impl whose node has `shape` (the optimizers' and loaders' way in).
  AnyTensor(rt::ImplPtr impl, rt::DType dtype, std::vector<std::int64_t> shape) : impl_(std::move(impl)), dtype_(dtype), shape_(std::move(shape)) {}

  rt::DType dtype() const { return dtype_; }
  const std::vector<std::int64_t>& shape() const { return shape_; }
  std::int64_t numel() const { return io::checked_numel(shape_).value_or(-1); }
  const rt::ImplPtr& impl() const { return impl_; }
  bool defined() const { return impl_ != nullptr; }
  bool requires_grad() const { return impl_ && impl_->node()->needs_grad; }
  const std::string& device() const { return impl_->device; }

  // "float (128,784)": how errors name a tensor.
  static std::string describe(rt::DType dtype, const std::vector<std::int64_t>& shape) {
    std::string out = std::string(rt::name(dtype)) + " (";
    for (std::size_t i = 0; i < shape.size(); ++i) out += (i ? "," : "") + std::to_string(shape[i]);
    return out + ")";
  }
  std::string describe() const { return describe(dtype_, shape_); }

  template <class TT>
  bool is() const {
    auto same = [](std::int64_t a, std::size_t b) { return a == static_cast<std::int64_t>(b); };
    return impl_ && dtype_ == dtype_of<typename TT::dtype>() && std::equal(shape_.begin(), shape_.end(), TT::shape.begin(), TT::shape.end(), same);
  }
  // The typed handle (sharing this impl); throws naming both dtypes and shapes when they differ.
  template <class TT>
  TT as() const {
    static_assert(detail::is_tensor<TT>::value, "ctgrad::nn::AnyTensor::as: the target must be a ctgrad::Tensor type");
    if (!impl_) throw Error("ctgrad::nn::AnyTensor::as: the AnyTensor is empty, not a " + describe(dtype_of<typename TT::dtype>(), wanted<TT>()));
    if (!is<TT>())
      throw Error("ctgrad::nn::AnyTensor::as: the tensor is " + describe() + ", not " + describe(dtype_of<typename TT::dtype>(), wanted<TT>()));
    return TT::wrap(impl_);
  }

  // The values as bytes (realizes the tensor); the RawTensor owns them.
  io::RawTensor to_raw() const {
    auto buf = rt::contiguous_buffer(*impl_);
    std::vector<std::byte> bytes(buf->nbytes());
    buf->copy_out(bytes.data());
    return io::RawTensor::owning(dtype_, shape_, std::move(bytes));
  }
  // A new tensor on `device` holding a copy of the raw bytes (a plain buffer: no gradient until requires_grad_).
  static AnyTensor from_raw(const io::RawTensor& raw, const std::string& device = default_device()) {
    const std::int64_t n = raw.numel();
    if (raw.shape.size() > kMaxRank) throw Error("ctgrad::nn::AnyTensor::from_raw: rank " + std::to_string(raw.shape.size()) + " exceeds 8");
    if (n < 0 || static_cast<std::size_t>(n) * rt::itemsize(raw.dtype) != raw.bytes.size())
      throw Error("ctgrad::nn::AnyTensor::from_raw: " + std::to_string(raw.bytes.size()) + " bytes for " + describe(raw.dtype, raw.shape));
    auto buf = std::make_shared<rt::Buffer>(device, raw.dtype, n);
    std::vector<std::byte> aligned(raw.bytes.begin(), raw.bytes.end());  // file bytes need not be aligned
    if (n > 0) buf->copy_in(aligned.data());
    Dims dims{};
    for (std::size_t i = 0; i < raw.shape.size(); ++i) dims[i] = raw.shape[i];
    auto impl = rt::make_impl(rt::buffer_uop(buf), stack_of(contiguous(static_cast<std::uint8_t>(raw.shape.size()), dims)), device);
    return AnyTensor(std::move(impl), raw.dtype, raw.shape);
  }

 private:
  template <class TT>
  static std::vector<std::int64_t> wanted() {
    return std::vector<std::int64_t>(TT::shape.begin(), TT::shape.end());
  }

  rt::ImplPtr impl_;
  rt::DType dtype_ = rt::DType::Float32;
  std::vector<std::int64_t> shape_;
};

}  // namespace ctgrad::nn
