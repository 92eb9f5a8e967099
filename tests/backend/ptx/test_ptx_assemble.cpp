// Needs no GPU: renders every kernel case (both kernel shapes where the renderer would pick block-per-output) and
// assembles each with the toolkit's ptxas for sm_75 and sm_90. Skipped, with the reason logged, without ptxas.
#define BOOST_TEST_MODULE ptx_assemble
#include <unistd.h>

#include <array>
#include <boost/test/unit_test.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "../../support/one_kernel.hpp"
#include "ctgrad/runtime/errors.hpp"
#include "kernel_cases.hpp"
#include "ptx_renderer.hpp"

namespace fs = std::filesystem;
namespace rt = ctgrad::rt;
namespace utf = boost::unit_test;
using namespace ptx_test;

namespace {

const char* const kPtxas = CTGRAD_PTXAS;

struct PtxasPresent {
  boost::test_tools::assertion_result operator()(utf::test_unit_id) const {
    boost::test_tools::assertion_result ok(fs::exists(kPtxas));
    if (!ok) {
      ok.message() << "ptxas not found at " << kPtxas;
      std::cerr << "test_ptx_assemble: SKIPPED: ptxas not found at " << kPtxas << "\n";
    }
    return ok;
  }
};

// Runs a shell command; returns its exit status and what it printed.
int run(const std::string& command, std::string& output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) throw std::runtime_error("popen failed for: " + command);
  std::array<char, 4096> chunk{};
  while (std::fgets(chunk.data(), static_cast<int>(chunk.size()), pipe) != nullptr) output += chunk.data();
  return pclose(pipe);
}

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("ctgrad_ptxas_" + std::to_string(getpid()));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
};

}  // namespace

BOOST_AUTO_TEST_CASE(every_case_assembles_for_sm_75_and_sm_90, *utf::precondition(PtxasPresent{})) {
  TempDir dir;
  int files = 0;
  for (const auto& c : kernel_cases()) {
    // The default rendering, and the plain one-output-per-thread one where the default is something else.
    std::vector<std::pair<std::string, rt::ptx::RenderOptions>> variants = {{"", {}}};
    if (c.block_reduce || c.per_thread > 1) variants.push_back({"_plain", {.block_reduce = false, .several_per_thread = false}});
    for (const auto& [suffix, options] : variants) {
      const fs::path file = dir.path / (c.name + suffix + ".ptx");
      std::ofstream(file) << rt::ptx::render(c.program, options);
      ++files;
      // Both targets in one shell, side by side: ptxas is the slow part of this test.
      std::string output;
      const std::string stem = file.string();
      const std::string cmd = std::string(kPtxas) + " -arch=sm_75 " + stem + " -o " + stem + ".75.cubin & a=$!; " + kPtxas + " -arch=sm_90 " + stem +
                              " -o " + stem + ".90.cubin; b=$?; wait $a && exit $b";
      const int status = run(cmd, output);
      BOOST_TEST(status == 0, c.name << suffix << ": ptxas failed:\n" << output);
      BOOST_TEST(output.empty(), c.name << suffix << ": ptxas warned:\n" << output);
    }
  }
  BOOST_TEST_MESSAGE(files << " PTX files assembled with " << kPtxas << " for sm_75 and sm_90");
}

// The GPU optimizer's program for a matmul (16x16 blocks of 4x4 register tiles, both operands staged through shared
// memory, tile loads at immediate offsets from shared address registers) and for a reduction without tiles render
// and assemble. Lowered on the C
// device, which every build has; the program does not depend on where it was lowered.
BOOST_AUTO_TEST_CASE(gpu_optimized_matmul_assembles, *utf::precondition(PtxasPresent{})) {
  auto a = ctgrad::Tensor<float, 256, 96>::rand().to("C").realize();
  auto b = ctgrad::Tensor<float, 96, 512>::rand().to("C").realize();
  ctgrad_test::OneKernel matmul(a.matmul(b), "C");
  const auto program = rt::linearize_gpu(matmul.kernel(), true);
  BOOST_TEST(program.local_size == 256);
  const std::string ptx = rt::ptx::render(program);
  BOOST_TEST(ptx.find("bar.sync") != std::string::npos);
  BOOST_TEST(ptx.find("ld.shared.f32") != std::string::npos);
  BOOST_TEST(ptx.find("fma.rn.f32") != std::string::npos);
  BOOST_TEST(ptx.find("+4]") != std::string::npos, "no immediate address offset");
  BOOST_TEST(rt::ptx::launch_shape(ptx).block_threads == 256u);
  // and a reduction of many outputs with no tile pair: a loop per reduced axis, one thread per output
  auto x = ctgrad::Tensor<float, 64, 4, 320, 4>::rand().to("C").realize();
  ctgrad_test::OneKernel sum(x.sum<1, 3>(), "C");
  const std::string sum_ptx = rt::ptx::render(rt::linearize_gpu(sum.kernel(), true));
  BOOST_TEST(!rt::ptx::launch_shape(sum_ptx).block_per_output);
  TempDir dir;
  for (const auto& [name, text] : {std::pair{"staged_matmul", ptx}, std::pair{"nested_sum", sum_ptx}}) {
    const std::string file = (dir.path / (std::string(name) + ".ptx")).string();
    std::ofstream(file) << text;
    std::string output;
    BOOST_TEST(run(std::string(kPtxas) + " -arch=sm_90 " + file + " -o " + file + ".cubin", output) == 0, name << ": ptxas failed:\n" << output);
    BOOST_TEST(output.empty(), name << ": ptxas warned:\n" << output);
  }
}

// Over 16,384 outputs, a block per output only for reductions of 16,384 steps and more (a convolution's weight
// gradient), and never past 2^18 outputs.
BOOST_AUTO_TEST_CASE(long_reductions_take_a_block_per_output) {
  auto row_sums = [](std::int64_t outputs, std::int64_t trip) {
    ProgramBuilder b("rows", outputs);
    int out = b.param(DType::Float32, outputs), a = b.param(DType::Float32, outputs * trip), g = b.global_idx(), acc = b.acc(DType::Float32, 0);
    int base = b.alu(KOp::Mul, g, b.index(trip)), r = b.range(trip);
    b.acc_store(acc, b.alu(KOp::Add, acc, b.load(a, b.alu(KOp::Add, base, r))));
    b.end_range(r);
    b.store(out, g, acc);
    return rt::ptx::launch_shape(rt::ptx::render(b.program)).block_per_output;
  };
  BOOST_TEST(row_sums(16384, 256));
  BOOST_TEST(!row_sums(25600, 8192));
  BOOST_TEST(row_sums(25600, 16384));
  BOOST_TEST(!row_sums((1 << 18) + 1, 16384));
}

BOOST_AUTO_TEST_CASE(block_per_output_is_chosen_exactly_where_expected) {
  for (const auto& c : kernel_cases()) {
    const std::string ptx = rt::ptx::render(c.program);
    const auto shape = rt::ptx::launch_shape(ptx);
    BOOST_TEST(shape.block_per_output == c.block_reduce, c.name << ": " << ptx.substr(0, ptx.find('\n')));
    BOOST_TEST(shape.outputs_per_thread == c.per_thread, c.name << ": " << ptx.substr(0, ptx.find('\n')));
    const auto plain = rt::ptx::launch_shape(rt::ptx::render(c.program, {.block_reduce = false, .several_per_thread = false}));
    BOOST_TEST((!plain.block_per_output && plain.outputs_per_thread == 1u), c.name);
  }
}

BOOST_AUTO_TEST_CASE(ops_a_dtype_lacks_are_compile_errors) {
  auto with = [](KOp op, DType d) {
    ProgramBuilder b("bad", 4);
    int out = b.param(d, 4), a = b.param(d, 4), g = b.global_idx(), x = b.load(a, g);
    b.store(out, g, ctgrad::rt::is_unary(op) ? b.alu(op, x) : b.alu(op, x, x));
    return b.program;
  };
  BOOST_CHECK_THROW(rt::ptx::render(with(KOp::Sin, DType::Int32)), ctgrad::CompileError);
  BOOST_CHECK_THROW(rt::ptx::render(with(KOp::IDiv, DType::Float32)), ctgrad::CompileError);
  BOOST_CHECK_THROW(rt::ptx::render(with(KOp::Xor, DType::Float64)), ctgrad::CompileError);
  BOOST_CHECK_THROW(rt::ptx::render(with(KOp::Mod, DType::Bool)), ctgrad::CompileError);
  ProgramBuilder b("mismatch", 4);
  int out = b.param(DType::Float32, 4), g = b.global_idx();
  b.store(out, g, b.constant(DType::Int32, 1));
  BOOST_CHECK_THROW(rt::ptx::render(b.program), ctgrad::CompileError);
}

BOOST_AUTO_TEST_CASE(launch_line_is_read_back) {
  const auto cases = kernel_cases();
  const auto shape = rt::ptx::launch_shape(rt::ptx::render(cases.front().program));
  BOOST_TEST(shape.block_threads == rt::ptx::kThreadsPerBlock);
  BOOST_TEST(shape.grid(1000) == 4u);
  const auto several = rt::ptx::launch_shape("// ctgrad launch: block=256 grid=cover per_thread=4\n");
  BOOST_TEST(several.grid((1 << 20) + 1) == 1025u);
  BOOST_TEST(rt::ptx::launch_shape("// ctgrad launch: block=1024 grid=outputs per_thread=1\n").grid(7) == 7u);
  BOOST_CHECK_THROW(rt::ptx::launch_shape(".version 8.0\n"), ctgrad::CompileError);
  BOOST_CHECK_THROW(rt::ptx::launch_shape("// ctgrad launch: block=0 grid=cover per_thread=1\n"), ctgrad::CompileError);
  BOOST_CHECK_THROW(rt::ptx::launch_shape("// ctgrad launch: block=256 grid=cover\n"), ctgrad::CompileError);
}
