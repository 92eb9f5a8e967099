#include "ptx_memory.hpp"

#include <bit>

#include "ptx_types.hpp"

namespace ctgrad::rt::ptx {

std::string emit_address(PtxWriter& w, const std::string& base, const std::string& index, DType index_dtype, DType elem) {
  const auto size = itemsize(elem);
  std::string offset = w.reg(Reg::B64), address = w.reg(Reg::B64);
  if (reg_of(index_dtype) == Reg::B64)
    w.ins("shl.b64", {offset, index, std::to_string(std::countr_zero(size))});
  else
    w.ins(is_signed_int(index_dtype) ? "mul.wide.s32" : "mul.wide.u32", {offset, index, std::to_string(size)});
  w.ins("add.s64", {address, base, offset});
  return address;
}

std::string emit_load(PtxWriter& w, DType elem, const std::string& address, const std::string& gate, bool shared) {
  // The raw element: bytes and halves widen into 32-bit registers, half stays 16 bits for its conversion.
  const Reg raw_kind = elem == DType::Half ? Reg::B16 : elem == DType::Bool || elem == DType::BFloat16 ? Reg::B32 : reg_of(elem);
  std::string raw = w.reg(raw_kind);
  if (!gate.empty()) {
    const char* zero = raw_kind == Reg::F32 ? "0f00000000" : raw_kind == Reg::F64 ? "0d0000000000000000" : "0";
    const char* mov = raw_kind == Reg::B16   ? "mov.b16"
                      : raw_kind == Reg::B64 ? "mov.b64"
                      : raw_kind == Reg::F32 ? "mov.f32"
                      : raw_kind == Reg::F64 ? "mov.f64"
                                             : "mov.b32";
    w.ins(mov, {raw, zero});
  }
  w.ins(std::string(shared ? "ld.shared" : "ld.global") + memory_type(elem), {raw, "[" + address + "]"}, gate);
  std::string out;
  switch (elem) {
    case DType::Bool:
      out = w.reg(Reg::Pred);
      w.ins("setp.ne.u32", {out, raw, "0"});
      return out;
    case DType::Half:
      out = w.reg(Reg::F32);
      w.ins("cvt.f32.f16", {out, raw});
      return out;
    case DType::BFloat16:  // bfloat16 is the top half of an f32
      out = w.reg(Reg::F32);
      w.ins("shl.b32", {raw, raw, "16"});
      w.ins("mov.b32", {out, raw});
      return out;
    default:
      return raw;
  }
}

void emit_store(PtxWriter& w, DType elem, const std::string& address, const std::string& value, bool shared) {
  std::string raw = value;
  if (elem == DType::Bool) {
    raw = w.reg(Reg::B32);
    w.ins("selp.u32", {raw, "1", "0", value});
  } else if (elem == DType::Half) {
    raw = w.reg(Reg::B16);
    w.ins("cvt.rn.f16.f32", {raw, value});  // exact: the value is already a half
  } else if (elem == DType::BFloat16) {
    raw = w.reg(Reg::B32);
    w.ins("mov.b32", {raw, value});
    w.ins("shr.u32", {raw, raw, "16"});
  }
  w.ins(std::string(shared ? "st.shared" : "st.global") + memory_type(elem), {"[" + address + "]", raw});
}

}  // namespace ctgrad::rt::ptx
