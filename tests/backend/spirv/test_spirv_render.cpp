// Properties of the rendered SPIR-V text itself (what DEBUG=4 shows), checked without running anything.
#include <boost/test/unit_test.hpp>
#include <regex>
#include <set>

#include "kernel_check.hpp"
#include "spirv_assemble.hpp"
#include "spirv_dispatch.hpp"
#include "spirv_render.hpp"

namespace {

using namespace ctgrad::test;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// out[g] = sum_r max(a[g*4+r] * b[g], 0) in dtype d, with a padded (gated) second read.
ctgrad::rt::KernelProgram sample(DType d, std::int64_t n = 100) {
  ProgramBuilder b(std::string("sample_") + name(d), n);
  const int out = b.param(d, n, true), a = b.param(d, n * 4), s = b.param(d, n);
  const int g = b.global_idx();
  const int acc = b.def_acc(d, b.constant(d, 0));
  const int r = b.range(4);
  const int x = b.load(a, b.op(KOp::Add, DType::Int32, b.op(KOp::Mul, DType::Int32, g, b.constant(DType::Int32, 4)), r));
  const int padded = b.load(s, g, b.op(KOp::CmpLt, DType::Bool, g, b.constant(DType::Int32, n / 2)));
  b.acc_store(acc, b.op(KOp::Add, d, acc, b.op(KOp::Max, d, b.op(KOp::Mul, d, x, padded), b.constant(d, 0))));
  b.end_range(r);
  b.store(out, g, acc);
  return b.program;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(render)

BOOST_AUTO_TEST_CASE(every_float_arithmetic_result_is_no_contraction) {
  for (DType d : {DType::Float32, DType::Float64, DType::Half}) {
    const std::string text = ctgrad::rt::spirv::render(sample(d));
    const std::regex arithmetic(R"((%\w+) = Op(FAdd|FSub|FMul|FDiv|FNegate) )");
    int count = 0;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), arithmetic); it != std::sregex_iterator(); ++it, ++count)
      BOOST_TEST(contains(text, "OpDecorate " + (*it)[1].str() + " NoContraction\n"), (*it)[0].str());
    BOOST_TEST(count >= 2);
  }
}

BOOST_AUTO_TEST_CASE(structured_control_flow_and_buffers) {
  const std::string text = ctgrad::rt::spirv::render(sample(DType::Float32));
  for (const char* part : {"OpLoopMerge", "OpSelectionMerge", "OpPhi", "OpBranchConditional", "OpVariable %p_Function_f32 Function",
                           "OpDecorate %rta_f32 ArrayStride 4", "OpDecorate %buf_f32 Block", "OpDecorate %param2 Binding 2",
                           "OpDecorate %param1 NonWritable", "LocalSize 64 1 1", "BuiltIn GlobalInvocationId"})
    BOOST_TEST(contains(text, part), part);
  BOOST_TEST(!contains(text, "OpDecorate %param0 NonWritable"));  // the output is written
  BOOST_TEST(ctgrad::rt::spirv::assemble_and_validate(text, "sample").size() > 5u);
}

BOOST_AUTO_TEST_CASE(capabilities_only_for_what_is_used) {
  const std::string f32 = ctgrad::rt::spirv::render(sample(DType::Float32));
  for (const char* cap : {"Float64", "Float16", "Int64", "Int16", "Int8", "StorageBuffer8BitAccess", "StorageBuffer16BitAccess"})
    BOOST_TEST(!contains(f32, std::string("OpCapability ") + cap + '\n'), cap);
  BOOST_TEST(contains(ctgrad::rt::spirv::render(sample(DType::Float64)), "OpCapability Float64\n"));
  const std::string half = ctgrad::rt::spirv::render(sample(DType::Half));
  BOOST_TEST(contains(half, "OpCapability Float16\n"));
  BOOST_TEST(contains(half, "OpCapability StorageBuffer16BitAccess\n"));
  const std::string bf16 = ctgrad::rt::spirv::render(sample(DType::BFloat16));  // stored as 16 raw bits, computed in f32
  BOOST_TEST(contains(bf16, "OpCapability StorageBuffer16BitAccess\n"));
  BOOST_TEST(!contains(bf16, "OpCapability Int16\n"));
}

BOOST_AUTO_TEST_CASE(integer_ops_avoid_signed_opcodes_drivers_get_wrong) {
  // Every integer type is declared unsigned. NVIDIA's driver then computes OpSRem as an unsigned remainder (seen on
  // an H200, driver 580): Mod and Neg must use opcodes whose meaning does not depend on the operand types.
  for (DType d : {DType::Int8, DType::Int16, DType::Int32, DType::Int64}) {
    ProgramBuilder b(std::string("mod_neg_") + name(d), 10);
    const int out = b.param(d, 10, true), x = b.param(d, 10), y = b.param(d, 10);
    const int g = b.global_idx();
    b.store(out, g, b.op(KOp::Neg, d, b.op(KOp::Mod, d, b.load(x, g), b.load(y, g))));
    const std::string text = ctgrad::rt::spirv::render(b.program);
    BOOST_TEST(!contains(text, "OpSRem"), name(d));
    BOOST_TEST(!contains(text, "OpSNegate"), name(d));
    BOOST_TEST(contains(text, "OpSDiv"), name(d));
  }
}

BOOST_AUTO_TEST_CASE(dispatch_plans) {
  using ctgrad::rt::spirv::plan_dispatch;
  BOOST_TEST(plan_dispatch(1000).local_size == 64);
  BOOST_TEST(plan_dispatch(1000).groups_x == 16u);
  BOOST_TEST(plan_dispatch(1 << 23).local_size == 256);
  BOOST_TEST(plan_dispatch(1 << 23).groups_y == 1u);
  BOOST_TEST(plan_dispatch(1 << 24).groups_y == 2u);  // 65536 workgroups of 256
  for (std::int64_t n : {65535LL * 256 + 1, 1LL << 31, 3'000'000'017LL}) {
    const auto p = plan_dispatch(n);
    const std::int64_t covered = std::int64_t{p.groups_x} * p.groups_y * p.local_size;
    BOOST_TEST(p.groups_y > 1u);
    BOOST_TEST(p.groups_x <= 65535u);
    BOOST_TEST(covered >= n);
    BOOST_TEST(covered - n < std::int64_t{p.groups_y} * p.local_size, "at most one partial workgroup per row");
  }
  BOOST_CHECK_THROW(plan_dispatch(65535LL * 65535 * 256 + 1), ctgrad::CompileError);
  // The renderer folds the row length into g = y * row + x.
  ProgramBuilder b("big", 65535LL * 256 + 1);
  const int out = b.param(DType::UInt8, 65535LL * 256 + 1, true);
  b.store(out, b.global_idx(), b.constant(DType::UInt8, 1));
  const auto p = plan_dispatch(b.program.global_size);
  BOOST_TEST(contains(ctgrad::rt::spirv::render(b.program), "OpConstant %u32 " + std::to_string(std::int64_t{p.groups_x} * 256)));
}

BOOST_AUTO_TEST_SUITE_END()
