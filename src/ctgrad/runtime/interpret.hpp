#pragma once
// A naive interpreter of kernel programs: floats in double, integers in int64. It is the oracle backend tests
// compare every renderer against, and documents the semantics of each KOp in executable form.
#include <cmath>
#include <cstring>
#include <span>
#include <vector>

#include "ctgrad/runtime/errors.hpp"
#include "ctgrad/runtime/kernel_program.hpp"

namespace ctgrad::rt {

// A host buffer as the interpreter sees it: element values widened to double (exact for every integer |x| < 2^53).
using HostValues = std::vector<double>;

namespace detail {

inline double wrap_int(double v, DType d) {
  auto i = static_cast<std::int64_t>(v);
  switch (d) {
    case DType::Bool: return i != 0;
    case DType::Int8: return static_cast<std::int8_t>(i);
    case DType::Int16: return static_cast<std::int16_t>(i);
    case DType::Int32: return static_cast<std::int32_t>(i);
    case DType::UInt8: return static_cast<std::uint8_t>(i);
    case DType::UInt16: return static_cast<std::uint16_t>(i);
    case DType::UInt32: return static_cast<std::uint32_t>(i);
    case DType::Float32: return static_cast<float>(v);
    default: return v;
  }
}

inline double interpret_alu(const KInst& in, double a, double b, double c, DType operand) {
  const bool fl = is_float(operand);
  // Converted only by the integer ops: a float operand may be inf or NaN, whose conversion is undefined.
  const auto ia = [a] { return static_cast<std::int64_t>(a); };
  const auto ib = [b] { return static_cast<std::int64_t>(b); };
  switch (in.op) {
    case KOp::Neg: return -a;
    case KOp::Exp2: return std::exp2(a);
    case KOp::Log2: return std::log2(a);
    case KOp::Sin: return std::sin(a);
    case KOp::Sqrt: return std::sqrt(a);
    case KOp::Recip: return 1.0 / a;
    case KOp::Add: return a + b;
    case KOp::Sub: return a - b;
    case KOp::Mul: return a * b;
    case KOp::Div: return a / b;
    case KOp::IDiv: return static_cast<double>(ia() / ib());
    case KOp::Mod: return static_cast<double>(ia() % ib());
    case KOp::Max: return fl ? std::fmax(a, b) : std::max(a, b);
    case KOp::And: return static_cast<double>(ia() & ib());
    case KOp::Or: return static_cast<double>(ia() | ib());
    case KOp::Xor: return static_cast<double>(ia() ^ ib());
    case KOp::CmpLt: return a < b;
    case KOp::CmpNe: return a != b;
    case KOp::CmpEq: return a == b;
    case KOp::Where: return a != 0 ? b : c;
    case KOp::Cast:
      if (in.dtype == DType::Bool) return a != 0;
      if (is_float(in.dtype)) return a;
      return std::trunc(a);
    default: throw Error(std::string("interpret: not an ALU op: ") + name(in.op));
  }
}

}  // namespace detail

// Runs `p` over every g in [0, global_size); bufs[i] holds params[i]'s elements.
inline void interpret(const KernelProgram& p, std::span<HostValues> bufs) {
  std::vector<double> val(p.insts.size(), 0.0);
  // Matching EndRange for each Range, so loops can jump back.
  std::vector<std::size_t> range_end(p.insts.size(), 0);
  for (std::size_t i = 0; i < p.insts.size(); ++i)
    if (p.insts[i].op == KOp::EndRange) range_end[static_cast<std::size_t>(p.insts[i].src[0])] = i;
  for (std::int64_t g = 0; g < p.global_size; ++g) {
    for (std::size_t pc = 0; pc < p.insts.size(); ++pc) {
      const KInst& in = p.insts[pc];
      auto at = [&](int k) { return val[static_cast<std::size_t>(in.src[static_cast<std::size_t>(k)])]; };
      auto src_dtype = [&](int k) { return p.insts[static_cast<std::size_t>(in.src[static_cast<std::size_t>(k)])].dtype; };
      switch (in.op) {
        case KOp::Param: val[pc] = static_cast<double>(in.iarg); break;
        case KOp::GlobalIdx: val[pc] = static_cast<double>(g); break;
        case KOp::Const: val[pc] = is_float(in.dtype) ? in.farg : static_cast<double>(in.iarg); break;
        case KOp::DefAcc: val[pc] = at(0); break;
        case KOp::AccStore: val[static_cast<std::size_t>(in.src[0])] = at(1); break;
        case KOp::Range:
          val[pc] = 0;
          if (in.iarg <= 0) pc = range_end[pc];
          break;
        case KOp::EndRange: {
          auto r = static_cast<std::size_t>(in.src[0]);
          if (++val[r] < static_cast<double>(p.insts[r].iarg)) pc = r;  // loop body starts after the Range
          break;
        }
        case KOp::Load: {
          if (in.src[2] >= 0 && at(2) == 0) { val[pc] = 0; break; }
          auto& b = bufs[static_cast<std::size_t>(at(0))];
          auto idx = static_cast<std::int64_t>(at(1));
          if (idx < 0 || idx >= static_cast<std::int64_t>(b.size()))
            throw Error("interpret: load out of bounds in " + p.name + " at index " + std::to_string(idx));
          val[pc] = b[static_cast<std::size_t>(idx)];
          break;
        }
        case KOp::Store: {
          auto& b = bufs[static_cast<std::size_t>(at(0))];
          auto idx = static_cast<std::int64_t>(at(1));
          if (idx < 0 || idx >= static_cast<std::int64_t>(b.size()))
            throw Error("interpret: store out of bounds in " + p.name + " at index " + std::to_string(idx));
          b[static_cast<std::size_t>(idx)] = at(2);
          break;
        }
        default: {
          DType operand = in.src[0] >= 0 ? src_dtype(in.op == KOp::Where ? 1 : 0) : in.dtype;
          double r = detail::interpret_alu(in, at(0), in.src[1] >= 0 ? at(1) : 0, in.src[2] >= 0 ? at(2) : 0, operand);
          val[pc] = is_float(in.dtype) ? r : detail::wrap_int(r, in.dtype);
        }
      }
    }
  }
}

}  // namespace ctgrad::rt
