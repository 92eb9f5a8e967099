#pragma once
// The optimizers' math on untyped lazy nodes: parameters come as AnyTensors, whose shapes are known at run time
// only. Same-shape elementwise ops, whole-tensor sums broadcast back, and 2-d matmul (Muon) as movement + reduce,
// the way the typed layer builds them. Nothing here records gradients: the inputs are detached.
#include <cmath>
#include <cstring>

#include "ctgrad/runtime/autograd.hpp"
#include "ctgrad/runtime/grad_ops.hpp"
#include "ctgrad/runtime/library.hpp"

namespace ctgrad::nn::optim::graph {

using rt::Ops;
using rt::UOpPtr;

inline UOpPtr alu(Ops op, const UOpPtr& a, const UOpPtr& b) { return rt::make_uop(op, a->dtype, {a, b}, {}, a->shape); }
inline UOpPtr cnst(const UOpPtr& like, double v) { return rt::const_like(*like, v); }
inline UOpPtr operator+(const UOpPtr& a, const UOpPtr& b) { return alu(Ops::Add, a, b); }
inline UOpPtr operator-(const UOpPtr& a, const UOpPtr& b) { return alu(Ops::Sub, a, b); }
inline UOpPtr operator*(const UOpPtr& a, const UOpPtr& b) { return alu(Ops::Mul, a, b); }
inline UOpPtr operator/(const UOpPtr& a, const UOpPtr& b) { return alu(Ops::Div, a, b); }
inline UOpPtr operator*(double v, const UOpPtr& a) { return cnst(a, v) * a; }
inline UOpPtr operator+(const UOpPtr& a, double v) { return a + cnst(a, v); }
inline UOpPtr sqrt(const UOpPtr& a) { return rt::make_uop(Ops::Sqrt, a->dtype, {a}, {}, a->shape); }
inline UOpPtr exp2(const UOpPtr& a) { return rt::make_uop(Ops::Exp2, a->dtype, {a}, {}, a->shape); }
inline UOpPtr sin(const UOpPtr& a) { return rt::make_uop(Ops::Sin, a->dtype, {a}, {}, a->shape); }
inline UOpPtr maximum(const UOpPtr& a, double v) { return alu(Ops::Max, a, cnst(a, v)); }
// where(a > 0, yes, no)
inline UOpPtr where_positive(const UOpPtr& a, const UOpPtr& yes, const UOpPtr& no) {
  auto positive = rt::make_uop(Ops::CmpLt, rt::DType::Bool, {cnst(a, 0.0), a}, {}, a->shape);
  return rt::make_uop(Ops::Where, yes->dtype, {positive, yes, no}, {}, yes->shape);
}

inline rt::NodeShape shape_of(std::initializer_list<std::int64_t> dims) {
  rt::NodeShape s;
  s.rank = static_cast<std::uint8_t>(dims.size());
  std::size_t i = 0;
  for (auto d : dims) s.shape[i++] = d;
  return s;
}
inline UOpPtr reshape(const UOpPtr& x, const rt::NodeShape& to) { return x->shape == to ? x : rt::move_uop(x, rt::reshape_move(to)); }
inline UOpPtr expand(const UOpPtr& x, const rt::NodeShape& to) { return x->shape == to ? x : rt::move_uop(x, rt::expand_move(to)); }
// A size-1 node (any rank) broadcast to `to`.
inline UOpPtr broadcast(const UOpPtr& one, const rt::NodeShape& to) {
  rt::NodeShape ones = to;
  for (std::uint8_t d = 0; d < ones.rank; ++d) ones.shape[d] = 1;
  return expand(reshape(one, ones), to);
}

// The sum of all elements, broadcast back to x's shape (a norm's denominator, a trust ratio).
inline UOpPtr sum_all(const UOpPtr& x) {
  const std::uint32_t all = x->shape.rank ? (1u << x->shape.rank) - 1 : 0;
  return broadcast(rt::grad_ops::sum(x, all), x->shape);
}
inline UOpPtr norm(const UOpPtr& x) { return sqrt(sum_all(x * x)); }

// v in a one-element float32 buffer of its own: unlike a constant, no kernel depends on its value and no other graph
// hash-conses with it.
inline UOpPtr scalar_buffer(double v, const std::string& device) {
  auto buf = std::make_shared<rt::Buffer>(device, rt::DType::Float32, 1);
  const float f = static_cast<float>(v);
  buf->copy_in(&f);
  return rt::buffer_uop(buf);
}
// A hyperparameter the host may change from step to step (lr) as a scalar buffer broadcast to like's shape: the
// kernels stay the same across steps and are compiled once.
inline UOpPtr input(double v, const UOpPtr& like, const std::string& device) {
  auto x = scalar_buffer(v, device);
  if (like->dtype != rt::DType::Float32) x = rt::make_uop(Ops::Cast, like->dtype, {x}, {}, x->shape);
  return broadcast(x, like->shape);
}

// base^t for a float32 node t (a step count), in like's dtype and shape.
inline UOpPtr power(double base, const UOpPtr& t, const UOpPtr& like) {
  auto p = exp2(std::log2(base) * t);
  if (like->dtype != rt::DType::Float32) p = rt::make_uop(Ops::Cast, like->dtype, {p}, {}, p->shape);
  return broadcast(p, like->shape);
}

inline UOpPtr transpose(const UOpPtr& x) {
  Dims order{};
  order[0] = 1;
  return rt::move_uop(x, rt::permute_move(2, order));
}
// (M, K) @ (K, N) as (M, N, K) products summed over K.
inline UOpPtr matmul(const UOpPtr& a, const UOpPtr& b) {
  const std::int64_t M = a->shape.shape[0], K = a->shape.shape[1], N = b->shape.shape[1];
  const auto mnk = shape_of({M, N, K});
  auto a3 = expand(reshape(a, shape_of({M, 1, K})), mnk);
  auto b3 = expand(reshape(transpose(b), shape_of({1, N, K})), mnk);
  return reshape(rt::grad_ops::sum(a3 * b3, 1u << 2), shape_of({M, N}));
}

}  // namespace ctgrad::nn::optim::graph
