#include "spirv_alu.hpp"

#include "ctgrad/runtime/errors.hpp"
#include "spirv_f64_math.hpp"
#include "spirv_types.hpp"

namespace ctgrad::rt::spirv {

namespace {

bool is_signed_int(DType d) { return is_int(d) && !is_unsigned(d); }

[[noreturn]] void reject(KOp op, DType d) { throw CompileError(std::string(name(op)) + " is not defined for " + name(d)); }

// The f32 `value` rounded to bfloat16 (nearest, ties to even) as u32 bits whose low half is zero; NaN stays NaN.
std::string bfloat16_bits(Module& m, const std::string& value) {
  const std::string bits = m.op(kU32, "OpBitcast", {value});
  const std::string lsb = m.op(kU32, "OpBitwiseAnd", {m.op(kU32, "OpShiftRightLogical", {bits, m.uint_const(kU32, 16)}), m.one(kU32)});
  const std::string biased = m.op(kU32, "OpIAdd", {m.op(kU32, "OpIAdd", {bits, m.uint_const(kU32, 0x7fff)}), lsb});
  const std::string quiet_nan = m.op(kU32, "OpBitwiseOr", {bits, m.uint_const(kU32, 0x00400000)});
  const std::string chosen = m.op(kU32, "OpSelect", {m.op(kBool, "OpIsNan", {value}), quiet_nan, biased});
  return m.op(kU32, "OpBitwiseAnd", {chosen, m.uint_const(kU32, 0xffff0000)});
}

std::string round_to_bfloat16(Module& m, const std::string& value) { return m.op(kF32, "OpBitcast", {bfloat16_bits(m, value)}); }

std::string transcendental(Module& m, KOp op, DType d, const std::string& a) {
  const char* glsl_name = op == KOp::Exp2 ? "Exp2" : op == KOp::Log2 ? "Log2" : op == KOp::Sin ? "Sin" : "Sqrt";
  if (d == DType::Float64) {
    if (op == KOp::Sqrt) return m.glsl(register_type(d), "Sqrt", {a});
    return op == KOp::Exp2 ? exp2_f64(m, a) : op == KOp::Log2 ? log2_f64(m, a) : sin_f64(m, a);
  }
  if (d == DType::Half) {  // f16 builtins are allowed to be coarse; f32 and one rounding keep half results exact
    const Type half = register_type(d);
    return m.op(half, "OpFConvert", {m.glsl(kF32, glsl_name, {m.op(kF32, "OpFConvert", {a})})});
  }
  return m.glsl(kF32, glsl_name, {a});
}

std::string bool_binary(Module& m, KOp op, const std::string& a, const std::string& b) {
  switch (op) {
    case KOp::Add: case KOp::Or: case KOp::Max: return m.op(kBool, "OpLogicalOr", {a, b});
    case KOp::Mul: case KOp::And: return m.op(kBool, "OpLogicalAnd", {a, b});
    case KOp::Sub: case KOp::Xor: case KOp::CmpNe: return m.op(kBool, "OpLogicalNotEqual", {a, b});
    case KOp::CmpEq: return m.op(kBool, "OpLogicalEqual", {a, b});
    case KOp::CmpLt: return m.op(kBool, "OpLogicalAnd", {m.op(kBool, "OpLogicalNot", {a}), b});
    default: reject(op, DType::Bool);
  }
}

std::string float_binary(Module& m, KOp op, DType d, const std::string& a, const std::string& b) {
  const Type t = register_type(d);
  switch (op) {
    case KOp::Add: return m.op(t, "OpFAdd", {a, b});
    case KOp::Sub: return m.op(t, "OpFSub", {a, b});
    case KOp::Mul: return m.op(t, "OpFMul", {a, b});
    case KOp::Div: return m.op(t, "OpFDiv", {a, b});
    case KOp::Max: return m.glsl(t, "NMax", {a, b});  // like fmax: a NaN operand yields the other one
    case KOp::CmpLt: return m.op(kBool, "OpFOrdLessThan", {a, b});
    case KOp::CmpNe: return m.op(kBool, "OpFUnordNotEqual", {a, b});  // NaN != x holds, as in C
    case KOp::CmpEq: return m.op(kBool, "OpFOrdEqual", {a, b});
    default: reject(op, d);
  }
}

std::string int_binary(Module& m, KOp op, DType d, const std::string& a, const std::string& b) {
  const Type t = register_type(d);
  const bool s = is_signed_int(d);
  switch (op) {
    case KOp::Add: return m.op(t, "OpIAdd", {a, b});
    case KOp::Sub: return m.op(t, "OpISub", {a, b});
    case KOp::Mul: return m.op(t, "OpIMul", {a, b});
    case KOp::Div: case KOp::IDiv: return m.op(t, s ? "OpSDiv" : "OpUDiv", {a, b});
    case KOp::Mod:
      if (!s) return m.op(t, "OpUMod", {a, b});
      // C's % (the dividend's sign) as a - (a / b) * b. Not OpSRem: NVIDIA's driver computes it on our unsigned-declared
      // operand types as an unsigned remainder (wrong for every negative operand), while OpSDiv, OpIMul and OpISub
      // are right there and wrap as the SPIR-V spec defines.
      return m.op(t, "OpISub", {a, m.op(t, "OpIMul", {m.op(t, "OpSDiv", {a, b}), b})});
    case KOp::Max: return m.op(t, "OpSelect", {m.op(kBool, s ? "OpSLessThan" : "OpULessThan", {a, b}), b, a});
    case KOp::And: return m.op(t, "OpBitwiseAnd", {a, b});
    case KOp::Or: return m.op(t, "OpBitwiseOr", {a, b});
    case KOp::Xor: return m.op(t, "OpBitwiseXor", {a, b});
    case KOp::CmpLt: return m.op(kBool, s ? "OpSLessThan" : "OpULessThan", {a, b});
    case KOp::CmpNe: return m.op(kBool, "OpINotEqual", {a, b});
    case KOp::CmpEq: return m.op(kBool, "OpIEqual", {a, b});
    default: reject(op, d);
  }
}

std::string float_to_int(Module& m, DType to, const std::string& a) {
  const Type t = register_type(to);
  if (t.bits >= 32) return m.op(t, is_signed_int(to) ? "OpConvertFToS" : "OpConvertFToU", {a});
  // Narrow targets wrap like the interpreter's static_cast of the truncated value (-1.0 -> uint8 255).
  return m.op(t, "OpUConvert", {m.op(kU32, "OpConvertFToS", {a})});
}

}  // namespace

std::string emit_unary(Module& m, KOp op, DType d, const std::string& a) {
  switch (op) {
    case KOp::Neg:
      if (d == DType::Bool) return a;  // -true is nonzero, so still true
      if (is_float(d)) return m.op(register_type(d), "OpFNegate", {a});
      // 0 - a: the SPIR-V spec defines OpISub as the low-order bits of the exact result, the wrap-around negation
      // every integer dtype wants, signed or not, the most negative value included. (OpSNegate gave the same bits on
      // lavapipe and NVIDIA, but like OpSRem it is a signed opcode on our unsigned-declared types; see Mod.)
      return m.op(register_type(d), "OpISub", {m.zero(register_type(d)), a});
    case KOp::Exp2: case KOp::Log2: case KOp::Sin: case KOp::Sqrt:
      if (!is_float(d)) reject(op, d);
      return transcendental(m, op, d, a);
    case KOp::Recip:
      if (!is_float(d)) reject(op, d);
      return m.op(register_type(d), "OpFDiv", {m.one(register_type(d)), a});
    default: reject(op, d);
  }
}

std::string emit_binary(Module& m, KOp op, DType d, const std::string& a, const std::string& b) {
  if (d == DType::Bool) return bool_binary(m, op, a, b);
  return is_float(d) ? float_binary(m, op, d, a, b) : int_binary(m, op, d, a, b);
}

std::string emit_cast(Module& m, DType from, DType to, const std::string& a) {
  if (from == to) return a;
  const Type ft = register_type(from), tt = register_type(to);
  if (to == DType::Bool) return m.op(kBool, is_float(from) ? "OpFUnordNotEqual" : "OpINotEqual", {a, m.zero(ft)});
  if (from == DType::Bool) return m.op(tt, "OpSelect", {a, m.one(tt), m.zero(tt)});
  if (is_float(from) && is_int(to)) return float_to_int(m, to, a);
  if (is_int(from) && is_int(to)) {
    if (ft.bits == tt.bits) return a;
    return m.op(tt, ft.bits < tt.bits && is_signed_int(from) ? "OpSConvert" : "OpUConvert", {a});
  }
  std::string value = a;  // -> float
  if (is_int(from)) value = m.op(tt, is_signed_int(from) ? "OpConvertSToF" : "OpConvertUToF", {a});
  else if (ft.bits != tt.bits) value = m.op(tt, "OpFConvert", {a});
  return to == DType::BFloat16 ? round_to_bfloat16(m, value) : value;
}

std::string load_conversion(Module& m, DType d, const std::string& stored) {
  if (d == DType::Bool) return m.op(kBool, "OpINotEqual", {m.op(kU32, "OpUConvert", {stored}), m.zero(kU32)});
  if (d == DType::BFloat16)
    return m.op(kF32, "OpBitcast", {m.op(kU32, "OpShiftLeftLogical", {m.op(kU32, "OpUConvert", {stored}), m.uint_const(kU32, 16)})});
  return stored;
}

std::string store_conversion(Module& m, DType d, const std::string& value) {
  const Type st = storage_type(d);
  if (d == DType::Bool) return m.op(st, "OpUConvert", {m.op(kU32, "OpSelect", {value, m.one(kU32), m.zero(kU32)})});
  if (d == DType::BFloat16)
    return m.op(st, "OpUConvert", {m.op(kU32, "OpShiftRightLogical", {bfloat16_bits(m, value), m.uint_const(kU32, 16)})});
  return value;
}

}  // namespace ctgrad::rt::spirv
