#pragma once
// Linearization of an optimized kernel (space.hpp) into the kernel program: one invocation g per tile.
//
//   g -> coordinates of the Global axes, then of the Local ones (row-major in axis order, Local innermost: a GPU
//        block of local_size consecutive g is one local tile)
//   accumulators, one per upcast value (vectors where the reduced value has lanes)
//   for each Reduce axis (nested, outermost first):
//     for each unrolled value, for each accumulator: acc = acc + body   (a*b+acc as one FMA when the body is a product)
//       (with staged operands: first the block's threads fill their shared arrays, barrier; a barrier after the body)
//   lane partial sums of a vectorized reduced axis are combined in lane order
//   one Store per upcast value (a vector store where the output index moves one element per lane)
//
// Nothing is hoisted here: loop-invariant values are recomputed in the loop body and LLVM/gcc move them out (LICM),
// which keeps this file free of region bookkeeping.
#include <algorithm>
#include <optional>

#include "ctgrad/runtime/linearize.hpp"
#include "ctgrad/runtime/opt/space.hpp"

namespace ctgrad::rt::opt {

class TileLinearizer {
 public:
  TileLinearizer(const OptKernel& ok, bool fma) : k_(ok.lowered()), fma_(fma) {
    p_.index_dtype = k_.index_dtype;
    for (std::size_t i = 0; i < k_.params.size(); ++i) {
      p_.params.push_back({k_.params[i]->dtype, k_.params[i]->numel, i == 0});
      p_.bytes += static_cast<std::int64_t>(k_.params[i]->nbytes());
      push({KOp::Param, k_.params[i]->dtype, {-1, -1, -1}, static_cast<std::int64_t>(i)});
    }
    for (auto& st : ok.staged()) {
      sca_[st.local.get()] = push({KOp::Shared, st.local->dtype, {-1, -1, -1}, st.slots});
      keep_.push_back(st.local);
    }
    std::unordered_map<const UOp*, UOpPtr> global;
    std::vector<const Axis*> upcasts, reduces, unrolls;
    std::int64_t global_size = 1;
    for (auto& a : ok.axes()) {
      if (a.kind == AxisKind::Global || a.kind == AxisKind::Local) global_size *= a.size;
      if (a.kind == AxisKind::Upcast) upcasts.push_back(&a);
      if (a.kind == AxisKind::Reduce) reduces.push_back(&a);
      if (a.kind == AxisKind::Unroll) unrolls.push_back(&a);
      if (a.kind == AxisKind::Inner) inner_ = &a;
      if (a.kind == AxisKind::Vector || a.kind == AxisKind::ReduceVector) {
        lane_ = a.var.get();
        width_ = static_cast<int>(a.size);
        reduce_lanes_ = a.kind == AxisKind::ReduceVector;
      }
    }
    p_.global_size = global_size;
    if (ok.local_size() > 1) p_.local_size = ok.local_size();
    UArg garg;
    garg.value = static_cast<double>(global_size);
    UOpPtr g = make_uop(Ops::Special, k_.index_dtype, {}, garg, scalar_shape());
    sca_[g.get()] = push({KOp::GlobalIdx, k_.index_dtype});
    keep_.push_back(g);
    std::vector<const Axis*> enumerated;  // by g: the Global axes, then the Local ones
    for (AxisKind kind : {AxisKind::Global, AxisKind::Local})
      for (auto& a : ok.axes())
        if (a.kind == kind) enumerated.push_back(&a);
    unflatten(g, enumerated, global);
    const UOpPtr ast = simplify(substitute(ok.ast(), global));

    // one Store per upcast value
    std::vector<UOpPtr> stores;
    for (auto& values : combos(upcasts)) stores.push_back(simplify(substitute(ast, values)));
    std::vector<UOpPtr> accs;
    for (auto& s : stores) collect_accs(s, accs);
    if (inner_ != nullptr) {
      accumulate_in_output(stores, reduces, unrolls);
      finish_program(!accs.empty(), global_size);
      return;
    }

    for (auto& acc : accs) {
      const DType dt = acc->dtype;
      const int lanes = depends(acc->src[0]) ? width_ : 1;
      std::int32_t init = push(const_inst(dt, reduce_identity(acc->arg.alu, dt)));
      if (lanes > 1) init = push({KOp::Broadcast, dt, {init, -1, -1}, 0, 0.0, static_cast<std::uint8_t>(lanes)});
      acc_inst_[acc.get()] = push({KOp::DefAcc, dt, {init, -1, -1}, 0, 0.0, static_cast<std::uint8_t>(lanes)});
    }
    if (!accs.empty()) {
      std::vector<std::int32_t> ranges;
      in_loop_ = true;
      trips_ = 1;
      for (auto* r : reduces) {
        ranges.push_back(push({KOp::Range, k_.index_dtype, {-1, -1, -1}, r->size}));
        sca_[r->var.get()] = ranges.back();
        trips_ *= r->size;
      }
      if (!ok.staged().empty()) fill_staged(ok, g, global);
      const auto unroll_values = combos(unrolls);
      for (auto& values : unroll_values)
        for (auto& acc : accs) accumulate(acc, values);
      if (!ok.staged().empty()) push({KOp::Barrier, k_.index_dtype});  // the next step's fill waits for every reader
      for (std::size_t r = ranges.size(); r-- > 0;) push({KOp::EndRange, k_.index_dtype, {ranges[r], -1, -1}});
      leave_loop();
      for (auto& acc : accs) finish(acc);
    }
    for (auto& s : stores) store(s);
    finish_program(!accs.empty(), global_size);
  }
  KernelProgram& program() { return p_; }

 private:
  void finish_program(bool reduces, std::int64_t global_size) {
    p_.flops *= global_size;
    p_.name = std::string(reduces ? "r_" : "E_") + std::to_string(k_.global_size) + (reduces ? "_" + std::to_string(k_.reduce_size) : "");
    char suffix[24];
    std::snprintf(suffix, sizeof suffix, "_o%08llx", static_cast<unsigned long long>(p_.hash() & 0xffffffffull));
    p_.name += suffix;
  }
  // After a loop: values computed inside it are not visible outside.
  void leave_loop() {
    in_loop_ = false;
    trips_ = 1;
    for (auto* n : loop_scoped_) sca_.erase(n), vec_.erase(n);
    for (auto& key : loop_lanes_) lane_memo_.erase(key);
    loop_scoped_.clear();
    loop_lanes_.clear();
    broadcast_.clear();
  }
  // INNER: each store's Acc lives in the output buffer. A loop over the inner axis sets it to the reduction's
  // identity; inside the reduced axes' loops, the inner loop adds each step's value to it (the same order of
  // additions as one output per invocation: bit-identical results); a last inner loop applies what the Store
  // computes from the Acc, where that is more than the Acc itself.
  void accumulate_in_output(const std::vector<UOpPtr>& stores, const std::vector<const Axis*>& reduces, const std::vector<const Axis*>& unrolls) {
    std::vector<UOpPtr> acc;  // each store's one Acc
    for (auto& s : stores) {
      std::vector<UOpPtr> found;
      collect_accs(s, found);
      if (found.size() != 1) throw Error("ctgrad optimizer: INNER needs one reduction per stored value");
      acc.push_back(found[0]);
    }
    auto current = [](const UOpPtr& s) { return make_uop(Ops::Load, s->dtype, {s->src[0], s->src[1]}, {}, scalar_shape()); };
    auto stored = [](const UOpPtr& s, const UOpPtr& value) {
      return make_uop(Ops::Store, s->dtype, {s->src[0], s->src[1], value}, {}, scalar_shape());
    };
    auto inner_loop = [&](auto&& body) {
      in_loop_ = true;
      const std::int32_t r = push({KOp::Range, k_.index_dtype, {-1, -1, -1}, inner_->size});
      sca_[inner_->var.get()] = r;
      body();
      push({KOp::EndRange, k_.index_dtype, {r, -1, -1}});
    };
    inner_loop([&] {
      for (std::size_t i = 0; i < stores.size(); ++i)
        store(stored(stores[i], const_like(*acc[i], reduce_identity(acc[i]->arg.alu, acc[i]->dtype))));
    });
    leave_loop();
    std::vector<std::int32_t> ranges;
    trips_ = inner_->size;
    for (auto* r : reduces) {
      ranges.push_back(push({KOp::Range, k_.index_dtype, {-1, -1, -1}, r->size}));
      sca_[r->var.get()] = ranges.back();
      trips_ *= r->size;
    }
    inner_loop([&] {
      for (std::size_t i = 0; i < stores.size(); ++i) {  // the unrolled steps in order on one loaded value, then one store
        UOpPtr value = current(stores[i]);
        for (auto& values : combos(unrolls)) {
          const UOpPtr body = values.empty() ? acc[i]->src[0] : simplify(substitute(acc[i]->src[0], values));
          value = make_uop(acc[i]->arg.alu, acc[i]->dtype, {value, body}, {}, scalar_shape());
        }
        store(stored(stores[i], value));
      }
    });
    for (std::size_t r = ranges.size(); r-- > 0;) push({KOp::EndRange, k_.index_dtype, {ranges[r], -1, -1}});
    leave_loop();
    bool post = false;
    for (std::size_t i = 0; i < stores.size(); ++i) post = post || stores[i]->src[2] != acc[i];
    if (!post) return;
    inner_loop([&] {
      for (std::size_t i = 0; i < stores.size(); ++i)
        store(stored(stores[i], simplify(substitute(stores[i]->src[2], {{acc[i].get(), current(stores[i])}}))));
    });
    leave_loop();
  }

  std::int32_t push(KInst in) {
    p_.insts.push_back(in);
    return static_cast<std::int32_t>(p_.insts.size() - 1);
  }
  std::int32_t alu(KOp op, DType dt, std::array<std::int32_t, 3> src, int lanes) {
    p_.flops += (op == KOp::MulAcc ? 2 : 1) * lanes * trips_;
    return push({op, dt, src, 0, 0.0, static_cast<std::uint8_t>(lanes)});
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
  UOpPtr idx(std::int64_t v) {
    UArg a;
    a.value = static_cast<double>(v);
    return make_uop(Ops::Const, k_.index_dtype, {}, a, scalar_shape());
  }
  UOpPtr bin(Ops op, const UOpPtr& a, const UOpPtr& b) { return make_uop(op, a->dtype, {a, b}, {}, scalar_shape()); }

  // Every assignment of values to `axes` (the first axis varies slowest), as substitutions.
  std::vector<std::unordered_map<const UOp*, UOpPtr>> combos(const std::vector<const Axis*>& axes) {
    std::vector<std::unordered_map<const UOp*, UOpPtr>> out(1);
    for (auto* a : axes) {
      std::vector<std::unordered_map<const UOp*, UOpPtr>> next;
      for (auto& m : out)
        for (std::int64_t v = 0; v < a->size; ++v) {
          next.push_back(m);
          next.back()[a->var.get()] = idx(v);
        }
      out = std::move(next);
    }
    return out;
  }

  // Whether n's value differs between lanes (an Acc over lane partial sums is one value once combined).
  bool depends(const UOpPtr& n) {
    if (lane_ == nullptr) return false;
    if (auto it = depends_.find(n.get()); it != depends_.end()) return it->second;
    bool d = n.get() == lane_;
    if (n->op == Ops::Acc && reduce_lanes_) {
      d = false;
    } else {
      for (auto& s : n->src) d = d || depends(s);
    }
    depends_[n.get()] = d;
    keep_.push_back(n);
    return d;
  }
  // The coefficient of the lane variable in an affine index, or nothing when the index is not affine in it.
  std::optional<std::int64_t> lane_stride(const UOpPtr& n) {
    if (!depends(n)) return 0;
    if (n.get() == lane_) return 1;
    if (n->op == Ops::Add || n->op == Ops::Sub) {
      auto a = lane_stride(n->src[0]), b = lane_stride(n->src[1]);
      if (!a || !b) return std::nullopt;
      return n->op == Ops::Add ? *a + *b : *a - *b;
    }
    if (n->op == Ops::Mul)
      for (int k = 0; k < 2; ++k)
        if (n->src[static_cast<std::size_t>(1 - k)]->op == Ops::Const) {
          auto a = lane_stride(n->src[static_cast<std::size_t>(k)]);
          if (a) return *a * static_cast<std::int64_t>(n->src[static_cast<std::size_t>(1 - k)]->arg.value);
        }
    return std::nullopt;
  }
  // ALU nodes computed as vectors: arithmetic, math, comparisons, selects and casts over the vector dtypes, with Bool
  // lanes for comparisons, a select's condition and casts (a ReLU's backward, a pooled window's argmax mask); the
  // rest (integer division, half types) lane by lane.
  static bool vector_value(DType d) { return vector_dtype(d) || d == DType::Bool; }
  static bool vector_op(const UOpPtr& n) {
    switch (n->op) {
      case Ops::Add: case Ops::Sub: case Ops::Mul: case Ops::Max: case Ops::Neg: case Ops::Div:
      case Ops::Sqrt: case Ops::Recip: case Ops::Exp2: case Ops::Log2: case Ops::Sin:
        return vector_dtype(n->dtype) && (is_float(n->dtype) || !is_unary_math(n->op));
      case Ops::CmpLt: case Ops::CmpNe: case Ops::CmpEq: return vector_dtype(n->src[0]->dtype);
      case Ops::Where: return n->src[0]->dtype == DType::Bool && vector_dtype(n->dtype);
      case Ops::Cast: return vector_value(n->dtype) && vector_value(n->src[0]->dtype);
      default: return false;
    }
  }
  static bool is_unary_math(Ops op) { return op == Ops::Sqrt || op == Ops::Recip || op == Ops::Exp2 || op == Ops::Log2 || op == Ops::Sin; }

  void remember(std::unordered_map<const UOp*, std::int32_t>& memo, const UOpPtr& n, std::int32_t id) {
    memo[n.get()] = id;
    keep_.push_back(n);
    if (in_loop_) loop_scoped_.push_back(n.get());
  }

  // The value of n: a scalar instruction, or a vector one when it depends on the lane variable.
  std::int32_t emit(const UOpPtr& n) {
    if (!depends(n)) return scalar(n);
    if (auto it = vec_.find(n.get()); it != vec_.end()) return it->second;
    std::int32_t id = -1;
    const DType dt = n->dtype;
    if (n->op == Ops::Acc) {
      id = acc_inst_.at(n.get());
    } else if (n->op == Ops::Load && vector_dtype(dt) && lane_stride(n->src[1]) == 1 && (n->src.size() < 3 || !depends(n->src[2]))) {
      std::int32_t gate = n->src.size() > 2 ? scalar(n->src[2]) : -1;
      id = push({KOp::Load, dt, {scalar(n->src[0]), lane(n->src[1], 0), gate}, 0, 0.0, static_cast<std::uint8_t>(width_)});
    } else if (is_alu(n->op) && vector_op(n)) {
      std::array<std::int32_t, 3> src{-1, -1, -1};
      for (std::size_t i = 0; i < n->src.size(); ++i) src[i] = widen(n->src[i]);
      id = alu(to_kop(n->op), dt, src, width_);
    } else {  // lane by lane
      id = push({KOp::Broadcast, dt, {lane(n, 0), -1, -1}, 0, 0.0, static_cast<std::uint8_t>(width_)});
      for (int l = 1; l < width_; ++l) id = push({KOp::Insert, dt, {id, lane(n, l), -1}, l, 0.0, static_cast<std::uint8_t>(width_)});
    }
    remember(vec_, n, id);
    return id;
  }
  // n as a vector: its own, or a scalar broadcast to every lane.
  std::int32_t widen(const UOpPtr& n) {
    std::int32_t v = emit(n);
    if (p_.insts[static_cast<std::size_t>(v)].lanes > 1) return v;
    if (auto it = broadcast_.find(v); it != broadcast_.end()) return it->second;
    return broadcast_[v] = push({KOp::Broadcast, n->dtype, {v, -1, -1}, 0, 0.0, static_cast<std::uint8_t>(width_)});
  }
  // Lane l of n as a scalar.
  std::int32_t lane(const UOpPtr& n, int l) {
    if (!depends(n)) return scalar(n);
    const auto key = std::make_pair(n.get(), l);
    if (auto it = lane_memo_.find(key); it != lane_memo_.end()) return it->second;
    std::int32_t id;
    if (auto it = vec_.find(n.get()); it != vec_.end()) {
      id = push({KOp::Extract, n->dtype, {it->second, -1, -1}, l});
    } else if (n.get() == lane_) {
      id = push(const_inst(n->dtype, l));
    } else if (n->op == Ops::Acc) {
      id = push({KOp::Extract, n->dtype, {acc_inst_.at(n.get()), -1, -1}, l});
    } else {
      std::array<std::int32_t, 3> src{-1, -1, -1};
      for (std::size_t i = 0; i < n->src.size(); ++i) src[i] = lane(n->src[i], l);
      id = n->op == Ops::Load ? push({KOp::Load, n->dtype, src}) : alu(to_kop(n->op), n->dtype, src, 1);
    }
    lane_memo_[key] = id;
    keep_.push_back(n);
    if (in_loop_) loop_lanes_.push_back(key);
    return id;
  }
  std::int32_t scalar(const UOpPtr& n) {
    if (auto it = sca_.find(n.get()); it != sca_.end()) return it->second;
    std::int32_t id;
    switch (n->op) {
      case Ops::Param: id = static_cast<std::int32_t>(n->arg.index); break;
      case Ops::Const: id = push(const_inst(n->dtype, n->arg.value)); break;
      case Ops::Acc: id = acc_value_.at(n.get()); break;
      case Ops::Range: throw Error("ctgrad optimizer: an axis variable was left unassigned");
      case Ops::Local: throw Error("ctgrad optimizer: a Local array without its Shared declaration");
      default: {
        if (n->op != Ops::Load && !is_alu(n->op)) throw Error(std::string("ctgrad optimizer: cannot linearize ") + name(n->op));
        std::array<std::int32_t, 3> src{-1, -1, -1};
        for (std::size_t i = 0; i < n->src.size(); ++i) src[i] = n->op == Ops::Load && i == 1 ? address(n->src[1]) : scalar(n->src[i]);
        id = n->op == Ops::Load ? push({KOp::Load, n->dtype, src}) : alu(to_kop(n->op), n->dtype, src, 1);
      }
    }
    remember(sca_, n, id);
    return id;
  }

  // Each thread stores slots t, t + L, ... of every staged operand (t: its index among the block's L threads, the
  // innermost part of g), then the block waits until all slots are there.
  void fill_staged(const OptKernel& ok, const UOpPtr& g, const std::unordered_map<const UOp*, UOpPtr>& global) {
    const std::int64_t threads = ok.local_size();
    const UOpPtr t = bin(Ops::Mod, g, idx(threads));
    for (auto& st : ok.staged()) {
      std::vector<const Axis*> slot_axes;
      for (auto i : st.slot_axes) slot_axes.push_back(&ok.axes()[i]);
      for (std::int64_t first = 0; first < st.slots; first += threads) {
        const UOpPtr slot = simplify(bin(Ops::Add, t, idx(first)));
        auto with = global;
        unflatten(slot, slot_axes, with);
        const UOpPtr value = simplify(substitute(st.operand, with));
        push({KOp::Store, st.local->dtype, {scalar(st.local), address(slot), scalar(value)}});
      }
    }
    push({KOp::Barrier, k_.index_dtype});
  }

  // The coordinates of the flat index `flat` over `axes` (row-major, the first axis outermost), as substitutions.
  void unflatten(const UOpPtr& flat, const std::vector<const Axis*>& axes, std::unordered_map<const UOp*, UOpPtr>& at) {
    std::int64_t inner = 1;
    for (std::size_t k = axes.size(); k-- > 0;) {
      const Axis& a = *axes[k];
      at[a.var.get()] = a.size == 1 ? idx(0) : bin(Ops::Mod, bin(Ops::IDiv, flat, idx(inner)), idx(a.size));
      inner *= a.size;
    }
  }

  // A scalar memory access's index as base + constant (split_offset: the GPU renderers fold the constant).
  std::int32_t address(const UOpPtr& index) {
    auto [base, offset] = split_offset(index);
    if (!base || offset == 0) return scalar(index);
    return scalar(bin(Ops::Add, base, const_like(*index, static_cast<double>(offset))));
  }

  void accumulate(const UOpPtr& acc, const std::unordered_map<const UOp*, UOpPtr>& unrolled) {
    const std::int32_t slot = acc_inst_.at(acc.get());
    const KInst& def = p_.insts[static_cast<std::size_t>(slot)];
    const int lanes = def.lanes;
    const DType dt = def.dtype;
    UOpPtr body = unrolled.empty() ? acc->src[0] : simplify(substitute(acc->src[0], unrolled));
    auto value = [&](const UOpPtr& n) { return lanes > 1 ? widen(n) : scalar(n); };
    std::int32_t next;
    if (fma_ && acc->arg.alu == Ops::Add && body->op == Ops::Mul && (dt == DType::Float32 || dt == DType::Float64)) {
      std::int32_t a = value(body->src[0]), b = value(body->src[1]);
      next = alu(KOp::MulAcc, dt, {a, b, slot}, lanes);
    } else {
      next = alu(to_kop(acc->arg.alu), dt, {slot, value(body), -1}, lanes);
    }
    push({KOp::AccStore, dt, {slot, next, -1}});
  }
  // After the loops: what the rest of the kernel reads for the Acc (lane partial sums combined in lane order).
  void finish(const UOpPtr& acc) {
    const std::int32_t slot = acc_inst_.at(acc.get());
    const KInst def = p_.insts[static_cast<std::size_t>(slot)];
    std::int32_t v = slot;
    if (reduce_lanes_ && def.lanes > 1) {
      v = push({KOp::Extract, def.dtype, {slot, -1, -1}, 0});
      for (int l = 1; l < def.lanes; ++l) v = alu(to_kop(acc->arg.alu), def.dtype, {v, push({KOp::Extract, def.dtype, {slot, -1, -1}, l}), -1}, 1);
    }
    acc_value_[acc.get()] = v;
  }

  void store(const UOpPtr& s) {
    const UOpPtr &index = s->src[1], &value = s->src[2];
    const std::int32_t param = scalar(s->src[0]);
    if (!depends(index) && !depends(value)) {
      push({KOp::Store, s->dtype, {param, address(index), scalar(value)}});
    } else if (lane_stride(index) == 1 && vector_dtype(s->dtype)) {
      push({KOp::Store, s->dtype, {param, lane(index, 0), widen(value)}, 0, 0.0, static_cast<std::uint8_t>(width_)});
    } else {
      for (int l = 0; l < width_; ++l) push({KOp::Store, s->dtype, {param, lane(index, l), lane(value, l)}});
    }
  }

  struct PairHash {
    std::size_t operator()(const std::pair<const UOp*, int>& p) const { return std::hash<const UOp*>{}(p.first) * 131 + static_cast<std::size_t>(p.second); }
  };

  const LoweredKernel& k_;
  bool fma_;
  KernelProgram p_;
  const UOp* lane_ = nullptr;
  const Axis* inner_ = nullptr;  // the INNER axis, if any
  int width_ = 1;
  bool reduce_lanes_ = false, in_loop_ = false;
  std::int64_t trips_ = 1;
  std::unordered_map<const UOp*, bool> depends_;
  std::unordered_map<const UOp*, std::int32_t> sca_, vec_, acc_inst_, acc_value_;
  std::unordered_map<std::int32_t, std::int32_t> broadcast_;
  std::unordered_map<std::pair<const UOp*, int>, std::int32_t, PairHash> lane_memo_;
  std::vector<const UOp*> loop_scoped_;
  std::vector<std::pair<const UOp*, int>> loop_lanes_;
  std::vector<UOpPtr> keep_;  // every node a memo names stays alive (memos are keyed by address)
};

}  // namespace ctgrad::rt::opt
