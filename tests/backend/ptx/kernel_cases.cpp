#include "kernel_cases.hpp"

#include <cmath>
#include <limits>

namespace ptx_test {

using ctgrad::rt::is_float;
using ctgrad::rt::is_int;

InputSpec default_input(DType d) {
  switch (d) {
    case DType::Bool:
      return {0, 1};
    case DType::Int8:
      return {-128, 127};
    case DType::UInt8:
      return {0, 255};
    case DType::Int16:
      return {-32768, 32767};
    case DType::UInt16:
      return {0, 65535};
    case DType::Int32:
      return {-2147483648.0, 2147483647.0};
    case DType::UInt32:
      return {0, 4294967295.0};
    case DType::Int64:
      return {-0x1p53, 0x1p53};  // whole numbers the interpreter's doubles hold exactly
    case DType::UInt64:
      return {0, 0x1p53};
    default:
      return {-10, 10};
  }
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr DType kFloats[] = {DType::Float32, DType::Float64, DType::Half, DType::BFloat16};
constexpr DType kInts[] = {DType::Int8, DType::Int16, DType::Int32, DType::Int64, DType::UInt8, DType::UInt16, DType::UInt32, DType::UInt64};
constexpr DType kAll[] = {DType::Bool,   DType::Int8,   DType::Int16, DType::Int32,    DType::Int64,   DType::UInt8,  DType::UInt16,
                          DType::UInt32, DType::UInt64, DType::Half,  DType::BFloat16, DType::Float32, DType::Float64};

std::string dt(DType d) { return ctgrad::rt::name(d); }

// out = f(a, b) elementwise over every float ALU op; computed in d itself or, via_f32, after casting to f32.
KernelCase float_arith(DType d, bool via_f32) {
  const std::int64_t n = 1000;
  ProgramBuilder b("float_arith_" + dt(d) + (via_f32 ? "_via_f32" : ""), n);
  int out = b.param(d, n), pa = b.param(d, n), pb = b.param(d, n), g = b.global_idx();
  int x = b.load(pa, g), y = b.load(pb, g);
  const DType c = via_f32 ? DType::Float32 : d;
  if (via_f32) x = b.cast(c, x), y = b.cast(c, y);
  int t1 = b.alu(KOp::Add, b.alu(KOp::Mul, x, y), b.constant(c, 1.5));
  int t2 = b.alu(KOp::Sub, t1, b.alu(KOp::Div, x, y));
  int t3 = b.alu(KOp::Max, t2, b.alu(KOp::Neg, x));
  int t4 = b.alu(KOp::Add, b.alu(KOp::Mul, t3, b.alu(KOp::Recip, y)), b.alu(KOp::Sqrt, y));
  int t5 = b.alu(KOp::Where, b.alu(KOp::CmpLt, x, y), t4, b.alu(KOp::Sub, t4, x));
  int keep = b.alu(KOp::And, b.alu(KOp::CmpEq, x, x), b.alu(KOp::CmpNe, x, y));
  int res = b.alu(KOp::Where, keep, t5, b.constant(c, 0.25));
  b.store(out, g, via_f32 ? b.cast(d, res) : res);
  // Intermediates reach ~70, so absolute errors scale with the ulp there; computing in half/bfloat16 itself rounds
  // every op, computing via f32 rounds once at the end.
  double abs_tol = 1e-4, rel_tol = 1e-5;
  if (d == DType::Float64) abs_tol = 1e-12, rel_tol = 1e-13;
  if (d == DType::Half) abs_tol = via_f32 ? 1e-3 : 0.25, rel_tol = via_f32 ? 1e-3 : 2e-2;
  if (d == DType::BFloat16) abs_tol = via_f32 ? 8e-3 : 2.0, rel_tol = via_f32 ? 8e-3 : 5e-2;
  KernelCase k{b.program.name, b.program, {{1, {-4, 4}}, {2, {0.25, 4}}}, abs_tol, rel_tol};
  k.inputs[1].specials = {0, -0.0, 2, -2};
  return k;
}

KernelCase unary(KOp op, DType d, const std::string& tag, InputSpec in, double abs_tol, double rel_tol) {
  const std::int64_t n = 2000;
  ProgramBuilder b(std::string(ctgrad::rt::name(op)) + "_" + dt(d) + tag, n);
  int out = b.param(d, n), pa = b.param(d, n), g = b.global_idx();
  b.store(out, g, b.alu(op, b.load(pa, g)));
  return {b.program.name, b.program, {{1, std::move(in)}}, abs_tol, rel_tol};
}

void add_transcendentals(std::vector<KernelCase>& cases) {
  const double pi = 3.141592653589793;
  cases.push_back(unary(KOp::Exp2, DType::Float32, "", {-100, 100, {0, 1, -1, 0.5, 127.9, 128.5, -126, kInf, -kInf, kNaN}}, 1e-37, 2e-6));
  cases.push_back(unary(KOp::Log2, DType::Float32, "", {1e-3, 1e4, {1, 2, 0.5, 0, -1, kInf, kNaN, 1.0001, 0.9999, 1e-30, 3e38}}, 2e-6, 2e-6));
  cases.push_back(unary(KOp::Sin, DType::Float32, "", {-4, 4, {0, pi, -pi, 1e-3, kNaN, kInf}}, 2e-6, 0));
  cases.push_back(unary(KOp::Sin, DType::Float32, "_wide", {-1e4, 1e4}, 2e-6, 0));
  cases.push_back(unary(KOp::Exp2, DType::Float64, "",
                        {-1074, 1023, {0, 1, -1, 0.5, 1023.9, 1024, -1074, -1075, -1060.3, -1022.5, kInf, -kInf, kNaN}}, 1e-323, 1e-15));
  cases.push_back(unary(KOp::Exp2, DType::Float64, "_small", {-2, 2}, 0, 1e-15));
  cases.push_back(unary(KOp::Log2, DType::Float64, "",
                        {1e-10, 1e10, {1, 2, 0.5, 0, -0.0, -1, kInf, kNaN, 5e-324, 1e-310, 1.0000000001, 0.9999999999, 1.7976931348623157e308}},
                        1e-16, 1e-15));
  cases.push_back(unary(KOp::Log2, DType::Float64, "_near_one", {0.5, 2}, 1e-16, 1e-15));
  cases.push_back(unary(KOp::Sin, DType::Float64, "", {-10, 10, {0, 1e-300, pi, -pi, 1e-8, -1e-8, kInf, kNaN, pi / 2, 1e5 * pi}}, 1e-15, 0));
  cases.push_back(unary(KOp::Sin, DType::Float64, "_wide", {-1e6, 1e6}, 1e-15, 0));
  for (DType d : {DType::Half, DType::BFloat16}) {
    const double tol = d == DType::Half ? 2e-3 : 1e-2;
    cases.push_back(unary(KOp::Exp2, d, "", {-10, 10}, tol, tol));
    cases.push_back(unary(KOp::Log2, d, "", {0.01, 100}, tol, tol));
    cases.push_back(unary(KOp::Sin, d, "", {-10, 10}, tol, 0));
  }
}

// Every integer ALU op, with C's truncating division; values stay where the interpreter's doubles are exact.
KernelCase int_ops(DType d) {
  const std::int64_t n = 3000;
  ProgramBuilder b("int_ops_" + dt(d), n);
  int out = b.param(d, n), pa = b.param(d, n), pb = b.param(d, n), g = b.global_idx();
  int x = b.load(pa, g), y = b.load(pb, g);
  int df = b.alu(KOp::Sub, b.alu(KOp::Mul, b.alu(KOp::Add, x, y), y), x);
  int q = b.alu(KOp::IDiv, df, y), r = b.alu(KOp::Mod, df, y);
  int bits = b.alu(KOp::Xor, b.alu(KOp::Or, b.alu(KOp::And, b.alu(KOp::Max, q, r), x), y), q);
  int neg = d == DType::UInt64 ? bits : b.alu(KOp::Neg, bits);  // the interpreter does not wrap uint64 below 0
  int w1 = b.alu(KOp::Where, b.alu(KOp::CmpLt, x, y), neg, r);
  int is_exact = b.alu(KOp::CmpEq, r, b.constant(d, 0));
  int w2 = b.alu(KOp::Where, is_exact, q, x);
  int pick = b.alu(KOp::Or, b.alu(KOp::CmpNe, q, r), is_exact);
  b.store(out, g, b.alu(KOp::Add, b.alu(KOp::Where, pick, w1, w2), w2));
  InputSpec in = default_input(d);
  if (d == DType::Int32) in = {-40000, 40000};
  if (d == DType::UInt32) in = {0, 80000};
  if (d == DType::Int64) in = {-1e6, 1e6};
  if (d == DType::UInt64) in = {0, 2e6};
  InputSpec divisor = in;
  divisor.nonzero = true;
  divisor.specials = {1, ctgrad::rt::is_unsigned(d) ? 2.0 : -1.0};
  in.specials = {0, in.lo, in.hi};
  return {b.program.name, b.program, {{1, in}, {2, divisor}}};
}

KernelCase bool_ops() {
  const std::int64_t n = 500;
  ProgramBuilder b("bool_ops", n);
  int out = b.param(DType::Bool, n), pa = b.param(DType::Bool, n), pb = b.param(DType::Bool, n), g = b.global_idx();
  int x = b.load(pa, g), y = b.load(pb, g);
  int both = b.alu(KOp::And, x, y), any = b.alu(KOp::Or, x, y);
  int ne = b.alu(KOp::CmpNe, b.alu(KOp::Xor, both, any), b.alu(KOp::CmpLt, x, y));
  int mx = b.alu(KOp::Max, b.alu(KOp::CmpEq, x, y), ne);
  int w = b.alu(KOp::Where, x, mx, b.alu(KOp::CmpLt, y, x));
  int arith = b.alu(KOp::Add, b.alu(KOp::Mul, w, y), b.alu(KOp::Sub, x, b.alu(KOp::Neg, y)));
  b.store(out, g, b.alu(KOp::And, b.alu(KOp::Xor, w, arith), b.constant(DType::Bool, 1)));
  return {b.program.name, b.program, {}};
}

InputSpec cast_input(DType from, DType to) {
  InputSpec in = default_input(from);
  if (is_float(from)) {
    in = {to == DType::UInt64 ? 0.0 : -300.0, 300};
    if (is_float(to))
      in.specials = {kNaN, kInf, -kInf, 1e5, -70000, 65519.99, 65520, 1e-8, 6e-8, 3e-5, 0, -0.0, 1e300, 3.3895e38, 1e-40};
    else if (to == DType::Bool)
      in.specials = {0, -0.0, kNaN, 1e-30, kInf};
    else
      in.specials = {0, 0.99, 127.5, 128, 255.9, 256, 65535.5, 65536};
    if (is_int(to) && to != DType::UInt64) in.specials.insert(in.specials.end(), {-0.5, -0.99, -129, -300});
    if (from == DType::Half && !is_float(to)) std::erase_if(in.specials, [](double v) { return v > 65504; });  // inf: no integer
  } else if (is_int(from)) {
    if (to == DType::UInt64) in.lo = 0;  // the interpreter keeps negative values negative in uint64
    in.specials = {in.lo, in.hi, 0, 1};
  }
  return in;
}

KernelCase cast_case(DType from, DType to) {
  const std::int64_t n = 600;
  ProgramBuilder b("cast_" + dt(from) + "_to_" + dt(to), n);
  int out = b.param(to, n), pa = b.param(from, n), g = b.global_idx();
  b.store(out, g, b.cast(to, b.load(pa, g)));
  return {b.program.name, b.program, {{1, cast_input(from, to)}}};
}

// out[g] = a[g - 10] for g in [10, 50), else 0; the masked index points far outside the buffer.
KernelCase gated_load(DType d) {
  const std::int64_t n = 64;
  ProgramBuilder b("gated_load_" + dt(d), n);
  int out = b.param(d, n), pa = b.param(d, 40), g = b.global_idx();
  int gate = b.alu(KOp::And, b.alu(KOp::CmpLt, b.constant(DType::Int32, 9), g), b.alu(KOp::CmpLt, g, b.constant(DType::Int32, 50)));
  int idx = b.alu(KOp::Where, gate, b.alu(KOp::Sub, g, b.constant(DType::Int32, 10)), b.constant(DType::Int32, -1000000000));
  b.store(out, g, b.load(pa, idx, gate));
  return {b.program.name, b.program, {}};
}

struct ReduceSpec {
  std::string name;
  DType d;
  KOp op;
  std::int64_t outputs, trip;
  double init;
  bool post_ops = false;  // out = acc * 0.5 + bias[g]
  DType index = DType::Int32;
  InputSpec in = {-1, 1};
};

// out[g] = init (+|max) a[g*trip + r] over r, optionally scaled and shifted after the loop.
KernelCase reduce_case(const ReduceSpec& s, bool block, double abs_tol = 0, double rel_tol = 0) {
  ProgramBuilder b(s.name, s.outputs, s.index);
  int out = b.param(s.d, s.outputs), pa = b.param(s.d, s.outputs * s.trip), pbias = s.post_ops ? b.param(s.d, s.outputs) : -1;
  int g = b.global_idx(), acc = b.acc(s.d, s.init);
  int base = b.alu(KOp::Mul, g, b.constant(s.index, static_cast<double>(s.trip)));
  int r = b.range(s.trip);
  b.acc_store(acc, b.alu(s.op, acc, b.load(pa, b.alu(KOp::Add, base, r))));
  b.end_range(r);
  int res = s.post_ops ? b.alu(KOp::Add, b.alu(KOp::Mul, acc, b.constant(s.d, 0.5)), b.load(pbias, g)) : acc;
  b.store(out, g, res);
  return {s.name, b.program, {{1, s.in}}, abs_tol, rel_tol, block};
}

// out[g] = sum_i max_j a[(g*I + i)*J + j]: an outer reduction over an inner one whose accumulator is per-i.
KernelCase nested_case(const std::string& name, std::int64_t outputs, std::int64_t outer, std::int64_t inner, bool block) {
  ProgramBuilder b(name, outputs);
  int out = b.param(DType::Float32, outputs), pa = b.param(DType::Float32, outputs * outer * inner), g = b.global_idx();
  int sum = b.acc(DType::Float32, 0);
  int i = b.range(outer);
  int row = b.alu(KOp::Add, b.alu(KOp::Mul, g, b.constant(DType::Int32, static_cast<double>(outer))), i);
  int best = b.acc(DType::Float32, -kInf);
  int j = b.range(inner);
  int idx = b.alu(KOp::Add, b.alu(KOp::Mul, row, b.constant(DType::Int32, static_cast<double>(inner))), j);
  b.acc_store(best, b.alu(KOp::Max, best, b.load(pa, idx)));
  b.end_range(j);
  b.acc_store(sum, b.alu(KOp::Add, sum, best));
  b.end_range(i);
  b.store(out, g, sum);
  return {name, b.program, {}, 1e-3, 1e-5, block};
}

// out[g] = log2(sum_r 2^(x - m)) + m with m = max_r x: two top-level reductions, the second reading the first.
KernelCase logsumexp_case(const std::string& name, std::int64_t outputs, std::int64_t trip, std::int64_t empty_trip, bool block) {
  const DType f = DType::Float32;
  ProgramBuilder b(name, outputs);
  int out = b.param(f, outputs), pa = b.param(f, outputs * trip), g = b.global_idx();
  int base = b.alu(KOp::Mul, g, b.constant(DType::Int32, static_cast<double>(trip)));
  int m = b.acc(f, -kInf), s = b.acc(f, 0), side = b.acc(f, 3);
  int r0 = b.range(empty_trip);  // a loop that never runs (when empty_trip is 0) leaves its accumulator alone
  b.acc_store(side, b.alu(KOp::Add, side, b.load(pa, b.alu(KOp::Add, base, r0))));
  b.end_range(r0);
  int r1 = b.range(trip);
  b.acc_store(m, b.alu(KOp::Max, m, b.load(pa, b.alu(KOp::Add, base, r1))));
  b.end_range(r1);
  int r2 = b.range(trip);
  int shifted = b.alu(KOp::Sub, b.load(pa, b.alu(KOp::Add, base, r2)), m);
  b.acc_store(s, b.alu(KOp::Add, s, b.alu(KOp::Exp2, shifted)));
  b.end_range(r2);
  b.store(out, g, b.alu(KOp::Add, b.alu(KOp::Add, b.alu(KOp::Log2, s), m), side));
  return {name, b.program, {{1, {-8, 8}}}, 1e-4, 2e-5, block};
}

// acc = acc * 0.5 + x is no pure sum: the renderer must keep one thread per output even with few outputs.
KernelCase decay_case() {
  const DType f = DType::Float32;
  const std::int64_t outputs = 10, trip = 1000;
  ProgramBuilder b("decaying_sum_stays_per_thread", outputs);
  int out = b.param(f, outputs), pa = b.param(f, outputs * trip), g = b.global_idx(), acc = b.acc(f, 1);
  int base = b.alu(KOp::Mul, g, b.constant(DType::Int32, trip));
  int r = b.range(trip);
  int v = b.load(pa, b.alu(KOp::Add, base, r));
  b.acc_store(acc, b.alu(KOp::Add, b.alu(KOp::Mul, acc, b.constant(f, 0.5)), v));
  b.end_range(r);
  b.store(out, g, acc);
  return {b.program.name, b.program, {}, 1e-5, 1e-5, false};
}

// out[g] = a[g] + (g & 1023): large ones give each thread several outputs (and a partial last block).
KernelCase elementwise_case(const std::string& name, std::int64_t n, DType index, unsigned per_thread) {
  ProgramBuilder b(name, n, index);
  int out = b.param(DType::Float32, n), pa = b.param(DType::Float32, n), g = b.global_idx();
  int low_bits = b.cast(DType::Float32, b.alu(KOp::And, g, b.constant(index, 1023)));
  b.store(out, g, b.alu(KOp::Add, b.load(pa, g), low_bits));
  KernelCase k{name, b.program, {}};
  k.per_thread = per_thread;
  return k;
}

// out[g] = g in [16, n - 16) ? half(2 * float(a[g - 16])) : 0, several outputs per thread.
KernelCase large_gated_half(std::int64_t n) {
  ProgramBuilder b("gated_half_several_per_thread", n);
  int out = b.param(DType::Half, n), pa = b.param(DType::Half, n - 32), g = b.global_idx();
  int gate = b.alu(KOp::And, b.alu(KOp::CmpLt, b.constant(DType::Int32, 15), g),
                   b.alu(KOp::CmpLt, g, b.constant(DType::Int32, static_cast<double>(n - 16))));
  int idx = b.alu(KOp::Where, gate, b.alu(KOp::Sub, g, b.constant(DType::Int32, 16)), b.constant(DType::Int32, -1000000000));
  int doubled = b.alu(KOp::Mul, b.cast(DType::Float32, b.load(pa, idx, gate)), b.constant(DType::Float32, 2));
  b.store(out, g, b.cast(DType::Half, doubled));
  KernelCase k{b.program.name, b.program, {}};
  k.per_thread = 4;
  return k;
}

void add_reductions(std::vector<KernelCase>& cases) {
  const DType f32 = DType::Float32;
  cases.push_back(reduce_case({"sum_f32_thread_per_output", f32, KOp::Add, 20000, 37, 0}, false, 1e-5, 1e-5));
  cases.push_back(reduce_case({"sum_f32_block_1024", f32, KOp::Add, 100, 5000, 0}, true, 2e-3, 1e-5));
  cases.push_back(reduce_case({"max_f32_block_256", f32, KOp::Max, 300, 3000, -kInf}, true));
  cases.push_back(reduce_case({"mean_f64_block_post_ops", DType::Float64, KOp::Add, 3, 100000, 5.0, true}, true, 1e-10, 1e-12));
  cases.push_back(reduce_case({"sum_i32_block", DType::Int32, KOp::Add, 500, 1000, 7, false, DType::Int32, {-1000, 1000}}, true));
  cases.push_back(reduce_case({"max_i64_block", DType::Int64, KOp::Max, 50, 4096, -0x1p50, false, DType::Int32, {-0x1p40, 0x1p40}}, true));
  cases.push_back(reduce_case({"sum_u8_block_wraps", DType::UInt8, KOp::Add, 40, 700, 3, false, DType::Int32, {0, 255}}, true));
  cases.push_back(reduce_case({"max_half_block", DType::Half, KOp::Max, 20, 2048, -kInf}, true));
  cases.push_back(reduce_case({"max_bf16_thread", DType::BFloat16, KOp::Max, 20000, 10, -kInf}, false));
  cases.push_back(reduce_case({"sum_i16_thread", DType::Int16, KOp::Add, 17000, 300, 0, false, DType::Int32, {-100, 100}}, false));
  cases.push_back(reduce_case({"sum_u64_block", DType::UInt64, KOp::Add, 30, 3000, 11, false, DType::Int32, {0, 0x1p40}}, true));
  cases.push_back(reduce_case({"sum_f32_index64_block", f32, KOp::Add, 64, 4000, 1, true, DType::Int64}, true, 1e-3, 1e-5));
  cases.push_back(reduce_case({"sum_f64_index64_thread", DType::Float64, KOp::Add, 20000, 20, 0, false, DType::Int64}, false, 1e-12, 1e-12));
  cases.push_back(reduce_case({"sum_empty_range", f32, KOp::Add, 100, 0, 2.5, true}, false));
  cases.push_back(nested_case("nested_block", 8, 300, 7, true));
  cases.push_back(nested_case("nested_thread", 20000, 3, 5, false));
  cases.push_back(logsumexp_case("logsumexp_block_with_empty_loop", 64, 2048, 0, true));
  cases.push_back(logsumexp_case("logsumexp_thread", 20000, 40, 3, false));
  cases.push_back(decay_case());
}

}  // namespace

std::vector<KernelCase> kernel_cases() {
  std::vector<KernelCase> cases;
  for (DType d : kFloats) cases.push_back(float_arith(d, false));
  cases.push_back(float_arith(DType::Half, true));
  cases.push_back(float_arith(DType::BFloat16, true));
  add_transcendentals(cases);
  for (DType d : kInts) cases.push_back(int_ops(d));
  cases.push_back(bool_ops());
  for (DType from : kAll)
    for (DType to : kAll)
      if (from != to) cases.push_back(cast_case(from, to));
  for (DType d : {DType::Float32, DType::Float64, DType::Half, DType::BFloat16, DType::Bool, DType::Int8, DType::UInt16, DType::Int64})
    cases.push_back(gated_load(d));
  add_reductions(cases);
  cases.push_back(elementwise_case("elementwise_index64", 5000, DType::Int64, 1));
  cases.push_back(elementwise_case("elementwise_index64_2pow20_plus_3", (std::int64_t{1} << 20) + 3, DType::Int64, 4));
  cases.push_back(elementwise_case("elementwise_2pow24_plus_7", (std::int64_t{1} << 24) + 7, DType::Int32, 4));
  cases.push_back(large_gated_half((std::int64_t{1} << 20) + 5));
  return cases;
}

}  // namespace ptx_test
