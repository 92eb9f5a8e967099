// Every KOp on every dtype the VULKAN device supports, compared element by element with interpret().
#define BOOST_TEST_MODULE vulkan_kernels
#include <boost/test/data/monomorphic.hpp>
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <iostream>
#include <limits>

#include "kernel_check.hpp"

namespace ctgrad::rt {
std::ostream& operator<<(std::ostream& os, DType d) { return os << name(d); }
}  // namespace ctgrad::rt

namespace {

using namespace ctgrad::test;
namespace bdata = boost::unit_test::data;

const std::vector<DType> kAllDTypes{DType::Bool,   DType::Int8,   DType::Int16, DType::Int32,    DType::Int64,   DType::UInt8,  DType::UInt16,
                                    DType::UInt32, DType::UInt64, DType::Half,  DType::BFloat16, DType::Float32, DType::Float64};
const std::vector<DType> kFloatDTypes{DType::Half, DType::BFloat16, DType::Float32, DType::Float64};
constexpr std::int64_t kN = 1000;

// Tests that need a dtype the device lacks say so on stdout and in the log, then pass without running.
bool skip(const std::string& what, const std::string& reason) {
  if (reason.empty()) return false;
  std::cout << "SKIPPED " << what << ": " << reason << '\n';
  BOOST_TEST_MESSAGE("skipped " << what << ": " << reason);
  return true;
}

std::vector<KOp> binary_ops_for(DType d) {
  if (d == DType::Bool) return {KOp::Add, KOp::Sub, KOp::Mul, KOp::Max, KOp::And, KOp::Or, KOp::Xor, KOp::CmpLt, KOp::CmpNe, KOp::CmpEq};
  if (ctgrad::rt::is_float(d)) return {KOp::Add, KOp::Sub, KOp::Mul, KOp::Div, KOp::Max, KOp::CmpLt, KOp::CmpNe, KOp::CmpEq};
  return {KOp::Add, KOp::Sub, KOp::Mul, KOp::Div, KOp::IDiv, KOp::Mod, KOp::Max, KOp::And, KOp::Or, KOp::Xor, KOp::CmpLt, KOp::CmpNe, KOp::CmpEq};
}

// out[g] = op(a[g], b[g])
ctgrad::rt::KernelProgram binary(KOp op, DType d) {
  const DType out_dtype = ctgrad::rt::is_comparison(op) ? DType::Bool : d;
  ProgramBuilder b(std::string("binary_") + name(op) + '_' + name(d), kN);
  const int out = b.param(out_dtype, kN, true), x = b.param(d, kN), y = b.param(d, kN);
  const int g = b.global_idx();
  b.store(out, g, b.op(op, out_dtype, b.load(x, g), b.load(y, g)));
  return b.program;
}

// out[g] = op(a[g])
ctgrad::rt::KernelProgram unary(KOp op, DType d) {
  ProgramBuilder b(std::string("unary_") + name(op) + '_' + name(d), kN);
  const int out = b.param(d, kN, true), x = b.param(d, kN);
  const int g = b.global_idx();
  b.store(out, g, b.op(op, d, b.load(x, g)));
  return b.program;
}

}  // namespace

BOOST_DATA_TEST_CASE(binary_ops, bdata::make(kAllDTypes), d) {
  for (KOp op : binary_ops_for(d)) {
    auto program = binary(op, d);
    if (skip(program.name, unsupported_reason(program))) continue;
    const bool divides = op == KOp::Div || op == KOp::IDiv || op == KOp::Mod;
    std::optional<Fill> divisor;
    if (divides) divisor = Fill{default_fill(d).lo, default_fill(d).hi, true};
    check_program(program, {std::nullopt, std::nullopt, divisor});
  }
}

BOOST_DATA_TEST_CASE(unary_float_ops, bdata::make(kFloatDTypes), d) {
  struct Case {
    KOp op;
    Fill fill;
  };
  const double exp_limit = d == DType::Half ? 15.0 : 60.0;
  const std::vector<Case> cases{{KOp::Neg, {-4, 4}},   {KOp::Exp2, {-exp_limit, exp_limit}}, {KOp::Log2, {1e-3, 1e3}}, {KOp::Sin, {-10, 10}},
                                {KOp::Sqrt, {0, 100}}, {KOp::Recip, {-4, 4, true}}};
  for (const auto& c : cases) {
    auto program = unary(c.op, d);
    if (skip(program.name, unsupported_reason(program))) continue;
    std::optional<Tolerance> tol;                                         // stored-dtype rounding for half/bfloat16 (computed in f32, rounded once)
    const bool approximate = c.op != KOp::Neg;                            // Vulkan allows ulps of error even for sqrt and 1/x
    if (approximate && d == DType::Float32) tol = Tolerance{4e-6, 2e-6};  // GPU builtins are approximations
    if (approximate && d == DType::Float64) tol = Tolerance{1e-14, 1e-15};
    check_program(program, {std::nullopt, c.fill}, tol);
  }
}

BOOST_AUTO_TEST_CASE(f64_sin_far_from_zero) {
  auto program = unary(KOp::Sin, DType::Float64);
  program.name = "sin_f64_wide";
  if (skip(program.name, unsupported_reason(program))) return;
  check_program(program, {std::nullopt, Fill{-1e5, 1e5}}, Tolerance{1e-14, 1e-14});
}

BOOST_AUTO_TEST_CASE(f64_exp2_log2_extremes) {
  if (skip("f64 extremes", unsupported_reason(DType::Float64))) return;
  const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  ctgrad::rt::HostValues exp_in{0, 1, -1, 0.5, 1023.5, 1024, 2000, -1074, -1075.5, -3000, inf, -inf, nan, 10.25, -10.25};
  auto e = unary(KOp::Exp2, DType::Float64);
  check_values(e,
               {ctgrad::rt::HostValues(kN, 0),
                [&] {
                  auto v = exp_in;
                  v.resize(kN, 3.0);
                  return v;
                }()},
               Tolerance{1e-15, 0});
  ctgrad::rt::HostValues log_in{1, 2, 0.5, 1e-300, 1e300, 0, -1, inf, nan, 0.7071067811865476, 1.0000000001, 3};
  auto l = unary(KOp::Log2, DType::Float64);
  check_values(l,
               {ctgrad::rt::HostValues(kN, 0),
                [&] {
                  auto v = log_in;
                  v.resize(kN, 5.0);
                  return v;
                }()},
               Tolerance{1e-15, 1e-16});
}

BOOST_AUTO_TEST_CASE(float_special_values) {
  // NaN and infinity through max (fmax semantics), comparisons, casts to Bool and to other floats.
  const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  const ctgrad::rt::HostValues a{nan, 1, nan, inf, -inf, 0, -0.0, 2}, b{1, nan, nan, 1, -inf, -0.0, 0, inf};
  for (KOp op : {KOp::Max, KOp::CmpLt, KOp::CmpNe, KOp::CmpEq, KOp::Add, KOp::Mul}) {
    for (DType d : {DType::Float32, DType::Float64, DType::Half}) {
      auto program = binary(op, d);
      if (skip(program.name, unsupported_reason(program))) continue;
      auto pad = [](ctgrad::rt::HostValues v) {
        v.resize(kN, 1.5);
        return v;
      };
      check_values(program, {ctgrad::rt::HostValues(kN, 0), pad(a), pad(b)});
    }
  }
}

BOOST_AUTO_TEST_CASE(no_contraction_keeps_mul_add_exact) {
  // out = a*b + c with two roundings, bit for bit what the CPU computes in float: a fused multiply-add (which the
  // interpreter's doubles resemble) differs in the last bit for about a third of these inputs.
  constexpr std::int64_t n = 100000;
  ProgramBuilder b("mul_add_exact", n);
  const int out = b.param(DType::Float32, n, true), x = b.param(DType::Float32, n), y = b.param(DType::Float32, n), z = b.param(DType::Float32, n);
  const int g = b.global_idx();
  b.store(out, g, b.op(KOp::Add, DType::Float32, b.op(KOp::Mul, DType::Float32, b.load(x, g), b.load(y, g)), b.load(z, g)));
  std::vector<float> host[3];
  std::vector<std::vector<std::uint8_t>> bytes{std::vector<std::uint8_t>(n * 4)};
  for (int k = 0; k < 3; ++k) {
    for (std::int64_t i = 0; i < n; ++i) host[k].push_back(std::sin(static_cast<float>(i * (k + 2) + k)) * 3.0f);
    bytes.emplace_back(reinterpret_cast<const std::uint8_t*>(host[k].data()), reinterpret_cast<const std::uint8_t*>(host[k].data() + n));
  }
  const auto got = decode(DType::Float32, run_on_device(b.program, bytes)[0]);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
#pragma clang fp contract(off)
    const float want = host[0][i] * host[1][i] + host[2][i];
    bad += got[i] != want;
  }
  BOOST_TEST(bad == 0u, bad << " of " << n << " results differ from the CPU's float arithmetic");
}

BOOST_DATA_TEST_CASE(neg_of_integers_and_bool, bdata::make(kAllDTypes), d) {
  if (ctgrad::rt::is_float(d)) return;  // covered by unary_float_ops
  auto program = unary(KOp::Neg, d);
  if (skip(program.name, unsupported_reason(program))) return;
  check_program(program);
}

BOOST_DATA_TEST_CASE(neg_wraps_at_the_extremes, bdata::make(kAllDTypes), d) {
  // Two's-complement negation at the edges: -0, -(-1), -min == min, -max; unsigned 0 - x (1 -> all ones, the sign
  // bit alone -> itself). Values are given as signed and wrapped to the dtype; 64-bit ones stay where the
  // interpreter's doubles are exact and convert back with defined results.
  if (d == DType::Bool || ctgrad::rt::is_float(d)) return;
  auto program = unary(KOp::Neg, d);
  program.name = std::string("neg_extremes_") + name(d);
  if (skip(program.name, unsupported_reason(program))) return;
  const int bits = static_cast<int>(ctgrad::rt::itemsize(d)) * 8;
  const double half = bits == 64 ? 0x1p62 : std::ldexp(1.0, bits - 1);  // 2^(bits-1), or 2^62 for 64-bit
  ctgrad::rt::HostValues x{0, 1, -1, 2, -2, half - 1, -half, -half + 1, 127, -128, 128, 255, 256, 32767, -32768, 65535};
  if (d == DType::UInt64) {  // the interpreter negates in doubles and converts through int64: keep x <= 2^63
    std::erase_if(x, [](double v) { return v < 0; });
    x.push_back(-0x1p63);  // wraps to the sign bit alone
  }
  x.resize(kN, 3);
  check_values(program, {ctgrad::rt::HostValues(kN, 0), x});
}

BOOST_DATA_TEST_CASE(casts_from, bdata::make(kAllDTypes), from) {
  for (DType to : kAllDTypes) {
    ProgramBuilder b(std::string("cast_") + name(from) + "_to_" + name(to), kN);
    const int out = b.param(to, kN, true), x = b.param(from, kN);
    const int g = b.global_idx();
    b.store(out, g, b.op(KOp::Cast, to, b.load(x, g)));
    if (skip(b.program.name, unsupported_reason(b.program))) continue;
    // Sources whose conversion C defines: floats to unsigned 32/64-bit must not be negative; wide integers stay
    // small enough for half.
    Fill fill = default_fill(from);
    if (ctgrad::rt::is_float(from))
      fill = (to == DType::UInt32 || to == DType::UInt64) ? Fill{0, 1000} : Fill{-300, 300};
    else if (ctgrad::rt::itemsize(from) >= 4)
      fill = ctgrad::rt::is_unsigned(from) ? Fill{0, 2000} : Fill{-1000, 1000};
    check_program(b.program, {std::nullopt, fill}, Tolerance{0, 0});  // one correctly rounded conversion: exact
  }
}

BOOST_AUTO_TEST_CASE(bfloat16_rounding_is_to_nearest_even) {
  // The test's own encoder first: ties go to the even mantissa.
  BOOST_TEST(encode16(1.0f, DType::BFloat16) == 0x3F80);
  BOOST_TEST(encode16(1.0f + 0x1p-8f, DType::BFloat16) == 0x3F80);
  BOOST_TEST(encode16(1.0f + 0x3p-8f, DType::BFloat16) == 0x3F82);
  BOOST_TEST(encode16(1.0f + 0x1p-8f + 0x1p-20f, DType::BFloat16) == 0x3F81);
  ProgramBuilder b("cast_f32_bf16_ties", 8);
  const int out = b.param(DType::BFloat16, 8, true), x = b.param(DType::Float32, 8);
  const int g = b.global_idx();
  b.store(out, g, b.op(KOp::Cast, DType::BFloat16, b.load(x, g)));
  if (skip(b.program.name, unsupported_reason(b.program))) return;
  const std::vector<std::uint8_t> in = encode(DType::Float32, {1.0 + 0x1p-8, 1.0 + 0x3p-8, -(1.0 + 0x1p-8 + 0x1p-20), 3.4e38, 1e-40, 0, -0.0, 65504});
  auto result = run_on_device(b.program, {std::vector<std::uint8_t>(16), in});
  const ctgrad::rt::HostValues got = decode(DType::BFloat16, result[0]);
  const ctgrad::rt::HostValues inputs = decode(DType::Float32, in);
  for (std::size_t i = 0; i < got.size(); ++i)
    BOOST_TEST(got[i] == decode(DType::BFloat16, encode(DType::BFloat16, {inputs[i]}))[0], "element " << i);
}

BOOST_DATA_TEST_CASE(half_and_bfloat16_through_f32, bdata::make({DType::Half, DType::BFloat16}), d) {
  // The core's usual shape for 16-bit floats: load -> Cast f32 -> compute -> Cast back -> store.
  ProgramBuilder b(std::string("through_f32_") + name(d), kN);
  const int out = b.param(d, kN, true), x = b.param(d, kN), y = b.param(d, kN);
  const int g = b.global_idx();
  const int fx = b.op(KOp::Cast, DType::Float32, b.load(x, g)), fy = b.op(KOp::Cast, DType::Float32, b.load(y, g));
  const int prod = b.op(KOp::Mul, DType::Float32, fx, fy);
  const int sum = b.op(KOp::Add, DType::Float32, prod, b.op(KOp::Exp2, DType::Float32, fx));
  b.store(out, g, b.op(KOp::Cast, d, b.op(KOp::Max, DType::Float32, sum, b.constant(DType::Float32, 0.25))));
  if (skip(b.program.name, unsupported_reason(b.program))) return;
  check_program(b.program);
}

BOOST_DATA_TEST_CASE(where_selects, bdata::make(kAllDTypes), d) {
  ProgramBuilder b(std::string("where_") + name(d), kN);
  const int out = b.param(d, kN, true), c = b.param(DType::Bool, kN), x = b.param(d, kN), y = b.param(d, kN);
  const int g = b.global_idx();
  b.store(out, g, b.op(KOp::Where, d, b.load(c, g), b.load(x, g), b.load(y, g)));
  if (skip(b.program.name, unsupported_reason(b.program))) return;
  check_program(b.program);
}

BOOST_DATA_TEST_CASE(constants, bdata::make(kAllDTypes), d) {
  // out[g] = a[g] + c with an exact c that exercises sign and width; out2[g] = 1.3 stored as is, which rounds the
  // constant to the dtype exactly as storing the interpreter's value does.
  double value = 1.375;
  if (d == DType::Bool)
    value = 1;
  else if (d == DType::Int64)
    value = -(0x1p40 + 3);
  else if (d == DType::UInt64)
    value = 0x1p40 + 3;
  else if (ctgrad::rt::is_int(d))
    value = ctgrad::rt::is_unsigned(d) ? 200 : -100;
  ProgramBuilder b(std::string("constant_") + name(d), kN);
  const int out = b.param(d, kN, true), out2 = b.param(d, kN, true), x = b.param(d, kN);
  const int g = b.global_idx();
  b.store(out, g, b.op(KOp::Add, d, b.load(x, g), b.constant(d, value)));
  b.store(out2, g, b.constant(d, ctgrad::rt::is_float(d) ? 1.3 : value));
  if (skip(b.program.name, unsupported_reason(b.program))) return;
  check_program(b.program);
}
