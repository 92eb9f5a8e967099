#include "spirv_render.hpp"

#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "ctgrad/runtime/errors.hpp"
#include "spirv_alu.hpp"
#include "spirv_dispatch.hpp"
#include "spirv_module.hpp"
#include "spirv_types.hpp"

namespace ctgrad::rt::spirv {

namespace {

double round_to_bfloat16(double v) {
  const float f = static_cast<float>(v);
  if (std::isnan(f)) return v;
  auto bits = std::bit_cast<std::uint32_t>(f);
  bits = (bits + 0x7fffu + ((bits >> 16) & 1u)) & 0xffff0000u;
  return std::bit_cast<float>(bits);
}

class Renderer {
 public:
  explicit Renderer(const KernelProgram& p) : p_(p), value_(p.insts.size()), acc_(p.insts.size()), loop_(p.insts.size()) {}

  std::string run() {
    const DispatchPlan plan = plan_dispatch(p_.global_size, p_.local_size);
    declare_capabilities_used();
    for (std::size_t i = 0; i < p_.params.size(); ++i) {
      const auto& param = p_.params[i];
      buffer_.push_back(m_.storage_buffer(storage_type(param.dtype), static_cast<int>(i), !param.written));
    }
    const std::string inside = m_.op(kBool, "OpULessThan", {global_index(plan), index_const(p_.global_size, "global_size")});
    m_.emit("OpSelectionMerge %end None");
    m_.emit("OpBranchConditional " + inside + " %body %end");
    m_.begin_block("%body");
    for (std::size_t i = 0; i < p_.insts.size(); ++i) {
      try {
        emit(i);
      } catch (const CompileError& e) {
        const KInst& in = p_.insts[i];
        throw CompileError("SPIR-V render of kernel '" + p_.name + "', instruction " + std::to_string(i) + " (" + name(in.op) + ' ' + name(in.dtype) +
                           "): " + e.what());
      }
    }
    if (!open_loops_.empty())
      throw CompileError("SPIR-V render of kernel '" + p_.name + "': Range " + std::to_string(open_loops_.back()) + " is never closed");
    m_.emit("OpBranch %end");
    m_.begin_block("%end");
    m_.emit("OpReturn");
    return m_.text(plan.local_size);
  }

 private:
  struct Loop {
    std::string counter_var, counter, header, continue_block, merge;
  };

  void declare_capabilities_used() {
    for (const auto& param : p_.params) declare_capabilities(m_, param.dtype, true);
    for (const auto& in : p_.insts) declare_capabilities(m_, in.dtype, false);
    declare_capabilities(m_, p_.index_dtype, false);
  }

  std::string index_const(std::int64_t v, const char* what) {
    const Type t = register_type(p_.index_dtype);
    if (t.bits == 32 && v > INT32_MAX)
      throw CompileError("SPIR-V render of kernel '" + p_.name + "': " + what + " " + std::to_string(v) + " needs index_dtype int64");
    return m_.uint_const(t, static_cast<std::uint64_t>(v));
  }

  // g from the invocation id: x, or y * (groups_x * local_size) + x for a 2D dispatch; in the index register type.
  std::string global_index(const DispatchPlan& plan) {
    const Type index = register_type(p_.index_dtype);
    const std::string v3 = m_.vector_type(kU32, 3);
    const std::string id = m_.op_raw(v3, "OpLoad", {m_.builtin_input("GlobalInvocationId", v3)});
    auto component = [&](int k) {
      std::string c = m_.op(kU32, "OpCompositeExtract", {id, std::to_string(k)});
      return index.bits == 32 ? c : m_.op(index, "OpUConvert", {c});
    };
    global_idx_ = component(0);
    if (plan.groups_y > 1) {
      const std::string row = m_.uint_const(index, std::uint64_t{plan.groups_x} * static_cast<std::uint64_t>(plan.local_size));
      global_idx_ = m_.op(index, "OpIAdd", {m_.op(index, "OpIMul", {component(1), row}), global_idx_});
    }
    return global_idx_;
  }

  std::size_t source(std::size_t i, int k) const {
    const std::int32_t s = p_.insts[i].src[static_cast<std::size_t>(k)];
    if (s < 0 || static_cast<std::size_t>(s) >= i)
      throw CompileError("operand " + std::to_string(k) + " (" + std::to_string(s) + ") is not an earlier instruction");
    return static_cast<std::size_t>(s);
  }
  DType dtype_of(std::size_t i, int k) const { return p_.insts[source(i, k)].dtype; }

  // The SSA value of operand k; a DefAcc operand reads the accumulator's current value.
  std::string operand(std::size_t i, int k) {
    const std::size_t s = source(i, k);
    if (p_.insts[s].op == KOp::DefAcc) return m_.op(register_type(p_.insts[s].dtype), "OpLoad", {acc_[s]});
    if (value_[s].empty()) throw CompileError(std::string("operand ") + std::to_string(k) + " (" + name(p_.insts[s].op) + ") has no value");
    return value_[s];
  }

  // A Load's or Store's element of a Shared array: kept in register form (no buffer conversion).
  bool shared(std::size_t i) const { return p_.insts[source(i, 0)].op == KOp::Shared; }
  std::string shared_element(std::size_t i) {
    const KInst& array = p_.insts[source(i, 0)];
    return m_.op_raw(m_.pointer_type("Workgroup", m_.type(register_type(array.dtype))), "OpAccessChain", {value_[source(i, 0)], operand(i, 1)});
  }

  // Pointer to element `index` of the buffer that operand 0 (a Param) names.
  std::pair<std::string, DType> element(std::size_t i) {
    const KInst& param = p_.insts[source(i, 0)];
    if (param.op != KOp::Param) throw CompileError("operand 0 is not a Param");
    if (param.iarg < 0 || static_cast<std::size_t>(param.iarg) >= p_.params.size())
      throw CompileError("Param index " + std::to_string(param.iarg) + " out of range");
    const auto k = static_cast<std::size_t>(param.iarg);
    const DType d = p_.params[k].dtype;
    const std::string pointer = m_.pointer_type("StorageBuffer", m_.type(storage_type(d)));
    return {m_.op_raw(pointer, "OpAccessChain", {buffer_[k], m_.zero(kU32), operand(i, 1)}), d};
  }

  void expect_dtype(DType got, DType want, const char* what) {
    if (got != want) throw CompileError(std::string(what) + " has dtype " + name(got) + ", expected " + name(want));
  }

  std::string load(std::size_t i) {
    const KInst& in = p_.insts[i];
    auto read = [&] {
      if (shared(i)) return m_.op(register_type(in.dtype), "OpLoad", {shared_element(i)});
      auto [pointer, d] = element(i);
      expect_dtype(in.dtype, d, "the load");
      return load_conversion(m_, d, m_.op(storage_type(d), "OpLoad", {pointer}));
    };
    if (in.src[2] < 0) return read();
    // Gated: only the taken branch touches memory; the merge picks the loaded value or zero.
    const std::string gate = operand(i, 2), before = m_.block();
    const std::string taken = m_.fresh("gated_load"), merge = m_.fresh("gate_merge");
    m_.emit("OpSelectionMerge " + merge + " None");
    m_.emit("OpBranchConditional " + gate + ' ' + taken + ' ' + merge);
    m_.begin_block(taken);
    const std::string loaded = read();
    const std::string loaded_in = m_.block();
    m_.emit("OpBranch " + merge);
    m_.begin_block(merge);
    const Type t = register_type(in.dtype);
    return m_.op(t, "OpPhi", {loaded, loaded_in, m_.zero(t), before});
  }

  void store(std::size_t i) {
    if (shared(i)) {
      m_.emit("OpStore " + shared_element(i) + ' ' + operand(i, 2));
      return;
    }
    auto [pointer, d] = element(i);
    expect_dtype(dtype_of(i, 2), d, "the stored value");
    m_.emit("OpStore " + pointer + ' ' + store_conversion(m_, d, operand(i, 2)));
  }

  std::string constant(const KInst& in) {
    const Type t = register_type(in.dtype);
    if (in.dtype == DType::Bool) return m_.bool_const(in.iarg != 0);
    if (in.dtype == DType::BFloat16) return m_.float_const(t, round_to_bfloat16(in.farg));
    if (is_float(in.dtype)) return m_.float_const(t, in.farg);
    return m_.uint_const(t, static_cast<std::uint64_t>(in.iarg));
  }

  // A Range: header (load counter, test, OpLoopMerge) -> body ... continue (increment) -> header; merge after.
  void open_range(std::size_t i) {
    const KInst& in = p_.insts[i];
    if (is_float(in.dtype) || in.dtype == DType::Bool) throw CompileError("a Range counter must be an integer");
    const Type t = register_type(in.dtype);
    Loop& l = loop_[i];
    l.counter_var = m_.local(t);
    l.header = m_.fresh("loop");
    l.continue_block = m_.fresh("loop_next");
    l.merge = m_.fresh("loop_end");
    const std::string body = m_.fresh("loop_body");
    m_.emit("OpStore " + l.counter_var + ' ' + m_.zero(t));
    m_.emit("OpBranch " + l.header);
    m_.begin_block(l.header);
    l.counter = m_.op(t, "OpLoad", {l.counter_var});
    if (t.bits == 32 && in.iarg > INT32_MAX) throw CompileError("Range count " + std::to_string(in.iarg) + " exceeds a 32-bit counter");
    const std::string more = m_.op(kBool, "OpSLessThan", {l.counter, m_.uint_const(t, static_cast<std::uint64_t>(in.iarg))});
    m_.emit("OpLoopMerge " + l.merge + ' ' + l.continue_block + " None");
    m_.emit("OpBranchConditional " + more + ' ' + body + ' ' + l.merge);
    m_.begin_block(body);
    value_[i] = l.counter;
    open_loops_.push_back(i);
  }

  void close_range(std::size_t i) {
    const std::size_t r = source(i, 0);
    if (open_loops_.empty() || open_loops_.back() != r) throw CompileError("EndRange does not close the innermost open Range");
    open_loops_.pop_back();
    const Loop& l = loop_[r];
    const Type t = register_type(p_.insts[r].dtype);
    m_.emit("OpBranch " + l.continue_block);
    m_.begin_block(l.continue_block);
    m_.emit("OpStore " + l.counter_var + ' ' + m_.op(t, "OpIAdd", {l.counter, m_.one(t)}));
    m_.emit("OpBranch " + l.header);
    m_.begin_block(l.merge);
  }

  void emit(std::size_t i) {
    const KInst& in = p_.insts[i];
    m_.comment(std::to_string(i) + ' ' + name(in.op) + ' ' + name(in.dtype));
    // the GPU optimizer never vectorizes (optimize.hpp); a vector here is a bug, not slow code
    if (in.lanes != 1) throw CompileError("a vector of " + std::to_string(in.lanes) + " lanes");
    switch (in.op) {
      case KOp::Param:
        break;  // bound by element()
      case KOp::GlobalIdx:
        value_[i] = emit_cast(m_, p_.index_dtype, in.dtype, global_idx_);
        break;
      case KOp::Range:
        open_range(i);
        break;
      case KOp::EndRange:
        close_range(i);
        break;
      case KOp::DefAcc:
        acc_[i] = m_.local(register_type(in.dtype));
        m_.emit("OpStore " + acc_[i] + ' ' + operand(i, 0));
        break;
      case KOp::AccStore: {
        const std::size_t acc = source(i, 0);
        if (p_.insts[acc].op != KOp::DefAcc) throw CompileError("operand 0 is not a DefAcc");
        m_.emit("OpStore " + acc_[acc] + ' ' + operand(i, 1));
        break;
      }
      case KOp::Const:
        value_[i] = constant(in);
        break;
      case KOp::Load:
        value_[i] = load(i);
        break;
      case KOp::Store:
        store(i);
        break;
      case KOp::Where:
        expect_dtype(dtype_of(i, 0), DType::Bool, "the condition");
        value_[i] = m_.op(register_type(in.dtype), "OpSelect", {operand(i, 0), operand(i, 1), operand(i, 2)});
        break;
      case KOp::Cast:
        value_[i] = emit_cast(m_, dtype_of(i, 0), in.dtype, operand(i, 0));
        break;
      case KOp::Shared:
        value_[i] = m_.workgroup_array(register_type(in.dtype), in.iarg, static_cast<int>(i));
        break;
      case KOp::Barrier:  // workgroup execution and memory barrier: the fill's stores are visible to every reader
        m_.emit("OpControlBarrier " + m_.uint_const(kU32, 2) + ' ' + m_.uint_const(kU32, 2) + ' ' + m_.uint_const(kU32, 0x108));
        break;
      case KOp::MulAcc:  // the optimizer's FMA (float32 and float64 only)
        if (in.dtype != DType::Float32 && in.dtype != DType::Float64) throw CompileError(std::string("MulAcc is not defined for ") + name(in.dtype));
        value_[i] = m_.glsl(register_type(in.dtype), "Fma", {operand(i, 0), operand(i, 1), operand(i, 2)});
        break;
      default:
        if (is_unary(in.op)) {
          value_[i] = emit_unary(m_, in.op, dtype_of(i, 0), operand(i, 0));
        } else {
          expect_dtype(dtype_of(i, 1), dtype_of(i, 0), "operand 1");
          const std::string a = operand(i, 0), b = operand(i, 1);
          value_[i] = emit_binary(m_, in.op, dtype_of(i, 0), a, b);
        }
    }
  }

  const KernelProgram& p_;
  Module m_;
  std::string global_idx_;
  std::vector<std::string> value_;   // SSA id of each instruction's result
  std::vector<std::string> acc_;     // Function variable of each DefAcc
  std::vector<Loop> loop_;           // per Range
  std::vector<std::string> buffer_;  // per kernel parameter
  std::vector<std::size_t> open_loops_;
};

}  // namespace

std::string render(const KernelProgram& program) {
  try {
    return Renderer(program).run();
  } catch (const CompileError& e) {
    if (std::string_view(e.what()).find(program.name) != std::string_view::npos) throw;
    throw CompileError("SPIR-V render of kernel '" + program.name + "': " + e.what());
  }
}

}  // namespace ctgrad::rt::spirv
