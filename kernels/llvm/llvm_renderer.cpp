#include "llvm_renderer.hpp"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <set>
#include <vector>

#include "ctgrad/runtime/errors.hpp"

namespace ctgrad::rt {
namespace {

// The IR type a value lives in. BFloat16 lives in a float holding a bf16-exact value: LLVM lowers bfloat
// truncation to __truncsfbf2, which the JIT cannot resolve on every host, so rounding is done with integer ops.
const char* reg_type(DType d) {
  switch (d) {
    case DType::Bool: return "i1";
    case DType::Int8: case DType::UInt8: return "i8";
    case DType::Int16: case DType::UInt16: return "i16";
    case DType::Int32: case DType::UInt32: return "i32";
    case DType::Int64: case DType::UInt64: return "i64";
    case DType::Half: return "half";
    case DType::BFloat16: case DType::Float32: return "float";
    case DType::Float64: return "double";
  }
  return "?";
}
// How an element is stored in a buffer (Bool as a 0/1 byte, BFloat16 as its 16 bits).
std::string mem_type(DType d) { return d == DType::Bool ? "i8" : d == DType::BFloat16 ? "i16" : reg_type(d); }
// Width of the register type in bits.
int reg_bits(DType d) { return d == DType::Bool ? 1 : d == DType::BFloat16 ? 32 : static_cast<int>(itemsize(d)) * 8; }
// Overload suffix of an intrinsic on this register type: f16, f32, f64, i8...
std::string intrinsic_suffix(DType d) { return (is_float(d) ? "f" : "i") + std::to_string(reg_bits(d)); }
std::string zero(DType d) { return d == DType::Bool ? "false" : is_float(d) ? "0.0" : "0"; }
// The IR type of an instruction's value: a scalar register type, or a vector of them.
std::string value_type(const KInst& in) {
  return in.lanes <= 1 ? std::string(reg_type(in.dtype)) : "<" + std::to_string(in.lanes) + " x " + reg_type(in.dtype) + ">";
}
std::string zero(const KInst& in) { return in.lanes <= 1 ? zero(in.dtype) : "zeroinitializer"; }

// An exact double literal, the form LLVM reads for every floating type.
std::string hex_double(double v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%016llX", static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(v)));
  return buf;
}

// Operands an instruction must have (Load's gate src[2] is optional).
int operand_count(KOp op) {
  if (op == KOp::Param || op == KOp::GlobalIdx || op == KOp::Range || op == KOp::Const) return 0;
  if (op == KOp::EndRange || op == KOp::DefAcc || op == KOp::Cast || is_unary(op)) return 1;
  if (op == KOp::Broadcast || op == KOp::Extract) return 1;
  if (op == KOp::Store || op == KOp::Where || op == KOp::MulAcc) return 3;
  return 2;
}
bool has_value(KOp op) { return op != KOp::Store && op != KOp::EndRange && op != KOp::AccStore; }

// The IR instruction of a binary op on float / signed / unsigned operands; nullptr where the op is undefined.
const char* binary_instr(KOp op, bool fl, bool uns) {
  switch (op) {
    case KOp::Add: return fl ? "fadd" : "add";
    case KOp::Sub: return fl ? "fsub" : "sub";
    case KOp::Mul: return fl ? "fmul" : "mul";
    case KOp::Div: return fl ? "fdiv" : uns ? "udiv" : "sdiv";
    case KOp::IDiv: return fl ? nullptr : uns ? "udiv" : "sdiv";
    case KOp::Mod: return fl ? nullptr : uns ? "urem" : "srem";
    case KOp::And: return fl ? nullptr : "and";
    case KOp::Or: return fl ? nullptr : "or";
    case KOp::Xor: return fl ? nullptr : "xor";
    case KOp::CmpLt: return fl ? "fcmp olt" : uns ? "icmp ult" : "icmp slt";
    case KOp::CmpNe: return fl ? "fcmp une" : "icmp ne";  // une: NaN != x is true, as in C
    case KOp::CmpEq: return fl ? "fcmp oeq" : "icmp eq";
    default: return nullptr;
  }
}

// bf16 rounding (nearest even, NaN kept quiet) with integer ops; double -> bf16 goes through float rounded to odd,
// which makes the two roundings equal one correct rounding.
constexpr const char* bf16_helpers = R"(
define internal float @ctgrad.bf16_round(float %x) alwaysinline nounwind {
  %b = bitcast float %x to i32
  %hi = lshr i32 %b, 16
  %lsb = and i32 %hi, 1
  %bias = add i32 %lsb, 32767
  %rounded = add i32 %b, %bias
  %nan = fcmp uno float %x, 0.0
  %quiet = or i32 %b, 4194304
  %r = select i1 %nan, i32 %quiet, i32 %rounded
  %m = and i32 %r, -65536
  %y = bitcast i32 %m to float
  ret float %y
}
define internal float @ctgrad.bf16_from_f64(double %x) alwaysinline nounwind {
  %t = fptrunc double %x to float
  %back = fpext float %t to double
  %inexact = fcmp one double %back, %x
  %tb = bitcast float %t to i32
  %lsb = and i32 %tb, 1
  %even = icmp eq i32 %lsb, 0
  %fix = and i1 %inexact, %even
  %ab = call double @llvm.fabs.f64(double %back)
  %ax = call double @llvm.fabs.f64(double %x)
  %away = fcmp ogt double %ab, %ax
  %step = select i1 %away, i32 -1, i32 1
  %moved = add i32 %tb, %step
  %odd = select i1 %fix, i32 %moved, i32 %tb
  %f = bitcast i32 %odd to float
  %r = call float @ctgrad.bf16_round(float %f)
  ret float %r
}
declare double @llvm.fabs.f64(double)
)";

class IrWriter {
 public:
  explicit IrWriter(const KernelProgram& p) : p_(p), ref_(p.insts.size()) {}

  std::string render() {
    if (p_.index_dtype != DType::Int32 && p_.index_dtype != DType::Int64)
      throw CompileError("LLVM renderer: kernel " + p_.name + ": index_dtype must be int32 or int64");
    for (std::size_t i = 0; i < p_.insts.size(); ++i) {
      validate(i);
      const KInst& in = p_.insts[i];
      max_vector_bits_ = std::max(max_vector_bits_, static_cast<int>(in.lanes) * reg_bits(in.dtype));
      instruction(i);
    }
    if (!open_ranges_.empty()) fail(open_ranges_.back(), "Range is never closed");
    return assemble();
  }

 private:
  [[noreturn]] void fail(std::size_t i, const std::string& why) const {
    const KInst& in = p_.insts[i];
    throw CompileError("LLVM renderer: kernel " + p_.name + ", instruction " + std::to_string(i) + " (" + name(in.op) + " " +
                       name(in.dtype) + "): " + why);
  }
  void validate(std::size_t i) const {
    const KInst& in = p_.insts[i];
    const int n = operand_count(in.op) + (in.op == KOp::Load && in.src[2] >= 0 ? 1 : 0);
    for (int k = 0; k < n; ++k) {
      const auto s = in.src[static_cast<std::size_t>(k)];
      if (s < 0 || static_cast<std::size_t>(s) >= i) fail(i, "operand " + std::to_string(k) + " must name an earlier instruction");
      if (!has_value(p_.insts[static_cast<std::size_t>(s)].op)) fail(i, "operand " + std::to_string(k) + " has no value");
    }
  }
  const KInst& src(std::size_t i, int k) const { return p_.insts[static_cast<std::size_t>(p_.insts[i].src[static_cast<std::size_t>(k)])]; }
  std::string ix(std::size_t i) const { return std::to_string(i); }

  void line(const std::string& s) { body_ += "  " + s + "\n"; }
  void label(const std::string& l) {
    body_ += l + ":\n";
    block_ = l;
  }
  std::string emit(const std::string& rhs) {
    std::string t = "%t" + std::to_string(tmp_++);
    line(t + " = " + rhs);
    return t;
  }
  // The value of operand k of instruction i; an accumulator is read from its slot.
  std::string operand(std::size_t i, int k) {
    const auto s = static_cast<std::size_t>(p_.insts[i].src[static_cast<std::size_t>(k)]);
    if (p_.insts[s].op == KOp::DefAcc) return emit("load " + value_type(p_.insts[s]) + ", ptr %acc" + ix(s));
    return ref_[s];
  }
  std::string intrinsic(const std::string& name, DType d, const std::vector<std::string>& args, int lanes = 1) {
    const std::string t = lanes <= 1 ? std::string(reg_type(d)) : "<" + std::to_string(lanes) + " x " + reg_type(d) + ">";
    const std::string fn = "@llvm." + name + "." + (lanes <= 1 ? "" : "v" + std::to_string(lanes)) + intrinsic_suffix(d);
    std::string types, values;
    for (const auto& a : args) {
      types += (types.empty() ? "" : ", ") + t;
      values += (values.empty() ? "" : ", ") + t + " " + a;
    }
    declares_.insert("declare " + t + " " + fn + "(" + types + ")");
    return emit("call " + t + " " + fn + "(" + values + ")");
  }
  std::string bf16_round(const std::string& v) {
    uses_bf16_ = true;
    return emit("call float @ctgrad.bf16_round(float " + v + ")");
  }
  std::string bf16_from_f64(const std::string& v) {
    uses_bf16_ = true;
    return emit("call float @ctgrad.bf16_from_f64(double " + v + ")");
  }

  void instruction(std::size_t i) {
    const KInst& in = p_.insts[i];
    const std::string v = "%v" + ix(i);
    switch (in.op) {
      case KOp::Param:
        if (in.iarg < 0 || static_cast<std::size_t>(in.iarg) >= p_.params.size()) fail(i, "no such parameter");
        ref_[i] = "%p" + std::to_string(in.iarg);
        break;
      case KOp::GlobalIdx: ref_[i] = "%g"; break;
      case KOp::Const: ref_[i] = constant(in); break;
      case KOp::DefAcc:
        allocas_ += "  %acc" + ix(i) + " = alloca " + value_type(in) + "\n";
        line("store " + value_type(in) + " " + operand(i, 0) + ", ptr %acc" + ix(i));
        break;
      case KOp::AccStore:
        if (src(i, 0).op != KOp::DefAcc) fail(i, "src[0] is not a DefAcc");
        line("store " + value_type(src(i, 0)) + " " + operand(i, 1) + ", ptr %acc" + ix(static_cast<std::size_t>(in.src[0])));
        break;
      case KOp::Range: {
        const std::string l = "range" + ix(i), from = block_;
        // an empty range keeps the body (valid IR, removed by the optimizer) behind a branch never taken
        line(in.iarg > 0 ? "br label %" + l : "br i1 false, label %" + l + ", label %" + l + ".end");
        label(l);
        line(v + " = phi " + reg_type(in.dtype) + " [ 0, %" + from + " ], [ " + v + ".next, %" + l + ".latch ]");
        ref_[i] = v;
        open_ranges_.push_back(i);
        break;
      }
      case KOp::EndRange: {
        const auto r = static_cast<std::size_t>(in.src[0]);
        if (open_ranges_.empty() || open_ranges_.back() != r) fail(i, "does not close the innermost open Range");
        open_ranges_.pop_back();
        const std::string l = "range" + ix(r), rv = "%v" + ix(r), t = reg_type(p_.insts[r].dtype);
        line("br label %" + l + ".latch");
        label(l + ".latch");
        line(rv + ".next = add nuw nsw " + t + " " + rv + ", 1");
        line(rv + ".more = icmp slt " + t + " " + rv + ".next, " + std::to_string(p_.insts[r].iarg));
        line("br i1 " + rv + ".more, label %" + l + ", label %" + l + ".end");
        label(l + ".end");
        break;
      }
      case KOp::Load: load(i); break;
      case KOp::Store: store(i); break;
      case KOp::Broadcast: {
        const std::string t = value_type(in), one = emit("insertelement " + t + " poison, " + reg_type(in.dtype) + " " + operand(i, 0) + ", i32 0");
        ref_[i] = emit("shufflevector " + t + " " + one + ", " + t + " poison, <" + std::to_string(in.lanes) + " x i32> zeroinitializer");
        break;
      }
      case KOp::Insert:
        ref_[i] = emit("insertelement " + value_type(in) + " " + operand(i, 0) + ", " + reg_type(in.dtype) + " " + operand(i, 1) + ", i32 " +
                       std::to_string(in.iarg));
        break;
      case KOp::Extract:
        ref_[i] = emit("extractelement " + value_type(src(i, 0)) + " " + operand(i, 0) + ", i32 " + std::to_string(in.iarg));
        break;
      case KOp::Shared: case KOp::Barrier: fail(i, "is GPU block-shared memory: the CPU devices have no blocks");
      case KOp::MulAcc:
        if (!is_float(in.dtype) || in.dtype == DType::BFloat16) fail(i, "MulAcc needs a float32/float64/half operand");
        ref_[i] = intrinsic("fma", in.dtype, {operand(i, 0), operand(i, 1), operand(i, 2)}, in.lanes);
        break;
      default: alu(i);
    }
  }

  std::string constant(const KInst& in) {
    switch (in.dtype) {
      case DType::Bool: return in.iarg != 0 ? "true" : "false";
      case DType::Half: return emit("fptrunc double " + hex_double(in.farg) + " to half");  // folded by the optimizer
      case DType::BFloat16: return bf16_from_f64(hex_double(in.farg));
      case DType::Float32: return hex_double(static_cast<float>(in.farg));
      case DType::Float64: return hex_double(in.farg);
      default: {  // the integer as its type holds it, so LLVM's parser never sees an out-of-range literal
        const int shift = 64 - reg_bits(in.dtype);
        return std::to_string(static_cast<std::int64_t>(static_cast<std::uint64_t>(in.iarg) << shift) >> shift);
      }
    }
  }

  // The address of element src[1] of the buffer src[0], checked to be a parameter of the value's dtype.
  std::string address(std::size_t i, DType value) {
    if (src(i, 0).op != KOp::Param) fail(i, "src[0] is not a Param");
    if (src(i, 0).dtype != value) fail(i, std::string("the buffer holds ") + name(src(i, 0).dtype));
    const std::string ptr = operand(i, 0), idx = operand(i, 1);
    return emit("getelementptr inbounds " + mem_type(value) + ", ptr " + ptr + ", " + reg_type(src(i, 1).dtype) + " " + idx);
  }

  void load(std::size_t i) {
    const KInst& in = p_.insts[i];
    auto read = [&] {
      if (in.lanes > 1) {  // only float and wide-integer vectors: no Bool/BFloat16 widening
        if (in.dtype == DType::Bool || in.dtype == DType::BFloat16) fail(i, "a vector load of this dtype");
        return emit("load " + value_type(in) + ", ptr " + address(i, in.dtype) + ", align " + std::to_string(itemsize(in.dtype)));
      }
      const std::string raw = emit("load " + mem_type(in.dtype) + ", ptr " + address(i, in.dtype));
      if (in.dtype == DType::Bool) return emit("icmp ne i8 " + raw + ", 0");
      if (in.dtype != DType::BFloat16) return raw;
      const std::string wide = emit("zext i16 " + raw + " to i32");
      return emit("bitcast i32 " + emit("shl i32 " + wide + ", 16") + " to float");
    };
    if (in.src[2] < 0) {
      ref_[i] = read();
      return;
    }
    // Gated: branch around the access, so a false gate never touches memory (the vectorizer makes it a masked load).
    if (src(i, 2).dtype != DType::Bool) fail(i, "the gate src[2] is not Bool");
    const std::string gate = operand(i, 2), l = "load" + ix(i), from = block_;
    line("br i1 " + gate + ", label %" + l + ", label %" + l + ".join");
    label(l);
    const std::string value = read();
    line("br label %" + l + ".join");
    label(l + ".join");
    ref_[i] = emit("phi " + value_type(in) + " [ " + value + ", %" + l + " ], [ " + zero(in) + ", %" + from + " ]");
  }

  void store(std::size_t i) {
    const DType d = src(i, 2).dtype;
    const std::string addr = address(i, d);
    std::string value = operand(i, 2);
    if (src(i, 2).lanes > 1) {
      if (d == DType::Bool || d == DType::BFloat16) fail(i, "a vector store of this dtype");
      line("store " + value_type(src(i, 2)) + " " + value + ", ptr " + addr + ", align " + std::to_string(itemsize(d)));
      return;
    }
    if (d == DType::Bool) value = emit("zext i1 " + value + " to i8");
    if (d == DType::BFloat16) value = emit("trunc i32 " + emit("lshr i32 " + emit("bitcast float " + value + " to i32") + ", 16") + " to i16");
    line("store " + mem_type(d) + " " + value + ", ptr " + addr);
  }

  void alu(std::size_t i) {
    const KInst& in = p_.insts[i];
    auto half = [](DType d) { return d == DType::BFloat16 || d == DType::Half; };
    if (in.lanes > 1 && (half(in.dtype) || half(src(i, 0).dtype))) fail(i, "half and bfloat16 vectors are not supported");
    if (in.op == KOp::Cast) {
      ref_[i] = cast(operand(i, 0), src(i, 0).dtype, in.dtype, in.lanes);
      return;
    }
    if (in.lanes > 1 && in.op != KOp::Where && !is_unary(in.op) && !is_binary(in.op)) fail(i, "has no vector form");
    if (in.op == KOp::Where) {
      const std::string c = operand(i, 0), a = operand(i, 1), b = operand(i, 2), t = value_type(in);
      const std::string ct = src(i, 0).lanes > 1 ? "<" + std::to_string(in.lanes) + " x i1>" : "i1";
      ref_[i] = emit("select " + ct + " " + c + ", " + t + " " + a + ", " + t + " " + b);
      return;
    }
    if (!is_unary(in.op) && !is_binary(in.op)) fail(i, "unknown op");
    const DType d = src(i, 0).dtype;
    const bool fl = is_float(d);
    const int lanes = src(i, 0).lanes;
    const std::string t = value_type(src(i, 0)), a = operand(i, 0);
    std::string r;
    if (is_unary(in.op)) {
      if (in.op == KOp::Neg) {
        r = emit(fl ? "fneg " + t + " " + a : "sub " + t + " 0, " + a);
      } else if (!fl) {
        fail(i, "needs a floating-point operand");
      } else if (in.op == KOp::Recip) {
        r = emit("fdiv " + t + " " + splat(lanes, reg_type(d), "1.0") + ", " + a);
      } else {  // vector forms of exp2, log2 and sin are per-lane library calls after LLVM's lowering
        r = intrinsic(in.op == KOp::Exp2 ? "exp2" : in.op == KOp::Log2 ? "log2" : in.op == KOp::Sin ? "sin" : "sqrt", d, {a}, lanes);
      }
    } else {
      const std::string b = operand(i, 1);
      KOp op = in.op;
      if (d == DType::Bool) {  // arithmetic on Bool wraps to != 0, which makes these logic ops
        if (op == KOp::Add || op == KOp::Max) op = KOp::Or;
        if (op == KOp::Mul) op = KOp::And;
        if (op == KOp::Sub) op = KOp::Xor;
      }
      if (op == KOp::Max) {  // maxnum is C's fmax: a NaN operand yields the other one, as in interpret()
        r = intrinsic(fl ? "maxnum" : is_unsigned(d) ? "umax" : "smax", d, {a, b}, lanes);
      } else {
        const char* instr = binary_instr(op, fl, is_unsigned(d));
        if (instr == nullptr) fail(i, std::string("not defined for ") + name(d));
        r = emit(std::string(instr) + " " + t + " " + a + ", " + b);
      }
    }
    ref_[i] = in.dtype == DType::BFloat16 && !is_comparison(in.op) ? bf16_round(r) : r;
  }

  // A constant with `value` in every lane (the scalar itself for one lane).
  static std::string splat(int lanes, const std::string& type, const std::string& value) {
    if (lanes <= 1) return value;
    std::string out = "<";
    for (int l = 0; l < lanes; ++l) out += (l ? ", " : "") + type + " " + value;
    return out + ">";
  }
  // Value conversion with interpret()'s semantics (float -> int truncates; narrow integers wrap; to Bool is != 0),
  // lane by lane for vectors (no half or bfloat16 vectors: alu() refuses them).
  std::string cast(const std::string& v, DType from, DType to, int lanes = 1) {
    if (from == to) return v;
    auto vt = [&](const std::string& scalar) { return lanes <= 1 ? scalar : "<" + std::to_string(lanes) + " x " + scalar + ">"; };
    const std::string f = vt(reg_type(from)), t = vt(reg_type(to));
    const std::string zeros = lanes > 1 ? "zeroinitializer" : zero(from);
    if (to == DType::Bool) return emit((is_float(from) ? "fcmp une " : "icmp ne ") + f + " " + v + ", " + zeros);
    if (is_float(from) && is_float(to)) {
      if (to == DType::BFloat16) return from == DType::Float64 ? bf16_from_f64(v) : bf16_round(cast(v, from, DType::Float32));
      if (reg_bits(from) == reg_bits(to)) return v;  // BFloat16 -> Float32
      return emit((reg_bits(from) < reg_bits(to) ? "fpext " : "fptrunc ") + f + " " + v + " to " + t);
    }
    if (is_float(from)) {  // through i64, so narrow targets wrap like interpret()'s int64 conversion
      if (reg_bits(to) == 64) return emit((is_unsigned(to) ? "fptoui " : "fptosi ") + f + " " + v + " to " + vt("i64"));
      return emit("trunc " + vt("i64") + " " + emit("fptosi " + f + " " + v + " to " + vt("i64")) + " to " + t);
    }
    const std::string itof = is_unsigned(from) ? "uitofp " : "sitofp ";
    // bf16 via the exact double; half via float (exact below 2^24, and larger values overflow half anyway)
    if (to == DType::BFloat16) return bf16_from_f64(emit(itof + f + " " + v + " to double"));
    if (to == DType::Half) return emit("fptrunc float " + emit(itof + f + " " + v + " to float") + " to half");
    if (is_float(to)) return emit(itof + f + " " + v + " to " + t);
    if (reg_bits(from) == reg_bits(to)) return v;
    return emit((reg_bits(to) < reg_bits(from) ? "trunc " : is_unsigned(from) ? "zext " : "sext ") + f + " " + v + " to " + t);
  }

  std::string assemble() const {
    const std::string it = reg_type(p_.index_dtype), fn = "@\"" + p_.name + "\"", body_fn = "@\"" + p_.name + ".body\"";
    std::string out = "; ctgrad kernel " + p_.name + ": " + std::to_string(p_.params.size()) + " buffers, global_size " +
                      std::to_string(p_.global_size) + "\n";
    std::string args, call;
    for (std::size_t k = 0; k < p_.params.size(); ++k) {
      args += "ptr noalias nocapture %p" + ix(k) + ", ";
      call += "ptr %p" + ix(k) + ", ";
    }
    // explicit 512-bit vectors stay whole on CPUs whose tuning prefers 256-bit ones (what clang marks for intrinsics)
    const std::string wide = max_vector_bits_ > 256 ? " \"min-legal-vector-width\"=\"" + std::to_string(max_vector_bits_) + "\"" : "";
    out += "define void " + fn + "(ptr noalias nocapture readonly %bufs, i64 %start, i64 %end) nounwind" + wide + " {\nentry:\n";
    for (std::size_t k = 0; k < p_.params.size(); ++k) {
      out += "  %slot" + ix(k) + " = getelementptr inbounds ptr, ptr %bufs, i64 " + ix(k) + "\n";
      out += "  %p" + ix(k) + " = load ptr, ptr %slot" + ix(k) + "\n";
    }
    out += "  call void " + body_fn + "(" + call + "i64 %start, i64 %end)\n  ret void\n}\n\n";

    out += "define internal void " + body_fn + "(" + args + "i64 %start, i64 %end) alwaysinline nounwind" + wide + " {\nentry:\n" + allocas_;
    const bool narrow = p_.index_dtype == DType::Int32;  // an Int32 program counts g in i32, so index math stays affine
    const std::string start = narrow ? "%start.i" : "%start", end = narrow ? "%end.i" : "%end";
    if (narrow) out += "  %start.i = trunc i64 %start to i32\n  %end.i = trunc i64 %end to i32\n";
    out += "  %any = icmp slt " + it + " " + start + ", " + end + "\n  br i1 %any, label %g.body, label %exit\n";
    out += "g.body:\n  %g = phi " + it + " [ " + start + ", %entry ], [ %g.next, %g.latch ]\n" + body_;
    out += "  br label %g.latch\ng.latch:\n  %g.next = add nuw nsw " + it + " %g, 1\n";
    out += "  %g.more = icmp slt " + it + " %g.next, " + end + "\n  br i1 %g.more, label %g.body, label %exit\n";
    out += "exit:\n  ret void\n}\n";
    for (const auto& d : declares_) out += d + "\n";
    if (uses_bf16_) out += bf16_helpers;
    return out;
  }

  const KernelProgram& p_;
  std::vector<std::string> ref_;  // the IR value of each instruction (a name or a literal)
  std::string allocas_, body_, block_ = "g.body";
  std::set<std::string> declares_;
  std::vector<std::size_t> open_ranges_;
  int tmp_ = 0, max_vector_bits_ = 0;
  bool uses_bf16_ = false;
};

}  // namespace

std::string render_llvm_ir(const KernelProgram& program) { return IrWriter(program).render(); }

}  // namespace ctgrad::rt
