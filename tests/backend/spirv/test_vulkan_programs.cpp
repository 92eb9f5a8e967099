// Whole kernel shapes on the VULKAN device against interpret(): gated loads (padding), reductions with DefAcc and
// nested or empty Ranges, 64-bit indexing, 2D dispatch of very large kernels, and ordering between launches.
#include <boost/test/unit_test.hpp>
#include <iostream>
#include <limits>

#include "kernel_check.hpp"
#include "spirv_dispatch.hpp"
#include "vulkan_kernel.hpp"

namespace {

using namespace ctgrad::test;

bool skip(const std::string& what, const std::string& reason) {
  if (reason.empty()) return false;
  std::cout << "SKIPPED " << what << ": " << reason << '\n';
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(programs)

BOOST_AUTO_TEST_CASE(gated_loads_pad_without_touching_memory) {
  // out[g] = 5 <= g < n-3 ? a[g-5] : 0, with a of n-8 elements: the untaken loads index outside a.
  constexpr std::int64_t n = 1000;
  for (DType d : {DType::Float32, DType::UInt8, DType::Bool, DType::Half, DType::BFloat16, DType::Float64, DType::Int64, DType::Int16}) {
    ProgramBuilder b(std::string("pad_") + name(d), n);
    const int out = b.param(d, n, true), a = b.param(d, n - 8);
    const int g = b.global_idx();
    const int front = b.op(KOp::CmpLt, DType::Bool, b.constant(DType::Int32, 4), g);
    const int back = b.op(KOp::CmpLt, DType::Bool, g, b.constant(DType::Int32, n - 3));
    const int inside = b.op(KOp::And, DType::Bool, front, back);
    const int index = b.op(KOp::Sub, DType::Int32, g, b.constant(DType::Int32, 5));
    b.store(out, g, b.load(a, index, inside));
    if (skip(b.program.name, unsupported_reason(b.program))) continue;
    check_program(b.program);
  }
}

BOOST_AUTO_TEST_CASE(worked_example_of_kernel_program_hpp) {
  // out[g] = sum_r a[g*4 + r] * 2.0f for r in [0,4)
  ProgramBuilder b("worked_example", 256);
  const int out = b.param(DType::Float32, 256, true), a = b.param(DType::Float32, 1024);
  const int g = b.global_idx();
  const int acc = b.def_acc(DType::Float32, b.constant(DType::Float32, 0));
  const int r = b.range(4);
  const int index = b.op(KOp::Add, DType::Int32, b.op(KOp::Mul, DType::Int32, g, b.constant(DType::Int32, 4)), r);
  const int scaled = b.op(KOp::Mul, DType::Float32, b.load(a, index), b.constant(DType::Float32, 2));
  b.acc_store(acc, b.op(KOp::Add, DType::Float32, acc, scaled));
  b.end_range(r);
  b.store(out, g, acc);
  check_program(b.program, {}, ctgrad::test::Tolerance{1e-6, 1e-6});  // f32 sums vs the interpreter's doubles
}

BOOST_AUTO_TEST_CASE(reductions_of_every_kind) {
  constexpr std::int64_t rows = 300, len = 37;
  struct Case {
    DType d;
    KOp op;
    double init;
  };
  for (const Case c : {Case{DType::Float32, KOp::Add, 0}, Case{DType::Float32, KOp::Max, -std::numeric_limits<double>::infinity()},
                       Case{DType::Int32, KOp::Add, 0}, Case{DType::Int32, KOp::Max, -2147483648.0}, Case{DType::Float64, KOp::Add, 0},
                       Case{DType::UInt8, KOp::Add, 0}, Case{DType::Int64, KOp::Mul, 1}, Case{DType::Bool, KOp::Or, 0}}) {
    ProgramBuilder b(std::string("reduce_") + name(c.op) + '_' + name(c.d), rows);
    const int out = b.param(c.d, rows, true), a = b.param(c.d, rows * len);
    const int g = b.global_idx();
    const int base = b.op(KOp::Mul, DType::Int32, g, b.constant(DType::Int32, len));  // defined before the loop, used inside
    const int acc = b.def_acc(c.d, b.constant(c.d, c.init));
    const int r = b.range(len);
    b.acc_store(acc, b.op(c.op, c.d, acc, b.load(a, b.op(KOp::Add, DType::Int32, base, r))));
    b.end_range(r);
    b.store(out, g, acc);
    if (skip(b.program.name, unsupported_reason(b.program))) continue;
    std::optional<Fill> fill;
    if (c.op == KOp::Mul) fill = Fill{-2, 2};  // a product of 37 such values stays exact in the interpreter's doubles
    check_program(b.program, {std::nullopt, fill}, ctgrad::test::Tolerance{1e-5, 1e-5});
  }
}

BOOST_AUTO_TEST_CASE(nested_ranges_and_an_accumulator_inside_a_loop) {
  // out[g] = sqrt(sum_i max_j a[g*15 + i*5 + j] * (i+1)): the inner accumulator is redefined on every outer step.
  constexpr std::int64_t n = 200;
  ProgramBuilder b("nested_ranges", n);
  const int out = b.param(DType::Float32, n, true), a = b.param(DType::Float32, n * 15);
  const int g = b.global_idx();
  const int sum = b.def_acc(DType::Float32, b.constant(DType::Float32, 0));
  const int i = b.range(3);
  const int best = b.def_acc(DType::Float32, b.constant(DType::Float32, -1e30));
  const int j = b.range(5);
  const int row = b.op(KOp::Add, DType::Int32, b.op(KOp::Mul, DType::Int32, g, b.constant(DType::Int32, 15)),
                       b.op(KOp::Mul, DType::Int32, i, b.constant(DType::Int32, 5)));
  b.acc_store(best, b.op(KOp::Max, DType::Float32, best, b.load(a, b.op(KOp::Add, DType::Int32, row, j))));
  b.end_range(j);
  const int weight = b.op(KOp::Cast, DType::Float32, b.op(KOp::Add, DType::Int32, i, b.constant(DType::Int32, 1)));
  b.acc_store(sum, b.op(KOp::Add, DType::Float32, sum, b.op(KOp::Mul, DType::Float32, best, weight)));
  b.end_range(i);
  const int magnitude = b.op(KOp::Max, DType::Float32, sum, b.op(KOp::Neg, DType::Float32, sum));
  b.store(out, g, b.op(KOp::Sqrt, DType::Float32, magnitude));
  check_program(b.program, {}, ctgrad::test::Tolerance{1e-5, 1e-6});
}

BOOST_AUTO_TEST_CASE(empty_ranges_leave_the_accumulator_alone) {
  for (std::int64_t count : {0, -3}) {
    ProgramBuilder b("empty_range_" + std::to_string(-count), 64);
    const int out = b.param(DType::Int32, 64, true), a = b.param(DType::Int32, 64);
    const int g = b.global_idx();
    const int acc = b.def_acc(DType::Int32, b.constant(DType::Int32, 7));
    const int r = b.range(count);
    b.acc_store(acc, b.op(KOp::Add, DType::Int32, acc, b.load(a, r)));  // would read a[0..]: never runs
    b.end_range(r);
    b.store(out, g, b.op(KOp::Add, DType::Int32, acc, g));
    check_program(b.program);
  }
}

BOOST_AUTO_TEST_CASE(gated_loads_inside_a_loop) {
  // A 1D convolution with zero padding: out[g] = sum_k w[k] * a[g + k - 2], gated to 0 <= g+k-2 < n.
  constexpr std::int64_t n = 500;
  ProgramBuilder b("conv1d_padded", n);
  const int out = b.param(DType::Float32, n, true), a = b.param(DType::Float32, n), w = b.param(DType::Float32, 5);
  const int g = b.global_idx();
  const int acc = b.def_acc(DType::Float32, b.constant(DType::Float32, 0));
  const int k = b.range(5);
  const int index = b.op(KOp::Sub, DType::Int32, b.op(KOp::Add, DType::Int32, g, k), b.constant(DType::Int32, 2));
  const int valid = b.op(KOp::And, DType::Bool, b.op(KOp::CmpLt, DType::Bool, b.constant(DType::Int32, -1), index),
                         b.op(KOp::CmpLt, DType::Bool, index, b.constant(DType::Int32, n)));
  b.acc_store(acc, b.op(KOp::Add, DType::Float32, acc, b.op(KOp::Mul, DType::Float32, b.load(w, k), b.load(a, index, valid))));
  b.end_range(k);
  b.store(out, g, acc);
  check_program(b.program, {}, ctgrad::test::Tolerance{1e-6, 1e-6});
}

BOOST_AUTO_TEST_CASE(int64_indexing) {
  // index_dtype Int64: g, Range counters and index math in 64 bits.
  constexpr std::int64_t n = 3000;
  ProgramBuilder b("index_int64", n, DType::Int64);
  const int out = b.param(DType::Float32, n, true), a = b.param(DType::Float32, n * 2);
  const int g = b.global_idx();
  const int acc = b.def_acc(DType::Float32, b.constant(DType::Float32, 0));
  const int r = b.range(2);
  const int scrambled = b.op(KOp::Mod, DType::Int64, b.op(KOp::Mul, DType::Int64, g, b.constant(DType::Int64, 7919)), b.constant(DType::Int64, n));
  const int index = b.op(KOp::Add, DType::Int64, b.op(KOp::Mul, DType::Int64, scrambled, b.constant(DType::Int64, 2)), r);
  b.acc_store(acc, b.op(KOp::Add, DType::Float32, acc, b.load(a, index)));
  b.end_range(r);
  b.store(out, g, b.op(KOp::Add, DType::Float32, acc, b.op(KOp::Cast, DType::Float32, g)));
  if (skip(b.program.name, unsupported_reason(b.program))) return;
  check_program(b.program);
}

BOOST_AUTO_TEST_CASE(more_than_65535_workgroups_use_a_2d_dispatch) {
  const std::int64_t n = 65535LL * 256 + 1000;
  BOOST_TEST(ctgrad::rt::spirv::plan_dispatch(n).groups_y > 1u);
  ProgramBuilder b("large_2d", n);
  const int out = b.param(DType::Int32, n, true);
  const int g = b.global_idx();
  b.store(out, g, b.op(KOp::Add, DType::Int32, b.op(KOp::Mul, DType::Int32, g, b.constant(DType::Int32, 3)), b.constant(DType::Int32, 1)));
  check_program(b.program);
}

BOOST_AUTO_TEST_CASE(launches_run_in_order_without_synchronize) {
  // 150 in-place increments (more than the descriptor and command pools hold at once), then a second kernel that
  // reads the result: each launch must see the previous one's writes.
  constexpr std::int64_t n = 4096;
  ProgramBuilder inc("increment", n);
  const int x = inc.param(DType::Int32, n, true);
  const int g = inc.global_idx();
  inc.store(x, g, inc.op(KOp::Add, DType::Int32, inc.load(x, g), inc.constant(DType::Int32, 1)));
  ProgramBuilder twice("double_it", n);
  const int out = twice.param(DType::Int32, n, true), in = twice.param(DType::Int32, n);
  const int g2 = twice.global_idx();
  twice.store(out, g2, twice.op(KOp::Mul, DType::Int32, twice.load(in, g2), twice.constant(DType::Int32, 2)));

  auto& dev = vulkan();
  auto k_inc = dev.load(dev.compile(dev.render(inc.program), inc.program), inc.program);
  auto k_twice = dev.load(dev.compile(dev.render(twice.program), twice.program), twice.program);
  std::vector<std::int32_t> host(n);
  for (std::int64_t i = 0; i < n; ++i) host[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(i);
  auto a = dev.alloc(n * 4), b = dev.alloc(n * 4);
  dev.copy_in(*a, host.data(), n * 4);
  std::vector<ctgrad::rt::DeviceBuffer*> one{a.get()}, two{b.get(), a.get()};
  for (int rep = 0; rep < 150; ++rep) k_inc->run(one, inc.program);
  k_twice->run(two, twice.program);
  dev.copy_out(host.data(), *b, n * 4);  // copies wait for the launches they depend on
  std::size_t bad = 0;
  for (std::int64_t i = 0; i < n; ++i) bad += host[static_cast<std::size_t>(i)] != (i + 150) * 2;
  BOOST_TEST(bad == 0u);
}

BOOST_AUTO_TEST_CASE(more_buffer_sets_than_a_kernel_caches_descriptors_for) {
  // One kernel over 40 different (out, in) pairs, twice, without synchronizing: the descriptor-set cache must
  // rewrite sets only once the runs using them have finished, and never bind a stale set.
  constexpr std::int64_t n = 1024;
  constexpr int kPairs = 40;
  ProgramBuilder b("add_pair_index", n);
  const int out = b.param(DType::Int32, n, true), in = b.param(DType::Int32, n);
  const int g = b.global_idx();
  b.store(out, g, b.op(KOp::Add, DType::Int32, b.load(in, g), b.constant(DType::Int32, 1)));
  auto& dev = vulkan();
  auto kernel = dev.load(dev.compile(dev.render(b.program), b.program), b.program);
  std::vector<std::shared_ptr<ctgrad::rt::DeviceBuffer>> outs, ins;
  for (int p = 0; p < kPairs; ++p) {
    std::vector<std::int32_t> host(n);
    for (std::int64_t i = 0; i < n; ++i) host[static_cast<std::size_t>(i)] = static_cast<std::int32_t>(p * 100000 + i);
    outs.push_back(dev.alloc(n * 4));
    ins.push_back(dev.alloc(n * 4));
    dev.copy_in(*ins.back(), host.data(), n * 4);
  }
  for (int rep = 0; rep < 2; ++rep) {
    for (int k = 0; k < kPairs; ++k) {
      const int p = rep == 0 ? k : kPairs - 1 - k;
      std::vector<ctgrad::rt::DeviceBuffer*> bound{outs[static_cast<std::size_t>(p)].get(), ins[static_cast<std::size_t>(p)].get()};
      kernel->run(bound, b.program);
    }
  }
  BOOST_TEST(dynamic_cast<ctgrad::rt::vk::VulkanKernel&>(*kernel).cached_sets() == ctgrad::rt::vk::VulkanKernel::kCachedSets);
  std::size_t bad = 0;
  for (int p = 0; p < kPairs; ++p) {
    std::vector<std::int32_t> host(n);
    dev.copy_out(host.data(), *outs[static_cast<std::size_t>(p)], n * 4);
    for (std::int64_t i = 0; i < n; ++i) bad += host[static_cast<std::size_t>(i)] != p * 100000 + i + 1;
  }
  BOOST_TEST(bad == 0u, bad << " of " << kPairs * n << " results are wrong");
}

BOOST_AUTO_TEST_SUITE_END()
