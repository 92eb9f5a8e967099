// Run-time errors are exceptions whose message names the problem, never a crash: unknown devices (by name and
// through DEVICE=), a wrong value count, operands on two devices, a missing or failing C compiler, out of memory.
#define BOOST_TEST_MODULE errors
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "support/devices.hpp"
#include "support/scoped_env.hpp"

extern char** environ;

namespace {

using ctgrad::Tensor;
namespace rt = ctgrad::rt;
namespace utf = boost::unit_test;

std::string lowercase(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Runs fn and checks that it throws E (not another type) with a message that contains every one of `parts` (in
// any case: "memory" matches VK_ERROR_OUT_OF_DEVICE_MEMORY).
template <class E, class Fn>
void expect_error(const char* what, Fn&& fn, const std::vector<std::string>& parts) {
  try {
    fn();
    BOOST_ERROR(what << ": no exception");
  } catch (const E& e) {
    const std::string message = e.what();
    for (const auto& p : parts)
      BOOST_TEST(lowercase(message).find(lowercase(p)) != std::string::npos, what << ": the message lacks '" << p << "': " << message);
  } catch (const std::exception& e) {
    BOOST_ERROR(what << ": an exception of another type: " << e.what());
  }
}

// A second CPU device, so that two devices exist in every build.
const std::string& twin_device() {
  static const std::string name = [] {
    rt::register_device("C_TWIN", [] { return std::make_unique<rt::CDevice>(); });
    return std::string("C_TWIN");
  }();
  return name;
}

// Runs this test binary again with `env` added, running only `test`; returns its exit status and output.
std::pair<int, std::string> run_self(const std::string& test, const std::string& env) {
  ctgrad_test::TempDir dir;
  const auto log = dir.path() / "output.txt";
  std::vector<std::string> args{"/proc/self/exe", "--run_test=" + test, "--log_level=message", "--color_output=no", "--report_level=short"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_strings{env};
  for (char** e = environ; *e != nullptr; ++e)
    if (!std::string(*e).starts_with(env.substr(0, env.find('=') + 1))) env_strings.emplace_back(*e);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  pid_t pid = 0;
  const int err = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return {-1, "posix_spawn failed: " + std::string(std::strerror(err))};
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  std::ifstream in(log);
  std::string output{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), output};
}

}  // namespace

BOOST_AUTO_TEST_CASE(unknown_device_names_it) {
  auto x = Tensor<float, 3>::from({1, 2, 3});
  expect_error<ctgrad::DeviceError>("x.to(\"NOPE\")", [&] { x.to("NOPE"); }, {"NOPE"});
  expect_error<ctgrad::DeviceError>("rt::device(\"NOPE\")", [&] { rt::device("NOPE"); }, {"NOPE", "C"});  // and lists the devices built
}

// DEVICE=NOPE makes NOPE the default device: using it fails with a DeviceError naming it. The default device is
// read once per process, so this runs in a child process (the disabled test case below).
BOOST_AUTO_TEST_CASE(unknown_default_device_from_env) {
  auto [status, output] = run_self("unknown_default_device_child", "DEVICE=NOPE");
  BOOST_TEST(status == 0, "the child test failed (exit " << status << "):\n" << output);
  BOOST_TEST(output.find("\n  1 test case out of") != std::string::npos, "the child test did not run:\n" << output);
}

BOOST_AUTO_TEST_CASE(unknown_default_device_child, *utf::disabled() * utf::description("run by unknown_default_device_from_env")) {
  BOOST_TEST_REQUIRE(ctgrad::default_device() == "NOPE");
  expect_error<ctgrad::DeviceError>("Tensor<float, 3>::from({1, 2, 3})", [&] { Tensor<float, 3>::from({1, 2, 3}); }, {"NOPE"});
  expect_error<ctgrad::DeviceError>("Tensor<float, 3>::ones().realize()", [&] { Tensor<float, 3>::ones().realize(); }, {"NOPE"});
  expect_error<ctgrad::DeviceError>("Tensor<float, 3>::zeros().tolist()", [&] { Tensor<float, 3>::zeros().tolist(); }, {"NOPE"});
}

BOOST_AUTO_TEST_CASE(from_span_with_the_wrong_count) {
  const std::vector<float> five{1, 2, 3, 4, 5};
  expect_error<ctgrad::Error>("5 values for (2,3)", [&] { Tensor<float, 2, 3>::from(std::span<const float>(five)); }, {"5", "6"});
  const std::vector<float> none;
  expect_error<ctgrad::Error>("0 values for (2)", [&] { Tensor<float, 2>::from(std::span<const float>(none)); }, {"0", "2"});
  const bool flags[] = {true, false, true};
  expect_error<ctgrad::Error>("3 bools for (2)", [&] { Tensor<bool, 2>::from(std::span<const bool>(flags)); }, {"3", "2"});
}

// Operands on two devices: a DeviceError naming both, before anything runs. Pairs of real devices where there are
// several, and always the C device with a second C device registered by this test.
BOOST_AUTO_TEST_CASE(operands_on_two_devices) {
  std::vector<std::pair<std::string, std::string>> pairs{{"C", twin_device()}};
  const auto& usable = ctgrad_test::usable_devices();
  for (std::size_t i = 1; i < usable.size(); ++i) pairs.emplace_back(usable[0], usable[i]);
  for (const auto& [first, second] : pairs) {
    BOOST_TEST_CONTEXT(first << " and " << second) {
      auto a = Tensor<float, 2, 3>::from({1, 2, 3, 4, 5, 6}).to(first);
      auto b = Tensor<float, 3>::from({1, 2, 3}).to(second);
      const std::int64_t kernels = rt::counters().kernels_run;
      expect_error<ctgrad::DeviceError>("a + b", [&] { a + b; }, {first, second});
      expect_error<ctgrad::DeviceError>("b * a", [&] { b * a; }, {first, second});
      expect_error<ctgrad::DeviceError>("(a < 2.0f).where(a, b)", [&] { (a < 2.0f).where(a, b); }, {first, second});
      expect_error<ctgrad::DeviceError>("a.matmul(b)", [&] { a.matmul(b); }, {first, second});
      BOOST_TEST(rt::counters().kernels_run == kernels);
      // moving one operand is the remedy
      auto sum = a + b.to(first);
      BOOST_TEST((sum.tolist() == std::vector<float>{2, 4, 6, 5, 7, 9}));
    }
  }
}

// The C device needs a C compiler: a missing one is a DeviceError naming it, a failing one a CompileError. Neither
// leaves anything behind: with the compiler back, the same tensor realizes.
BOOST_AUTO_TEST_CASE(c_device_without_a_compiler) {
  ctgrad_test::ScopedEnv no_disk("CTGRAD_DISK_CACHE", "0");  // a cached binary would hide the compiler
  auto x = Tensor<float, 4>::from({1, 2, 3, 4}).to("C");
  auto y = x * 1.75f - 0.5f;
  {
    ctgrad_test::ScopedEnv cc("CC", "/nonexistent/cc");
    rt::KernelCache::instance().clear_memory();
    expect_error<ctgrad::DeviceError>("CC=/nonexistent/cc", [&] { y.realize(); }, {"/nonexistent/cc"});
  }
  {
    ctgrad_test::ScopedEnv cc("CC", "false");  // exits 1 for --version and for every compile
    rt::KernelCache::instance().clear_memory();
    expect_error<ctgrad::CompileError>("CC=false", [&] { y.realize(); }, {"false"});
  }
  rt::KernelCache::instance().clear_memory();
  BOOST_TEST((y.tolist() == std::vector<float>{1.25f, 3.0f, 4.75f, 6.5f}));
}

// An allocation no machine can satisfy (2^52 bytes, beyond a 48-bit address space) is an OutOfMemory exception, on
// every device: asked of the device directly, and as the output of a tensor.
BOOST_AUTO_TEST_CASE(out_of_memory, CTGRAD_ON_DEVICES) {
  using Huge = Tensor<float, std::size_t{1} << 20, std::size_t{1} << 20, std::size_t{1} << 10>;
  expect_error<ctgrad::OutOfMemory>("Huge::zeros().realize()", [&] { Huge::zeros().realize(); }, {"memory"});
  ctgrad_test::on_each_device([](const std::string& dev) {
    expect_error<ctgrad::OutOfMemory>("alloc(2^52 bytes)", [&] { rt::device(dev).alloc(std::size_t{1} << 52); }, {});
    auto one = Tensor<float, 1, 1, 1>::ones().to(dev);
    auto huge = one.expand<std::size_t{1} << 20, std::size_t{1} << 20, std::size_t{1} << 10>() + 1.0f;
    expect_error<ctgrad::OutOfMemory>("huge.realize()", [&] { huge.realize(); }, {"memory"});
    // the device still works
    BOOST_TEST((one + 1.0f).item() == 2.0f);
  });
}
