// Copies between host and VULKAN buffers, and a kernel between them. meson runs this suite twice: as the device
// chooses (host-visible memory on lavapipe) and with VULKAN_STAGING=1 (DEVICE_LOCAL buffers + staging copies).
#include <boost/test/unit_test.hpp>
#include <cmath>
#include <cstdlib>
#include <numeric>

#include "kernel_check.hpp"
#include "vulkan_device.hpp"
#include "vulkan_memory.hpp"

namespace {

using namespace ctgrad::test;

}  // namespace

BOOST_AUTO_TEST_SUITE(copies)

BOOST_AUTO_TEST_CASE(memory_path_follows_vulkan_staging) {
  auto& dev = dynamic_cast<ctgrad::rt::vk::VulkanDevice&>(vulkan());
  const char* force = std::getenv("VULKAN_STAGING");
  BOOST_TEST_MESSAGE("device " << dev.physical_device_name() << ", staging copies: " << dev.uses_staging());
  if (force != nullptr && *force != '\0')
    BOOST_TEST(dev.uses_staging() == (std::string(force) != "0"));
  else
    BOOST_TEST(dev.uses_staging() == !dev.is_cpu_device());
}

BOOST_AUTO_TEST_CASE(round_trips_of_odd_sizes) {
  auto& dev = vulkan();
  // 20 MiB + 5 spans more than one 16 MiB staging chunk.
  for (std::size_t bytes : {std::size_t{1}, std::size_t{7}, std::size_t{4099}, (std::size_t{20} << 20) + 5}) {
    std::vector<std::uint8_t> in(bytes), out(bytes, 0);
    std::iota(in.begin(), in.end(), static_cast<std::uint8_t>(bytes));
    auto buf = dev.alloc(bytes);
    dev.copy_in(*buf, in.data(), bytes);
    dev.copy_out(out.data(), *buf, bytes);
    BOOST_TEST((in == out), bytes << " bytes");
  }
}

BOOST_AUTO_TEST_CASE(kernel_between_copies) {
  // out = max(x*y - x, 0) in float, compared bit for bit with the same arithmetic on the CPU.
  constexpr std::int64_t n = 100000;
  ProgramBuilder b("copies_chain", n);
  const int out = b.param(DType::Float32, n, true), x = b.param(DType::Float32, n), y = b.param(DType::Float32, n);
  const int g = b.global_idx();
  const int v = b.op(KOp::Sub, DType::Float32, b.op(KOp::Mul, DType::Float32, b.load(x, g), b.load(y, g)), b.load(x, g));
  b.store(out, g, b.op(KOp::Max, DType::Float32, v, b.constant(DType::Float32, 0)));
  std::vector<float> xs(n), ys(n);
  for (std::int64_t i = 0; i < n; ++i) {
    xs[static_cast<std::size_t>(i)] = std::sin(0.001f * static_cast<float>(i)) * 3.0f;
    ys[static_cast<std::size_t>(i)] = std::cos(0.0007f * static_cast<float>(i)) * 2.0f;
  }
  auto as_bytes = [](const std::vector<float>& v) {
    return std::vector<std::uint8_t>(reinterpret_cast<const std::uint8_t*>(v.data()), reinterpret_cast<const std::uint8_t*>(v.data() + v.size()));
  };
  const auto got = decode(DType::Float32, run_on_device(b.program, {std::vector<std::uint8_t>(n * 4), as_bytes(xs), as_bytes(ys)})[0]);
  std::size_t bad = 0;
  for (std::size_t i = 0; i < static_cast<std::size_t>(n); ++i) {
#pragma clang fp contract(off)
    const float want = std::fmax(xs[i] * ys[i] - xs[i], 0.0f);
    bad += got[i] != want;
  }
  BOOST_TEST(bad == 0u, bad << " of " << n << " results differ from the CPU's float arithmetic");
}

BOOST_AUTO_TEST_CASE(freed_memory_is_reused_by_the_next_buffer_of_its_size) {
  auto& dev = dynamic_cast<ctgrad::rt::vk::VulkanDevice&>(vulkan());
  auto first = dev.alloc(1000);
  const auto* block = dynamic_cast<const ctgrad::rt::vk::VulkanBuffer*>(first.get());
  const VkBuffer handle = block->handle();
  const std::uint64_t id = block->id();
  const std::size_t cached = dev.memory_pool().cached_blocks();
  first.reset();
  BOOST_TEST(dev.memory_pool().cached_blocks() == cached + 1);
  auto second = dev.alloc(900);  // same size bucket (1/8 of a power of two)
  const auto* again = dynamic_cast<const ctgrad::rt::vk::VulkanBuffer*>(second.get());
  BOOST_TEST((again->handle() == handle));
  BOOST_TEST(again->id() == id);
  BOOST_TEST(again->bytes == 900u);
  BOOST_TEST(dev.memory_pool().cached_blocks() == cached);
  BOOST_TEST(ctgrad::rt::vk::MemoryPool::bucket_size(1) == 256u);
  BOOST_TEST(ctgrad::rt::vk::MemoryPool::bucket_size(1025) == 1280u);
}

BOOST_AUTO_TEST_CASE(a_reused_block_is_not_overwritten_while_a_kernel_still_reads_it) {
  // out = in * 2 over 16 MiB; `in` is freed right after the launch, its block handed to a new buffer and filled
  // with other values before anything waits. The kernel must still see the old values.
  constexpr std::int64_t n = std::int64_t{1} << 22;
  ProgramBuilder b("double_then_reuse", n);
  const int out = b.param(DType::Int32, n, true), in = b.param(DType::Int32, n);
  const int g = b.global_idx();
  b.store(out, g, b.op(KOp::Mul, DType::Int32, b.load(in, g), b.constant(DType::Int32, 2)));
  auto& dev = vulkan();
  auto kernel = dev.load(dev.compile(dev.render(b.program), b.program), b.program);
  std::vector<std::int32_t> values(n), other(n, -7), result(n);
  std::iota(values.begin(), values.end(), 0);
  auto out_buffer = dev.alloc(n * 4), in_buffer = dev.alloc(n * 4);
  dev.copy_in(*in_buffer, values.data(), n * 4);
  std::vector<ctgrad::rt::DeviceBuffer*> bound{out_buffer.get(), in_buffer.get()};
  const std::uint64_t in_id = dynamic_cast<ctgrad::rt::vk::VulkanBuffer&>(*in_buffer).id();
  kernel->run(bound, b.program);
  in_buffer.reset();
  auto reused = dev.alloc(n * 4);
  BOOST_TEST(dynamic_cast<ctgrad::rt::vk::VulkanBuffer&>(*reused).id() == in_id);
  dev.copy_in(*reused, other.data(), n * 4);
  dev.synchronize();
  dev.copy_out(result.data(), *out_buffer, n * 4);
  std::size_t bad = 0;
  for (std::int64_t i = 0; i < n; ++i) bad += result[static_cast<std::size_t>(i)] != 2 * static_cast<std::int32_t>(i);
  BOOST_TEST(bad == 0u, bad << " of " << n << " results saw the new contents");
}

BOOST_AUTO_TEST_SUITE_END()
