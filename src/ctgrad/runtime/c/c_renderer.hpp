#pragma once
// KernelProgram -> portable C99 for the C device: one function with the CPU kernel ABI (runtime/cpu.hpp),
//   void <name>(void* const* bufs, int64_t start, int64_t end)
// whose loop over g in [start, end) holds the program's instructions in order, one `vN` variable per instruction.
// Buffers are restrict pointers hoisted out of the loop, so gcc/clang -O2 vectorize the contiguous elementwise case.
//
// Semantics follow interpret(): integer arithmetic wraps in the value's dtype (computed in unsigned, since signed
// overflow and int promotions are undefined behaviour in C), except index math (see find_index_math).
// Half and bfloat16 are stored as uint16 bits and computed in float, rounded to nearest even after every op.
// Vector values (lanes > 1, from the optimizer) use the GCC/clang vector extension; loads and stores go through
// memcpy (no alignment assumed), and ops without a vector operator are lane loops the compiler vectorizes.
#include <cctype>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ctgrad/runtime/errors.hpp"
#include "ctgrad/runtime/kernel_program.hpp"

namespace ctgrad::rt {
namespace c_detail {

// Bit-exact conversions; round to nearest even, NaN stays (quiet) NaN, overflow goes to infinity.
inline constexpr const char* half_prelude = R"(static inline float ct_f16_to_f32(uint16_t h) {
  uint32_t sign = (uint32_t)(h & 0x8000u) << 16, exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu, bits;
  float f;
  if (exp == 0) { f = (float)mant * 0x1p-24f; return sign ? -f : f; }  /* zero and subnormals */
  bits = sign | (exp == 31 ? 0x7f800000u : (exp + 112u) << 23) | mant << 13;
  memcpy(&f, &bits, 4);
  return f;
}
static inline uint16_t ct_round_shift(uint32_t m, int shift) {  /* m >> shift, rounded to nearest even */
  uint32_t r = m >> shift, rest = m & ((1u << shift) - 1u), half = 1u << (shift - 1);
  return (uint16_t)(r + (rest > half || (rest == half && (r & 1u))));
}
static inline uint16_t ct_f32_to_f16(float f) {
  uint32_t x, ax, sign;
  memcpy(&x, &f, 4);
  sign = (x >> 16) & 0x8000u;
  ax = x & 0x7fffffffu;
  if (ax > 0x7f800000u) return (uint16_t)(sign | 0x7e00u | ((ax >> 13) & 0x3ffu));
  if (ax >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u);                /* >= 65520 rounds to infinity */
  if (ax >= 0x38800000u) return (uint16_t)(sign | ct_round_shift(ax - (112u << 23), 13));  /* normal */
  if (ax < 0x33000000u) return (uint16_t)sign;                              /* below 2^-25: zero */
  return (uint16_t)(sign | ct_round_shift((ax & 0x7fffffu) | 0x800000u, 126 - (int)(ax >> 23)));  /* subnormal */
}
static inline float ct_bf16_to_f32(uint16_t h) {
  uint32_t bits = (uint32_t)h << 16;
  float f;
  memcpy(&f, &bits, 4);
  return f;
}
static inline uint16_t ct_f32_to_bf16(float f) {
  uint32_t x;
  memcpy(&x, &f, 4);
  if ((x & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((x >> 16) | 0x40u);
  return (uint16_t)((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}
static inline float ct_round_f16(float f) { return ct_f16_to_f32(ct_f32_to_f16(f)); }
static inline float ct_round_bf16(float f) { return ct_bf16_to_f32(ct_f32_to_bf16(f)); }
)";

inline bool is_half(DType d) { return d == DType::Half || d == DType::BFloat16; }

// The C type of a value in a variable (half and bfloat16 compute in float).
inline const char* value_type(DType d) {
  switch (d) {
    case DType::Bool: return "_Bool";
    case DType::Int8: return "int8_t";
    case DType::Int16: return "int16_t";
    case DType::Int32: return "int32_t";
    case DType::Int64: return "int64_t";
    case DType::UInt8: return "uint8_t";
    case DType::UInt16: return "uint16_t";
    case DType::UInt32: return "uint32_t";
    case DType::UInt64: return "uint64_t";
    case DType::Half: case DType::BFloat16: case DType::Float32: return "float";
    case DType::Float64: return "double";
  }
  return "?";
}

// The C type of a buffer element.
inline std::string storage_type(DType d) {
  if (d == DType::Bool) return "uint8_t";
  if (is_half(d)) return "uint16_t";
  return value_type(d);
}

// Where integer arithmetic is done so that it wraps instead of overflowing.
inline std::string wrap_type(DType d) { return itemsize(d) == 8 ? "uint64_t" : "uint32_t"; }

inline std::string float_literal(double v, DType d) {
  const bool single = d != DType::Float64;
  if (single && std::isfinite(v) && std::abs(v) > std::numeric_limits<float>::max()) v = v > 0 ? INFINITY : -INFINITY;
  if (std::isnan(v)) return single ? "NAN" : "(double)NAN";
  if (std::isinf(v)) return std::string(v < 0 ? "-" : "") + (single ? "INFINITY" : "(double)INFINITY");
  char text[40];
  std::snprintf(text, sizeof text, single ? "%.9g" : "%.17g", single ? static_cast<double>(static_cast<float>(v)) : v);
  std::string s = text;
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  return single ? s + "f" : s;
}

inline std::string int_literal(std::int64_t v, DType d) {
  const std::string cast = std::string("(") + value_type(d) + ")";
  if (v == std::numeric_limits<std::int64_t>::min()) return cast + "INT64_MIN";
  return cast + std::to_string(v) + "LL";  // the cast wraps, e.g. -1LL to UINT64_MAX
}

class Renderer {
 public:
  explicit Renderer(const KernelProgram& p) : p_(p), index_math_(p.insts.size(), false) {}

  std::string render() {
    check_name();
    for (std::size_t i = 0; i < p_.insts.size(); ++i) check_sources(i);
    find_index_math();
    std::vector<std::string> params, args;
    std::string body;
    int depth = 2;
    for (std::size_t i = 0; i < p_.insts.size(); ++i) {
      const KInst& in = p_.insts[i];
      if (in.op == KOp::Param) {
        auto [type, index] = param_type(i);
        params.push_back(type + " restrict v" + std::to_string(i));
        args.push_back("(" + type + ")bufs[" + index + "]");
        continue;
      }
      if (in.op == KOp::EndRange) {
        if (p_.insts[src_index(i, 0)].op != KOp::Range || --depth < 2) fail(i, "does not close an open Range");
        body += std::string(static_cast<std::size_t>(depth) * 2, ' ') + "}\n";
        continue;
      }
      body += std::string(static_cast<std::size_t>(depth) * 2, ' ') + statement(i) + "\n";
      if (in.op == KOp::Range) ++depth;
    }
    if (depth != 2) throw CompileError("C renderer: kernel " + p_.name + ": a Range is never closed");
    const std::string idx = value_type(p_.index_dtype);
    std::string out = "#include <stdint.h>\n#include <string.h>\n#include <math.h>\n";
    if (uses_half()) out += half_prelude;
    for (auto& [type, decl] : vector_types_) out += decl;
    // Buffers become restrict parameters of an inlined body: compilers trust restrict there (not on locals).
    out += "static void " + p_.name + "_body(";
    for (auto& param : params) out += param + ", ";
    out += "int64_t start, int64_t end) {\n";
    out += "  for (" + idx + " gidx = (" + idx + ")start; gidx < (" + idx + ")end; ++gidx) {\n" + body + "  }\n}\n";
    out += "void " + p_.name + "(void* const* bufs, int64_t start, int64_t end) {\n  " + p_.name + "_body(";
    for (auto& arg : args) out += arg + ", ";
    return out + "start, end);\n}\n";
  }

 private:
  [[noreturn]] void fail(std::size_t i, const std::string& why) const {
    throw CompileError("C renderer: kernel " + p_.name + ": instruction " + std::to_string(i) + " (" + name(p_.insts[i].op) +
                       ") " + why);
  }
  void check_name() const {
    bool ok = !p_.name.empty() && !std::isdigit(static_cast<unsigned char>(p_.name[0]));
    for (char ch : p_.name) ok = ok && (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_');
    if (!ok) throw CompileError("C renderer: kernel name '" + p_.name + "' is not a C identifier");
  }
  void check_sources(std::size_t i) const {
    for (auto s : p_.insts[i].src)
      if (s >= static_cast<std::int32_t>(i)) fail(i, "uses a later instruction " + std::to_string(s));
  }
  static bool is_arithmetic(KOp op) { return is_unary(op) || is_binary(op) || op == KOp::Where; }

  // Index math: index_dtype arithmetic on GlobalIdx, Range and constants only, feeding a Load/Store index. The core
  // sizes index_dtype so it never overflows, so it stays plain signed C: gcc vectorizes strided loops ~2x faster
  // than with the wrapping form. Everything else (an index-derived hash used as data, say) wraps like interpret().
  void find_index_math() {
    const std::size_t n = p_.insts.size();
    std::vector<bool> feeds_index(n, false);
    for (std::size_t i = n; i-- > 0;) {
      const KInst& in = p_.insts[i];
      if ((in.op == KOp::Load || in.op == KOp::Store) && in.src[1] >= 0) feeds_index[static_cast<std::size_t>(in.src[1])] = true;
      if (feeds_index[i] && is_arithmetic(in.op))
        for (auto s : in.src)
          if (s >= 0) feeds_index[static_cast<std::size_t>(s)] = true;
    }
    for (std::size_t i = 0; i < n; ++i) {
      const KInst& in = p_.insts[i];
      if (in.op == KOp::GlobalIdx || in.op == KOp::Range) index_math_[i] = true;
      if (!is_arithmetic(in.op) || in.dtype != p_.index_dtype || !feeds_index[i]) continue;
      bool any = false, all = true;
      for (int k = in.op == KOp::Where ? 1 : 0; k < 3 && in.src[static_cast<std::size_t>(k)] >= 0; ++k) {
        auto s = static_cast<std::size_t>(in.src[static_cast<std::size_t>(k)]);
        any = any || index_math_[s];
        all = all && (index_math_[s] || p_.insts[s].op == KOp::Const);
      }
      index_math_[i] = any && all;
    }
  }
  std::size_t src_index(std::size_t i, int k) const {
    auto s = p_.insts[i].src[static_cast<std::size_t>(k)];
    if (s < 0) fail(i, "is missing operand " + std::to_string(k));
    return static_cast<std::size_t>(s);
  }
  std::string v(std::size_t i, int k) const {
    const std::size_t s = src_index(i, k);
    return "v" + std::to_string(s) + (lanewise_ && p_.insts[s].lanes > 1 ? "[l]" : "");
  }
  DType src_dtype(std::size_t i, int k) const { return p_.insts[src_index(i, k)].dtype; }
  bool uses_half() const {
    for (auto& in : p_.insts)
      if (is_half(in.dtype)) return true;
    return false;
  }

  // The pointer type of a Param (const unless written) and its buffer index.
  std::pair<std::string, std::string> param_type(std::size_t i) const {
    const KInst& in = p_.insts[i];
    if (in.iarg < 0 || in.iarg >= static_cast<std::int64_t>(p_.params.size())) fail(i, "names no parameter");
    const bool written = p_.params[static_cast<std::size_t>(in.iarg)].written;
    return {(written ? "" : "const ") + storage_type(in.dtype) + "*", std::to_string(in.iarg)};
  }

  // The C type of instruction i's value: a scalar type, or a vector typedef (declared once in the prelude).
  std::string type_of(const KInst& in) {
    if (in.lanes <= 1) return value_type(in.dtype);
    std::string base = in.dtype == DType::Bool ? "int8_t" : value_type(in.dtype);  // the vector extension has no bool lanes
    const std::string name = "ct_" + (base.ends_with("_t") ? base.substr(0, base.size() - 2) : base) + "x" + std::to_string(in.lanes);
    if (!vector_types_.count(name))
      vector_types_[name] = "typedef " + base + " " + name + " __attribute__((vector_size(" + std::to_string(in.lanes * itemsize(in.dtype)) + ")));\n";
    return name;
  }
  // A statement that computes every lane of vector instruction i from the scalar expression `lane_expr` of [l].
  std::string lane_loop(std::size_t i, const std::string& lane_expr) {
    const KInst& in = p_.insts[i];
    const std::string self = "v" + std::to_string(i);
    return type_of(in) + " " + self + "; for (int l = 0; l < " + std::to_string(in.lanes) + "; ++l) " + self + "[l] = " + lane_expr + ";";
  }
  std::string vector_statement(std::size_t i) {
    const KInst& in = p_.insts[i];
    const std::string type = type_of(in), self = "v" + std::to_string(i), lanes = std::to_string(in.lanes);
    auto ln = [&](int k) { return p_.insts[src_index(i, k)].lanes > 1 ? v(i, k) + "[l]" : v(i, k); };
    switch (in.op) {
      case KOp::DefAcc: return type + " " + self + " = " + v(i, 0) + ";";
      case KOp::Broadcast: return lane_loop(i, v(i, 0));
      case KOp::Insert: return type + " " + self + " = " + v(i, 0) + "; " + self + "[" + std::to_string(in.iarg) + "] = " + v(i, 1) + ";";
      case KOp::Load: {
        if (p_.insts[src_index(i, 0)].op != KOp::Param) fail(i, "does not read a Param");
        const std::string read = "memcpy(&" + self + ", " + v(i, 0) + " + " + v(i, 1) + ", sizeof " + self + ");";
        if (in.src[2] < 0) return type + " " + self + "; " + read;
        return type + " " + self + " = {0}; if (" + v(i, 2) + ") " + read;
      }
      case KOp::MulAcc: return lane_loop(i, std::string(in.dtype == DType::Float64 ? "fma(" : "fmaf(") + ln(0) + ", " + ln(1) + ", " + ln(2) + ")");
      default: break;
    }
    if (is_float(in.dtype)) {
      const char* op = in.op == KOp::Add ? " + " : in.op == KOp::Sub ? " - " : in.op == KOp::Mul ? " * " : in.op == KOp::Div ? " / " : nullptr;
      if (op != nullptr) return "const " + type + " " + self + " = " + v(i, 0) + op + v(i, 1) + ";";
      if (in.op == KOp::Neg) return "const " + type + " " + self + " = -" + v(i, 0) + ";";
    }
    return lanewise(i);
  }
  // Vector instruction i as a loop over its lanes of the scalar expression (comparisons, selects, casts, math).
  std::string lanewise(std::size_t i) {
    const KInst& in = p_.insts[i];
    if (in.op == KOp::Const || (!is_unary(in.op) && !is_binary(in.op) && in.op != KOp::Where && in.op != KOp::Cast))
      fail(i, "has no vector form in C");
    if (is_half(in.dtype) || is_half(src_dtype(i, 0))) fail(i, "half and bfloat16 vectors are not supported in C");
    lanewise_ = true;
    const std::string expr = value(i);
    lanewise_ = false;
    return lane_loop(i, expr);
  }

  std::string statement(std::size_t i) {
    const KInst& in = p_.insts[i];
    const std::string type = value_type(in.dtype), self = "v" + std::to_string(i);
    if (in.lanes > 1 && in.op != KOp::Store) return vector_statement(i);
    switch (in.op) {
      case KOp::Extract: return "const " + type + " " + self + " = " + v(i, 0) + "[" + std::to_string(in.iarg) + "];";
      case KOp::MulAcc: return "const " + type + " " + self + " = " + (in.dtype == DType::Float64 ? "fma(" : "fmaf(") + v(i, 0) + ", " + v(i, 1) + ", " +
                               v(i, 2) + ");";
      case KOp::GlobalIdx:
        return "const " + type + " " + self + " = gidx;";
      case KOp::Range:
        return "for (" + type + " " + self + " = 0; " + self + " < " + std::to_string(in.iarg) + "; ++" + self + ") {";
      case KOp::DefAcc: return type + " " + self + " = " + v(i, 0) + ";";
      case KOp::AccStore:
        if (p_.insts[src_index(i, 0)].op != KOp::DefAcc) fail(i, "does not store to a DefAcc");
        return v(i, 0) + " = " + v(i, 1) + ";";
      case KOp::Load: return "const " + type + " " + self + " = " + load(i) + ";";
      case KOp::Store: return store(i);
      case KOp::Shared: case KOp::Barrier: fail(i, "is GPU block-shared memory: the CPU devices have no blocks");
      default: return "const " + type + " " + self + " = " + rounded(in.dtype, value(i)) + ";";
    }
  }

  std::string load(std::size_t i) const {
    const KInst& in = p_.insts[i];
    if (p_.insts[src_index(i, 0)].op != KOp::Param) fail(i, "does not read a Param");
    std::string element = v(i, 0) + "[" + v(i, 1) + "]";
    if (in.dtype == DType::Half) element = "ct_f16_to_f32(" + element + ")";
    if (in.dtype == DType::BFloat16) element = "ct_bf16_to_f32(" + element + ")";
    if (in.dtype == DType::Bool) element = "(" + element + " != 0)";
    return in.src[2] < 0 ? element : v(i, 2) + " ? " + element + " : 0";  // the gate keeps padding reads off memory
  }

  std::string store(std::size_t i) const {
    const KInst& target = p_.insts[src_index(i, 0)];
    if (target.op != KOp::Param) fail(i, "does not write a Param");
    std::string value = v(i, 2);
    if (p_.insts[src_index(i, 2)].lanes > 1) return "memcpy(" + v(i, 0) + " + " + v(i, 1) + ", &" + value + ", sizeof " + value + ");";
    if (target.dtype == DType::Half) value = "ct_f32_to_f16(" + value + ")";
    if (target.dtype == DType::BFloat16) value = "ct_f32_to_bf16(" + value + ")";
    return v(i, 0) + "[" + v(i, 1) + "] = " + value + ";";
  }

  static std::string rounded(DType d, const std::string& expr) {
    if (d == DType::Half) return "ct_round_f16(" + expr + ")";
    if (d == DType::BFloat16) return "ct_round_bf16(" + expr + ")";
    return expr;
  }

  // The expression of a Const, ALU op or Cast.
  std::string value(std::size_t i) const {
    const KInst& in = p_.insts[i];
    if (in.op == KOp::Const) return is_float(in.dtype) ? float_literal(in.farg, in.dtype) : int_literal(in.iarg, in.dtype);
    if (in.op == KOp::Where) return "(" + v(i, 0) + " ? " + v(i, 1) + " : " + v(i, 2) + ")";
    if (in.op == KOp::Cast) return cast(i);
    if (is_comparison(in.op)) {
      const char* op = in.op == KOp::CmpLt ? " < " : in.op == KOp::CmpNe ? " != " : " == ";
      return "(" + v(i, 0) + op + v(i, 1) + ")";
    }
    if (!is_unary(in.op) && !is_binary(in.op)) fail(i, "is not supported by the C renderer");
    return is_float(in.dtype) ? float_alu(i) : int_alu(i, index_math_[i]);
  }

  std::string float_alu(std::size_t i) const {
    const KInst& in = p_.insts[i];
    const std::string f = in.dtype == DType::Float64 ? "" : "f", a = is_binary(in.op) ? v(i, 0) : "", b = is_binary(in.op) ? v(i, 1) : "";
    switch (in.op) {
      case KOp::Neg: return "-" + v(i, 0);
      case KOp::Exp2: return "exp2" + f + "(" + v(i, 0) + ")";
      case KOp::Log2: return "log2" + f + "(" + v(i, 0) + ")";
      case KOp::Sin: return "sin" + f + "(" + v(i, 0) + ")";
      case KOp::Sqrt: return "sqrt" + f + "(" + v(i, 0) + ")";
      case KOp::Recip: return "1.0" + f + " / " + v(i, 0);
      case KOp::Add: return a + " + " + b;
      case KOp::Sub: return a + " - " + b;
      case KOp::Mul: return a + " * " + b;
      case KOp::Div: return a + " / " + b;
      case KOp::Max: return "(" + a + " > " + b + " || " + b + " != " + b + ") ? " + a + " : " + b;  // fmax: NaN loses
      default: fail(i, std::string("is not defined on ") + name(in.dtype));
    }
  }

  std::string int_alu(std::size_t i, bool index_math) const {
    const KInst& in = p_.insts[i];
    const std::string t = std::string("(") + value_type(in.dtype) + ")", u = "(" + wrap_type(in.dtype) + ")";
    const bool is_signed = !is_unsigned(in.dtype);
    const std::string a = v(i, 0), b = is_binary(in.op) ? v(i, 1) : "";
    auto wrapping = [&](const char* op) {
      return index_math ? t + "(" + a + op + b + ")" : t + "(" + u + a + op + u + b + ")";
    };
    const std::string quotient = t + "(" + a + " / " + b + ")", remainder = t + "(" + a + " % " + b + ")";
    switch (in.op) {
      case KOp::Neg: return index_math ? t + "(-" + a + ")" : t + "(0u - " + u + a + ")";
      case KOp::Add: return wrapping(" + ");
      case KOp::Sub: return wrapping(" - ");
      case KOp::Mul: return wrapping(" * ");
      // MIN / -1 and MIN % -1 trap on x86; interpret() wraps them
      case KOp::IDiv: return is_signed ? "(" + b + " == -1 ? " + t + "(0u - " + u + a + ") : " + quotient + ")" : quotient;
      case KOp::Mod: return is_signed ? "(" + b + " == -1 ? " + t + "0 : " + remainder + ")" : remainder;
      case KOp::Max: return "(" + a + " > " + b + " ? " + a + " : " + b + ")";
      case KOp::And: return t + "(" + a + " & " + b + ")";
      case KOp::Or: return t + "(" + a + " | " + b + ")";
      case KOp::Xor: return t + "(" + a + " ^ " + b + ")";
      default: fail(i, std::string("is not defined on ") + name(in.dtype));
    }
  }

  std::string cast(std::size_t i) const {
    const DType to = p_.insts[i].dtype, from = src_dtype(i, 0);
    const std::string a = v(i, 0), t = std::string("(") + value_type(to) + ")";
    if (to == DType::Bool) return "(" + a + " != 0)";
    if (!is_float(from) || is_float(to)) return t + a;  // C conversions wrap integers (gcc/clang) and round floats
    // float -> integer truncates; narrow targets go through a wider integer so out-of-range values wrap like interpret()
    if (itemsize(to) < 4) return t + "(int32_t)" + a;
    if (to == DType::UInt32) return t + "(int64_t)" + a;
    return t + a;
  }

  const KernelProgram& p_;
  std::vector<bool> index_math_;
  bool lanewise_ = false;  // v() names lane [l] of vector operands (inside a lane loop)
  std::map<std::string, std::string> vector_types_;
};

}  // namespace c_detail

inline std::string render_c(const KernelProgram& program) { return c_detail::Renderer(program).render(); }

}  // namespace ctgrad::rt
