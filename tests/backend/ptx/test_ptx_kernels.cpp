// The CUDA device against the reference interpreter: every kernel case of kernel_cases.cpp runs on the GPU and
// each output element is compared with interpret()'s. Without a driver or GPU the suite is skipped, and the log
// says why; the "no device" behaviour itself is checked then.
#define BOOST_TEST_MODULE ptx_kernels
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <iostream>
#include <random>
#include <sstream>

#include "../../support/kernel_check.hpp"
#include "ctgrad/ctgrad.hpp"
#include "cuda_device.hpp"
#include "kernel_cases.hpp"
#include "ptx_renderer.hpp"

namespace rt = ctgrad::rt;
namespace utf = boost::unit_test;
using namespace ptx_test;

namespace {

// Opens the device once; the message says why when it cannot be opened.
std::string& device_error() {
  static std::string error = [] {
    try {
      rt::device("CUDA");
      return std::string();
    } catch (const ctgrad::DeviceError& e) {
      return std::string(e.what());
    }
  }();
  return error;
}

struct CudaAvailable {
  boost::test_tools::assertion_result operator()(utf::test_unit_id) const {
    boost::test_tools::assertion_result ok(device_error().empty());
    if (!ok) {
      ok.message() << "no usable CUDA device: " << device_error();
      static const bool said = (std::cerr << "test_ptx_kernels: GPU tests SKIPPED: " << device_error() << "\n", true);
      (void)said;
    }
    return ok;
  }
};

struct CudaMissing {
  boost::test_tools::assertion_result operator()(utf::test_unit_id) const {
    boost::test_tools::assertion_result ok(!device_error().empty());
    if (!ok) ok.message() << "a CUDA device is present";
    return ok;
  }
};

// Random values for `count` elements of dtype d, already representable in d (so host and device see the same).
rt::HostValues random_values(const InputSpec& spec, DType d, std::size_t count, std::mt19937_64& rng) {
  rt::HostValues v(count);
  std::uniform_real_distribution<double> real(spec.lo, spec.hi);
  for (std::size_t i = 0; i < count; ++i) {
    double x = i < spec.specials.size() ? spec.specials[i] : real(rng);
    if (!rt::is_float(d) && i >= spec.specials.size()) x = std::floor(x);
    if (spec.nonzero && x == 0) x = 1;
    v[i] = x;
  }
  return ctgrad_test::stored(d, v);  // round to what the dtype holds
}

bool close_enough(double got, double want, const KernelCase& c, DType d) {
  if (std::isnan(want) || std::isnan(got)) return std::isnan(want) && std::isnan(got);
  if (got == want) return true;
  if (!rt::is_float(d) || std::isinf(want) || std::isinf(got)) return false;
  return std::fabs(got - want) <= c.abs_tol + c.rel_tol * std::fabs(want);
}

// Runs one case on the device and through the interpreter with the same random inputs; checks every output.
void check_case(const KernelCase& c) {
  const rt::KernelProgram& p = c.program;
  std::mt19937_64 rng(std::hash<std::string>{}(c.name));
  std::vector<rt::HostValues> host(p.params.size());
  for (std::size_t i = 0; i < p.params.size(); ++i) {
    auto spec = c.inputs.contains(static_cast<int>(i)) ? c.inputs.at(static_cast<int>(i)) : default_input(p.params[i].dtype);
    host[i] = i == 0 ? rt::HostValues(static_cast<std::size_t>(p.params[0].size), 0.0)
                     : random_values(spec, p.params[i].dtype, static_cast<std::size_t>(p.params[i].size), rng);
  }
  std::vector<rt::HostValues> want = host;
  rt::interpret(p, want);
  want[0] = ctgrad_test::stored(p.params[0].dtype, want[0]);  // the store rounds to the buffer's dtype

  rt::Device& dev = rt::device("CUDA");
  std::vector<std::vector<std::uint8_t>> bytes;
  for (std::size_t i = 0; i < p.params.size(); ++i) bytes.push_back(ctgrad_test::encode(p.params[i].dtype, host[i]));
  const std::string source = dev.render(p);
  const auto shape = rt::ptx::launch_shape(source);
  BOOST_TEST((shape.block_per_output == c.block_reduce && shape.outputs_per_thread == c.per_thread),
             c.name << ": launch line " << source.substr(0, source.find('\n')));
  const rt::HostValues got = ctgrad_test::decode(p.params[0].dtype, ctgrad_test::run_on_device(dev, p, std::move(bytes), source)[0]);

  std::size_t bad = 0;
  std::ostringstream first;
  for (std::size_t i = 0; i < want[0].size(); ++i) {
    if (close_enough(got[i], want[0][i], c, p.params[0].dtype)) continue;
    if (bad++ < 5) first << "\n  [" << i << "] got " << got[i] << " want " << want[0][i];
  }
  BOOST_TEST(bad == 0u, c.name << ": " << bad << " of " << want[0].size() << " elements differ" << first.str());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(gpu, *utf::precondition(CudaAvailable{}))

BOOST_AUTO_TEST_CASE(every_kernel_case_matches_the_interpreter) {
  const auto cases = kernel_cases();
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.name) {
      try {
        check_case(c);
      } catch (const ctgrad::Error& e) {
        BOOST_ERROR(c.name << " threw: " << e.what());
      }
    }
  }
  BOOST_TEST_MESSAGE(cases.size() << " kernel cases checked on " << rt::device("CUDA").name());
}

BOOST_AUTO_TEST_CASE(driver_rejects_bad_ptx_with_its_log_and_the_source) {
  rt::KernelProgram p = kernel_cases().front().program;
  std::string source = rt::device("CUDA").render(p);
  source.replace(source.find("ret;"), 4, "no_such_instruction.f32 %f0;");
  try {
    rt::device("CUDA").load(rt::device("CUDA").compile(source, p), p);
    BOOST_ERROR("broken PTX loaded");
  } catch (const ctgrad::CompileError& e) {
    const std::string what = e.what();
    BOOST_TEST(what.find("cuModuleLoadDataEx") != std::string::npos, what);
    BOOST_TEST(what.find("no_such_instruction") != std::string::npos, what);  // in the log and in the PTX
  }
}

BOOST_AUTO_TEST_CASE(freed_memory_is_reused_and_oom_is_reported) {
  rt::Device& dev = rt::device("CUDA");
  auto a = dev.alloc(1000);
  const auto first = rt::cuda::CudaDevice::pointer(*a);
  a.reset();
  auto b = dev.alloc(900);  // the same 1024-byte bucket
  BOOST_TEST(rt::cuda::CudaDevice::pointer(*b) == first);
  BOOST_CHECK_THROW(dev.alloc(std::size_t{1} << 50), ctgrad::OutOfMemory);
  auto c = dev.alloc(0);
  BOOST_TEST(rt::cuda::CudaDevice::pointer(*c) != 0u);
}

BOOST_AUTO_TEST_CASE(launch_checks_its_buffers) {
  const rt::KernelProgram p = kernel_cases().front().program;
  rt::Device& dev = rt::device("CUDA");
  auto kernel = dev.load(dev.compile(dev.render(p), p), p);
  auto small = dev.alloc(4);
  rt::DeviceBuffer* one[] = {small.get()};
  BOOST_CHECK_THROW(kernel->run(one, p), ctgrad::DeviceError);
  rt::DeviceBuffer* three[] = {small.get(), small.get(), small.get()};
  BOOST_CHECK_THROW(kernel->run(three, p), ctgrad::DeviceError);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(without_a_gpu_the_device_reports_why, *utf::precondition(CudaMissing{})) {
  try {
    rt::device("CUDA");
    BOOST_ERROR("opened a CUDA device");
  } catch (const ctgrad::DeviceError& e) {
    const std::string what = e.what();
    BOOST_TEST(what.starts_with("CUDA: "), what);
    BOOST_TEST((what.find("libcuda") != std::string::npos || what.find("cuInit") != std::string::npos || what.find("GPU") != std::string::npos),
               what);
  }
}
