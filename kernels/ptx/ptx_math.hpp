#pragma once
// Transcendental functions the hardware has no exact instruction for, as straight-line PTX (no branches, so they
// may sit anywhere, also under divergent control flow). Each returns the register holding the result.
//
// Precision promised (and checked by tests/backend/ptx against std:: functions):
//   sin_f32:  |x| reduced to [-pi, pi] with a two-part 2*pi (Cody-Waite, fma), then sin.approx.f32:
//             absolute error below 2e-6 for |x| <= 1e5 (sin.approx alone loses accuracy outside [-pi, pi]).
//   exp2_f64: 2^x = 2^n * p(x - n), p a degree-14 Taylor polynomial of 2^f on [-1/2, 1/2]; scaled in two steps so
//             subnormal results round once. Relative error below 1e-15; inf/NaN/overflow/underflow as in C.
//   log2_f64: x = m * 2^e with m in [sqrt(1/2), sqrt(2)); ln(m) = 2 atanh((m-1)/(m+1)) as an odd series of 12
//             terms. Relative error below 1e-15 (absolute below 1e-16 near x = 1); subnormals, 0, <0, inf, NaN as in C.
//   sin_f64:  k = rint(x * 2/pi), r = x - k*pi/2 with pi/2 in three parts (fma), then a degree-17 sin or degree-16
//             cos Taylor polynomial on |r| <= pi/4 by quadrant. Absolute error below 1e-15 for |x| <= 2^30;
//             inf and NaN give NaN.
#include <string>

#include "ptx_writer.hpp"

namespace ctgrad::rt::ptx {

std::string sin_f32(PtxWriter& w, const std::string& x);
std::string exp2_f64(PtxWriter& w, const std::string& x);
std::string log2_f64(PtxWriter& w, const std::string& x);
std::string sin_f64(PtxWriter& w, const std::string& x);

}  // namespace ctgrad::rt::ptx
