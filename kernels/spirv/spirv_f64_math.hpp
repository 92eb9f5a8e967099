#pragma once
// exp2, log2 and sin for doubles. GLSL.std.450 defines Exp2/Log2/Sin only for 16- and 32-bit floats (the Vulkan
// validator rejects f64), so doubles get these fdlibm-style software versions: range reduction, then a polynomial
// whose truncation error is below double rounding. Accuracy: a few ulp; sin loses accuracy beyond |x| ~ 1e6 (the
// three-part pi/2 reduction is exact only while k * pi/2 part 1 fits in 53 bits).
#include <string>

#include "spirv_module.hpp"

namespace ctgrad::rt::spirv {

std::string exp2_f64(Module& m, const std::string& x);
std::string log2_f64(Module& m, const std::string& x);
std::string sin_f64(Module& m, const std::string& x);

}  // namespace ctgrad::rt::spirv
