#include "ptx_math.hpp"

#include <initializer_list>

namespace ctgrad::rt::ptx {

namespace {

// Horner's rule with fma: c[0] + v*(c[1] + v*(c[2] + ...)), coefficients given lowest degree first.
std::string horner_f64(PtxWriter& w, const std::string& v, std::initializer_list<double> coeffs) {
  const double* c = std::data(coeffs);
  std::size_t n = coeffs.size();
  std::string acc = w.reg(Reg::F64);
  w.ins("mov.f64", {acc, f64_imm(c[n - 1])});
  for (std::size_t i = n - 1; i-- > 0;) w.ins("fma.rn.f64", {acc, acc, v, f64_imm(c[i])});
  return acc;
}

// 2^n as a double for n in [-1022, 1023] (an int32 register): the exponent field alone.
std::string pow2_f64(PtxWriter& w, const std::string& n) {
  std::string biased = w.reg(Reg::B32), bits = w.reg(Reg::B64), out = w.reg(Reg::F64);
  w.ins("add.s32", {biased, n, "1023"});
  w.ins("cvt.u64.u32", {bits, biased});
  w.ins("shl.b64", {bits, bits, "52"});
  w.ins("mov.b64", {out, bits});
  return out;
}

std::string select_f64(PtxWriter& w, const std::string& if_true, const std::string& if_false, const std::string& pred) {
  std::string out = w.reg(Reg::F64);
  w.ins("selp.f64", {out, if_true, if_false, pred});
  return out;
}

}  // namespace

std::string sin_f32(PtxWriter& w, const std::string& x) {
  std::string turns = w.reg(Reg::F32), k = w.reg(Reg::F32), r = w.reg(Reg::F32), out = w.reg(Reg::F32);
  w.ins("mul.rn.f32", {turns, x, "0f3E22F983"});  // 1/(2 pi)
  w.ins("cvt.rni.f32.f32", {k, turns});
  w.ins("neg.f32", {k, k});
  w.ins("fma.rn.f32", {r, k, "0f40C90FDB", x});  // 2 pi, high part
  w.ins("fma.rn.f32", {r, k, "0fB43BBD2E", r});  // 2 pi, low part
  w.ins("sin.approx.f32", {out, r});
  return out;
}

std::string exp2_f64(PtxWriter& w, const std::string& x) {
  // Clamping keeps n finite; +-1100 still overflows to inf / underflows to 0 after scaling.
  std::string t = w.reg(Reg::F64), n = w.reg(Reg::F64), f = w.reg(Reg::F64);
  w.ins("max.f64", {t, x, f64_imm(-1100.0)});
  w.ins("min.f64", {t, t, f64_imm(1100.0)});
  w.ins("cvt.rni.f64.f64", {n, t});
  w.ins("sub.rn.f64", {f, t, n});  // exact, in [-1/2, 1/2]
  // c_k = ln(2)^k / k!
  std::string p = horner_f64(w, f,
                             {0x1.0000000000000p+0, 0x1.62e42fefa39efp-1, 0x1.ebfbdff82c58fp-3, 0x1.c6b08d704a0c0p-5, 0x1.3b2ab6fba4e77p-7,
                              0x1.5d87fe78a6731p-10, 0x1.430912f86c787p-13, 0x1.ffcbfc588b0c7p-17, 0x1.62c0223a5c824p-20, 0x1.b5253d395e7c4p-24,
                              0x1.e4cf5158b8ecap-28, 0x1.e8cac7351bb25p-32, 0x1.c3bd650fc2986p-36, 0x1.816193166d0f9p-40, 0x1.314964d5878a9p-44});
  // 2^n in two normal factors, so a subnormal result is rounded only by the last multiply.
  std::string ni = w.reg(Reg::B32), n1 = w.reg(Reg::B32), n2 = w.reg(Reg::B32), r = w.reg(Reg::F64);
  w.ins("cvt.rzi.s32.f64", {ni, n});
  w.ins("shr.s32", {n1, ni, "1"});
  w.ins("sub.s32", {n2, ni, n1});
  w.ins("mul.rn.f64", {r, p, pow2_f64(w, n1)});
  w.ins("mul.rn.f64", {r, r, pow2_f64(w, n2)});
  std::string is_nan = w.reg(Reg::Pred);
  w.ins("setp.nan.f64", {is_nan, x, x});
  return select_f64(w, x, r, is_nan);
}

std::string log2_f64(PtxWriter& w, const std::string& x) {
  // Subnormals: scale by 2^54 first so the exponent field is meaningful.
  std::string tiny = w.reg(Reg::Pred), scaled = w.reg(Reg::F64), adjust = w.reg(Reg::B32);
  w.ins("setp.lt.f64", {tiny, x, f64_imm(0x1p-1022)});
  w.ins("mul.rn.f64", {scaled, x, f64_imm(0x1p54)});
  std::string xs = select_f64(w, scaled, x, tiny);
  w.ins("selp.s32", {adjust, "-54", "0", tiny});
  // x = m * 2^e with m in [1, 2).
  std::string lo = w.reg(Reg::B32), hi = w.reg(Reg::B32), e = w.reg(Reg::B32), mant = w.reg(Reg::B32), m = w.reg(Reg::F64);
  w.ins("mov.b64", {"{" + lo + ", " + hi + "}", xs});
  w.ins("shr.u32", {e, hi, "20"});
  w.ins("and.b32", {e, e, "2047"});
  w.ins("sub.s32", {e, e, "1023"});
  w.ins("add.s32", {e, e, adjust});
  w.ins("and.b32", {mant, hi, "0x000FFFFF"});
  w.ins("or.b32", {mant, mant, "0x3FF00000"});
  w.ins("mov.b64", {m, "{" + lo + ", " + mant + "}"});
  // Move m into [sqrt(1/2), sqrt(2)) so (m-1)/(m+1) is small.
  std::string big = w.reg(Reg::Pred), half_m = w.reg(Reg::F64), e_up = w.reg(Reg::B32);
  w.ins("setp.gt.f64", {big, m, f64_imm(0x1.6a09e667f3bcdp+0)});
  w.ins("mul.rn.f64", {half_m, m, f64_imm(0.5)});
  m = select_f64(w, half_m, m, big);
  w.ins("add.s32", {e_up, e, "1"});
  w.ins("selp.s32", {e, e_up, e, big});
  // ln(m) = 2 atanh(s) = s * sum_k 2 s^(2k) / (2k+1)
  std::string num = w.reg(Reg::F64), den = w.reg(Reg::F64), s = w.reg(Reg::F64), s2 = w.reg(Reg::F64);
  w.ins("sub.rn.f64", {num, m, f64_imm(1.0)});
  w.ins("add.rn.f64", {den, m, f64_imm(1.0)});
  w.ins("div.rn.f64", {s, num, den});
  w.ins("mul.rn.f64", {s2, s, s});
  std::string q = horner_f64(
      w, s2,
      {0x1.0000000000000p+1, 0x1.5555555555555p-1, 0x1.999999999999ap-2, 0x1.2492492492492p-2, 0x1.c71c71c71c71cp-3, 0x1.745d1745d1746p-3,
       0x1.3b13b13b13b14p-3, 0x1.1111111111111p-3, 0x1.e1e1e1e1e1e1ep-4, 0x1.af286bca1af28p-4, 0x1.8618618618618p-4, 0x1.642c8590b2164p-4});
  std::string ln_m = w.reg(Reg::F64), ef = w.reg(Reg::F64), r = w.reg(Reg::F64);
  w.ins("mul.rn.f64", {ln_m, s, q});
  w.ins("cvt.rn.f64.s32", {ef, e});
  w.ins("fma.rn.f64", {r, ln_m, f64_imm(0x1.71547652b82fep+0), ef});  // e + ln(m) / ln(2)
  // Special inputs, as C's log2.
  std::string is_inf = w.reg(Reg::Pred), is_zero = w.reg(Reg::Pred), is_bad = w.reg(Reg::Pred);
  w.ins("setp.eq.f64", {is_inf, x, "0d7FF0000000000000"});
  r = select_f64(w, x, r, is_inf);
  w.ins("setp.eq.f64", {is_zero, x, "0d0000000000000000"});
  r = select_f64(w, "0dFFF0000000000000", r, is_zero);
  w.ins("setp.ltu.f64", {is_bad, x, "0d0000000000000000"});  // negative or NaN
  return select_f64(w, "0d7FF8000000000000", r, is_bad);
}

std::string sin_f64(PtxWriter& w, const std::string& x) {
  std::string t = w.reg(Reg::F64), k = w.reg(Reg::F64), r = w.reg(Reg::F64);
  w.ins("mul.rn.f64", {t, x, f64_imm(0x1.45f306dc9c883p-1)});  // 2/pi
  w.ins("cvt.rni.f64.f64", {k, t});
  std::string quadrant64 = w.reg(Reg::B64), quadrant = w.reg(Reg::B32);
  w.ins("cvt.rzi.s64.f64", {quadrant64, k});
  w.ins("cvt.u32.u64", {quadrant, quadrant64});
  w.ins("neg.f64", {k, k});
  // pi/2 = P1 + P2 + P3 to ~160 bits; each fma subtracts one part exactly before rounding.
  w.ins("fma.rn.f64", {r, k, f64_imm(0x1.921fb54442d18p+0), x});
  w.ins("fma.rn.f64", {r, k, f64_imm(0x1.1a62633145c07p-54), r});
  w.ins("fma.rn.f64", {r, k, f64_imm(-0x1.f1976b7ed8fbcp-110), r});
  std::string r2 = w.reg(Reg::F64), r3 = w.reg(Reg::F64), s = w.reg(Reg::F64), c = w.reg(Reg::F64);
  w.ins("mul.rn.f64", {r2, r, r});
  w.ins("mul.rn.f64", {r3, r2, r});
  // sin(r) = r + r^3 * sum_k (-1)^k r^(2k-2) / (2k+1)!,  cos(r) = 1 + r^2 * sum_k (-1)^k r^(2k-2) / (2k)!
  std::string ps = horner_f64(w, r2,
                              {-0x1.5555555555555p-3, 0x1.1111111111111p-7, -0x1.a01a01a01a01ap-13, 0x1.71de3a556c734p-19, -0x1.ae64567f544e4p-26,
                               0x1.6124613a86d09p-33, -0x1.ae7f3e733b81fp-41, 0x1.952c77030ad4ap-49});
  std::string pc = horner_f64(w, r2,
                              {-0x1.0000000000000p-1, 0x1.5555555555555p-5, -0x1.6c16c16c16c17p-10, 0x1.a01a01a01a01ap-16, -0x1.27e4fb7789f5cp-22,
                               0x1.1eed8eff8d898p-29, -0x1.93974a8c07c9dp-37, 0x1.ae7f3e733b81fp-45});
  w.ins("fma.rn.f64", {s, r3, ps, r});
  w.ins("fma.rn.f64", {c, r2, pc, f64_imm(1.0)});
  // Quadrant q: sin, cos, -sin, -cos.
  std::string bit = w.reg(Reg::B32), odd = w.reg(Reg::Pred), flip = w.reg(Reg::Pred), neg = w.reg(Reg::F64);
  w.ins("and.b32", {bit, quadrant, "1"});
  w.ins("setp.ne.u32", {odd, bit, "0"});
  std::string v = select_f64(w, c, s, odd);
  w.ins("and.b32", {bit, quadrant, "2"});
  w.ins("setp.ne.u32", {flip, bit, "0"});
  w.ins("neg.f64", {neg, v});
  v = select_f64(w, neg, v, flip);
  // inf - inf and NaN - NaN are NaN: sin of either is NaN.
  std::string z = w.reg(Reg::F64), bad = w.reg(Reg::Pred);
  w.ins("sub.rn.f64", {z, x, x});
  w.ins("setp.nan.f64", {bad, z, z});
  return select_f64(w, z, v, bad);
}

}  // namespace ctgrad::rt::ptx
