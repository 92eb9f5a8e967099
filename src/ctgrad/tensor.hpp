#pragma once
// Tensor<DType, Dims...>: dtype and shape live in the type. A tensor is a handle (copies share the value, the gradient
// and assign) to a lazy graph node (its base) seen through a folded view stack: movement ops only compute a new view
// (constexpr algebra) and add no node and no kernel, except on a gradient path, where each is a node of its own.
#include <cstring>
#include <initializer_list>
#include <numbers>
#include <span>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "ctgrad/check.hpp"
#include "ctgrad/device.hpp"
#include "ctgrad/dtype.hpp"
#include "ctgrad/random.hpp"
#include "ctgrad/runtime/autograd.hpp"
#include "ctgrad/runtime/handle.hpp"
#include "ctgrad/runtime/library.hpp"
#include "ctgrad/runtime/movement.hpp"
#include "ctgrad/shape.hpp"

namespace ctgrad {

template <class DType, std::size_t... Dims>
class Tensor;

enum class BinOp { Add, Sub, Mul, Div, Maximum, Less, Equal, NotEqual, And, Or, Xor, Greater, LessEqual, GreaterEqual };
enum class ReduceOp { Sum, Prod, Max, Min, Mean };

template <class U, class T, std::size_t... D>
auto cast(const Tensor<T, D...>& t);

// Pass to a reduction to keep the reduced axes as size 1: t.sum<1>(keepdim) is (2,1) for a (2,3) tensor.
struct KeepDim {};
inline constexpr KeepDim keepdim{};

namespace detail {
template <class T, auto Shape, class Seq = std::make_index_sequence<Shape.size()>>
struct tensor_of;
template <class T, auto Shape, std::size_t... I>
struct tensor_of<T, Shape, std::index_sequence<I...>> {
  using type = Tensor<T, Shape[I]...>;
};
template <class T>
struct is_tensor : std::false_type {};
template <class T, std::size_t... D>
struct is_tensor<Tensor<T, D...>> : std::true_type {};
}  // namespace detail

// The tensor type of dtype T with the shape held in a constexpr std::array.
template <class T, auto Shape>
using tensor_of_t = typename detail::tensor_of<T, Shape>::type;

template <class X>
concept TensorLike = detail::is_tensor<std::remove_cvref_t<X>>::value;

// A plain C++ number usable as the other operand of a tensor op.
template <class X>
concept ScalarLike = std::is_arithmetic_v<std::remove_cvref_t<X>>;

}  // namespace ctgrad
#include "ctgrad/surface/surface.hpp"  // the op surface (softmax, conv2d, ...) as members, through the mixin below
namespace ctgrad {

template <class DType, std::size_t... Dims>
class Tensor : public TensorSurface<Tensor<DType, Dims...>> {
  CTGRAD_CLASS_CHECK(is_dtype_v<DType>, "ctgrad::Tensor: unsupported dtype",
                      detail::Message{} << "ctgrad::Tensor: unsupported dtype (use bool, an integer type, half, bfloat16, float or double)");
  CTGRAD_CLASS_CHECK(sizeof...(Dims) <= kMaxRank, "ctgrad::Tensor: rank exceeds 8",
                      detail::Message{} << "ctgrad::Tensor: rank " << sizeof...(Dims) << " exceeds the maximum of 8");

 public:
  using dtype = DType;
  static constexpr std::size_t ndim = sizeof...(Dims);
  static constexpr std::array<std::size_t, ndim> shape{Dims...};
  static constexpr std::size_t numel = (std::size_t{1} * ... * Dims);

  // ---- creation (on the default device: env DEVICE, else LLVM when built, else C) ----
  static Tensor full(double value) { return from_const(value); }
  static Tensor zeros() { return from_const(0.0); }
  static Tensor ones() { return from_const(1.0); }
  // Storage without defined contents (what an output buffer is before a kernel writes it).
  static Tensor empty() { return from_buffer(std::make_shared<rt::Buffer>(default_device(), dtype_of<DType>(), numel)); }
  static Tensor arange() {
    std::vector<DType> v(numel);
    for (std::size_t i = 0; i < numel; ++i) v[i] = static_cast<DType>(i);
    return from(std::span<const DType>(v));
  }
  // Uniform in [0, 1) and standard normal; the stream depends only on manual_seed, never on the device.
  static Tensor rand() { return from_doubles(random::uniform(numel)); }
  static Tensor randn() { return from_doubles(random::normal(numel)); }

  // Row-major values; the count is checked at compile time: Tensor<float, 2, 3>::from({1, 2, 3, 4, 5, 6}).
  template <std::size_t N>
  static Tensor from(const DType (&values)[N]) {
    CTGRAD_STATIC_CHECK(N == numel, "ctgrad::Tensor::from: wrong number of values",
                        detail::Message{} << "ctgrad::Tensor::from: " << N << " values for shape " << shape << " (" << numel
                                          << " elements)");
    return from(std::span<const DType>(values, N));
  }
  // Values known only at run time (files, other libraries); a wrong count throws.
  static Tensor from(std::span<const DType> values) {
    if (values.size() != numel)
      throw Error("ctgrad::Tensor::from: " + std::to_string(values.size()) + " values for a tensor of " + std::to_string(numel) + " elements");
    auto buf = std::make_shared<rt::Buffer>(default_device(), dtype_of<DType>(), numel);
    if constexpr (std::is_same_v<DType, bool>) {
      std::vector<std::uint8_t> bytes(values.begin(), values.end());
      buf->copy_in(bytes.data());
    } else {
      buf->copy_in(values.data());
    }
    return from_buffer(buf);
  }

  // ---- movement: views folded by the constexpr view algebra; no node, no kernel ----
  template <std::size_t... New>
  auto reshape() const {
    constexpr std::array<std::size_t, sizeof...(New)> to{New...};
    CTGRAD_STATIC_CHECK(shape::numel(to) == numel, "ctgrad::reshape: element counts differ",
                        detail::Message{} << "ctgrad::reshape: element counts differ: " << shape << " (" << numel << ") -> " << to << " ("
                                          << shape::numel(to) << ")");
    if constexpr (shape::numel(to) == numel) return rebased_if_full().template reshape_to<to>();
  }
  template <std::size_t... Order>
  auto permute() const {
    constexpr std::array<std::size_t, sizeof...(Order)> order{Order...};
    constexpr bool ok = sizeof...(Order) == ndim && shape::is_permutation(order);
    CTGRAD_STATIC_CHECK(ok, "ctgrad::permute: not a permutation of the axes",
                        detail::Message{} << "ctgrad::permute: " << order << " is not a permutation of the axes of " << shape);
    if constexpr (ok) {
      constexpr std::array<std::size_t, ndim> p = fit<ndim>(order);
      return permute_by<p>();
    }
  }
  template <std::size_t A, std::size_t B>
  auto transpose() const {
    constexpr bool ok = A < ndim && B < ndim;
    CTGRAD_STATIC_CHECK(ok, "ctgrad::transpose: axis out of range",
                        detail::Message{} << "ctgrad::transpose<" << A << ", " << B << ">: axis out of range for " << shape);
    if constexpr (ok) return permute_by<swapped_axes(A, B)>();
  }
  // tinygrad semantics: new leading dims may be added; an existing dim must match or be 1.
  template <std::size_t... New>
  auto expand() const {
    constexpr std::array<std::size_t, sizeof...(New)> to{New...};
    constexpr bool ok = shape::expandable(shape, to);
    CTGRAD_STATIC_CHECK(ok, "ctgrad::expand: only size-1 dims can grow",
                        detail::Message{} << "ctgrad::expand: cannot expand " << shape << " to " << to << " (only size-1 dims can grow)");
    if constexpr (ok) {
      constexpr std::size_t R = sizeof...(New);
      if constexpr (R > ndim) {  // new leading size-1 dims first
        constexpr std::array<std::size_t, R> padded = [] {
          std::array<std::size_t, R> out{};
          for (std::size_t i = 0; i < R; ++i) out[i] = i < R - ndim ? 1 : shape[i - (R - ndim)];
          return out;
        }();
        return reshape_to<padded>().template expand<New...>();
      } else {
        return moved<Tensor<DType, New...>>(rt::expand_move(node_shape<to>()));
      }
    }
  }
  // pad<b0, a0, b1, a1, ...>(): b_i zeros before and a_i after along axis i (one pair per axis). Padding reads 0.
  template <std::size_t... P>
  auto pad() const {
    constexpr std::array<std::size_t, sizeof...(P)> p{P...};
    constexpr bool ok = sizeof...(P) == 2 * ndim;
    CTGRAD_STATIC_CHECK(ok, "ctgrad::pad: needs one (before, after) pair per axis",
                        detail::Message{} << "ctgrad::pad: " << sizeof...(P) << " values for " << shape << ": needs one (before, after) pair per axis ("
                                          << 2 * ndim << " values)");
    if constexpr (ok) {
      ctgrad::Dims before{}, after{};
      for (std::size_t i = 0; i < ndim; ++i) {
        before[i] = static_cast<std::int64_t>(p[2 * i]);
        after[i] = static_cast<std::int64_t>(p[2 * i + 1]);
      }
      return moved<tensor_of_t<DType, padded_shape(p)>>(rt::pad_move(ndim, before, after));
    }
  }
  // shrink<b0, e0, b1, e1, ...>(): keep [b_i, e_i) along axis i (one pair per axis).
  template <std::size_t... R>
  auto shrink() const {
    constexpr std::array<std::size_t, sizeof...(R)> r{R...};
    constexpr bool pairs = sizeof...(R) == 2 * ndim;
    CTGRAD_STATIC_CHECK(pairs, "ctgrad::shrink: needs one (begin, end) pair per axis",
                        detail::Message{} << "ctgrad::shrink: " << sizeof...(R) << " values for " << shape << ": needs one (begin, end) pair per axis ("
                                          << 2 * ndim << " values)");
    if constexpr (pairs) {
      constexpr bool ok = shrink_in_bounds(r);
      CTGRAD_STATIC_CHECK(ok, "ctgrad::shrink: bounds outside the shape",
                          detail::Message{} << "ctgrad::shrink: bounds " << r << " outside the shape " << shape << " (need begin <= end <= dim)");
      if constexpr (ok) {
        ctgrad::Dims b{}, e{};
        for (std::size_t i = 0; i < ndim; ++i) {
          b[i] = static_cast<std::int64_t>(r[2 * i]);
          e[i] = static_cast<std::int64_t>(r[2 * i + 1]);
        }
        return moved<tensor_of_t<DType, shrunk_shape(r)>>(rt::shrink_move(ndim, b, e));
      }
    }
  }
  template <std::size_t... Axes>
  auto flip() const {
    constexpr std::array<std::size_t, sizeof...(Axes)> axes{Axes...};
    constexpr bool ok = shape::axes_valid<ndim>(axes);
    CTGRAD_STATIC_CHECK(ok, "ctgrad::flip: axis out of range or repeated",
                        detail::Message{} << "ctgrad::flip: axes " << axes << " out of range or repeated for " << shape);
    if constexpr (ok) {
      std::array<bool, kMaxRank> f{};
      for (auto a : axes) f[a] = true;
      return moved<Tensor>(rt::flip_move(ndim, f));
    }
  }
  template <std::size_t Axis>
  auto squeeze() const {
    constexpr bool ok = Axis < ndim && shape[Axis % (ndim ? ndim : 1)] == 1;
    CTGRAD_STATIC_CHECK(ok, "ctgrad::squeeze: axis out of range or not of size 1",
                        detail::Message{} << "ctgrad::squeeze<" << Axis << ">: axis out of range or not of size 1 in " << shape);
    if constexpr (ok) return reshape_to<removed_axis(Axis)>();
  }
  template <std::size_t Axis>
  auto unsqueeze() const {
    constexpr bool ok = Axis <= ndim;
    CTGRAD_STATIC_CHECK(ok, "ctgrad::unsqueeze: axis out of range",
                        detail::Message{} << "ctgrad::unsqueeze<" << Axis << ">: axis out of range for " << shape);
    if constexpr (ok) return reshape_to<inserted_axis(Axis)>();
  }

  // Broadcast to a shape held in a constexpr std::array (what the op layer uses).
  template <auto To>
  auto expand_to() const {
    if constexpr (shape::same(To, shape)) {
      return *this;
    } else {
      return [&]<std::size_t... I>(std::index_sequence<I...>) { return expand<To[I]...>(); }(std::make_index_sequence<To.size()>{});
    }
  }

  // ---- elementwise math (ops.hpp); float functions of integer tensors compute in float ----
  template <class U>
  auto cast() const { return ctgrad::cast<U>(*this); }
  auto relu() const { return maximum(DType{0}); }
  auto exp() const { return float_unary(*this, rt::Ops::Exp2, std::numbers::log2e, 1.0); }
  auto log() const { return float_unary(*this, rt::Ops::Log2, 1.0, std::numbers::ln2); }
  auto sqrt() const { return float_unary(*this, rt::Ops::Sqrt, 1.0, 1.0); }
  auto sin() const { return float_unary(*this, rt::Ops::Sin, 1.0, 1.0); }
  auto cos() const { return (std::numbers::pi / 2 - as_float(*this)).sin(); }
  auto sigmoid() const { return (float_unary(-as_float(*this), rt::Ops::Exp2, std::numbers::log2e, 1.0) + 1.0).reciprocal(); }
  auto tanh() const { return 2.0 * (as_float(*this) * 2.0).sigmoid() - 1.0; }
  auto abs() const {
    if constexpr (std::is_unsigned_v<DType> || std::is_same_v<DType, bool>) return *this;
    else return (*this < DType{0}).where(-*this, *this);
  }
  auto reciprocal() const { return float_unary(*this, rt::Ops::Recip, 1.0, 1.0); }
  template <class U>
  auto maximum(const U& other) const {
    if constexpr (TensorLike<U>) return binary<BinOp::Maximum>(*this, other);
    else return binary<BinOp::Maximum>(*this, scalar_tensor(*this, other));
  }
  template <class U>
  auto minimum(const U& other) const { return minimum_impl(*this, other); }
  // cond.where(a, b): a where cond is true, else b; all three broadcast together.
  template <class A, class B>
  auto where(const A& a, const B& b) const { return where_impl(*this, a, b); }

  // ---- reductions: no axes = all axes; keepdim keeps them as size 1 ----
  template <std::size_t... Axes> auto sum() const { return reduce<ReduceOp::Sum, false, Axes...>(*this); }
  template <std::size_t... Axes> auto sum(KeepDim) const { return reduce<ReduceOp::Sum, true, Axes...>(*this); }
  template <std::size_t... Axes> auto prod() const { return reduce<ReduceOp::Prod, false, Axes...>(*this); }
  template <std::size_t... Axes> auto prod(KeepDim) const { return reduce<ReduceOp::Prod, true, Axes...>(*this); }
  template <std::size_t... Axes> auto max() const { return reduce<ReduceOp::Max, false, Axes...>(*this); }
  template <std::size_t... Axes> auto max(KeepDim) const { return reduce<ReduceOp::Max, true, Axes...>(*this); }
  template <std::size_t... Axes> auto min() const { return reduce<ReduceOp::Min, false, Axes...>(*this); }
  template <std::size_t... Axes> auto min(KeepDim) const { return reduce<ReduceOp::Min, true, Axes...>(*this); }
  template <std::size_t... Axes> auto mean() const { return reduce<ReduceOp::Mean, false, Axes...>(*this); }
  template <std::size_t... Axes> auto mean(KeepDim) const { return reduce<ReduceOp::Mean, true, Axes...>(*this); }

  // (..., M, K) @ (..., K, N) -> (..., M, N); batch dims broadcast; a 1-D operand is a vector (numpy rules).
  template <class U, std::size_t... E>
  auto matmul(const Tensor<U, E...>& b) const { return matmul_impl(*this, b); }

  // ---- execution and read-back ----
  // Computes the tensor now (one fused kernel per node that needs one); the view stays a view.
  const Tensor& realize() const {
    if (base()->op != rt::Ops::Buffer && !base()->realized) rt::realize(base(), device());
    return *this;
  }
  // A tensor whose view is the plain row-major layout of its own buffer (copies only when it is not). On a gradient
  // path it is the same node, realized, so gradients flow through it.
  Tensor contiguous() const {
    if (base()->needs_grad) return from_uop(realize().to_uop(), device());
    return from_buffer(rt::contiguous_buffer(*impl_), device());
  }
  std::vector<DType> tolist() const {
    auto buf = rt::contiguous_buffer(*impl_);
    std::vector<DType> out(numel);
    if constexpr (std::is_same_v<DType, bool>) {
      std::vector<std::uint8_t> bytes(numel);
      buf->copy_out(bytes.data());
      for (std::size_t i = 0; i < numel; ++i) out[i] = bytes[i] != 0;
    } else {
      buf->copy_out(out.data());
    }
    return out;
  }
  DType item() const {
    CTGRAD_STATIC_CHECK(numel == 1, "ctgrad::item: the tensor must have exactly one element",
                        detail::Message{} << "ctgrad::item: the tensor " << shape << " has " << numel << " elements, not one");
    return tolist()[0];
  }
  // The same values on another device (realizes this tensor first).
  // The copy is a new leaf: gradients do not flow across devices.
  Tensor to(const std::string& device) const { return wrap(rt::to_device(impl_, device)); }
  const std::string& device() const { return impl_->device; }

  // ---- autograd ----
  // Marks a leaf that collects a gradient in backward() (its value is realized into a buffer of its own); returns it.
  Tensor requires_grad_(bool on = true) const {
    CTGRAD_STATIC_CHECK(rt::is_float(dtype_of<DType>()), "ctgrad::requires_grad_: only floating-point tensors have gradients",
                        detail::Message{} << "ctgrad::requires_grad_: only floating-point tensors have gradients, not "
                                          << rt::name(dtype_of<DType>()) << " " << shape);
    rt::requires_grad(impl_, on);
    return *this;
  }
  bool requires_grad() const { return base()->needs_grad; }
  // Accumulates d(this)/d(leaf) into the grad() of every requires-grad leaf this scalar depends on (lazily).
  void backward() const {
    CTGRAD_STATIC_CHECK(ndim == 0, "ctgrad::backward: the loss must be a scalar",
                        detail::Message{} << "ctgrad::backward: the loss must be a scalar, not " << shape << " (reduce it first, e.g. .sum())");
    rt::backward(*impl_);
  }
  // The accumulated gradient; throws when backward() has given this tensor none.
  Tensor grad() const {
    if (!impl_->grad)
      throw Error(std::string("ctgrad::Tensor::grad: no gradient for this ") + rt::name(dtype_of<DType>()) + " tensor " + shape_text() +
                  (requires_grad() ? ": backward() has not reached it" : ": it does not require grad (call requires_grad_())"));
    return wrap(impl_->grad);
  }
  void clear_grad() const { impl_->grad.reset(); }
  // d(this)/d(target) for each target, as a std::tuple of the targets' types (tinygrad's Tensor.gradient).
  template <class... Targets>
  auto gradient(const Targets&... targets) const {
    constexpr bool scalar = ndim == 0, floats = (rt::is_float(dtype_of<typename Targets::dtype>()) && ...);
    CTGRAD_STATIC_CHECK(scalar, "ctgrad::gradient: the loss must be a scalar",
                        detail::Message{} << "ctgrad::gradient: the loss must be a scalar, not " << shape);
    if constexpr (scalar) {
      CTGRAD_STATIC_CHECK(floats, "ctgrad::gradient: every target must be a floating-point tensor",
                          detail::Message{} << "ctgrad::gradient: every target must be a floating-point tensor (integer and bool tensors have no gradient)");
      if constexpr (floats) {
        auto grads = rt::gradients(*impl_, {targets.impl().get()...});
        std::size_t i = 0;
        return std::tuple<Targets...>{Targets::wrap(grads[i++])...};
      }
    }
  }
  // The same values, cut from the gradient graph.
  Tensor detach() const { return wrap(rt::make_impl(rt::detach_uop(base()), view(), device())); }
  // In place: this tensor (and every copy of it) takes the value's values; a requires-grad leaf stays one.
  template <class U, std::size_t... E>
  Tensor& assign(const Tensor<U, E...>& value) {
    constexpr bool same = std::is_same_v<Tensor<U, E...>, Tensor>;
    CTGRAD_STATIC_CHECK(same, "ctgrad::assign: the value must have the tensor's dtype and shape",
                        detail::Message{} << "ctgrad::assign: a " << rt::name(dtype_of<U>()) << " " << Tensor<U, E...>::shape << " value for a "
                                          << rt::name(dtype_of<DType>()) << " " << shape << " tensor (dtype and shape must match)");
    if constexpr (same) {
      rt::assign(impl_, *value.impl());
      return *this;
    }
  }

  // ---- internals shared by the op headers ----
  // The lazy node of this tensor: its base seen through its view (a View node only when the view is not identity).
  rt::UOpPtr to_uop() const { return impl_->node(); }
  // An op's result: inside NoGrad it is cut from the gradient graph.
  static Tensor from_uop(rt::UOpPtr node, std::string device) { return wrap(rt::op_result(std::move(node), shape_view(), std::move(device))); }
  static Tensor from_buffer(const std::shared_ptr<rt::Buffer>& buf, std::string device = default_device()) {
    return wrap(rt::buffer_result(buf, shape_view(), std::move(device)));
  }
  // A handle to an existing impl (its node must have this tensor's shape; AnyTensor checks that).
  static Tensor wrap(rt::ImplPtr impl) {
    Tensor t;
    t.impl_ = std::move(impl);
    return t;
  }
  const rt::ImplPtr& impl() const { return impl_; }
  static Tensor from_const(double value, std::string device = default_device()) {
    rt::UArg a;
    a.value = value;
    return from_uop(rt::make_uop(rt::Ops::Const, dtype_of<DType>(), {}, a, shape_view()), std::move(device));
  }
  static constexpr View kShapeView = ctgrad::contiguous(shape);
  static const View& shape_view() { return kShapeView; }
  const ViewStack& view() const { return impl_->view; }
  const rt::UOpPtr& base() const { return impl_->base; }
  // reshape to a shape held in a constexpr std::array (what the op layer uses)
  template <auto To>
  auto reshape_as() const { return rebased_if_full().template reshape_to<To>(); }

 private:
  template <class D, std::size_t... E>
  friend class Tensor;
  Tensor() = default;

  // A movement op's result: the folded view over the same base, or on a gradient path a movement node (rt::moved).
  template <class Out>
  Out moved(const rt::Movement& m) const {
    if constexpr (Out::ndim > kMaxRank) {
      return Out{};  // Out's own check has reported the rank; no cascade
    } else {
      return Out::wrap(rt::moved(*impl_, m, Out::shape_view()));
    }
  }
  template <auto To>
  static rt::NodeShape node_shape() {
    static constexpr View v = ctgrad::contiguous(To);
    return rt::NodeShape(v);
  }
  template <auto To>
  auto reshape_to() const {
    using Out = tensor_of_t<DType, To>;
    if constexpr (To.size() > kMaxRank) return Out{};  // Out's own check has reported the rank; no cascade
    else return moved<Out>(rt::reshape_move(node_shape<To>()));
  }
  // A reshape may push a view; when the stack is full, the current view becomes a lazy View node (no kernel now)
  // and the tensor starts over from the identity view of it.
  Tensor rebased_if_full() const { return view().depth < kMaxViews ? *this : wrap(rt::rebased_if_full(impl_, shape_view())); }
  template <auto Order>
  auto permute_by() const {
    return moved<tensor_of_t<DType, shape::permuted(shape, Order)>>(rt::permute_move(ndim, shape::to_dims(Order)));
  }
  static std::string shape_text() {
    std::string out = "(";
    for (std::size_t i = 0; i < ndim; ++i) out += (i ? "," : "") + std::to_string(shape[i]);
    return out + ")";
  }
  template <std::size_t N, std::size_t M>
  static constexpr std::array<std::size_t, N> fit(const std::array<std::size_t, M>& a) {
    std::array<std::size_t, N> out{};
    for (std::size_t i = 0; i < N && i < M; ++i) out[i] = a[i];
    return out;
  }
  static constexpr std::array<std::size_t, ndim> swapped_axes(std::size_t a, std::size_t b) {
    std::array<std::size_t, ndim> p{};
    for (std::size_t i = 0; i < ndim; ++i) p[i] = i == a ? b : i == b ? a : i;
    return p;
  }
  template <std::size_t N>
  static constexpr std::array<std::size_t, ndim> padded_shape(const std::array<std::size_t, N>& p) {
    std::array<std::size_t, ndim> out{};
    for (std::size_t i = 0; i < ndim; ++i) out[i] = shape[i] + p[2 * i] + p[2 * i + 1];
    return out;
  }
  template <std::size_t N>
  static constexpr bool shrink_in_bounds(const std::array<std::size_t, N>& r) {
    for (std::size_t i = 0; i < ndim; ++i)
      if (r[2 * i] > r[2 * i + 1] || r[2 * i + 1] > shape[i]) return false;
    return true;
  }
  template <std::size_t N>
  static constexpr std::array<std::size_t, ndim> shrunk_shape(const std::array<std::size_t, N>& r) {
    std::array<std::size_t, ndim> out{};
    for (std::size_t i = 0; i < ndim; ++i) out[i] = r[2 * i + 1] - r[2 * i];
    return out;
  }
  static constexpr std::array<std::size_t, (ndim ? ndim - 1 : 0)> removed_axis(std::size_t axis) {
    std::array<std::size_t, (ndim ? ndim - 1 : 0)> out{};
    for (std::size_t i = 0, j = 0; i < ndim; ++i)
      if (i != axis) out[j++] = shape[i];
    return out;
  }
  static constexpr std::array<std::size_t, ndim + 1> inserted_axis(std::size_t axis) {
    std::array<std::size_t, ndim + 1> out{};
    for (std::size_t i = 0, j = 0; i <= ndim; ++i) out[i] = i == axis ? 1 : shape[j++];
    return out;
  }
  static Tensor from_doubles(const std::vector<double>& v) {
    std::vector<DType> cast(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) cast[i] = to_dtype(v[i]);
    return from(std::span<const DType>(cast));
  }
  static DType to_dtype(double v) {
    if constexpr (std::is_same_v<DType, half> || std::is_same_v<DType, bfloat16>) return DType{float_to_bits<DType>(static_cast<float>(v))};
    else return static_cast<DType>(v);
  }

  rt::ImplPtr impl_;
};

// Computes several tensors as one schedule (what a training step's loss, gradients and updates need together).
template <class... Ts>
  requires(TensorLike<Ts> && ...)
void realize(const Ts&... ts) {
  std::vector<std::pair<rt::UOpPtr, std::string>> nodes;
  ((ts.base()->op == rt::Ops::Buffer ? void() : void(nodes.emplace_back(ts.base(), ts.device()))), ...);
  rt::realize_all(nodes);
}

}  // namespace ctgrad
