// The C device against interpret(): hand-built kernel programs covering every KOp and dtype, gating, ranges,
// reductions, both index dtypes and thread-split launches; then its error paths and a bandwidth/compile-time report.
#define BOOST_TEST_MODULE c_backend
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <random>

#include "ctgrad/ctgrad.hpp"
#include "ctgrad/runtime/c/c_device.hpp"
#include "ctgrad/runtime/interpret.hpp"
#include "../../support/kernel_check.hpp"

namespace rt = ctgrad::rt;
using rt::DType;
using rt::HostValues;
using rt::KOp;

namespace {

constexpr DType all_dtypes[] = {DType::Bool,   DType::Int8,   DType::Int16, DType::Int32,    DType::Int64,   DType::UInt8, DType::UInt16,
                                DType::UInt32, DType::UInt64, DType::Half,  DType::BFloat16, DType::Float32, DType::Float64};
constexpr DType int_dtypes[] = {DType::Int8, DType::Int16, DType::Int32, DType::Int64, DType::UInt8, DType::UInt16, DType::UInt32, DType::UInt64};

using ctgrad_test::decode16;  // the half / bfloat16 oracle: nearest representable value, ties to even
using ctgrad_test::encode16;

// ---- program builder: operand dtypes are inferred, so each case reads like the kernel it builds ----

struct Builder : ctgrad_test::ProgramBuilder {
  using ctgrad_test::ProgramBuilder::ProgramBuilder;
  int param(DType d, std::int64_t size) { return ctgrad_test::ProgramBuilder::param(d, size, program.params.empty()); }  // the first: output
  rt::KernelProgram done() {
    program.flops = program.global_size * static_cast<std::int64_t>(program.insts.size());
    for (auto& param : program.params) program.bytes += param.size * static_cast<std::int64_t>(rt::itemsize(param.dtype));
    return program;
  }
};

// ---- run on the C device and compare with interpret() ----

rt::Device& c_device() { return rt::device("C"); }

std::vector<HostValues> run_on_device(const rt::KernelProgram& p, const std::vector<HostValues>& inputs) {
  std::vector<std::vector<std::uint8_t>> bytes;
  for (std::size_t i = 0; i < p.params.size(); ++i) bytes.push_back(ctgrad_test::encode(p.params[i].dtype, inputs[i]));
  bytes = ctgrad_test::run_on_device(c_device(), p, std::move(bytes));
  std::vector<HostValues> out;
  for (std::size_t i = 0; i < p.params.size(); ++i) out.push_back(ctgrad_test::decode(p.params[i].dtype, bytes[i]));
  return out;
}

// Every element of every written buffer: exact for integers, within `tol` (relative above 1) for floats.
void compare(const rt::KernelProgram& p, std::vector<HostValues> inputs, double tol = 1e-5) {
  auto got = run_on_device(p, inputs);
  rt::interpret(p, inputs);
  for (std::size_t b = 0; b < p.params.size(); ++b) {
    if (!p.params[b].written) continue;
    const DType d = p.params[b].dtype;
    const double t = d == DType::Half ? std::max(tol, 2e-3) : d == DType::BFloat16 ? std::max(tol, 1.6e-2) : rt::is_float(d) ? tol : 0;
    std::size_t bad = 0;
    for (std::size_t i = 0; i < got[b].size(); ++i) {
      const double x = got[b][i], e = inputs[b][i];
      const bool same = (std::isnan(x) && std::isnan(e)) || x == e || std::abs(x - e) <= t * std::max(1.0, std::abs(e));
      if (!same && ++bad <= 5) BOOST_ERROR(p.name << " buffer " << b << "[" << i << "]: C device " << x << ", interpret " << e);
    }
    BOOST_TEST(bad == 0u, p.name << ": " << bad << " elements differ; source:\n" << c_device().render(p));
  }
}

struct Spec {
  double lo, hi;
  bool nonzero = false;
};

Spec default_spec(DType d) {
  switch (d) {
    case DType::Bool: return {0, 1};
    case DType::Int8: return {-128, 127};
    case DType::Int16: return {-32768, 32767};
    case DType::UInt8: return {0, 255};
    case DType::UInt16: return {0, 65535};
    case DType::Int32: case DType::Int64: return {-(1 << 26), 1 << 26};  // products stay exact in interpret()'s doubles
    case DType::UInt32: case DType::UInt64: return {0, 1 << 26};
    default: return {-4, 4};
  }
}

std::vector<HostValues> random_inputs(const rt::KernelProgram& p, const std::map<std::size_t, Spec>& specs = {}) {
  std::mt19937_64 rng(p.hash());
  std::vector<HostValues> values;
  for (std::size_t i = 0; i < p.params.size(); ++i) {
    const DType d = p.params[i].dtype;
    const Spec s = specs.contains(i) ? specs.at(i) : default_spec(d);
    HostValues v(static_cast<std::size_t>(p.params[i].size));
    for (auto& x : v) {
      do {
        x = rt::is_float(d) ? std::uniform_real_distribution<double>(s.lo, s.hi)(rng)
                            : static_cast<double>(std::uniform_int_distribution<std::int64_t>(std::int64_t(s.lo), std::int64_t(s.hi))(rng));
      } while (s.nonzero && x == 0);
      if (d == DType::Float32) x = static_cast<float>(x);
      if (d == DType::Half || d == DType::BFloat16) x = decode16(encode16(x, d), d);
    }
    values.push_back(std::move(v));
  }
  return values;
}

void check(const rt::KernelProgram& p, double tol = 1e-5, const std::map<std::size_t, Spec>& specs = {}) {
  compare(p, random_inputs(p, specs), tol);
}

// out[g*ops.size() + k] = ops[k](inputs at g): many ops of one dtype in one kernel.
template <class MakeOp>
rt::KernelProgram many_ops(const std::string& name, DType in, DType out, std::size_t count, std::int64_t n, MakeOp make) {
  Builder b(name, n);
  int o = b.param(out, n * static_cast<std::int64_t>(count)), x = b.param(in, n), y = b.param(in, n), g = b.global_idx();
  int a = b.load(x, g), c = b.load(y, g), base = b.alu(KOp::Mul, g, b.index(static_cast<std::int64_t>(count)));
  for (std::size_t k = 0; k < count; ++k) b.store(o, b.alu(KOp::Add, base, b.index(static_cast<std::int64_t>(k))), make(b, k, a, c));
  return b.done();
}

// Sets (or unsets, for nullptr) an environment variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    value ? setenv(name, value, 1) : unsetenv(name);
  }
  ~ScopedEnv() { old_ ? setenv(name_.c_str(), old_->c_str(), 1) : unsetenv(name_.c_str()); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  std::string name_;
  std::optional<std::string> old_;
};

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

BOOST_AUTO_TEST_CASE(worked_example_from_the_header) {  // out[g] = sum_r a[g*4 + r] * 2
  Builder b("worked_example", 100);
  int out = b.param(DType::Float32, 100), a = b.param(DType::Float32, 400), g = b.global_idx();
  int acc = b.acc(DType::Float32, 0), r = b.range(4);
  int x = b.load(a, b.alu(KOp::Add, b.alu(KOp::Mul, g, b.index(4)), r));
  b.acc_store(acc, b.alu(KOp::Add, acc, b.alu(KOp::Mul, x, b.constant(DType::Float32, 2))));
  b.end_range(r);
  b.store(out, g, acc);
  check(b.done());
}

BOOST_AUTO_TEST_CASE(float_unary_ops) {
  for (DType d : {DType::Float32, DType::Float64}) {
    const KOp ops[] = {KOp::Neg, KOp::Exp2, KOp::Log2, KOp::Sin, KOp::Sqrt, KOp::Recip};
    auto p = many_ops(std::string("unary_") + rt::name(d), d, d, 6, 257, [&](Builder& b, std::size_t k, int a, int) { return b.alu(ops[k], a); });
    check(p, d == DType::Float32 ? 1e-5 : 1e-12, {{1, {0.01, 20}}});  // positive for Log2 and Sqrt
  }
}

BOOST_AUTO_TEST_CASE(float_binary_ops_comparisons_and_where) {
  for (DType d : {DType::Float32, DType::Float64}) {
    const KOp ops[] = {KOp::Add, KOp::Sub, KOp::Mul, KOp::Div, KOp::Max, KOp::CmpLt, KOp::CmpNe, KOp::CmpEq};
    auto p = many_ops(std::string("binary_") + rt::name(d), d, d, 10, 300, [&](Builder& b, std::size_t k, int a, int c) {
      if (k == 8) return b.alu(KOp::Max, a, b.constant(d, NAN));                               // fmax: the NaN loses
      if (k == 9) return b.alu(KOp::Where, b.alu(KOp::CmpEq, a, b.alu(KOp::Max, a, c)), a, c);  // equal half the time
      int r = b.alu(ops[k], a, c);
      return rt::is_comparison(ops[k]) ? b.cast(d, r) : r;
    });
    check(p, d == DType::Float32 ? 1e-6 : 1e-15, {{2, {-4, 4, true}}});
  }
}

BOOST_AUTO_TEST_CASE(integer_ops_wrap_like_interpret) {
  const KOp ops[] = {KOp::Add, KOp::Sub, KOp::Mul, KOp::IDiv, KOp::Mod, KOp::Max, KOp::And, KOp::Or, KOp::Xor,
                     KOp::Neg, KOp::CmpLt, KOp::CmpNe, KOp::CmpEq, KOp::Where};
  for (DType d : int_dtypes) {
    auto p = many_ops(std::string("int_ops_") + rt::name(d), d, d, std::size(ops), 500, [&](Builder& b, std::size_t k, int a, int c) {
      // interpret() holds 64-bit values in doubles and cannot wrap them below zero
      const KOp op = d == DType::UInt64 && (ops[k] == KOp::Sub || ops[k] == KOp::Neg) ? KOp::Add : ops[k];
      if (op == KOp::Neg) return b.alu(op, a);
      if (op == KOp::Where) return b.alu(op, b.alu(KOp::CmpLt, c, a), a, c);
      int r = b.alu(op, a, c);
      return rt::is_comparison(op) ? b.cast(d, r) : r;
    });
    Spec divisor = default_spec(d);
    divisor.nonzero = true;
    check(p, 0, {{2, divisor}});
  }
}

BOOST_AUTO_TEST_CASE(signed_min_divided_by_minus_one_wraps) {  // traps in plain C on x86
  for (DType d : {DType::Int8, DType::Int32, DType::Int64}) {
    auto p = many_ops(std::string("min_div_") + rt::name(d), d, d, 2, 4,
                      [](Builder& b, std::size_t k, int a, int c) { return b.alu(k == 0 ? KOp::IDiv : KOp::Mod, a, c); });
    const double min = d == DType::Int8 ? -128 : d == DType::Int32 ? -2147483648.0 : -std::ldexp(1, 40);
    compare(p, {HostValues(8, 0), {min, min, 7, -7}, {-1, 3, -1, 2}});
  }
}

BOOST_AUTO_TEST_CASE(index_derived_data_wraps) {  // an LCG hash of g: overflowing int32 arithmetic that is not an index
  Builder b("index_hash", 3000);
  int out = b.param(DType::Int32, 3000), g = b.global_idx();
  int hash = b.alu(KOp::Add, b.alu(KOp::Mul, g, b.index(1103515245)), b.index(12345));
  b.store(out, g, b.alu(KOp::Xor, hash, b.alu(KOp::Mul, hash, b.index(40503))));  // products stay below 2^53
  auto p = b.done();
  BOOST_TEST(c_device().render(p).find("(uint32_t)") != std::string::npos);
  check(p, 0);
}

BOOST_AUTO_TEST_CASE(bool_ops) {
  const KOp ops[] = {KOp::And, KOp::Or, KOp::Xor, KOp::Max, KOp::Add, KOp::Mul, KOp::CmpNe, KOp::CmpLt, KOp::Where};
  auto p = many_ops("bool_ops", DType::Bool, DType::Bool, std::size(ops), 64, [&](Builder& b, std::size_t k, int a, int c) {
    return ops[k] == KOp::Where ? b.alu(KOp::Where, a, c, b.alu(KOp::Xor, a, c)) : b.alu(ops[k], a, c);
  });
  check(p);
}

BOOST_AUTO_TEST_CASE(casts_between_every_dtype) {  // out[g*13 + s] = double(T(input_s[g])) for each target T
  for (DType to : all_dtypes) {
    const bool unsigned64 = to == DType::UInt64;  // interpret() does not wrap negative values into uint64
    Builder b(std::string("cast_to_") + rt::name(to), 200);
    int out = b.param(DType::Float64, 200 * 13);
    std::vector<int> inputs;
    for (DType from : all_dtypes) inputs.push_back(b.param(from, 200));
    int g = b.global_idx(), base = b.alu(KOp::Mul, g, b.index(13));
    for (std::size_t s = 0; s < inputs.size(); ++s)
      b.store(out, b.alu(KOp::Add, base, b.index(static_cast<std::int64_t>(s))), b.cast(DType::Float64, b.cast(to, b.load(inputs[s], g))));
    std::map<std::size_t, Spec> specs;
    for (std::size_t s = 0; s < inputs.size(); ++s) {
      const DType from = all_dtypes[s];
      specs[s + 1] = from == DType::Bool ? Spec{0, 1} : rt::is_unsigned(from) || unsigned64 ? Spec{0, 100} : Spec{-100, 100};
    }
    const double tol = to == DType::Half ? 2e-3 : to == DType::BFloat16 ? 1.6e-2 : to == DType::Float32 ? 1e-7 : 0;
    check(b.done(), tol, specs);
  }
}

BOOST_AUTO_TEST_CASE(half_and_bfloat16_compute) {  // load -> f32 -> compute -> round back, and ALU on half itself
  for (DType d : {DType::Half, DType::BFloat16}) {
    Builder b(std::string("compute_") + rt::name(d), 1000);
    int out = b.param(d, 2000), a = b.param(d, 1000), g = b.global_idx(), x = b.load(a, g);
    int f = b.alu(KOp::Exp2, b.alu(KOp::Mul, b.cast(DType::Float32, x), b.constant(DType::Float32, 0.75)));
    b.store(out, b.alu(KOp::Mul, g, b.index(2)), b.cast(d, b.alu(KOp::Add, f, b.constant(DType::Float32, -1))));
    int h = b.alu(KOp::Sqrt, b.alu(KOp::Add, b.alu(KOp::Mul, x, x), b.constant(d, 0.5)));
    b.store(out, b.alu(KOp::Add, b.alu(KOp::Mul, g, b.index(2)), b.index(1)), h);
    check(b.done());
  }
}

BOOST_AUTO_TEST_CASE(half_arithmetic_rounds_every_op) {  // interpret() does not round, so the expectation is explicit
  for (DType d : {DType::Half, DType::BFloat16}) {
    Builder b(std::string("half_rounding_") + rt::name(d), 2);
    int out = b.param(DType::Float32, 2), x = b.param(d, 2), y = b.param(d, 2), g = b.global_idx();
    int a = b.load(x, g);
    b.store(out, g, b.cast(DType::Float32, b.alu(KOp::Sub, b.alu(KOp::Add, a, b.load(y, g)), a)));
    const double ulp = d == DType::Half ? 0x1p-10 : 0x1p-7;
    // 1 + ulp/2 ties to even (1), 1 + 3ulp/2 ties up to 1 + 2ulp
    auto got = run_on_device(b.done(), {{0, 0}, {1, 1}, {ulp / 2, 1.5 * ulp}});
    BOOST_TEST(got[0][0] == 0.0);
    BOOST_TEST(got[0][1] == 2 * ulp);
  }
}

BOOST_AUTO_TEST_CASE(half_and_bfloat16_conversions_are_bit_exact) {
  auto& dev = c_device();
  for (DType d : {DType::Half, DType::BFloat16}) {
    // every 16-bit pattern -> float
    Builder up(std::string("widen_") + rt::name(d), 65536);
    int f = up.param(DType::Float32, 65536), h = up.param(d, 65536), g = up.global_idx();
    up.store(f, g, up.cast(DType::Float32, up.load(h, g)));
    auto widen = up.done();
    // floats -> 16 bits: specials, halfway cases, the overflow boundary, subnormals, and random bit patterns
    std::vector<float> floats = {0.f, -0.f, INFINITY, -INFINITY, NAN, 65504.f, 65519.99f, 65520.f, 1e-8f, 2.98023224e-8f, 2.98023254e-8f,
                                 1.0f + 0x1p-11f, 1.0f + 0x1p-10f + 0x1p-11f, 1.0f + 0x1p-8f, 1.0f + 0x1p-7f + 0x1p-8f, 3.4e38f, 6.1e-5f, 1e-40f};
    std::mt19937 rng(7);
    while (floats.size() < 65536) {
      auto bits = static_cast<std::uint32_t>(rng());
      float x;
      std::memcpy(&x, &bits, 4);
      floats.push_back(x);
    }
    Builder down(std::string("narrow_") + rt::name(d), 65536);
    int n16 = down.param(d, 65536), n32 = down.param(DType::Float32, 65536), gd = down.global_idx();
    down.store(n16, gd, down.cast(d, down.load(n32, gd)));
    auto narrow = down.done();

    auto k_up = dev.load(dev.compile(dev.render(widen), widen), widen);
    auto k_down = dev.load(dev.compile(dev.render(narrow), narrow), narrow);
    auto b16 = dev.alloc(65536 * 2), b32 = dev.alloc(65536 * 4);
    std::vector<std::uint16_t> patterns(65536);
    for (std::size_t i = 0; i < patterns.size(); ++i) patterns[i] = static_cast<std::uint16_t>(i);
    dev.copy_in(*b16, patterns.data(), 65536 * 2);
    std::vector<rt::DeviceBuffer*> up_bufs{b32.get(), b16.get()};
    k_up->run(up_bufs, widen);
    std::vector<float> widened(65536);
    dev.copy_out(widened.data(), *b32, 65536 * 4);
    std::size_t bad = 0;
    for (std::size_t i = 0; i < 65536; ++i) {
      const double e = decode16(static_cast<std::uint16_t>(i), d);
      if (!(widened[i] == e || (std::isnan(e) && std::isnan(widened[i]))) && ++bad <= 5)
        BOOST_ERROR(rt::name(d) << " pattern " << i << " widened to " << widened[i] << ", expected " << e);
    }
    dev.copy_in(*b32, floats.data(), 65536 * 4);
    std::vector<rt::DeviceBuffer*> down_bufs{b16.get(), b32.get()};
    k_down->run(down_bufs, narrow);
    dev.copy_out(patterns.data(), *b16, 65536 * 2);
    for (std::size_t i = 0; i < 65536; ++i) {
      const std::uint16_t e = encode16(floats[i], d);
      const bool both_nan = std::isnan(floats[i]) && std::isnan(decode16(patterns[i], d));
      if (patterns[i] != e && !both_nan && ++bad <= 10)
        BOOST_ERROR(rt::name(d) << " of " << floats[i] << " is " << patterns[i] << ", expected " << e);
    }
    BOOST_TEST(bad == 0u);
  }
}

BOOST_AUTO_TEST_CASE(gated_loads_pad_without_touching_memory) {
  {  // out[g] = a[g-1] where 0 <= g-1 < n, else 0: a padded shift
    Builder b("pad_shift", 130);
    int out = b.param(DType::Float32, 130), a = b.param(DType::Float32, 128), g = b.global_idx();
    int i = b.alu(KOp::Sub, g, b.index(1));
    int gate = b.alu(KOp::And, b.alu(KOp::CmpLt, b.index(-1), i), b.alu(KOp::CmpLt, i, b.index(128)));
    b.store(out, g, b.load(a, i, gate));
    check(b.done());
  }
  {  // a gated-off index 2^40 elements away would fault if it were dereferenced
    Builder b("gate_far_index", 1000, DType::Int64);
    int out = b.param(DType::Int32, 1000), a = b.param(DType::Int32, 500), g = b.global_idx();
    int even = b.alu(KOp::CmpEq, b.alu(KOp::Mod, g, b.index(2)), b.index(0));
    int i = b.alu(KOp::Where, even, b.alu(KOp::IDiv, g, b.index(2)), b.alu(KOp::Mul, g, b.index(std::int64_t(1) << 40)));
    b.store(out, g, b.load(a, i, even));
    check(b.done());
  }
}

BOOST_AUTO_TEST_CASE(nested_empty_and_sequential_ranges) {
  Builder b("ranges", 64);
  int out = b.param(DType::Float32, 64 * 3), a = b.param(DType::Float32, 64 * 15), g = b.global_idx();
  // sum over a 3x5 block, nested
  int sum = b.acc(DType::Float32, 0), i = b.range(3), j = b.range(5);
  int x = b.load(a, b.alu(KOp::Add, b.alu(KOp::Mul, g, b.index(15)), b.alu(KOp::Add, b.alu(KOp::Mul, i, b.index(5)), j)));
  b.acc_store(sum, b.alu(KOp::Add, sum, x));
  b.end_range(j);
  b.end_range(i);
  // max over the same block's first row, after the first loop; -inf start
  int mx = b.acc(DType::Float32, -INFINITY), k = b.range(5);
  b.acc_store(mx, b.alu(KOp::Max, mx, b.load(a, b.alu(KOp::Add, b.alu(KOp::Mul, g, b.index(15)), k))));
  b.end_range(k);
  // an empty range leaves its accumulator at the start value
  int empty = b.acc(DType::Float32, 3.5), e = b.range(0);
  b.acc_store(empty, b.alu(KOp::Add, empty, b.load(a, g)));
  b.end_range(e);
  int base = b.alu(KOp::Mul, g, b.index(3));
  b.store(out, base, sum);
  b.store(out, b.alu(KOp::Add, base, b.index(1)), b.alu(KOp::Mul, mx, b.constant(DType::Float32, 2)));
  b.store(out, b.alu(KOp::Add, base, b.index(2)), empty);
  check(b.done());
}

BOOST_AUTO_TEST_CASE(int64_index_reduction) {  // out[g] = sum_r a[g*7 + r] over int64 indices and values
  Builder b("int64_reduce", 300, DType::Int64);
  int out = b.param(DType::Int64, 300), a = b.param(DType::Int64, 2100), g = b.global_idx();
  int acc = b.acc(DType::Int64, 0), r = b.range(7);
  b.acc_store(acc, b.alu(KOp::Add, acc, b.load(a, b.alu(KOp::Add, b.alu(KOp::Mul, g, b.index(7)), r))));
  b.end_range(r);
  b.store(out, g, acc);
  check(b.done(), 0);
}

BOOST_AUTO_TEST_CASE(large_global_size_split_over_threads) {  // uneven size: the last chunk is partial
  const std::int64_t n = (1 << 20) + 37;
  Builder b("large_elementwise", n);
  int out = b.param(DType::Float32, n), a = b.param(DType::Float32, n), c = b.param(DType::Int32, n), g = b.global_idx();
  int x = b.alu(KOp::Add, b.alu(KOp::Mul, b.load(a, g), b.cast(DType::Float32, b.load(c, g))), b.cast(DType::Float32, g));
  b.store(out, g, b.alu(KOp::Max, x, b.constant(DType::Float32, 0)));
  auto p = b.done();
  BOOST_TEST_REQUIRE(p.flops + p.bytes / 4 >= (1 << 16));  // large enough for launch_cpu_kernel to split it
  check(p, 1e-6, {{1, {0, 4}}, {2, {0, 1000}}});  // no cancellation: float vs interpret()'s double stays relative
}

BOOST_AUTO_TEST_CASE(missing_compiler_is_a_device_error_with_advice) {
  auto p = many_ops("needs_cc", DType::Float32, DType::Float32, 1, 4, [](Builder& b, std::size_t, int a, int c) { return b.alu(KOp::Add, a, c); });
  auto& dev = c_device();
  const auto source = dev.render(p);
  auto says_how_to_fix = [](const ctgrad::DeviceError& e) {
    std::string m = e.what();
    return m.find("needs a C compiler") != std::string::npos && m.find("set CC") != std::string::npos;
  };
  {
    ScopedEnv cc("CC", "/nonexistent/cc");
    BOOST_CHECK_EXCEPTION(dev.compile(source, p), ctgrad::DeviceError, says_how_to_fix);
    BOOST_CHECK_EXCEPTION(dev.compiler_id(), ctgrad::DeviceError, says_how_to_fix);
  }
  {
    ScopedEnv cc("CC", nullptr), path("PATH", "/nonexistent");
    BOOST_CHECK_EXCEPTION(dev.compile(source, p), ctgrad::DeviceError, says_how_to_fix);
  }
  BOOST_TEST(!dev.compile(source, p).empty());  // the environment is back
}

BOOST_AUTO_TEST_CASE(compiler_and_renderer_failures_are_compile_errors) {
  auto p = many_ops("broken_kernel", DType::Float32, DType::Float32, 1, 4,
                    [](Builder& b, std::size_t, int a, int c) { return b.alu(KOp::Add, a, c); });
  auto& dev = c_device();
  BOOST_CHECK_EXCEPTION(dev.compile("void broken_kernel(void) { return 1 +; }", p), ctgrad::CompileError, [](const ctgrad::CompileError& e) {
    std::string m = e.what();
    return m.find("broken_kernel") != std::string::npos && m.find("error") != std::string::npos && m.find("return 1 +;") != std::string::npos;
  });
  auto bad = p;
  bad.insts[static_cast<std::size_t>(bad.insts.size() - 1)].src[0] = 3;  // a Store into a value, not a Param
  BOOST_CHECK_THROW(dev.render(bad), ctgrad::CompileError);
  bad = p;
  bad.name = "not an identifier";
  BOOST_CHECK_THROW(dev.render(bad), ctgrad::CompileError);
  bad = p;
  bad.insts.push_back({KOp::Range, DType::Int32, {-1, -1, -1}, 4});
  BOOST_CHECK_THROW(dev.render(bad), ctgrad::CompileError);
}

BOOST_AUTO_TEST_CASE(load_failures_are_device_errors) {
  auto p = many_ops("loadable", DType::Float32, DType::Float32, 1, 4, [](Builder& b, std::size_t, int a, int c) { return b.alu(KOp::Add, a, c); });
  auto& dev = c_device();
  BOOST_CHECK_THROW(dev.load({'n', 'o', 't', ' ', 'E', 'L', 'F'}, p), ctgrad::DeviceError);
  auto renamed = p;
  renamed.name = "some_other_kernel";
  BOOST_CHECK_THROW(dev.load(dev.compile(dev.render(p), p), renamed), ctgrad::DeviceError);
}

BOOST_AUTO_TEST_CASE(large_host_buffers_start_on_huge_page_boundaries) {
  // huge pages only help a buffer that starts on one; small buffers keep the cache-line alignment
  rt::HostBuffer large(3 * rt::HostBuffer::kHugePageBytes + 5), small(1000);
  BOOST_TEST(reinterpret_cast<std::uintptr_t>(large.data) % rt::HostBuffer::kHugePageBytes == 0u);
  BOOST_TEST(reinterpret_cast<std::uintptr_t>(small.data) % 64 == 0u);
  std::memset(large.data, 1, 3 * rt::HostBuffer::kHugePageBytes + 5);  // the whole requested size is writable
  BOOST_TEST(static_cast<unsigned char*>(large.data)[3 * rt::HostBuffer::kHugePageBytes + 4] == 1u);
}

BOOST_AUTO_TEST_CASE(compiler_id_names_compiler_flags_and_cpu) {
  const std::string id = c_device().compiler_id();
  BOOST_TEST_MESSAGE("compiler_id: " << id);
  for (const char* part : {"-march=native", "-ffp-contract=off", "-O2", "features:"}) BOOST_TEST(id.find(part) != std::string::npos, part);
  utsname u{};
  uname(&u);
  BOOST_TEST(id.find(u.machine) != std::string::npos);
}

// Prints kernel vs memcpy bandwidth for out[g] = max(a[g]*b[g]+1, 0)*0.5 - a[g] over 2^24 floats, and the median
// compile time of a small kernel; checks the result exactly against the same arithmetic in C++.
BOOST_AUTO_TEST_CASE(elementwise_chain_bandwidth_and_compile_time) {
  const std::int64_t n = 1 << 24;
  const auto bytes = static_cast<std::size_t>(n) * 4;
  Builder b("chain_2_24", n);
  int out = b.param(DType::Float32, n), pa = b.param(DType::Float32, n), pb = b.param(DType::Float32, n), g = b.global_idx();
  int a = b.load(pa, g), x = b.alu(KOp::Add, b.alu(KOp::Mul, a, b.load(pb, g)), b.constant(DType::Float32, 1));
  b.store(out, g, b.alu(KOp::Sub, b.alu(KOp::Mul, b.alu(KOp::Max, x, b.constant(DType::Float32, 0)), b.constant(DType::Float32, 0.5)), a));
  auto p = b.done();
  auto& dev = c_device();
  auto kernel = dev.load(dev.compile(dev.render(p), p), p);
  std::vector<float> ha(static_cast<std::size_t>(n)), hb(ha.size()), hout(ha.size());
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-2, 2);
  for (std::size_t i = 0; i < ha.size(); ++i) ha[i] = dist(rng), hb[i] = dist(rng);
  auto da = dev.alloc(bytes), db = dev.alloc(bytes), dout = dev.alloc(bytes);
  dev.copy_in(*da, ha.data(), bytes);
  dev.copy_in(*db, hb.data(), bytes);
  std::vector<rt::DeviceBuffer*> bufs{dout.get(), da.get(), db.get()};
  auto best = [](auto&& fn) {
    double t = 1e9;
    for (int rep = 0; rep < 5; ++rep) {
      auto t0 = std::chrono::steady_clock::now();
      fn();
      t = std::min(t, seconds_since(t0));
    }
    return t;
  };
  const double kernel_s = best([&] { kernel->run(bufs, p); });
  auto single = p;
  single.flops = single.bytes = 0;  // below launch_cpu_kernel's threshold: one thread
  const double single_s = best([&] { kernel->run(bufs, single); });
  auto* src = static_cast<rt::HostBuffer*>(da.get())->data;
  auto* dst = static_cast<rt::HostBuffer*>(dout.get())->data;
  const double memcpy_s = best([&] { std::memcpy(dst, src, bytes); });  // 2 streams, vs the kernel's 3
  auto& pool = rt::ThreadPool::instance();
  const double pooled_memcpy_s = best([&] {
    pool.run(pool.size(), [&](std::size_t c) {
      const std::size_t lo = bytes * c / pool.size(), hi = bytes * (c + 1) / pool.size();
      std::memcpy(static_cast<char*>(dst) + lo, static_cast<const char*>(src) + lo, hi - lo);
    });
  });
  kernel->run(bufs, p);
  dev.copy_out(hout.data(), *dout, bytes);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < ha.size(); ++i) {
    float m = ha[i] * hb[i];
    float s = m + 1.0f;
    float r = std::fmax(s, 0.0f);
    float h = r * 0.5f;
    bad += hout[i] != h - ha[i];
  }
  BOOST_TEST(bad == 0u);

  std::vector<double> compile_s;
  for (int k = 0; k < 7; ++k) {
    auto small = many_ops("small_" + std::to_string(k), DType::Float32, DType::Float32, 1, 64,
                          [k](Builder& sb, std::size_t, int x0, int x1) { return sb.alu(k % 2 ? KOp::Mul : KOp::Add, x0, x1); });
    auto t0 = std::chrono::steady_clock::now();
    BOOST_TEST(!dev.compile(dev.render(small), small).empty());
    compile_s.push_back(seconds_since(t0));
  }
  std::sort(compile_s.begin(), compile_s.end());
  const double gb = 1e-9;
  std::printf("\nC device, out[g] = max(a*b+1,0)*0.5-a over 2^24 floats (%u threads in the pool)\n", unsigned(pool.size()));
  std::printf("  %-28s %9s %10s\n", "", "ms", "GB/s");
  std::printf("  %-28s %9.2f %10.1f\n", "kernel, pooled (3 streams)", kernel_s * 1e3, 3 * double(bytes) * gb / kernel_s);
  std::printf("  %-28s %9.2f %10.1f\n", "kernel, 1 thread (3 streams)", single_s * 1e3, 3 * double(bytes) * gb / single_s);
  std::printf("  %-28s %9.2f %10.1f\n", "memcpy, pooled (2 streams)", pooled_memcpy_s * 1e3, 2 * double(bytes) * gb / pooled_memcpy_s);
  std::printf("  %-28s %9.2f %10.1f\n", "memcpy, 1 thread (2 streams)", memcpy_s * 1e3, 2 * double(bytes) * gb / memcpy_s);
  std::printf("  median compile time of a small kernel: %.1f ms\n", compile_s[compile_s.size() / 2] * 1e3);
}
