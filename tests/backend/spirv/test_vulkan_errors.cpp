// What the VULKAN device reports instead of crashing: invalid programs and SPIR-V as CompileError naming the kernel,
// device choice, driver and buffer problems as DeviceError.
#include <boost/test/unit_test.hpp>
#include <cstdlib>

#include "kernel_check.hpp"
#include "vulkan_device.hpp"

namespace {

using namespace ctgrad::test;
using ctgrad::CompileError;
using ctgrad::DeviceError;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// out[g] = a[g] + 1 in f32: a valid kernel to break in different ways.
ctgrad::rt::KernelProgram add_one(const std::string& name) {
  ProgramBuilder b(name, 100);
  const int out = b.param(DType::Float32, 100, true), a = b.param(DType::Float32, 100);
  const int g = b.global_idx();
  b.store(out, g, b.op(KOp::Add, DType::Float32, b.load(a, g), b.constant(DType::Float32, 1)));
  return b.program;
}

// Runs `f`, expecting an exception of type E whose message contains every part.
template <class E, class F>
void expect_error(F&& f, std::initializer_list<std::string> parts) {
  try {
    f();
    BOOST_ERROR("no exception was thrown");
  } catch (const E& e) {
    for (const auto& part : parts) BOOST_TEST(contains(e.what(), part), "message lacks '" << part << "':\n" << e.what());
  }
}

// Sets an environment variable for one scope.
struct ScopedEnv {
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (old_.empty())
      unsetenv(name_);
    else
      setenv(name_, old_.c_str(), 1);
  }
  const char* name_;
  std::string old_;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(errors)

BOOST_AUTO_TEST_CASE(a_value_used_outside_its_loop_fails_validation_naming_the_kernel) {
  // The sum's last addend is used after EndRange: SSA dominance breaks, SPIRV-Tools rejects the module.
  ProgramBuilder b("escapes_its_loop", 10);
  const int out = b.param(DType::Float32, 10, true), a = b.param(DType::Float32, 10);
  const int g = b.global_idx();
  const int r = b.range(3);
  const int inside = b.load(a, r);
  b.end_range(r);
  b.store(out, g, inside);
  auto& dev = vulkan();
  const std::string source = dev.render(b.program);
  expect_error<CompileError>([&] { dev.compile(source, b.program); }, {"escapes_its_loop", "failed validation", "dominate", "OpLoopMerge"});
}

BOOST_AUTO_TEST_CASE(broken_spirv_text_is_reported_with_the_validator_message) {
  auto program = add_one("missing_block_decoration");
  auto& dev = vulkan();
  std::string source = dev.render(program);
  const std::string block = "OpDecorate %buf_f32 Block\n";
  BOOST_REQUIRE(contains(source, block));
  source.erase(source.find(block), block.size());
  expect_error<CompileError>([&] { dev.compile(source, program); }, {"missing_block_decoration", "failed validation", "Block", "OpEntryPoint"});
  expect_error<CompileError>([&] { dev.compile("OpCapability Shader\n%x = OpNotAnOp\n", program); },
                             {"missing_block_decoration", "failed to assemble", "OpNotAnOp"});
}

BOOST_AUTO_TEST_CASE(malformed_programs_are_compile_errors_naming_kernel_and_instruction) {
  auto later = add_one("operand_from_the_future");
  later.insts[5].src[1] = 7;  // the Add reads an instruction that comes after it
  expect_error<CompileError>([&] { vulkan().render(later); }, {"operand_from_the_future", "instruction 5", "not an earlier instruction"});

  ProgramBuilder b("idiv_of_floats", 10);
  const int out = b.param(DType::Float32, 10, true);
  const int g = b.global_idx();
  b.store(out, g, b.op(KOp::IDiv, DType::Float32, b.constant(DType::Float32, 1), b.constant(DType::Float32, 2)));
  expect_error<CompileError>([&] { vulkan().render(b.program); }, {"idiv_of_floats", "IDiv is not defined for float"});

  ProgramBuilder open("never_closed", 10);
  const int o = open.param(DType::Int32, 10, true);
  open.range(3);
  open.store(o, open.global_idx(), open.constant(DType::Int32, 1));
  expect_error<CompileError>([&] { vulkan().render(open.program); }, {"never_closed", "never closed"});

  auto mismatched = add_one("stores_the_wrong_dtype");
  mismatched.insts.back().src[2] = 2;  // store g (int32) into a float buffer
  expect_error<CompileError>([&] { vulkan().render(mismatched); }, {"stores_the_wrong_dtype", "expected float"});
}

BOOST_AUTO_TEST_CASE(a_corrupt_binary_is_rejected_at_load) {
  auto program = add_one("corrupt_binary");
  expect_error<CompileError>([&] { vulkan().load({1, 2, 3, 4, 5, 6, 7, 8}, program); }, {"corrupt_binary", "not SPIR-V"});
}

BOOST_AUTO_TEST_CASE(wrong_buffers_are_device_errors) {
  auto program = add_one("wrong_buffers");
  auto& dev = vulkan();
  auto kernel = dev.load(dev.compile(dev.render(program), program), program);
  auto big = dev.alloc(400), small = dev.alloc(40);
  std::vector<ctgrad::rt::DeviceBuffer*> one{big.get()}, short_input{big.get(), small.get()};
  expect_error<DeviceError>([&] { kernel->run(one, program); }, {"wrong_buffers", "takes 2 buffers, got 1"});
  expect_error<DeviceError>([&] { kernel->run(short_input, program); }, {"parameter 1 needs 400 bytes", "has 40"});
  std::vector<std::uint8_t> host(401);
  expect_error<DeviceError>([&] { dev.copy_in(*big, host.data(), 401); }, {"copy_in of 401 bytes"});
}

BOOST_AUTO_TEST_CASE(unsupported_dtypes_are_refused_at_render) {
  // meson also runs this suite with VULKAN_HIDE_FEATURES set, so both branches run here.
  auto& dev = dynamic_cast<ctgrad::rt::vk::VulkanDevice&>(vulkan());
  for (DType d : {DType::Bool, DType::Int8, DType::Int16, DType::Int32, DType::Int64, DType::UInt8, DType::UInt16, DType::UInt32,
                  DType::UInt64, DType::Half, DType::BFloat16, DType::Float32, DType::Float64}) {
    ProgramBuilder b(std::string("copy_") + name(d), 10);
    const int out = b.param(d, 10, true), a = b.param(d, 10);
    const int g = b.global_idx();
    b.store(out, g, b.load(a, g));
    const std::string missing = dev.missing_features(d);
    BOOST_TEST(dev.supports(d) == missing.empty());
    if (missing.empty()) BOOST_TEST(!dev.render(b.program).empty());
    else expect_error<DeviceError>([&] { dev.render(b.program); }, {b.program.name, name(d), missing});
  }
}

BOOST_AUTO_TEST_CASE(device_choice_by_environment) {
  {
    ScopedEnv env("VULKAN_DEVICE", "no-such-gpu");
    expect_error<DeviceError>([] { ctgrad::rt::vk::VulkanDevice dev; }, {"VULKAN_DEVICE=no-such-gpu", "0: "});
  }
  {
    ScopedEnv env("VULKAN_DEVICE", "99");
    expect_error<DeviceError>([] { ctgrad::rt::vk::VulkanDevice dev; }, {"VULKAN_DEVICE=99", "0: "});
  }
  const std::string name = dynamic_cast<ctgrad::rt::vk::VulkanDevice&>(vulkan()).physical_device_name();
  ScopedEnv env("VULKAN_DEVICE", name.substr(0, 4).c_str());  // part of the name selects the same device
  ctgrad::rt::vk::VulkanDevice again;
  BOOST_TEST(again.physical_device_name() == name);
}

BOOST_AUTO_TEST_CASE(no_vulkan_driver_is_a_device_error) {
  // Points the loader at no driver at all (both the current and the older variable name).
  ScopedEnv files("VK_DRIVER_FILES", "/nonexistent/icd.json"), old_files("VK_ICD_FILENAMES", "/nonexistent/icd.json");
  expect_error<DeviceError>([] { ctgrad::rt::vk::VulkanDevice dev; }, {"Vulkan"});
}

BOOST_AUTO_TEST_SUITE_END()
