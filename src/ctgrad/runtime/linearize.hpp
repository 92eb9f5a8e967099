#pragma once
// Linearization: a kernel AST (one Store, at most one Acc) -> the flat kernel program every renderer consumes.
// Order: parameters, g, what depends on neither the loop nor the reduction (hoisted), the reduction loop, then what
// depends on its result, then the store. This is the unoptimized form (one output per g, one reduction counter);
// kernels the optimizer transforms go through opt/tile_linearize.hpp instead (dispatch: opt/optimize.hpp).
#include <cmath>
#include <limits>
#include <unordered_map>
#include <unordered_set>

#include "ctgrad/runtime/lower.hpp"
#include "ctgrad/runtime/opt/space.hpp"

namespace ctgrad::rt {

inline double reduce_identity(Ops alu, DType dt) {
  switch (alu) {
    case Ops::Add: return 0;
    case Ops::Mul: return 1;
    default:  // Max
      if (is_float(dt)) return -std::numeric_limits<double>::infinity();
      if (is_unsigned(dt)) return 0;
      return static_cast<double>(std::numeric_limits<std::int64_t>::min()) / static_cast<double>(std::int64_t{1} << (64 - 8 * itemsize(dt)));
  }
}

class Linearizer {
 public:
  explicit Linearizer(const LoweredKernel& k) : k_(k) {
    p_.global_size = k.global_size;
    p_.index_dtype = k.index_dtype;
    for (std::size_t i = 0; i < k.params.size(); ++i) {
      p_.params.push_back({k.params[i]->dtype, k.params[i]->numel, i == 0});
      p_.bytes += static_cast<std::int64_t>(k.params[i]->nbytes());
    }
    classify(k.ast);
    for (std::size_t i = 0; i < k.params.size(); ++i) push({KOp::Param, k.params[i]->dtype, {-1, -1, -1}, static_cast<std::int64_t>(i)});
    // the three regions, each in dependency order
    for (int region : {0, 1, 2}) emit_region(k.ast, region);
    p_.name = std::string(acc_ ? "r_" : "E_") + std::to_string(k.global_size) + (acc_ ? "_" + std::to_string(k.reduce_size) : "");
    char suffix[20];
    std::snprintf(suffix, sizeof suffix, "_%08llx", static_cast<unsigned long long>(p_.hash() & 0xffffffffull));
    p_.name += suffix;
  }
  KernelProgram& program() { return p_; }

 private:
  // region 0: once per g before the loop; 1: inside the loop; 2: after the loop (reads the accumulator)
  int classify(const UOpPtr& n) {
    if (auto it = region_.find(n.get()); it != region_.end()) return it->second;
    int r = 0;
    if (n->op == Ops::Range) r = 1;
    for (auto& s : n->src) r = std::max(r, classify(s));
    if (n->op == Ops::Acc) {
      r = 2;
      acc_ = n;
    }
    region_[n.get()] = r;
    return r;
  }

  std::int32_t push(KInst in) {
    p_.insts.push_back(in);
    return static_cast<std::int32_t>(p_.insts.size() - 1);
  }

  void emit_region(const UOpPtr& root, int region) {
    if (region == 1) {
      if (!acc_) return;
      const DType dt = acc_->dtype;
      std::int32_t init = push(const_inst(dt, reduce_identity(acc_->arg.alu, dt)));
      acc_inst_ = push({KOp::DefAcc, dt, {init, -1, -1}});
      range_inst_ = push({KOp::Range, k_.index_dtype, {-1, -1, -1}, k_.reduce_size});
      at_[acc_->src[1].get()] = range_inst_;
      std::int32_t body = visit(acc_->src[0], 1);
      std::int32_t next = push({to_kop(acc_->arg.alu), dt, {acc_inst_, body, -1}});
      push({KOp::AccStore, dt, {acc_inst_, next, -1}});
      push({KOp::EndRange, dt, {range_inst_, -1, -1}});
      at_[acc_.get()] = acc_inst_;
      return;
    }
    visit(root, region);
  }

  static KInst const_inst(DType dt, double v) {
    KInst in{KOp::Const, dt};
    if (is_float(dt)) {
      in.farg = v;
    } else {
      in.iarg = static_cast<std::int64_t>(v);
    }
    return in;
  }

  // Emits n (and what it needs) if it belongs to `region`; returns its instruction index.
  std::int32_t visit(const UOpPtr& n, int region) {
    if (auto it = at_.find(n.get()); it != at_.end()) return it->second;
    const int r = region_.at(n.get());
    if (r > region) {  // belongs to a later region; hoist what it needs from this one
      if (!passed_[region].insert(n.get()).second) return -1;
      for (auto& s : n->src) visit(s, region);
      return -1;
    }
    std::int32_t srcs[3] = {-1, -1, -1};
    for (std::size_t i = 0; i < n->src.size(); ++i) srcs[i] = visit(n->src[i], region);
    std::int32_t id;
    switch (n->op) {
      case Ops::Const: id = push(const_inst(n->dtype, n->arg.value)); break;
      case Ops::Special: id = push({KOp::GlobalIdx, n->dtype}); break;
      case Ops::Param: id = static_cast<std::int32_t>(n->arg.index); break;
      case Ops::Load: id = push({KOp::Load, n->dtype, {srcs[0], srcs[1], srcs[2]}}); break;
      case Ops::Store: id = push({KOp::Store, n->dtype, {srcs[0], srcs[1], srcs[2]}}); break;
      default:
        if (!is_alu(n->op)) throw Error(std::string("ctgrad: cannot linearize ") + name(n->op));
        id = push({to_kop(n->op), n->dtype, {srcs[0], srcs[1], srcs[2]}});
        p_.flops += region == 1 ? k_.global_size * k_.reduce_size : k_.global_size;
    }
    at_[n.get()] = id;
    return id;
  }

  const LoweredKernel& k_;
  KernelProgram p_;
  UOpPtr acc_;
  std::int32_t acc_inst_ = -1, range_inst_ = -1;
  std::unordered_map<const UOp*, int> region_;
  std::unordered_set<const UOp*> passed_[3];
  std::unordered_map<const UOp*, std::int32_t> at_;
};

// The unoptimized program: output axes from g and reduced axes from one counter r, both by div/mod.
inline KernelProgram linearize_unoptimized(const LoweredKernel& k) {
  LoweredKernel flat = k;
  UArg g, r;
  g.value = static_cast<double>(k.global_size);
  r.value = static_cast<double>(k.reduce_size);
  UOpPtr gvar = make_uop(Ops::Special, k.index_dtype, {}, g, scalar_shape()), rvar = make_uop(Ops::Range, k.index_dtype, {}, r, scalar_shape());
  std::unordered_map<const UOp*, UOpPtr> with;
  auto constant = [&](std::int64_t v) {
    UArg a;
    a.value = static_cast<double>(v);
    return make_uop(Ops::Const, k.index_dtype, {}, a, scalar_shape());
  };
  std::int64_t inner[2] = {1, 1};
  for (std::size_t i = k.axes.size(); i-- > 0;) {
    const KernelAxis& a = k.axes[i];
    std::int64_t& in = inner[a.reduce ? 1 : 0];
    const UOpPtr& var = a.reduce ? rvar : gvar;
    with[a.var.get()] = a.size == 1 ? constant(0)
                                    : make_uop(Ops::Mod, k.index_dtype, {make_uop(Ops::IDiv, k.index_dtype, {var, constant(in)}, {}, scalar_shape()), constant(a.size)},
                                               {}, scalar_shape());
    in *= a.size;
  }
  flat.ast = opt::simplify(opt::substitute(k.ast, with, rvar));
  return Linearizer(flat).program();
}

}  // namespace ctgrad::rt

// linearize(LoweredKernel&), which chooses the kernel's optimizations first (kept here so includers of this header
// get the optimizer without knowing about it).
#include "ctgrad/runtime/opt/optimize.hpp"
