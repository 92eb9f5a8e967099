#include "ptx_block_reduce.hpp"

#include "ptx_alu.hpp"

namespace ctgrad::rt::ptx {

namespace {

constexpr const char* kSharedName = "ctg_reduce";

// 8 bytes per partial, `warps` partials per slot.
unsigned slot_offset(int slot, unsigned threads) { return static_cast<unsigned>(slot) * (threads / 32) * 8; }

std::string shared_at(const std::string& base, int slot, unsigned threads) {
  return "[" + base + "+" + std::to_string(slot_offset(slot, threads)) + "]";
}

const char* wide_suffix(DType d) { return reg_of(d) == Reg::B64 || reg_of(d) == Reg::F64 ? ".b64" : ".b32"; }

// The value of lane (lane ^ offset); 64-bit values move as two halves.
std::string shuffle(PtxWriter& w, const std::string& v, DType d, unsigned offset) {
  const std::string clamp = "0x1f", members = "0xffffffff", off = std::to_string(offset);
  std::string out = w.reg(reg_of(d));
  if (reg_of(d) == Reg::B32 || reg_of(d) == Reg::F32) {
    w.ins("shfl.sync.bfly.b32", {out, v, off, clamp, members});
    return out;
  }
  std::string lo = w.reg(Reg::B32), hi = w.reg(Reg::B32);
  w.ins("mov.b64", {"{" + lo + ", " + hi + "}", v});
  w.ins("shfl.sync.bfly.b32", {lo, lo, off, clamp, members});
  w.ins("shfl.sync.bfly.b32", {hi, hi, off, clamp, members});
  w.ins("mov.b64", {out, "{" + lo + ", " + hi + "}"});
  return out;
}

std::string butterfly(PtxWriter& w, std::string v, const CombinedAcc& acc, unsigned width) {
  for (unsigned offset = width / 2; offset >= 1; offset /= 2) v = emit_binary(w, acc.op, acc.dtype, v, shuffle(w, v, acc.dtype, offset));
  return v;
}

}  // namespace

BlockRegs emit_block_setup(PtxWriter& w, const std::string& tid, unsigned threads) {
  BlockRegs r{w.reg(Reg::Pred), w.reg(Reg::Pred), w.reg(Reg::B32), w.reg(Reg::B32)};
  std::string lane = w.reg(Reg::B32), base = w.reg(Reg::B32);
  w.ins("setp.ne.u32", {r.not_first, tid, "0"});
  w.ins("and.b32", {lane, tid, "31"});
  w.ins("setp.eq.u32", {r.lane0, lane, "0"});
  w.ins("mov.u32", {base, kSharedName});
  w.ins("shr.u32", {r.warp_slot, tid, "5"});
  w.ins("shl.b32", {r.warp_slot, r.warp_slot, "3"});
  w.ins("add.u32", {r.warp_slot, r.warp_slot, base});
  w.ins("and.b32", {r.peer_slot, lane, std::to_string(threads / 32 - 1)});
  w.ins("shl.b32", {r.peer_slot, r.peer_slot, "3"});
  w.ins("add.u32", {r.peer_slot, r.peer_slot, base});
  return r;
}

void emit_block_combine(PtxWriter& w, const BlockRegs& regs, unsigned threads, const std::vector<CombinedAcc>& accs) {
  if (accs.empty()) return;
  for (const auto& acc : accs) {
    std::string warp_total = butterfly(w, acc.reg, acc, 32);
    w.ins(std::string("st.shared") + wide_suffix(acc.dtype), {shared_at(regs.warp_slot, acc.slot, threads), warp_total}, regs.lane0);
  }
  w.ins("bar.sync", {"0"});
  for (const auto& acc : accs) {
    std::string partial = w.reg(reg_of(acc.dtype));
    w.ins(std::string("ld.shared") + wide_suffix(acc.dtype), {partial, shared_at(regs.peer_slot, acc.slot, threads)});
    w.ins(std::string("mov") + move_type(acc.dtype), {acc.reg, butterfly(w, partial, acc, threads / 32)});
  }
}

std::string block_shared_declaration(unsigned threads, int slots) {
  return std::string("\t.shared .align 8 .b8 ") + kSharedName + "[" + std::to_string(slot_offset(slots, threads)) + "];\n";
}

}  // namespace ctgrad::rt::ptx
