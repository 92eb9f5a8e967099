// The kernel optimizer (runtime/opt/): actions as data, their legality, the kernels the heuristic produces, and
// results with the optimizer on against the same graphs with it off (NOOPT=1), on every device. Float sums may
// differ by rounding (lane partial sums and FMA reorder or fuse them: see docs/optimizer.md); every other result,
// integer sums and max reductions included, must be bit-identical.
#define BOOST_TEST_MODULE optimizer
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <cstdint>
#include <random>
#include <vector>

#include "support/devices.hpp"
#include "support/one_kernel.hpp"
#include "support/scoped_env.hpp"

namespace {

using ctgrad::keepdim;
using ctgrad::Tensor;
namespace rt = ctgrad::rt;
namespace opt = ctgrad::rt::opt;

// Graphs realized after this are lowered again (a cached schedule would keep the optimizer setting it was made with).
void forget_schedules() {
  std::lock_guard lock(rt::detail::schedule_mutex());
  rt::detail::schedule_cache().clear();
}

template <class TT>
TT input(const std::string& dev, std::uint64_t seed) {
  using T = typename TT::dtype;
  std::mt19937_64 rng(seed);
  std::vector<T> v(TT::numel);
  for (auto& x : v) {
    if constexpr (std::is_integral_v<T>) x = static_cast<T>(static_cast<int>(rng() % 11) - 5);
    else x = static_cast<T>(std::uniform_real_distribution<double>(-1, 1)(rng));
  }
  return TT::from(std::span<const T>(v)).to(dev).realize();
}

// f() with the optimizer off and on; `exact` demands identical bits, otherwise a tolerance for reordered float sums.
template <class F>
void expect_same(F&& f, bool exact, const char* what) {
  BOOST_TEST_CONTEXT(what) {
    std::decay_t<decltype(f().tolist())> off, on;
    {
      ctgrad_test::ScopedEnv noopt("NOOPT", "1");
      forget_schedules();
      off = f().tolist();
    }
    forget_schedules();
    on = f().tolist();
    BOOST_TEST_REQUIRE(on.size() == off.size());
    std::size_t bad = 0;
    for (std::size_t i = 0; i < on.size(); ++i) {
      const double a = static_cast<double>(on[i]), b = static_cast<double>(off[i]);
      const bool ok = exact ? std::memcmp(&on[i], &off[i], sizeof on[i]) == 0 : std::abs(a - b) <= 1e-4 * std::max(1.0, std::abs(b));
      if (!ok && bad++ < 3) BOOST_TEST_MESSAGE("element " << i << ": optimized " << a << ", unoptimized " << b);
    }
    BOOST_TEST(bad == 0u, bad << " of " << on.size() << " elements differ");
  }
}

// A lowered and linearized kernel of `t` on `dev`, for inspecting what the optimizer made of it.
template <class TT>
rt::KernelProgram program_of(const TT& t, const std::string& dev, std::vector<std::string>* notes = nullptr) {
  auto node = t.to_uop();
  auto out = std::make_shared<rt::Buffer>(dev, node->dtype, node->numel());
  rt::RealizeStats stats;
  rt::KernelLowering lowering(node, out, [&](const rt::UOpPtr& n) { return rt::detail::realize_node(n, dev, stats); });
  auto program = rt::linearize(lowering.result());
  if (notes) *notes = lowering.result().notes;
  return program;
}

bool has(const rt::KernelProgram& p, rt::KOp op, int min_lanes) {
  for (auto& in : p.insts)
    if (in.op == op && in.lanes >= min_lanes) return true;
  return false;
}

// Int32 index arithmetic for the simplifier's tests: a constant, and a binary op.
rt::UOpPtr int_const(double v) {
  rt::UArg a;
  a.value = v;
  return rt::make_uop(rt::Ops::Const, rt::DType::Int32, {}, a, rt::scalar_shape());
}
rt::UOpPtr int_op(rt::Ops op, const rt::UOpPtr& x, const rt::UOpPtr& y) { return rt::make_uop(op, rt::DType::Int32, {x, y}, {}, rt::scalar_shape()); }

bool is_cpu(const std::string& dev) { return dynamic_cast<rt::CpuDeviceBase*>(&rt::device(dev)) != nullptr; }

}  // namespace

BOOST_AUTO_TEST_CASE(actions_print_and_parse) {
  std::vector<opt::Opt> opts{{opt::OptOp::Vectorize, 1, 16}, {opt::OptOp::Upcast, 0, 8}, {opt::OptOp::Swap, 0, 1}, {opt::OptOp::Pack, 1, 0},
                             {opt::OptOp::Local, 0, 16}};
  BOOST_TEST(opt::to_string(opts) == "VECTORIZE(1,16) UPCAST(0,8) SWAP(0,1) PACK(1,0) LOCAL(0,16)");
  std::vector<opt::Opt> back;
  BOOST_TEST(opt::parse_opts(opt::to_string(opts), back));
  BOOST_TEST((back == opts));
  BOOST_TEST(opt::parse_opts("none", back));
  BOOST_TEST(back.empty());
  BOOST_TEST(!opt::parse_opts("TILE(1,2)", back));
  BOOST_TEST(!opt::parse_opts("UPCAST(1", back));
}

BOOST_AUTO_TEST_CASE(illegal_actions_change_nothing, CTGRAD_ON_DEVICES) {
  const std::string dev = ctgrad_test::usable_devices().front();
  auto a = input<Tensor<float, 12, 20>>(dev, 1);
  auto b = input<Tensor<float, 20, 8>>(dev, 2);
  ctgrad_test::OneKernel matmul(a.matmul(b), dev);
  opt::OptKernel k(matmul.kernel());
  BOOST_TEST_REQUIRE(k.axes().size() == 3u);  // M, N, K
  BOOST_TEST(!k.apply({opt::OptOp::Upcast, 0, 5}));      // 5 does not divide 12
  BOOST_TEST(!k.apply({opt::OptOp::Upcast, 2, 4}));      // K is reduced: that is UNROLL
  BOOST_TEST(!k.apply({opt::OptOp::Unroll, 0, 4}));      // M is not reduced
  BOOST_TEST(!k.apply({opt::OptOp::Swap, 0, 2}));        // K is not an output axis
  BOOST_TEST(!k.apply({opt::OptOp::Vectorize, 1, 3}));   // lanes are a power of two
  BOOST_TEST(!k.apply({opt::OptOp::Upcast, 7, 2}));      // no such axis
  BOOST_TEST(!k.apply({opt::OptOp::Local, 2, 4}));       // K is reduced: threads of a block split outputs
  BOOST_TEST(!k.apply({opt::OptOp::Stage, 0, 0}));       // staging is stage_operand's, after the axis actions
  BOOST_TEST(!opt::stage_operand(k, 0));                 // no LOCAL axes: no block to share the loads
  BOOST_TEST(k.applied().empty());
  BOOST_TEST(k.apply({opt::OptOp::Vectorize, 1, 8}));
  BOOST_TEST(!k.apply({opt::OptOp::Vectorize, 0, 4}));   // one lane axis per kernel
  BOOST_TEST(k.apply({opt::OptOp::Upcast, 0, 4}));
  BOOST_TEST(k.apply({opt::OptOp::Unroll, 2, 4}));
  BOOST_TEST(k.applied().size() == 3u);
}

// STAGE needs a block (LOCAL axes) whose threads split the operand's slots evenly, and an operand that changes over
// the reduction.
BOOST_AUTO_TEST_CASE(staging_is_refused_where_it_cannot_work, CTGRAD_ON_DEVICES) {
  const std::string dev = ctgrad_test::usable_devices().front();
  auto a = input<Tensor<float, 64, 32>>(dev, 1);
  auto b = input<Tensor<float, 32, 64>>(dev, 2);
  ctgrad_test::OneKernel matmul(a.matmul(b), dev);
  opt::OptKernel k(matmul.kernel());
  BOOST_TEST_REQUIRE(k.apply({opt::OptOp::Local, 0, 16}));
  BOOST_TEST_REQUIRE(k.apply({opt::OptOp::Local, 1, 16}));  // 256 threads; A's slots per step: 16 rows x 1 step
  BOOST_TEST(!opt::stage_operand(k, 0));
  BOOST_TEST(!opt::stage_operand(k, 5));                    // no such operand
  BOOST_TEST_REQUIRE(k.apply({opt::OptOp::Unroll, 2, 16}));  // now 16 x 16 slots: one per thread
  BOOST_TEST(opt::stage_operand(k, 0));
  BOOST_TEST(opt::stage_operand(k, 1));
  BOOST_TEST(!opt::stage_operand(k, 0));  // staged already
  BOOST_TEST(k.staged().size() == 2u);
  BOOST_TEST(opt::to_string(k.applied()) == "LOCAL(0,16) LOCAL(1,16) UNROLL(2,16) STAGE(0,0) STAGE(1,0)");
}

bool noted(const std::vector<std::string>& notes, std::initializer_list<const char*> words) {
  for (auto& n : notes) {
    bool all = true;
    for (const char* w : words) all = all && n.find(w) != std::string::npos;
    if (all) return true;
  }
  return false;
}

// On GPU devices a block of 16x16 threads (LOCAL) covers a square of the output and each thread a register tile of
// scalar FMAs (the renderers take no vectors): 4x4 here, the largest tile that leaves 8192 threads. A matmul too
// small to fill the GPU with such threads keeps one thread per output.
void expect_gpu_matmul_tiles(const std::string& dev) {
  auto a = input<Tensor<float, 256, 96>>(dev, 3);
  auto b = input<Tensor<float, 96, 512>>(dev, 4);
  std::vector<std::string> notes;
  auto p = program_of(a.matmul(b), dev, &notes);
  BOOST_TEST(has(p, rt::KOp::MulAcc, 1));
  BOOST_TEST(!has(p, rt::KOp::Load, 2));
  BOOST_TEST(p.global_size == 256 * 512 / 16);
  BOOST_TEST(p.local_size == 256);
  BOOST_TEST(noted(notes, {"UPCAST", "LOCAL"}), "notes: " << (notes.empty() ? "" : notes.back()));
  // the reduction unrolled by 16; where the renderer has shared memory (PTX) the block stages both operands per 16 steps
  const bool shared = rt::device(dev).renders_shared_memory();
  BOOST_TEST(has(p, rt::KOp::Shared, 1) == shared);
  BOOST_TEST(has(p, rt::KOp::Barrier, 1) == shared);
  BOOST_TEST(noted(notes, {"UNROLL(2,16)"}), "notes: " << (notes.empty() ? "" : notes.back()));
  BOOST_TEST(noted(notes, {"STAGE(0,0)", "STAGE(1,0)"}) == shared, "notes: " << (notes.empty() ? "" : notes.back()));
  auto small = program_of(input<Tensor<float, 64, 96>>(dev, 5).matmul(input<Tensor<float, 96, 128>>(dev, 6)), dev);
  BOOST_TEST(small.global_size == 64 * 128);
}

// The heuristic makes a matmul a BLAS-style micro-kernel on the CPU devices: vector FMAs into register tiles, vector
// stores; with NOOPT=1 the program has no vector at all. GPU devices: see expect_gpu_matmul_tiles.
BOOST_AUTO_TEST_CASE(matmul_becomes_a_register_tiled_fma_kernel, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    if (!is_cpu(dev)) return expect_gpu_matmul_tiles(dev);
    auto a = input<Tensor<float, 64, 96>>(dev, 3);
    auto b = input<Tensor<float, 96, 128>>(dev, 4);
    std::vector<std::string> notes;
    auto p = program_of(a.matmul(b), dev, &notes);
    BOOST_TEST(has(p, rt::KOp::MulAcc, 4));
    BOOST_TEST(has(p, rt::KOp::Store, 4));
    BOOST_TEST(p.global_size < 64 * 128 / 16);  // one invocation per tile, not per output
    BOOST_TEST(noted(notes, {"VECTORIZE", "UPCAST"}));
    ctgrad_test::ScopedEnv noopt("NOOPT", "1");
    auto plain = program_of(a.matmul(b), dev);
    BOOST_TEST(!has(plain, rt::KOp::MulAcc, 1));
    BOOST_TEST(!has(plain, rt::KOp::Load, 2));
    BOOST_TEST(plain.global_size == 64 * 128);
  });
}

// Row sums read the reduced axis contiguously: the heuristic gives them lane partial sums.
BOOST_AUTO_TEST_CASE(row_sums_use_lane_partial_sums, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    if (!is_cpu(dev)) return;
    auto x = input<Tensor<float, 16, 256>>(dev, 5);
    auto p = program_of(x.sum<1>(), dev);
    BOOST_TEST(has(p, rt::KOp::Load, 4));
    BOOST_TEST(has(p, rt::KOp::Extract, 1));
  });
}

BOOST_AUTO_TEST_CASE(matmuls_match_unoptimized, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto a = input<Tensor<float, 64, 96>>(dev, 10);
    auto b = input<Tensor<float, 96, 80>>(dev, 11);
    expect_same([&] { return a.matmul(b); }, false, "(64,96) @ (96,80)");
    expect_same([&] { return (a.matmul(b) + 1.0f).relu(); }, false, "relu(a @ b + 1)");
    auto c = input<Tensor<float, 512, 256>>(dev, 12);
    auto d = input<Tensor<float, 256, 1024>>(dev, 13);
    expect_same([&] { return c.matmul(d); }, false, "(512,256) @ (256,1024): packed operands on CPUs, local tiles on GPUs");
    auto c1 = input<Tensor<float, 512, 136>>(dev, 23);
    auto d1 = input<Tensor<float, 136, 264>>(dev, 24);
    expect_same([&] { return c1.matmul(d1); }, false, "(512,136) @ (136,264): GPU tiles, no LOCAL (blocks of 16x2 would be too small)");
    auto e = input<Tensor<float, 4, 32, 48>>(dev, 14);
    auto f = input<Tensor<float, 48, 32>>(dev, 15);
    expect_same([&] { return e.matmul(f); }, false, "(4,32,48) @ (48,32): batched");
    auto g = input<Tensor<float, 7, 13>>(dev, 16);
    auto h = input<Tensor<float, 13, 5>>(dev, 17);
    expect_same([&] { return g.matmul(h); }, false, "(7,13) @ (13,5): nothing divides");
    auto v = input<Tensor<float, 96>>(dev, 18);
    expect_same([&] { return a.matmul(v); }, false, "(64,96) @ (96): matvec");
    auto ia = input<Tensor<std::int32_t, 32, 64>>(dev, 19);
    auto ib = input<Tensor<std::int32_t, 64, 48>>(dev, 20);
    expect_same([&] { return ia.matmul(ib); }, true, "int32 (32,64) @ (64,48)");
    auto da = input<Tensor<double, 32, 64>>(dev, 21);
    auto db = input<Tensor<double, 64, 32>>(dev, 22);
    expect_same([&] { return da.matmul(db); }, false, "float64 (32,64) @ (64,32)");
  });
}

BOOST_AUTO_TEST_CASE(reductions_match_unoptimized, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto x = input<Tensor<float, 8, 32, 64>>(dev, 30);
    expect_same([&] { return x.sum<0>(); }, false, "sum over axis 0");
    expect_same([&] { return x.sum<1>(); }, false, "sum over axis 1");
    expect_same([&] { return x.sum<2>(); }, false, "sum over axis 2");
    expect_same([&] { return x.sum<0, 2>(); }, false, "sum over axes 0 and 2 (batchnorm statistics)");
    expect_same([&] { return x.max<2>(); }, true, "max over axis 2");
    expect_same([&] { return x.max<0>(); }, true, "max over axis 0");
    expect_same([&] { return (x - x.max<2>(keepdim)).exp().sum<2>(); }, false, "softmax denominator");
    expect_same([&] { return (x * x).sum<1>(keepdim) * 0.5f + 1.0f; }, false, "sum of squares, then elementwise");
    auto p = x.template pad<0, 0, 1, 3, 0, 0>();
    expect_same([&] { return p.template sum<1>(); }, false, "sum over a padded axis (gated loads)");
    // many outputs, two reduced axes and no tile pair: on GPUs a loop per reduced axis, the same bits as NOOPT=1
    auto y = input<Tensor<float, 64, 4, 320, 4>>(dev, 32);
    expect_same([&] { return y.sum<1, 3>(); }, !is_cpu(dev), "sum over axes 1 and 3 of (64,4,320,4)");
    if (!is_cpu(dev)) {
      const auto p = program_of(y.sum<1, 3>(), dev);
      BOOST_TEST(std::ranges::count_if(p.insts, [](const rt::KInst& in) { return in.op == rt::KOp::Range; }) == 2);
    }
    auto i = input<Tensor<std::int32_t, 16, 128>>(dev, 31);
    expect_same([&] { return i.sum<1>(); }, true, "int32 row sums");
    expect_same([&] { return i.sum<0>(); }, true, "int32 column sums");
  });
}

// A convolution's output width (6 here) is no multiple of the vector width: the heuristic puts the lanes on the
// output channels instead, with the weight packed so they are contiguous, and tiles the width in registers (in a
// kernel of 2^20 steps or more: 16*32*6*6 outputs of 8*3*3 products here; smaller ones do not pay for the pack). The
// forward pass, the weight gradient (lanes on the output gradient's channels) and the input gradient (a reduction
// without actions, through the tile linearizer's index folding) match NOOPT=1.
BOOST_AUTO_TEST_CASE(convolutions_tile_output_channels, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto x = input<Tensor<float, 16, 8, 8, 8>>(dev, 40);
    auto w = input<Tensor<float, 32, 8, 3, 3>>(dev, 41);
    auto g = input<Tensor<float, 16, 32, 6, 6>>(dev, 42);
    if (is_cpu(dev)) {
      std::vector<std::string> notes;
      auto p = program_of(x.conv2d(w), dev, &notes);
      BOOST_TEST(has(p, rt::KOp::MulAcc, opt::cpu_vector_bytes() / 4));  // one register of floats: 16 with AVX-512, 8 with AVX2
      bool noted = false;
      for (auto& n : notes) noted = noted || (n.find("VECTORIZE(1,16)") != std::string::npos && n.find("PACK") != std::string::npos);
      BOOST_TEST(noted == (opt::cpu_vector_bytes() == 64), "notes: " << (notes.empty() ? "" : notes.back()));
    }
    expect_same([&] { return x.conv2d(w); }, false, "conv2d forward, width 6");
    expect_same([&] {
      auto wg = w.requires_grad_();
      wg.clear_grad();
      (x.conv2d(wg) * g).sum().backward();
      return wg.grad();
    }, false, "conv2d weight gradient");
    expect_same([&] {
      auto xg = x.requires_grad_();
      xg.clear_grad();
      (xg.conv2d(w) * g).sum().backward();
      return xg.grad();
    }, false, "conv2d input gradient (transposed convolution)");
  });
}

// In a training step the weight gradient's output-gradient operand is the fused ReLU backward: a select over the
// incoming gradient, the convolution's output and its bias, three loads. The heuristic takes the expression as one
// operand (its widest load, the output, reads every axis the bias does), lanes on its channels, and PACK computes it
// into the copy, so the tile kernel loads one value for it; unpacked, the kernel got no actions at all.
BOOST_AUTO_TEST_CASE(relu_backward_operand_is_packed_as_one, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto x = input<Tensor<float, 16, 8, 8, 8>>(dev, 50);
    auto w = input<Tensor<float, 32, 8, 3, 3>>(dev, 51);
    auto b = input<Tensor<float, 32>>(dev, 52);
    auto g = input<Tensor<float, 16, 32, 6, 6>>(dev, 53);
    auto weight_grad = [&] {
      auto wg = w.requires_grad_();
      wg.clear_grad();
      (x.conv2d(wg, b).relu() * g).sum().backward();
      return wg.grad();
    };
    if (is_cpu(dev)) {
      std::vector<std::string> notes;
      auto p = program_of(weight_grad(), dev, &notes);
      bool packed = false;
      for (auto& n : notes) packed = packed || n.find("packed operand") != std::string::npos;
      BOOST_TEST(packed, "notes: " << (notes.empty() ? "" : notes.back()));
      BOOST_TEST(has(p, rt::KOp::MulAcc, opt::cpu_vector_bytes() / 4));
    }
    expect_same(weight_grad, false, "weight gradient through ReLU and bias");
  });
}

// Elementwise kernels over several output axes, and reductions of a few elements per output, compute a tile of
// outputs per invocation (lanes along the innermost axis where it allows); comparisons, selects, casts and math run
// as vectors. The same bits as NOOPT=1 on every device: nothing here reorders a sum.
BOOST_AUTO_TEST_CASE(elementwise_kernels_tile_their_innermost_axes, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto x = input<Tensor<float, 8, 8, 20, 20>>(dev, 50);
    auto scale = input<Tensor<float, 1, 8, 1, 1>>(dev, 51);
    auto pooled = x.max_pool2d().realize();
    auto batchnorm = [&] { return ((x - scale) * (scale * scale + 1.0f).sqrt().reciprocal()).relu(); };
    auto relu_backward = [&] { return (x > 0.0f).where(x * 2.0f, (x != 0.0f).where(0.0f, x * 0.5f)); };
    // a max-pool's backward: each input compares itself with its window's maximum, read at (y/2, x/2)
    auto window_max = [&] {
      return pooled.template reshape<8, 8, 10, 1, 10, 1>().template expand<8, 8, 10, 2, 10, 2>().template reshape<8, 8, 20, 20>();
    };
    auto argmax_mask = [&] { return (x == window_max()).template cast<float>() * scale; };
    expect_same(batchnorm, true, "per-channel scale over (4,8,20,20)");
    expect_same(relu_backward, true, "comparisons and selects");
    expect_same([&] { return (x * 10.0f).template cast<std::int32_t>() + 3; }, true, "float -> int32 casts");
    expect_same(argmax_mask, true, "a pooled window's maximum gathered at (y/2, x/2)");
    // a transposed operand keeps H and W apart: a tile of 20 outputs along W, 4 lanes, 5 vectors
    auto transposed = [&] { return (x < x.template permute<0, 1, 3, 2>()).where(x, scale); };
    expect_same(transposed, true, "x beside its transpose");
    expect_same([&] { return (x * 2.0f).max_pool2d(); }, true, "2x2 max-pool: 4 elements per output");
    expect_same([&] { return x.template sum<0, 2, 3>(); }, false, "per-channel sums over (4,20,20)");
    if (!is_cpu(dev)) return;
    std::vector<std::string> notes;
    auto p = program_of(transposed(), dev, &notes);
    BOOST_TEST(noted(notes, {"VECTORIZE(3,4)", "UPCAST(3,5)"}), "notes: " << (notes.empty() ? "" : notes.back()));
    BOOST_TEST(has(p, rt::KOp::CmpLt, 4));
    BOOST_TEST(has(p, rt::KOp::Where, 4));
    BOOST_TEST(has(program_of(argmax_mask(), dev), rt::KOp::CmpEq, 4));
    p = program_of((x * 2.0f).max_pool2d(), dev, &notes);  // (x itself was pooled above: that result is realized)
    BOOST_TEST(noted(notes, {"UPCAST", "UNROLL"}), "notes: " << (notes.empty() ? "" : notes.back()));
    BOOST_TEST(std::ranges::none_of(p.insts, [](const rt::KInst& in) { return in.op == rt::KOp::Range && in.iarg > 1; }));  // unrolled
  });
}

// Column sums (a long reduction over rows, outputs contiguous along the rows) accumulate in the output buffer: each
// invocation sums a run of a row's outputs over every row (INNER), adding in the same order as one output per
// invocation, so sums, maxima, means and integer sums match NOOPT=1 bit for bit.
BOOST_AUTO_TEST_CASE(column_sums_accumulate_in_the_output, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto x = input<Tensor<float, 300, 2048>>(dev, 60);
    auto i = input<Tensor<std::int32_t, 256, 1024>>(dev, 61);
    expect_same([&] { return x.sum<0>(); }, true, "column sums of (300,2048)");
    expect_same([&] { return x.max<0>(); }, true, "column maxima");
    expect_same([&] { return x.sum<0>() * (1.0f / 300) + 2.0f; }, true, "column means, then elementwise");
    expect_same([&] { return (x * x).sum<0>(); }, true, "column sums of squares");
    expect_same([&] { return i.sum<0>(); }, true, "int32 column sums");
    if (!is_cpu(dev)) return;
    std::vector<std::string> notes;
    auto p = program_of(x.sum<0>() * (1.0f / 300) + 2.0f, dev, &notes);
    BOOST_TEST(noted(notes, {"VECTORIZE(1,", "INNER(1,"}), "notes: " << (notes.empty() ? "" : notes.back()));
    BOOST_TEST(std::ranges::count_if(p.insts, [](const rt::KInst& in) { return in.op == rt::KOp::Range; }) == 4);  // init, sum, mean
  });
}

// (x*20 + y) / 40 -> x / 2 and (x*20 + y) % 40 -> (x % 2)*20 + y when 0 <= y < 20; nothing when y may reach 20.
BOOST_AUTO_TEST_CASE(sums_divide_by_a_multiple_of_their_stride) {
  auto x = rt::axis_var(rt::DType::Int32, 20, 1), y = rt::axis_var(rt::DType::Int32, 20, 2), wide = rt::axis_var(rt::DType::Int32, 21, 3);
  auto sum = int_op(rt::Ops::Add, y, int_op(rt::Ops::Mul, x, int_const(20)));
  auto quotient = opt::simplify(int_op(rt::Ops::IDiv, sum, int_const(40))), remainder = opt::simplify(int_op(rt::Ops::Mod, sum, int_const(40)));
  BOOST_TEST((quotient->op == rt::Ops::IDiv && quotient->src[0] == x && quotient->src[1]->arg.value == 2));
  for (std::int64_t xv : {0, 1, 7, 19})
    for (std::int64_t yv : {0, 13, 19}) {
      std::unordered_map<const rt::UOp*, rt::UOpPtr> at{{x.get(), int_const(static_cast<double>(xv))}, {y.get(), int_const(static_cast<double>(yv))}};
      BOOST_TEST(opt::simplify(opt::substitute(quotient, at))->arg.value == static_cast<double>((xv * 20 + yv) / 40));
      BOOST_TEST(opt::simplify(opt::substitute(remainder, at))->arg.value == static_cast<double>((xv * 20 + yv) % 40));
    }
  auto over = opt::simplify(int_op(rt::Ops::IDiv, int_op(rt::Ops::Add, wide, int_op(rt::Ops::Mul, x, int_const(20))), int_const(40)));
  BOOST_TEST((over->op == rt::Ops::IDiv && over->src[1]->arg.value == 40));  // wide reaches 20: kept as it is
}

// (a*144 + b*24 + c) % 144 and / 144 fold term by term when every term is non-negative.
BOOST_AUTO_TEST_CASE(sums_divide_term_by_term) {
  auto var = [](std::int64_t size, std::int64_t id) { return rt::axis_var(rt::DType::Int32, size, id); };
  auto a = var(100, 1), b = var(6, 2), d = var(24, 3);
  auto sum = int_op(rt::Ops::Add, int_op(rt::Ops::Add, int_op(rt::Ops::Mul, a, int_const(144)), int_op(rt::Ops::Mul, b, int_const(24))), d);
  BOOST_TEST(opt::simplify(int_op(rt::Ops::IDiv, sum, int_const(144))) == a);
  auto mod = opt::simplify(int_op(rt::Ops::Mod, sum, int_const(144)));
  BOOST_TEST((mod->op == rt::Ops::Add));  // b*24 + c: no division left
  for (std::int64_t av : {0, 7, 99})
    for (std::int64_t bv : {0, 5})
      for (std::int64_t dv : {0, 23}) {
        std::unordered_map<const rt::UOp*, rt::UOpPtr> at{{a.get(), int_const(static_cast<double>(av))},
                                                        {b.get(), int_const(static_cast<double>(bv))},
                                                        {d.get(), int_const(static_cast<double>(dv))}};
        BOOST_TEST(opt::simplify(opt::substitute(mod, at))->arg.value == static_cast<double>((av * 144 + bv * 24 + dv) % 144));
      }
  auto negative = int_op(rt::Ops::Add, int_op(rt::Ops::Mul, a, int_const(144)), int_op(rt::Ops::Sub, d, int_const(30)));
  BOOST_TEST((opt::simplify(int_op(rt::Ops::Mod, negative, int_const(144)))->op == rt::Ops::Mod));  // a term may be negative: kept
}

// A tile's access index splits into a base shared by the tile's loads and a constant (what the GPU renderers fold
// into `ld [reg+imm]`): ((x + 3) * 16 + y) + 2 -> (x*16 + y, 50), for every value of x and y.
BOOST_AUTO_TEST_CASE(access_indices_split_into_base_and_constant) {
  auto x = rt::axis_var(rt::DType::Int32, 8, 1), y = rt::axis_var(rt::DType::Int32, 16, 2);
  auto scaled = int_op(rt::Ops::Mul, int_op(rt::Ops::Add, x, int_const(3)), int_const(16));
  auto index = int_op(rt::Ops::Add, int_op(rt::Ops::Add, scaled, y), int_const(2));
  auto [base, offset] = opt::split_offset(index);
  BOOST_TEST_REQUIRE(base != nullptr);
  BOOST_TEST(offset == 50);
  for (std::int64_t xv : {0, 5, 7})
    for (std::int64_t yv : {0, 15}) {
      std::unordered_map<const rt::UOp*, rt::UOpPtr> at{{x.get(), int_const(static_cast<double>(xv))}, {y.get(), int_const(static_cast<double>(yv))}};
      BOOST_TEST(opt::simplify(opt::substitute(base, at))->arg.value + 50 == static_cast<double>((xv + 3) * 16 + yv + 2));
    }
  BOOST_TEST((opt::split_offset(int_const(7)) == std::pair<rt::UOpPtr, std::int64_t>{nullptr, 7}));  // a constant index has no base
  auto divided = int_op(rt::Ops::IDiv, int_op(rt::Ops::Add, x, int_const(3)), int_const(2));
  BOOST_TEST((opt::split_offset(divided) == std::pair<rt::UOpPtr, std::int64_t>{divided, 0}));  // no constant escapes a division
}

// BEAM=1 searches once, stores the winner beside the kernel cache, and reads it back instead of searching again; an
// entry written for another compiler id is ignored. The searched kernel's results match the unoptimized ones.
BOOST_AUTO_TEST_CASE(beam_search_is_cached_per_compiler, CTGRAD_ON_DEVICES) {
  ctgrad_test::TempDir dir;
  ctgrad_test::ScopedEnv cache("XDG_CACHE_HOME", dir.path().string());
  ctgrad_test::ScopedEnv disk("CTGRAD_DISK_CACHE", "1");
  const std::string dev = [] {
    for (auto& d : ctgrad_test::usable_devices())
      if (is_cpu(d)) return d;
    return std::string();
  }();
  if (dev.empty()) return;
  auto a = input<Tensor<float, 32, 64>>(dev, 40);
  auto b = input<Tensor<float, 64, 32>>(dev, 41);
  auto entries = [&] {
    std::vector<std::filesystem::path> out;
    if (std::filesystem::exists(dir.path() / "ctgrad" / "beam"))
      for (auto& e : std::filesystem::directory_iterator(dir.path() / "ctgrad" / "beam")) out.push_back(e.path());
    return out;
  };
  {
    ctgrad_test::ScopedEnv beam("BEAM", "1");
    expect_same([&] { return a.matmul(b); }, false, "BEAM=1 matmul against NOOPT=1");
  }
  auto files = entries();
  BOOST_TEST_REQUIRE(files.size() == 1u);
  std::string magic, id, text;
  {
    std::ifstream in(files[0]);
    std::getline(in, magic);
    std::getline(in, id);
    std::getline(in, text);
  }
  BOOST_TEST(magic == "CTGRAD-BEAM-1");
  BOOST_TEST(id == rt::device(dev).compiler_id());
  std::vector<opt::Opt> parsed;
  BOOST_TEST(opt::parse_opts(text, parsed));

  // a planted entry under the same name is used as is: no search runs (no kernel is compiled for candidates)
  { std::ofstream(files[0]) << magic << "\n" << id << "\nVECTORIZE(1,8)\n"; }
  std::vector<std::string> notes;
  {
    ctgrad_test::ScopedEnv beam("BEAM", "1");
    program_of(a.matmul(b), dev, &notes);
  }
  bool used = false;
  for (auto& n : notes) used = used || n.find("opts VECTORIZE(1,8) (BEAM=1)") != std::string::npos;
  BOOST_TEST(used);
  // another compiler's entry is not: the search runs again and overwrites it
  { std::ofstream(files[0]) << magic << "\nsome other compiler\nVECTORIZE(1,8)\n"; }
  {
    ctgrad_test::ScopedEnv beam("BEAM", "1");
    program_of(a.matmul(b), dev, &notes);
  }
  {
    std::ifstream in(files[0]);
    std::getline(in, magic);
    std::getline(in, id);
  }
  BOOST_TEST(id == rt::device(dev).compiler_id());
}
