// The LLVM device against the reference interpreter: every KOp on every dtype, casts between all dtypes, gated
// loads, nested and empty ranges, reductions, Int64 indices, kernels split over threads, and compile errors.
// The last case prints the bandwidth of the elementwise kernel against memcpy and the median compile time.
#define BOOST_TEST_MODULE llvm_backend
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <random>

#include "ctgrad/ctgrad.hpp"
#include "ctgrad/runtime/cpu.hpp"
#include "ctgrad/runtime/interpret.hpp"
#include "../../support/kernel_check.hpp"
#include "llvm_device.hpp"

using namespace ctgrad::rt;
using ctgrad::CompileError;

namespace {

constexpr DType all_dtypes[] = {DType::Bool,   DType::Int8,   DType::Int16,  DType::Int32, DType::Int64,    DType::UInt8,   DType::UInt16,
                                DType::UInt32, DType::UInt64, DType::Float32, DType::Half, DType::BFloat16, DType::Float64};
constexpr DType float_dtypes[] = {DType::Half, DType::BFloat16, DType::Float32, DType::Float64};

// ---- building programs ----

struct Values {  // what random inputs a parameter gets
  double lo, hi;
  bool nonzero = false;
};
Values defaults(DType d) {
  if (d == DType::Bool) return {0, 1};
  if (is_float(d)) return {-4, 4};
  return is_unsigned(d) ? Values{0, 200} : Values{-100, 100};
}

// The shared builder, with the first parameter as the output and each parameter's random inputs beside it.
struct Builder : ctgrad_test::ProgramBuilder {
  using ctgrad_test::ProgramBuilder::ProgramBuilder;
  int param(DType d, std::int64_t size, std::optional<Values> v = {}) {
    values.push_back(v.value_or(defaults(d)));
    return ctgrad_test::ProgramBuilder::param(d, size, program.params.empty());
  }
  int iop(KOp o, int a, int b) { return op(o, program.index_dtype, a, b); }
  void store(int buf, int idx, int value) { add(KOp::Store, dtype(value), buf, idx, value); }  // the value's dtype
  std::vector<Values> values;
};

double random_value(const Values& v, DType d, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(v.lo, v.hi);
  // integers, and for floats one value in eight a whole number, so exact zeros and integral values occur
  const double x = is_float(d) && rng() % 8 != 0 ? u(rng) : std::round(u(rng));
  return v.nonzero && x == 0 ? 1 : x;
}

Device& llvm_device() { return device("LLVM"); }

double ulps(DType d, double n) {  // n units of d's machine epsilon
  return n * (d == DType::Half ? 0x1p-10 : d == DType::BFloat16 ? 0x1p-7 : d == DType::Float32 ? 0x1p-23 : 0x1p-52);
}

// Runs the program on the LLVM device and in interpret() from the same random inputs and compares every element
// of the output: integers exactly; floats within tol relative to max(1, |expected|) (by default 16 ulps of the
// output dtype), because interpret() computes float chains in double and rounds only when storing.
void check(const Builder& b, std::optional<double> tol = {}) {
  using ctgrad_test::get_element, ctgrad_test::put_element;
  const KernelProgram& p = b.program;
  std::mt19937_64 rng(p.hash());
  std::vector<HostValues> host;
  std::vector<std::vector<std::uint8_t>> bytes;
  for (std::size_t k = 0; k < p.params.size(); ++k) {
    const DType d = p.params[k].dtype;
    const auto n = static_cast<std::size_t>(p.params[k].size), size = itemsize(d);
    bytes.emplace_back(n * size);
    HostValues values(n);
    for (std::size_t j = 0; j < n; ++j) {
      put_element(d, &bytes[k][j * size], random_value(b.values[k], d, rng));
      values[j] = get_element(d, &bytes[k][j * size]);
    }
    host.push_back(std::move(values));
  }
  interpret(p, host);
  const std::vector<std::uint8_t> out = ctgrad_test::run_on_device(llvm_device(), p, std::move(bytes))[0];

  const DType d = p.params[0].dtype;
  const auto n = static_cast<std::size_t>(p.params[0].size), size = itemsize(d);
  const double within = is_float(d) ? tol.value_or(ulps(d, 16)) : 0;
  std::size_t bad = 0;
  std::string first;
  for (std::size_t j = 0; j < n; ++j) {
    const double got = get_element(d, &out[j * size]), want = ctgrad_test::stored(d, host[0][j]);
    const bool ok = got == want || (std::isnan(got) && std::isnan(want)) ||
                    std::abs(got - want) <= within * std::max(1.0, std::abs(want));
    if (!ok && bad++ == 0) first = "[" + std::to_string(j) + "]: got " + std::to_string(got) + ", expected " + std::to_string(want);
  }
  BOOST_CHECK_MESSAGE(bad == 0, p.name << ": " << bad << " of " << n << " elements differ, first " << first);
}

// out[g] = op(a[g], b[g]) (Bool out for comparisons)
Builder binary(KOp o, DType d, Values a, Values b) {
  Builder k(std::string("binary_") + name(o) + "_" + name(d), 257);
  const int out = k.param(is_comparison(o) ? DType::Bool : d, 257), pa = k.param(d, 257, a), pb = k.param(d, 257, b), g = k.global_idx();
  k.store(out, g, k.op(o, is_comparison(o) ? DType::Bool : d, k.load(pa, g), k.load(pb, g)));
  return k;
}

bool defined_for(KOp o, DType d) {
  const bool int_only = o == KOp::IDiv || o == KOp::Mod || o == KOp::And || o == KOp::Or || o == KOp::Xor;
  if (is_float(d)) return !int_only;
  return !(d == DType::Bool && (o == KOp::Div || o == KOp::IDiv || o == KOp::Mod));
}

// The elementwise kernel of the benchmark: out[g] = max(a[g]*b[g] + 1, 0) * 0.5 - a[g].
Builder elementwise(std::int64_t n) {
  const DType f = DType::Float32;
  Builder k("elementwise", n);
  const int out = k.param(f, n), pa = k.param(f, n), pb = k.param(f, n), g = k.global_idx();
  const int a = k.load(pa, g), b = k.load(pb, g);
  const int relu = k.op(KOp::Max, f, k.op(KOp::Add, f, k.op(KOp::Mul, f, a, b), k.constant(f, 1)), k.constant(f, 0));
  k.store(out, g, k.op(KOp::Sub, f, k.op(KOp::Mul, f, relu, k.constant(f, 0.5)), a));
  k.program.flops = 5 * n;
  k.program.bytes = 12 * n;
  return k;
}

}  // namespace

BOOST_AUTO_TEST_CASE(elementwise_matches_interpreter) { check(elementwise(1000)); }

BOOST_AUTO_TEST_CASE(worked_example_sum_reduction) {  // kernel_program.hpp's example: out[g] = sum_r a[g*4+r] * 2
  const DType f = DType::Float32;
  Builder k("sum4", 100);
  const int out = k.param(f, 100), a = k.param(f, 400), g = k.global_idx(), acc = k.acc(f, 0), r = k.range(4);
  const int x = k.load(a, k.iop(KOp::Add, k.iop(KOp::Mul, g, k.index(4)), r));
  k.acc_store(acc, k.op(KOp::Add, f, acc, k.op(KOp::Mul, f, x, k.constant(f, 2))));
  k.end_range(r);
  k.store(out, g, acc);
  check(k, ulps(f, 256));  // float sums round at every step; interpret() sums in double
}

BOOST_AUTO_TEST_CASE(binary_ops_on_every_dtype) {
  for (DType d : all_dtypes)
    for (KOp o = KOp::Add; o <= KOp::CmpEq; o = static_cast<KOp>(static_cast<int>(o) + 1)) {
      if (!defined_for(o, d)) continue;
      Values a = defaults(d), b = defaults(d);
      if (is_unsigned(d) && d != DType::Bool) a = {100, 250}, b = {0, 100};  // no unsigned underflow in Sub
      b.nonzero = o == KOp::Div || o == KOp::IDiv || o == KOp::Mod;
      check(binary(o, d, a, b), 0);
    }
}

BOOST_AUTO_TEST_CASE(int64_values_beyond_32_bits) {
  for (KOp o : {KOp::Add, KOp::Sub, KOp::Mul, KOp::IDiv, KOp::Mod, KOp::Max, KOp::Xor, KOp::CmpLt}) {
    check(binary(o, DType::Int64, {-1e12, 1e12}, {-1000, 1000, true}), 0);
    check(binary(o, DType::UInt64, {1e12, 2e12}, {1, 1000}), 0);
  }
}

BOOST_AUTO_TEST_CASE(unary_ops) {
  for (DType d : all_dtypes)
    for (KOp o : {KOp::Neg, KOp::Exp2, KOp::Log2, KOp::Sin, KOp::Sqrt, KOp::Recip}) {
      if (!is_float(d) && o != KOp::Neg) continue;
      Builder k(std::string("unary_") + name(o) + "_" + name(d), 300);
      const int out = k.param(d, 300), a = k.param(d, 300), g = k.global_idx();
      k.store(out, g, k.op(o, d, k.load(a, g)));
      // libm's transcendental functions are within an ulp or two; the others round correctly, as interpret() does
      const bool libm = o == KOp::Exp2 || o == KOp::Log2 || o == KOp::Sin;
      check(k, libm ? ulps(d, 4) : 0);
    }
}

BOOST_AUTO_TEST_CASE(casts_between_every_dtype) {
  for (DType from : all_dtypes)
    for (DType to : all_dtypes) {
      Values v = is_float(from) ? Values{-100, 100} : defaults(from);
      if (to == DType::UInt64 && is_float(from)) v.lo = 0;  // negative float -> uint64 is undefined, as in C
      if (to == DType::Bool && is_float(from)) v = {-2, 2};  // so zeros occur
      Builder k(std::string("cast_") + name(from) + "_to_" + name(to), 300);
      const int out = k.param(to, 300), a = k.param(from, 300, v), g = k.global_idx();
      k.store(out, g, k.op(KOp::Cast, to, k.load(a, g)));
      check(k, 0);
    }
}

BOOST_AUTO_TEST_CASE(every_dtype_through_float_compute) {  // load -> Cast f32 -> x*3+1 -> Cast back -> store
  const DType f = DType::Float32;
  for (DType d : all_dtypes) {
    Builder k(std::string("through_f32_") + name(d), 300);
    const int out = k.param(d, 300), a = k.param(d, 300), g = k.global_idx();
    const int x = k.op(KOp::Cast, f, k.load(a, g));
    k.store(out, g, k.op(KOp::Cast, d, k.op(KOp::Add, f, k.op(KOp::Mul, f, x, k.constant(f, 3)), k.constant(f, 1))));
    check(k, std::max(ulps(f, 4), ulps(d, 1)));  // interpret() does not round to f32 at the Cast
  }
}

BOOST_AUTO_TEST_CASE(constants_and_where_on_every_dtype) {  // out[g] = c[g] ? a[g] : const
  for (DType d : all_dtypes) {
    Builder k(std::string("where_") + name(d), 300);
    const int out = k.param(d, 300), c = k.param(DType::Bool, 300), a = k.param(d, 300), g = k.global_idx();
    k.store(out, g, k.op(KOp::Where, d, k.load(c, g), k.load(a, g), k.constant(d, d == DType::Bool ? 1 : 3.25)));
    check(k, 0);
  }
}

BOOST_AUTO_TEST_CASE(gated_loads_never_touch_padding) {
  // out[g] = 0 <= g-2 < n ? a[g-2] : 0, where a gated-off lane would read 2^30 elements away
  const std::int64_t n = 200;
  for (DType d : {DType::Float32, DType::BFloat16, DType::Half, DType::Bool, DType::Int64, DType::UInt8}) {
    Builder k(std::string("pad_") + name(d), n + 4);
    const int out = k.param(d, n + 4), a = k.param(d, n), g = k.global_idx();
    const int in = k.op(KOp::And, DType::Bool, k.op(KOp::CmpLt, DType::Bool, k.index(1), g), k.op(KOp::CmpLt, DType::Bool, g, k.index(n + 2)));
    const int idx = k.op(KOp::Where, k.program.index_dtype, in, k.iop(KOp::Sub, g, k.index(2)), k.index(1 << 30));
    k.store(out, g, k.load(a, idx, in));
    check(k, 0);
  }
}

BOOST_AUTO_TEST_CASE(gated_loads_in_a_reduction) {  // 1-D convolution with zero padding: sum_r w[r] * x[g+r-1]
  const DType f = DType::Float32;
  const std::int64_t n = 500;
  Builder k("conv1d_pad", n);
  const int out = k.param(f, n), x = k.param(f, n), w = k.param(f, 3), g = k.global_idx(), acc = k.acc(f, 0), r = k.range(3);
  const int i = k.iop(KOp::Sub, k.iop(KOp::Add, g, r), k.index(1));
  const int in = k.op(KOp::And, DType::Bool, k.op(KOp::CmpLt, DType::Bool, k.index(-1), i), k.op(KOp::CmpLt, DType::Bool, i, k.index(n)));
  k.acc_store(acc, k.op(KOp::Add, f, acc, k.op(KOp::Mul, f, k.load(w, r), k.load(x, i, in))));
  k.end_range(r);
  k.store(out, g, acc);
  check(k, ulps(f, 256));  // float sums round at every step; interpret() sums in double
}

BOOST_AUTO_TEST_CASE(nested_ranges_and_reductions) {
  for (DType d : {DType::Float32, DType::Float64, DType::Int32, DType::UInt16}) {
    for (KOp o : {KOp::Add, KOp::Max}) {  // out[g] = reduce over r1 < 3, r2 < 5 of a[g*15 + r1*5 + r2]
      Builder k(std::string("nested_") + name(o) + "_" + name(d), 64);
      const int out = k.param(d, 64), a = k.param(d, 64 * 15), g = k.global_idx();
      const int acc = k.acc(d, o == KOp::Max ? (is_float(d) ? -INFINITY : is_unsigned(d) ? 0 : -1e9) : 0);
      const int r1 = k.range(3), r2 = k.range(5);
      const int idx = k.iop(KOp::Add, k.iop(KOp::Add, k.iop(KOp::Mul, g, k.index(15)), k.iop(KOp::Mul, r1, k.index(5))), r2);
      k.acc_store(acc, k.op(o, d, acc, k.load(a, idx)));
      k.end_range(r2);
      k.end_range(r1);
      k.store(out, g, acc);
      check(k, ulps(d, 256));  // float sums round at every step; interpret() sums in double
    }
  }
}

BOOST_AUTO_TEST_CASE(empty_range_keeps_the_initial_value) {  // the body would read far out of bounds
  const DType f = DType::Float32;
  Builder k("empty_range", 50);
  const int out = k.param(f, 50), a = k.param(f, 1), g = k.global_idx(), acc = k.acc(f, 7), r = k.range(0);
  k.acc_store(acc, k.op(KOp::Add, f, acc, k.load(a, k.iop(KOp::Add, r, k.index(1 << 30)))));
  k.end_range(r);
  k.store(out, g, k.op(KOp::Add, f, acc, k.op(KOp::Cast, f, g)));
  check(k, 0);
}

BOOST_AUTO_TEST_CASE(int64_index) {  // out[g] = a[(g + 2^32) - 2^32] * r-sum: index math that overflows 32 bits
  const DType f = DType::Float64;
  Builder k("int64_index", 300, DType::Int64);
  const int out = k.param(f, 300), a = k.param(f, 300), g = k.global_idx(), acc = k.acc(f, 0), r = k.range(2);
  const int idx = k.iop(KOp::Sub, k.iop(KOp::Add, g, k.index(1ll << 32)), k.index(1ll << 32));
  k.acc_store(acc, k.op(KOp::Add, f, acc, k.op(KOp::Mul, f, k.load(a, idx), k.op(KOp::Cast, f, r))));
  k.end_range(r);
  k.store(out, g, acc);
  check(k, 0);
}

BOOST_AUTO_TEST_CASE(large_kernels_split_over_threads) {
  check(elementwise(1000003));  // not a multiple of the 64-element chunk alignment
  const DType f = DType::Float32;
  const std::int64_t n = 100003;
  Builder k("sum16_large", n);
  const int out = k.param(f, n), a = k.param(f, n * 16), g = k.global_idx(), acc = k.acc(f, 0), r = k.range(16);
  k.acc_store(acc, k.op(KOp::Add, f, acc, k.load(a, k.iop(KOp::Add, k.iop(KOp::Mul, g, k.index(16)), r))));
  k.end_range(r);
  k.store(out, g, acc);
  k.program.flops = 16 * n;
  k.program.bytes = 68 * n;
  check(k, ulps(f, 256));  // float sums round at every step; interpret() sums in double
}

BOOST_AUTO_TEST_CASE(malformed_programs_throw_compile_error) {
  Device& dev = llvm_device();
  auto names_kernel = [](const CompileError& e) { return std::string(e.what()).find("bad_") != std::string::npos; };
  const DType f = DType::Float32;
  {
    Builder k("bad_load_from_const", 4);  // Load whose buffer is a Const
    const int out = k.param(f, 4), g = k.global_idx();
    k.store(out, g, k.add(KOp::Load, f, k.constant(DType::Int32, 0), g, -1));
    BOOST_CHECK_EXCEPTION(dev.render(k.program), CompileError, names_kernel);
  }
  {
    Builder k("bad_forward_operand", 4);
    const int out = k.param(f, 4), g = k.global_idx();
    k.store(out, g, k.add(KOp::Neg, f, 9, -1, -1));
    BOOST_CHECK_EXCEPTION(dev.render(k.program), CompileError, names_kernel);
  }
  {
    Builder k("bad_gate_not_bool", 4);
    const int out = k.param(f, 4), g = k.global_idx();
    k.store(out, g, k.load(out, g, k.constant(f, 1)));
    BOOST_CHECK_EXCEPTION(dev.render(k.program), CompileError, names_kernel);
  }
  {
    Builder k("bad_idiv_on_float", 4);
    const int out = k.param(f, 4), g = k.global_idx();
    k.store(out, g, k.op(KOp::IDiv, f, k.constant(f, 1), k.constant(f, 2)));
    BOOST_CHECK_EXCEPTION(dev.render(k.program), CompileError, names_kernel);
  }
  {  // renders, but a value from inside an empty loop is used after it: LLVM's verifier rejects the IR
    Builder k("bad_value_escapes_empty_range", 4);
    const int out = k.param(f, 4), r = k.range(0), x = k.op(KOp::Cast, f, r);
    k.end_range(r);
    k.store(out, k.global_idx(), x);
    BOOST_CHECK_EXCEPTION(dev.compile(dev.render(k.program), k.program), CompileError, names_kernel);
  }
  Builder k("bad_source", 4);
  BOOST_CHECK_EXCEPTION(dev.compile("define void @bad_source( {", k.program), CompileError, names_kernel);
  BOOST_CHECK_EXCEPTION(dev.load({1, 2, 3, 4}, k.program), CompileError, names_kernel);
}

BOOST_AUTO_TEST_CASE(compiler_id_names_llvm_and_the_cpu) {
  const std::string id = llvm_device().compiler_id();
  BOOST_TEST(id.find("LLVM 19") == 0);
  BOOST_TEST(id.find("cpu=") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(elementwise_kernel_vectorizes_and_streams) {
  auto& dev = dynamic_cast<LlvmDevice&>(llvm_device());
  const std::int64_t n = 1 << 24;
  Builder k = elementwise(n);
  const std::string ir = dev.optimized_ir(dev.render(k.program), k.program);
  BOOST_TEST(ir.find("x float>") != std::string::npos, "the elementwise loop was not vectorized");

  using clock = std::chrono::steady_clock;
  auto ms = [](clock::time_point a, clock::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  auto median = [](std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
  };
  std::vector<double> compile_ms;  // render + compile + load of small kernels
  for (KOp o : {KOp::Add, KOp::Sub, KOp::Mul, KOp::Div, KOp::Max, KOp::CmpLt, KOp::CmpNe, KOp::CmpEq})
    for (DType d : float_dtypes) {
      Builder small = binary(o, d, defaults(d), defaults(d));
      const auto t0 = clock::now();
      auto kernel = dev.load(dev.compile(dev.render(small.program), small.program), small.program);
      compile_ms.push_back(ms(t0, clock::now()));
    }

  std::vector<float> a(n), b(n), out(n);
  std::mt19937 rng(1);
  std::uniform_real_distribution<float> u(-4, 4);
  for (std::int64_t i = 0; i < n; ++i) a[static_cast<std::size_t>(i)] = u(rng), b[static_cast<std::size_t>(i)] = u(rng);
  const std::size_t bytes = static_cast<std::size_t>(n) * 4;
  auto bo = dev.alloc(bytes), ba = dev.alloc(bytes), bb = dev.alloc(bytes);
  dev.copy_in(*ba, a.data(), bytes);
  dev.copy_in(*bb, b.data(), bytes);
  std::vector<DeviceBuffer*> bufs{bo.get(), ba.get(), bb.get()};
  auto kernel = dev.load(dev.compile(dev.render(k.program), k.program), k.program);
  KernelProgram one_thread = k.program;  // no flops or bytes: launch_cpu_kernel keeps it on the calling thread
  one_thread.flops = one_thread.bytes = 0;
  auto time = [&](auto&& fn) {
    std::vector<double> t;
    for (int rep = 0; rep < 9; ++rep) {
      const auto t0 = clock::now();
      fn();
      t.push_back(ms(t0, clock::now()));
    }
    return median(t);
  };
  const double threaded = time([&] { kernel->run(bufs, k.program); });
  const double single = time([&] { kernel->run(bufs, one_thread); });
  const double copy = time([&] { std::memcpy(out.data(), a.data(), bytes); });
  dev.copy_out(out.data(), *bo, bytes);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < out.size(); ++i) bad += out[i] != std::max(a[i] * b[i] + 1.0f, 0.0f) * 0.5f - a[i];
  BOOST_TEST(bad == 0u);

  auto gbs = [&](double traffic, double t) { return traffic / (t * 1e6); };
  std::printf("LLVM elementwise, 2^24 floats (3 x 64 MiB moved):\n"
              "  kernel, %zu threads : %7.2f ms  %6.1f GB/s\n  kernel, 1 thread   : %7.2f ms  %6.1f GB/s\n"
              "  memcpy 64 MiB      : %7.2f ms  %6.1f GB/s (read + write)\n"
              "  median render+compile+load of %zu small kernels: %.2f ms\n",
              ThreadPool::instance().size(), threaded, gbs(3.0 * bytes, threaded), single, gbs(3.0 * bytes, single), copy,
              gbs(2.0 * bytes, copy), compile_ms.size(), median(compile_ms));
}
