#include "ptx_alu.hpp"

#include "ctgrad/runtime/errors.hpp"
#include "ptx_math.hpp"

namespace ctgrad::rt::ptx {

namespace {

[[noreturn]] void unsupported(KOp op, DType d) {
  throw CompileError(std::string("ptx renderer: ") + name(op) + " is not defined for dtype " + name(d));
}

std::string op1(PtxWriter& w, Reg kind, const std::string& opcode, const std::string& a) {
  std::string out = w.reg(kind);
  w.ins(opcode, {out, a});
  return out;
}

std::string op2(PtxWriter& w, Reg kind, const std::string& opcode, const std::string& a, const std::string& b) {
  std::string out = w.reg(kind);
  w.ins(opcode, {out, a, b});
  return out;
}

// Round-to-nearest-even of an f32 to bfloat16 (kept in an f32 register), done on the bits so it runs on sm_75.
std::string round_bf16(PtxWriter& w, const std::string& f) {
  std::string bits = w.reg(Reg::B32), t = w.reg(Reg::B32), quiet = w.reg(Reg::B32), is_nan = w.reg(Reg::Pred);
  w.ins("mov.b32", {bits, f});
  w.ins("shr.u32", {t, bits, "16"});
  w.ins("and.b32", {t, t, "1"});
  w.ins("add.u32", {t, t, "0x7FFF"});
  w.ins("add.u32", {t, bits, t});
  w.ins("and.b32", {t, t, "0xFFFF0000"});
  w.ins("or.b32", {quiet, bits, "0x00400000"});  // a NaN stays a NaN when its low payload bits are dropped
  w.ins("and.b32", {quiet, quiet, "0xFFFF0000"});
  w.ins("setp.nan.f32", {is_nan, f, f});
  w.ins("selp.b32", {t, quiet, t, is_nan});
  return op1(w, Reg::F32, "mov.b32", t);
}

// Round-to-odd: an f32 truncated toward zero gets its last bit set when inexact, so rounding it once more to
// bfloat16 (16 fewer bits) gives the same result as rounding the exact value once.
std::string sticky(PtxWriter& w, const std::string& truncated, const std::string& inexact) {
  std::string bits = w.reg(Reg::B32), odd = w.reg(Reg::B32);
  w.ins("mov.b32", {bits, truncated});
  w.ins("or.b32", {odd, bits, "1"});
  w.ins("selp.b32", {bits, odd, bits, inexact});
  return op1(w, Reg::F32, "mov.b32", bits);
}

// Arithmetic ALU opcode for non-Bool operands, without its type suffix; empty when the dtype lacks the op.
std::string arith_opcode(KOp op, DType d) {
  const bool fl = is_float(d);
  switch (op) {
    case KOp::Add:
      return fl ? "add.rn" : "add";
    case KOp::Sub:
      return fl ? "sub.rn" : "sub";
    case KOp::Mul:
      return fl ? "mul.rn" : "mul.lo";
    case KOp::Div:
      return fl ? "div.rn" : "";
    case KOp::IDiv:
      return fl ? "" : "div";
    case KOp::Mod:
      return fl ? "" : "rem";
    case KOp::Max:
      return "max";
    default:
      return "";
  }
}

std::string emit_compare(PtxWriter& w, KOp op, DType d, const std::string& a, const std::string& b) {
  std::string out = w.reg(Reg::Pred);
  if (d == DType::Bool) {
    if (op == KOp::CmpLt) {  // false < true only
      std::string not_a = op1(w, Reg::Pred, "not.pred", a);
      w.ins("and.pred", {out, not_a, b});
    } else {
      w.ins("xor.pred", {out, a, b});
      if (op == KOp::CmpEq) w.ins("not.pred", {out, out});
    }
    return out;
  }
  // Unordered not-equal: NaN != NaN holds, as in C.
  const char* cmp = op == KOp::CmpLt ? "setp.lt" : op == KOp::CmpEq ? "setp.eq" : is_float(d) ? "setp.neu" : "setp.ne";
  w.ins(std::string(cmp) + arith_type(d), {out, a, b});
  return out;
}

std::string emit_bool_binary(PtxWriter& w, KOp op, const std::string& a, const std::string& b) {
  switch (op) {
    case KOp::And:
    case KOp::Mul:
      return op2(w, Reg::Pred, "and.pred", a, b);
    case KOp::Or:
    case KOp::Add:
    case KOp::Max:
      return op2(w, Reg::Pred, "or.pred", a, b);
    case KOp::Xor:
    case KOp::Sub:
      return op2(w, Reg::Pred, "xor.pred", a, b);
    default:
      unsupported(op, DType::Bool);
  }
}

// The integer type suffix a conversion reads a normalized integer register as.
const char* int_type(DType d) { return arith_type(d); }

std::string int_to_f32_class(PtxWriter& w, DType from, DType to, const std::string& a) {
  const std::string it = int_type(from);
  if (to == DType::Float32) return op1(w, Reg::F32, "cvt.rn.f32" + it, a);
  if (to == DType::Half) {
    std::string h = op1(w, Reg::B16, "cvt.rn.f16" + it, a);
    return op1(w, Reg::F32, "cvt.f32.f16", h);
  }
  std::string truncated = op1(w, Reg::F32, "cvt.rz.f32" + it, a);
  std::string back = op1(w, reg_of(from), "cvt.rzi" + it + ".f32", truncated);
  std::string inexact = op2(w, Reg::Pred, "setp.ne" + it, back, a);
  return round_bf16(w, sticky(w, truncated, inexact));
}

std::string f64_to_f32_class(PtxWriter& w, DType to, const std::string& a) {
  if (to == DType::Float32) return op1(w, Reg::F32, "cvt.rn.f32.f64", a);
  if (to == DType::Half) {
    std::string h = op1(w, Reg::B16, "cvt.rn.f16.f64", a);
    return op1(w, Reg::F32, "cvt.f32.f16", h);
  }
  std::string truncated = op1(w, Reg::F32, "cvt.rz.f32.f64", a);
  std::string back = op1(w, Reg::F64, "cvt.f64.f32", truncated);
  std::string inexact = op2(w, Reg::Pred, "setp.neu.f64", back, a);
  return round_bf16(w, sticky(w, truncated, inexact));
}

std::string int_to_int(PtxWriter& w, DType from, DType to, const std::string& a) {
  const bool wide_from = reg_of(from) == Reg::B64, wide_to = reg_of(to) == Reg::B64;
  if (wide_from && wide_to) return a;  // same bits
  if (!wide_from && wide_to) return op1(w, Reg::B64, is_signed_int(from) ? "cvt.s64.s32" : "cvt.u64.u32", a);
  std::string low = wide_from ? op1(w, Reg::B32, "cvt.u32.u64", a) : a;
  return narrow(w, low, to);
}

std::string float_to_int(PtxWriter& w, DType from, DType to, const std::string& a) {
  const std::string ft = arith_type(from);
  if (to == DType::UInt64) return op1(w, Reg::B64, "cvt.rzi.u64" + ft, a);
  std::string wide = op1(w, Reg::B64, "cvt.rzi.s64" + ft, a);
  if (to == DType::Int64) return wide;
  return narrow(w, op1(w, Reg::B32, "cvt.u32.u64", wide), to);
}

}  // namespace

std::string narrow(PtxWriter& w, const std::string& r, DType d) {
  switch (d) {
    case DType::Int8:
      return op1(w, Reg::B32, "cvt.s32.s8", r);
    case DType::Int16:
      return op1(w, Reg::B32, "cvt.s32.s16", r);
    case DType::UInt8:
      return op2(w, Reg::B32, "and.b32", r, "255");
    case DType::UInt16:
      return op2(w, Reg::B32, "and.b32", r, "65535");
    case DType::Half:
      return op1(w, Reg::F32, "cvt.f32.f16", op1(w, Reg::B16, "cvt.rn.f16.f32", r));
    case DType::BFloat16:
      return round_bf16(w, r);
    default:
      return r;
  }
}

std::string emit_const(PtxWriter& w, DType d, std::int64_t iarg, double farg) {
  switch (d) {
    case DType::Bool: {
      std::string t = w.reg(Reg::B32);
      w.ins("mov.b32", {t, iarg != 0 ? "1" : "0"});
      return op2(w, Reg::Pred, "setp.ne.u32", t, "0");
    }
    case DType::Float32:
      return op1(w, Reg::F32, "mov.f32", f32_imm(static_cast<float>(farg)));
    case DType::Float64:
      return op1(w, Reg::F64, "mov.f64", f64_imm(farg));
    case DType::Half:
    case DType::BFloat16:  // rounded once, from the exact double
      return f64_to_f32_class(w, d, op1(w, Reg::F64, "mov.f64", f64_imm(farg)));
    case DType::Int64:
    case DType::UInt64:
      return op1(w, Reg::B64, "mov.b64", b64_imm(static_cast<std::uint64_t>(iarg)));
    case DType::Int8:
      return op1(w, Reg::B32, "mov.b32", b32_imm(static_cast<std::uint32_t>(static_cast<std::int8_t>(iarg))));
    case DType::Int16:
      return op1(w, Reg::B32, "mov.b32", b32_imm(static_cast<std::uint32_t>(static_cast<std::int16_t>(iarg))));
    case DType::UInt8:
      return op1(w, Reg::B32, "mov.b32", b32_imm(static_cast<std::uint8_t>(iarg)));
    case DType::UInt16:
      return op1(w, Reg::B32, "mov.b32", b32_imm(static_cast<std::uint16_t>(iarg)));
    case DType::Int32:
    case DType::UInt32:
      return op1(w, Reg::B32, "mov.b32", b32_imm(static_cast<std::uint32_t>(iarg)));
  }
  unsupported(KOp::Const, d);
}

std::string emit_unary(PtxWriter& w, KOp op, DType d, const std::string& a) {
  const Reg kind = reg_of(d);
  if (op == KOp::Neg) {
    if (d == DType::Bool) return a;  // -a != 0 exactly when a
    std::string n = op1(w, kind, std::string("neg") + (is_float(d) ? arith_type(d) : kind == Reg::B64 ? ".s64" : ".s32"), a);
    return is_float(d) ? n : narrow(w, n, d);  // float negation is exact; -(-128) wraps for int8
  }
  if (!is_float(d)) unsupported(op, d);
  if (kind == Reg::F64) {
    switch (op) {
      case KOp::Exp2:
        return exp2_f64(w, a);
      case KOp::Log2:
        return log2_f64(w, a);
      case KOp::Sin:
        return sin_f64(w, a);
      case KOp::Sqrt:
        return op1(w, kind, "sqrt.rn.f64", a);
      case KOp::Recip:
        return op1(w, kind, "rcp.rn.f64", a);
      default:
        unsupported(op, d);
    }
  }
  std::string r;
  switch (op) {
    case KOp::Exp2:
      r = op1(w, kind, "ex2.approx.f32", a);
      break;
    case KOp::Log2:
      r = op1(w, kind, "lg2.approx.f32", a);
      break;
    case KOp::Sin:
      r = sin_f32(w, a);
      break;
    case KOp::Sqrt:
      r = op1(w, kind, "sqrt.rn.f32", a);
      break;
    case KOp::Recip:
      r = op1(w, kind, "rcp.rn.f32", a);
      break;
    default:
      unsupported(op, d);
  }
  return narrow(w, r, d);
}

std::string emit_binary(PtxWriter& w, KOp op, DType operand, const std::string& a, const std::string& b) {
  if (is_comparison(op)) return emit_compare(w, op, operand, a, b);
  if (operand == DType::Bool) return emit_bool_binary(w, op, a, b);
  const Reg kind = reg_of(operand);
  if (op == KOp::And || op == KOp::Or || op == KOp::Xor) {  // normalized inputs give normalized outputs
    if (is_float(operand)) unsupported(op, operand);
    const char* suffix = kind == Reg::B64 ? ".b64" : ".b32";
    return op2(w, kind, std::string(op == KOp::And ? "and" : op == KOp::Or ? "or" : "xor") + suffix, a, b);
  }
  std::string opcode = arith_opcode(op, operand);
  if (opcode.empty()) unsupported(op, operand);
  std::string r = op2(w, kind, opcode + arith_type(operand), a, b);
  return op == KOp::Max ? r : narrow(w, r, operand);  // max returns one of its (already exact) operands
}

std::string emit_where(PtxWriter& w, DType d, const std::string& cond, const std::string& a, const std::string& b) {
  if (d != DType::Bool) {
    std::string out = w.reg(reg_of(d));
    w.ins(std::string("selp") + move_type(d), {out, a, b, cond});
    return out;
  }
  std::string take_a = op2(w, Reg::Pred, "and.pred", cond, a);
  std::string not_cond = op1(w, Reg::Pred, "not.pred", cond);
  std::string take_b = op2(w, Reg::Pred, "and.pred", not_cond, b);
  return op2(w, Reg::Pred, "or.pred", take_a, take_b);
}

std::string emit_cast(PtxWriter& w, DType from, DType to, const std::string& a) {
  if (from == to) return a;
  const Reg src = reg_of(from), dst = reg_of(to);
  if (to == DType::Bool) {
    const char* zero = src == Reg::F32 ? "0f00000000" : src == Reg::F64 ? "0d0000000000000000" : "0";
    return op2(w, Reg::Pred, std::string(is_float(from) ? "setp.neu" : "setp.ne") + arith_type(from), a, zero);
  }
  if (from == DType::Bool) {
    std::string out = w.reg(dst);
    if (dst == Reg::F32)
      w.ins("selp.f32", {out, "0f3F800000", "0f00000000", a});
    else if (dst == Reg::F64)
      w.ins("selp.f64", {out, "0d3FF0000000000000", "0d0000000000000000", a});
    else
      w.ins(std::string("selp") + move_type(to), {out, "1", "0", a});
    return out;
  }
  if (!is_float(from) && !is_float(to)) return int_to_int(w, from, to, a);
  if (is_float(from) && !is_float(to)) return float_to_int(w, from, to, a);
  if (!is_float(from)) return dst == Reg::F64 ? op1(w, Reg::F64, std::string("cvt.rn.f64") + int_type(from), a) : int_to_f32_class(w, from, to, a);
  // float -> float
  if (src == Reg::F32 && dst == Reg::F32) return narrow(w, a, to);  // the f32 value is exact, round once
  if (src == Reg::F32) return op1(w, Reg::F64, "cvt.f64.f32", a);
  return f64_to_f32_class(w, to, a);
}

}  // namespace ctgrad::rt::ptx
