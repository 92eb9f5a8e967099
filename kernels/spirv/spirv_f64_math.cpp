#include "spirv_f64_math.hpp"

#include <bit>
#include <cstdint>
#include <limits>
#include <vector>

namespace ctgrad::rt::spirv {

namespace {

constexpr Type kF64{Type::Float, 64};

std::string c(Module& m, double v) { return m.float_const(kF64, v); }
std::string mul(Module& m, const std::string& a, const std::string& b) { return m.op(kF64, "OpFMul", {a, b}); }
std::string add(Module& m, const std::string& a, const std::string& b) { return m.op(kF64, "OpFAdd", {a, b}); }
std::string sub(Module& m, const std::string& a, const std::string& b) { return m.op(kF64, "OpFSub", {a, b}); }
std::string select(Module& m, const std::string& cond, const std::string& a, const std::string& b) {
  return m.op(kF64, "OpSelect", {cond, a, b});
}
std::string compare(Module& m, const char* op, const std::string& a, const std::string& b) { return m.op(kBool, op, {a, b}); }

// coeffs[0] + z * (coeffs[1] + z * (...)).
std::string horner(Module& m, const std::string& z, const std::vector<long double>& coeffs) {
  std::string acc = c(m, static_cast<double>(coeffs.back()));
  for (auto it = coeffs.rbegin() + 1; it != coeffs.rend(); ++it) acc = add(m, c(m, static_cast<double>(*it)), mul(m, z, acc));
  return acc;
}

// Taylor coefficients sign^k * base^k / (offset + step*k)! for k in [first, last].
std::vector<long double> series(int first, int last, long double base, int offset, int step, int sign) {
  std::vector<long double> out;
  for (int k = first; k <= last; ++k) {
    long double term = 1.0L;
    for (int i = 0; i < k; ++i) term *= base;
    for (int i = 2; i <= offset + step * k; ++i) term /= i;
    out.push_back((k % 2 != 0 && sign < 0) ? -term : term);
  }
  return out;
}

constexpr double kInf = std::numeric_limits<double>::infinity();

}  // namespace

std::string exp2_f64(Module& m, const std::string& x) {
  // 2^x = 2^n * 2^f with n = round(x), |f| <= 1/2; 2^f = sum (f ln2)^k / k!, truncated after k = 13 (error < 1e-17).
  const std::string overflow = compare(m, "OpFOrdGreaterThanEqual", x, c(m, 1024.0));
  const std::string underflow = compare(m, "OpFOrdLessThan", x, c(m, -1075.0));
  const std::string clamped = select(m, m.op(kBool, "OpLogicalOr", {overflow, underflow}), c(m, 0.0), x);
  const std::string n = m.glsl(kF64, "Floor", {add(m, clamped, c(m, 0.5))});
  const std::string f = sub(m, clamped, n);
  const std::string p = horner(m, f, series(0, 13, 0.693147180559945309417232121458176568L, 0, 1, 1));
  const std::string scaled = m.glsl(kF64, "Ldexp", {p, m.op(kU32, "OpConvertFToS", {n})});
  const std::string finite = select(m, overflow, c(m, kInf), select(m, underflow, c(m, 0.0), scaled));
  return select(m, m.op(kBool, "OpIsNan", {x}), x, finite);
}

std::string log2_f64(Module& m, const std::string& x) {
  // x = mant * 2^e with mant in [sqrt(1/2), sqrt(2)); ln(mant) = 2 atanh(s), s = (mant-1)/(mant+1), |s| < 0.172:
  // 2s * sum s^2k / (2k+1), truncated after k = 11 (error < 1e-18).
  const std::string exponent_var = m.local(kU32);
  const std::string frac = m.glsl(kF64, "Frexp", {x, exponent_var});
  const std::string exponent = m.op(kU32, "OpLoad", {exponent_var});
  const std::string low = compare(m, "OpFOrdLessThan", frac, c(m, 0.70710678118654752440));
  const std::string mant = select(m, low, mul(m, frac, c(m, 2.0)), frac);
  const std::string e = m.op(kU32, "OpSelect", {low, m.op(kU32, "OpISub", {exponent, m.one(kU32)}), exponent});
  const std::string s = m.op(kF64, "OpFDiv", {sub(m, mant, c(m, 1.0)), add(m, mant, c(m, 1.0))});
  std::vector<long double> odd_reciprocals;
  for (int k = 0; k <= 11; ++k) odd_reciprocals.push_back(1.0L / (2 * k + 1));
  const std::string ln_mant = mul(m, mul(m, c(m, 2.0), s), horner(m, mul(m, s, s), odd_reciprocals));
  const std::string r = add(m, m.op(kF64, "OpConvertSToF", {e}), mul(m, ln_mant, c(m, 1.44269504088896340736)));
  const std::string invalid = m.op(kBool, "OpLogicalOr", {m.op(kBool, "OpIsNan", {x}), compare(m, "OpFOrdLessThan", x, c(m, 0.0))});
  const std::string special = select(m, compare(m, "OpFOrdEqual", x, c(m, 0.0)), c(m, -kInf),
                                     select(m, m.op(kBool, "OpIsInf", {x}), x, r));
  return select(m, invalid, c(m, std::numeric_limits<double>::quiet_NaN()), special);
}

std::string sin_f64(Module& m, const std::string& x) {
  // x = k pi/2 + r, |r| <= pi/4, with pi/2 split in three parts of 33 significant bits (fdlibm's pio2_1..3) so each
  // k * part is exact; then +-sin(r) or +-cos(r) by k mod 4, both as Taylor series (error < 1e-19 on |r| <= pi/4).
  const double pio2_1 = std::bit_cast<double>(std::uint64_t{0x3FF921FB54400000});
  const double pio2_2 = std::bit_cast<double>(std::uint64_t{0x3DD0B4611A600000});
  const double pio2_3 = std::bit_cast<double>(std::uint64_t{0x3BA3198A2E000000});
  const std::string k = m.glsl(kF64, "Floor", {add(m, mul(m, x, c(m, 0.63661977236758134308)), c(m, 0.5))});
  std::string r = sub(m, x, mul(m, k, c(m, pio2_1)));
  r = sub(m, r, mul(m, k, c(m, pio2_2)));
  r = sub(m, r, mul(m, k, c(m, pio2_3)));
  const std::string z = mul(m, r, r);
  const std::string sin_r = add(m, r, mul(m, mul(m, r, z), horner(m, z, series(1, 8, 1.0L, 1, 2, -1))));
  const std::string cos_r = add(m, c(m, 1.0), mul(m, z, horner(m, z, series(1, 9, 1.0L, 0, 2, -1))));
  const std::string quadrant = m.op(kU32, "OpConvertFToS", {k});
  const std::string odd = m.op(kBool, "OpINotEqual", {m.op(kU32, "OpBitwiseAnd", {quadrant, m.one(kU32)}), m.zero(kU32)});
  const std::string negate = m.op(kBool, "OpINotEqual", {m.op(kU32, "OpBitwiseAnd", {quadrant, m.uint_const(kU32, 2)}), m.zero(kU32)});
  const std::string value = select(m, odd, cos_r, sin_r);
  return select(m, negate, m.op(kF64, "OpFNegate", {value}), value);
}

}  // namespace ctgrad::rt::spirv
