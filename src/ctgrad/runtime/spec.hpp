#pragma once
// The UOp spec: validation rules as data (tinygrad's uop/spec.py), checked on every node construction in debug
// builds. A violation is a bug in ctgrad, reported with the rule and the node, never a miscompiled kernel.
#include <string>
#include <vector>

#include "ctgrad/runtime/uop.hpp"

namespace ctgrad::rt {

struct SpecRule {
  std::vector<Ops> ops;  // the ops the rule applies to
  const char* requirement;
  bool (*holds)(Ops op, DType dtype, const std::vector<UOpPtr>& src, const UArg& arg, const NodeShape& shape);
};

namespace detail {
inline bool same_dtypes(const std::vector<UOpPtr>& src, std::size_t from, DType d) {
  for (std::size_t i = from; i < src.size(); ++i)
    if (src[i]->dtype != d) return false;
  return true;
}
inline bool same_shapes(const std::vector<UOpPtr>& src, const NodeShape& shape) {
  for (auto& s : src)
    if (!(s->shape == shape)) return false;
  return true;
}
}  // namespace detail

inline const std::vector<SpecRule>& uop_spec() {
  using O = Ops;
  static const std::vector<SpecRule> rules{
      {{O::Neg, O::Exp2, O::Log2, O::Sin, O::Sqrt, O::Recip}, "a unary op has one source of its own dtype",
       [](O, DType d, const auto& s, const auto&, const auto&) { return s.size() == 1 && s[0]->dtype == d; }},
      {{O::Exp2, O::Log2, O::Sin, O::Sqrt, O::Recip, O::Div}, "a float op has a float dtype",
       [](O, DType d, const auto&, const auto&, const auto&) { return is_float(d); }},
      {{O::Add, O::Sub, O::Mul, O::Div, O::IDiv, O::Mod, O::Max, O::And, O::Or, O::Xor}, "a binary op has two sources of its own dtype",
       [](O, DType d, const auto& s, const auto&, const auto&) { return s.size() == 2 && detail::same_dtypes(s, 0, d); }},
      {{O::IDiv, O::Mod}, "integer division has an integer dtype", [](O, DType d, const auto&, const auto&, const auto&) { return is_int(d); }},
      {{O::CmpLt, O::CmpNe, O::CmpEq}, "a comparison has two sources of one dtype and a Bool result",
       [](O, DType d, const auto& s, const auto&, const auto&) { return d == DType::Bool && s.size() == 2 && s[0]->dtype == s[1]->dtype; }},
      {{O::Where}, "where has a Bool condition and two values of its own dtype",
       [](O, DType d, const auto& s, const auto&, const auto&) {
         return s.size() == 3 && s[0]->dtype == DType::Bool && detail::same_dtypes(s, 1, d);
       }},
      {{O::Cast}, "a cast has one source", [](O, DType, const auto& s, const auto&, const auto&) { return s.size() == 1; }},
      {{O::Neg, O::Exp2, O::Log2, O::Sin, O::Sqrt, O::Recip, O::Add, O::Sub, O::Mul, O::Div, O::IDiv, O::Mod, O::Max, O::And, O::Or, O::Xor,
        O::CmpLt, O::CmpNe, O::CmpEq, O::Where, O::Cast},
       "an elementwise op has sources of its own shape",
       [](O, DType, const auto& s, const auto&, const auto& shape) { return detail::same_shapes(s, shape); }},
      {{O::Const, O::Buffer, O::Special, O::Range, O::Param, O::Local}, "a leaf has no sources",
       [](O, DType, const auto& s, const auto&, const auto&) { return s.empty(); }},
      {{O::View}, "a view has one source and a stack whose top has its shape",
       [](O, DType d, const auto& s, const auto& a, const auto& shape) {
         return s.size() == 1 && s[0]->dtype == d && a.view && a.view->depth >= 1 && a.view->rank() == shape.rank && a.view->shape() == shape.shape;
       }},
      {{O::Detach}, "a detach has one source of its own dtype and shape",
       [](O, DType d, const auto& s, const auto&, const auto& shape) { return s.size() == 1 && s[0]->dtype == d && s[0]->shape == shape; }},
      {{O::Adjoint}, "an adjoint has its value's dtype and shape, inputs after it, and a gradient function",
       [](O, DType d, const auto& s, const auto& a, const auto& shape) {
         return s.size() >= 2 && s[0]->dtype == d && s[0]->shape == shape && a.adjoint && a.adjoint->gradients;
       }},
      {{O::Reduce}, "a reduction combines with Add, Mul or Max over existing axes and keeps the rank",
       [](O, DType d, const auto& s, const auto& a, const auto& shape) {
         if (s.size() != 1 || s[0]->dtype != d || s[0]->rank() != shape.rank) return false;
         if (a.alu != O::Add && a.alu != O::Mul && a.alu != O::Max) return false;
         return shape.rank >= 32 || (a.axes >> shape.rank) == 0;
       }},
      {{O::Load}, "a load reads a Param or Local at an integer index, with an optional Bool gate",
       [](O, DType, const auto& s, const auto&, const auto&) {
         return (s.size() == 2 || s.size() == 3) && (s[0]->op == O::Param || s[0]->op == O::Local) && is_int(s[1]->dtype) &&
                (s.size() == 2 || s[2]->dtype == DType::Bool);
       }},
      {{O::Store}, "a store writes a Param at an integer index",
       [](O, DType, const auto& s, const auto&, const auto&) { return s.size() == 3 && s[0]->op == O::Param && is_int(s[1]->dtype); }},
      {{O::Acc}, "an accumulator reduces a value over a Range",
       [](O, DType d, const auto& s, const auto&, const auto&) { return s.size() == 2 && s[0]->dtype == d && s[1]->op == O::Range; }},
  };
  return rules;
}

// Throws when a node about to be made breaks a rule of the spec.
CTGRAD_API void check_spec(Ops op, DType dtype, const std::vector<UOpPtr>& src, const UArg& arg, const NodeShape& shape) {
  for (const SpecRule& r : uop_spec()) {
    bool applies = false;
    for (Ops o : r.ops) applies = applies || o == op;
    if (applies && !r.holds(op, dtype, src, arg, shape)) {
      std::string srcs;
      for (auto& s : src) srcs += std::string(srcs.empty() ? "" : ", ") + name(s->op) + ":" + name(s->dtype);
      throw Error(std::string("ctgrad: invalid UOp ") + name(op) + ":" + name(dtype) + " (" + srcs + "): " + r.requirement);
    }
  }
}

}  // namespace ctgrad::rt
