#pragma once
// Compute ops on tensors: elementwise (with numpy broadcasting and dtype promotion), reductions and matmul. Each
// public entry checks its shapes with one static_assert and builds lazy graph nodes; nothing runs here.
#include <numbers>

#include "ctgrad/runtime/op_nodes.hpp"
#include "ctgrad/tensor.hpp"

namespace ctgrad {

constexpr const char* binop_name(BinOp op) {
  constexpr const char* names[] = {"ctgrad::operator+", "ctgrad::operator-", "ctgrad::operator*", "ctgrad::operator/",
                                   "ctgrad::maximum",   "ctgrad::operator<", "ctgrad::operator==", "ctgrad::operator!=",
                                   "ctgrad::operator&", "ctgrad::operator|", "ctgrad::operator^",  "ctgrad::operator>",
                                   "ctgrad::operator<=", "ctgrad::operator>="};
  return names[static_cast<int>(op)];
}
constexpr bool is_comparison(BinOp op) { return op == BinOp::Less || op == BinOp::Equal || op == BinOp::NotEqual || op >= BinOp::Greater; }

namespace detail {

template <class T, auto Shape>
rt::UOpPtr node(rt::Ops op, std::vector<rt::UOpPtr> src, rt::UArg arg = {}) {
  return rt::make_uop(op, dtype_of<T>(), std::move(src), arg, tensor_of_t<T, Shape>::shape_view());
}

// The ALU op that implements `op` on operands of dtype T (bool arithmetic is logic).
template <BinOp Op, class T>
constexpr rt::Ops alu_of() {
  constexpr bool b = std::is_same_v<T, bool>;
  switch (Op) {
    case BinOp::Add: return b ? rt::Ops::Or : rt::Ops::Add;
    case BinOp::Sub: return b ? rt::Ops::Xor : rt::Ops::Sub;
    case BinOp::Mul: return b ? rt::Ops::And : rt::Ops::Mul;
    case BinOp::Div: return rt::is_float(dtype_of<T>()) ? rt::Ops::Div : rt::Ops::IDiv;
    case BinOp::Maximum: return b ? rt::Ops::Or : rt::Ops::Max;
    case BinOp::Less: return rt::Ops::CmpLt;
    case BinOp::Equal: return rt::Ops::CmpEq;
    case BinOp::NotEqual: return rt::Ops::CmpNe;
    case BinOp::And: return rt::Ops::And;
    case BinOp::Or: return rt::Ops::Or;
    case BinOp::Xor: return rt::Ops::Xor;
    default: return rt::Ops::CmpLt;  // Greater, LessEqual, GreaterEqual are built from CmpLt in binary()
  }
  return rt::Ops::Add;
}

// Every bit set: true for bool, ~0 for the integers (-1 when signed).
template <class T>
constexpr T all_ones() {
  if constexpr (std::is_same_v<T, bool>) return true;
  else return static_cast<T>(~static_cast<std::make_unsigned_t<T>>(0));
}

}  // namespace detail

template <class U, class T, std::size_t... D>
auto cast(const Tensor<T, D...>& t) {
  if constexpr (std::is_same_v<T, U>) {
    return t;
  } else {
    return Tensor<U, D...>::from_uop(detail::node<U, Tensor<U, D...>::shape>(rt::Ops::Cast, {t.to_uop()}), t.device());
  }
}

template <class T, auto Shape, class A, std::size_t... DA>
auto broadcast_to(const Tensor<A, DA...>& a) {
  return cast<T>(a.template expand_to<Shape>());
}

template <BinOp Op, class A, std::size_t... DA, class B, std::size_t... DB>
auto binary(const Tensor<A, DA...>& a, const Tensor<B, DB...>& b) {
  constexpr std::array<std::size_t, sizeof...(DA)> sa{DA...};
  constexpr std::array<std::size_t, sizeof...(DB)> sb{DB...};
  constexpr bool ok = shape::broadcastable(sa, sb);
  CTGRAD_STATIC_CHECK(ok, "ctgrad: operand shapes cannot broadcast",
                      detail::Message{} << binop_name(Op) << ": shapes cannot broadcast: " << sa << " and " << sb);
  if constexpr (ok) {
    constexpr auto out = shape::broadcast(sa, sb);
    using T = promote_t<A, B>;
    using R = std::conditional_t<is_comparison(Op), bool, T>;
    using Out = tensor_of_t<R, out>;
    constexpr rt::BinaryForm form = Op == BinOp::Div && !rt::is_float(dtype_of<T>()) ? rt::BinaryForm::IntDiv
                                    : Op == BinOp::Greater                          ? rt::BinaryForm::Greater
                                    : Op == BinOp::LessEqual                        ? rt::BinaryForm::LessEqual
                                    : Op == BinOp::GreaterEqual                     ? rt::BinaryForm::GreaterEqual
                                                                                    : rt::BinaryForm::Alu;
    return Out::wrap(rt::binary(form, detail::alu_of<Op, T>(), dtype_of<T>(), dtype_of<R>(), a.impl(), dtype_of<A>(), b.impl(), dtype_of<B>(),
                                Out::shape_view(), binop_name(Op)));
  }
}

// A scalar operand becomes a constant of the tensor's dtype; an integer or bool tensor with a floating-point scalar
// computes in float instead of truncating the scalar.
template <class T, class S>
using scalar_result_t = std::conditional_t<std::is_floating_point_v<S> && !rt::is_float(dtype_of<T>()), float, T>;

template <class T, std::size_t... D, ScalarLike S>
auto scalar_tensor(const Tensor<T, D...>& like, S value) {
  return Tensor<scalar_result_t<T, S>, D...>::from_const(static_cast<double>(value), like.device());
}

#define CTGRAD_BINARY_OPERATOR(sym, op)                                                                            \
  template <class A, std::size_t... DA, class B, std::size_t... DB>                                                \
  auto operator sym(const Tensor<A, DA...>& a, const Tensor<B, DB...>& b) {                                        \
    return binary<op>(a, b);                                                                                       \
  }                                                                                                                \
  template <class A, std::size_t... DA, ScalarLike S>                                                              \
  auto operator sym(const Tensor<A, DA...>& a, S s) {                                                              \
    return binary<op>(a, scalar_tensor(a, s));                                                                     \
  }                                                                                                                \
  template <class A, std::size_t... DA, ScalarLike S>                                                              \
  auto operator sym(S s, const Tensor<A, DA...>& a) {                                                              \
    return binary<op>(scalar_tensor(a, s), a);                                                                     \
  }
CTGRAD_BINARY_OPERATOR(+, BinOp::Add)
CTGRAD_BINARY_OPERATOR(-, BinOp::Sub)
CTGRAD_BINARY_OPERATOR(*, BinOp::Mul)
CTGRAD_BINARY_OPERATOR(/, BinOp::Div)
CTGRAD_BINARY_OPERATOR(<, BinOp::Less)
CTGRAD_BINARY_OPERATOR(==, BinOp::Equal)
CTGRAD_BINARY_OPERATOR(!=, BinOp::NotEqual)
CTGRAD_BINARY_OPERATOR(&, BinOp::And)
CTGRAD_BINARY_OPERATOR(|, BinOp::Or)
CTGRAD_BINARY_OPERATOR(^, BinOp::Xor)
// a > b is b < a; a <= b is !(b < a); a >= b is !(a < b) (for NaN this differs from IEEE, as in tinygrad)
CTGRAD_BINARY_OPERATOR(>, BinOp::Greater)
CTGRAD_BINARY_OPERATOR(<=, BinOp::LessEqual)
CTGRAD_BINARY_OPERATOR(>=, BinOp::GreaterEqual)
#undef CTGRAD_BINARY_OPERATOR

template <class T, std::size_t... D>
auto operator-(const Tensor<T, D...>& a) {
  if constexpr (std::is_same_v<T, bool>) {
    return a ^ true;
  } else {
    return Tensor<T, D...>::from_uop(detail::node<T, Tensor<T, D...>::shape>(rt::Ops::Neg, {a.to_uop()}), a.device());
  }
}

// Float math on any tensor: integers and bool are cast to float first. f(x) = post * op(pre * x).
template <class T, std::size_t... D>
auto as_float(const Tensor<T, D...>& t) {
  return cast<mean_t<T>>(t);
}
template <class T, std::size_t... D>
auto float_unary(const Tensor<T, D...>& t, rt::Ops op, double pre, double post) {
  auto x = as_float(t);
  using F = typename decltype(x)::dtype;
  using Out = Tensor<F, D...>;
  auto in = pre == 1.0 ? x : x * pre;
  auto y = Out::from_uop(detail::node<F, Out::shape>(op, {in.to_uop()}), t.device());
  return post == 1.0 ? y : y * post;
}

template <class T, std::size_t... D, class U>
auto minimum_impl(const Tensor<T, D...>& a, const U& b) {
  if constexpr (std::is_integral_v<T>) {
    // min(a, b) = ~max(~a, ~b): order-reversing for every integer type, where -x overflows at the minimum
    constexpr T ones = detail::all_ones<T>();
    if constexpr (TensorLike<U>) return (a ^ ones).maximum(b ^ ones) ^ ones;
    else return (a ^ ones).maximum(static_cast<T>(static_cast<T>(b) ^ ones)) ^ ones;
  } else {
    return -((-a).maximum(-b));
  }
}

template <class C, std::size_t... DC, class A, class B>
auto where_impl(const Tensor<C, DC...>& cond, const A& a, const B& b) {
  if constexpr (!TensorLike<A>) {
    return where_impl(cond, cond.template cast<A>().template cast<A>() * A{0} + a, b);
  } else if constexpr (!TensorLike<B>) {
    return where_impl(cond, a, Tensor<typename A::dtype, DC...>::from_const(static_cast<double>(b), cond.device()));
  } else {
    constexpr auto sc = Tensor<C, DC...>::shape;
    constexpr auto sa = A::shape;
    constexpr auto sb = B::shape;
    constexpr bool ok = shape::broadcastable(sa, sb) && shape::broadcastable(shape::broadcast(sa, sb), sc);
    CTGRAD_STATIC_CHECK(ok, "ctgrad::where: shapes cannot broadcast",
                        detail::Message{} << "ctgrad::where: shapes cannot broadcast: condition " << sc << ", values " << sa << " and " << sb);
    if constexpr (ok) {
      constexpr auto out = shape::broadcast(shape::broadcast(sa, sb), sc);
      using T = promote_t<typename A::dtype, typename B::dtype>;
      using Out = tensor_of_t<T, out>;
      return Out::wrap(rt::where(cond.impl(), dtype_of<C>(), a.impl(), dtype_of<typename A::dtype>(), b.impl(), dtype_of<typename B::dtype>(),
                                 dtype_of<T>(), Out::shape_view()));
    }
  }
}

template <ReduceOp Op, bool KeepDim, std::size_t... Axes, class T, std::size_t... D>
auto reduce(const Tensor<T, D...>& t) {
  constexpr std::size_t N = sizeof...(D);
  constexpr std::array<std::size_t, sizeof...(Axes)> given{Axes...};
  constexpr bool ok = shape::axes_valid<N>(given);
  CTGRAD_STATIC_CHECK(ok, "ctgrad: reduction axis out of range or repeated",
                      detail::Message{} << "ctgrad::" << (Op == ReduceOp::Sum ? "sum" : Op == ReduceOp::Prod ? "prod" : Op == ReduceOp::Max ? "max"
                                                         : Op == ReduceOp::Min ? "min" : "mean")
                                        << ": axes " << given << " out of range or repeated for " << Tensor<T, D...>::shape);
  if constexpr (ok) {
    constexpr auto axes = [&] {
      std::array<std::size_t, sizeof...(Axes) == 0 ? N : sizeof...(Axes)> a{};
      for (std::size_t i = 0; i < a.size(); ++i) a[i] = sizeof...(Axes) == 0 ? i : given[i];
      return a;
    }();
    constexpr auto kept = shape::reduced<true>(Tensor<T, D...>::shape, axes);
    constexpr auto final_shape = shape::reduced<KeepDim>(Tensor<T, D...>::shape, axes);
    if constexpr (Op == ReduceOp::Min) {
      return minimum_as_max<KeepDim, Axes...>(t);
    } else if constexpr (Op == ReduceOp::Mean) {
      std::size_t count = 1;
      for (auto a : axes) count *= Tensor<T, D...>::shape[a];
      return reduce<ReduceOp::Sum, KeepDim, Axes...>(as_float(t)) * (1.0 / static_cast<double>(count));
    } else if constexpr (Op == ReduceOp::Max && std::is_same_v<T, bool>) {
      return cast<bool>(reduce<Op, KeepDim, Axes...>(cast<std::uint8_t>(t)));
    } else {
      using Acc = std::conditional_t<Op == ReduceOp::Max, T, sum_t<T>>;
      using Kept = tensor_of_t<Acc, kept>;
      constexpr rt::Ops alu = Op == ReduceOp::Sum ? rt::Ops::Add : Op == ReduceOp::Prod ? rt::Ops::Mul : rt::Ops::Max;
      auto r = Kept::wrap(rt::reduce(t.impl(), dtype_of<T>(), dtype_of<Acc>(), alu, shape::axis_mask<N>(axes), Kept::shape_view()));
      if constexpr (KeepDim) return r;
      else return r.template reshape_as<final_shape>();
    }
  }
}

template <bool KeepDim, std::size_t... Axes, class T, std::size_t... D>
auto minimum_as_max(const Tensor<T, D...>& t) {
  if constexpr (std::is_integral_v<T>) {
    constexpr T ones = detail::all_ones<T>();  // ~x reverses the order without overflowing, unlike -x
    return reduce<ReduceOp::Max, KeepDim, Axes...>(t ^ ones) ^ ones;
  } else {
    return -reduce<ReduceOp::Max, KeepDim, Axes...>(-t);
  }
}

template <class A, std::size_t... DA, class B, std::size_t... DB>
auto matmul_impl(const Tensor<A, DA...>& a, const Tensor<B, DB...>& b) {
  constexpr std::size_t RA = sizeof...(DA), RB = sizeof...(DB);
  constexpr std::array<std::size_t, RA> sa{DA...};
  constexpr std::array<std::size_t, RB> sb{DB...};
  constexpr bool ranks_ok = RA >= 1 && RB >= 1;
  CTGRAD_STATIC_CHECK(ranks_ok, "ctgrad::matmul: operands must have at least one dim",
                      detail::Message{} << "ctgrad::matmul: operands must have at least one dim: " << sa << " @ " << sb);
  if constexpr (ranks_ok) {
    constexpr bool inner_ok = sa[RA - 1] == sb[RB >= 2 ? RB - 2 : 0];
    CTGRAD_STATIC_CHECK(inner_ok, "ctgrad::matmul: inner dims differ",
                        detail::Message{} << "ctgrad::matmul: inner dims differ: " << sa << " @ " << sb);
    if constexpr (inner_ok) {
      if constexpr (RA == 1) {
        return matmul_impl(a.template unsqueeze<0>(), b).template squeeze<(RB >= 2 ? RB - 2 : 0)>();
      } else if constexpr (RB == 1) {
        return matmul_impl(a, b.template unsqueeze<1>()).template squeeze<RA - 1>();
      } else {
        constexpr std::array<std::size_t, RA - 2> batch_a = [&] {
          std::array<std::size_t, RA - 2> x{};
          for (std::size_t i = 0; i + 2 < RA; ++i) x[i] = sa[i];
          return x;
        }();
        constexpr std::array<std::size_t, RB - 2> batch_b = [&] {
          std::array<std::size_t, RB - 2> x{};
          for (std::size_t i = 0; i + 2 < RB; ++i) x[i] = sb[i];
          return x;
        }();
        constexpr bool batch_ok = shape::broadcastable(batch_a, batch_b);
        CTGRAD_STATIC_CHECK(batch_ok, "ctgrad::matmul: batch dims cannot broadcast",
                            detail::Message{} << "ctgrad::matmul: batch dims cannot broadcast: " << sa << " @ " << sb);
        if constexpr (batch_ok) {
          // Broadcast the batch dims, flatten them to one dim NB, and compute (NB, M, 1, K) * (NB, 1, N, K) summed over K:
          // the intermediate has rank 4 whatever the operands' rank.
          constexpr std::size_t M = sa[RA - 2], K = sa[RA - 1], N = sb[RB - 1];
          constexpr auto batch = shape::broadcast(batch_a, batch_b);
          constexpr std::size_t NB = shape::numel(batch);
          constexpr auto with_tail = [](const auto& head, std::size_t x, std::size_t y) {
            std::array<std::size_t, std::tuple_size_v<std::remove_cvref_t<decltype(head)>> + 2> out{};
            for (std::size_t i = 0; i < head.size(); ++i) out[i] = head[i];
            out[head.size()] = x, out[head.size() + 1] = y;
            return out;
          };
          constexpr auto a_full = with_tail(batch, M, K);
          constexpr auto b_full = with_tail(batch, K, N);
          constexpr auto out_shape = with_tail(batch, M, N);
          constexpr std::array<std::size_t, 4> a4{NB, M, 1, K}, b4{NB, 1, N, K};
          constexpr std::array<std::size_t, 3> b3{NB, K, N};
          auto a_b = a.template expand_to<a_full>().template reshape_as<a4>();
          auto b_b = b.template expand_to<b_full>().template reshape_as<b3>().template transpose<1, 2>().template reshape_as<b4>();
          return (a_b * b_b).template sum<3>().template reshape_as<out_shape>();
        }
      }
    }
  }
}

}  // namespace ctgrad
