// The elementwise chain out[g] = max(a*b + 1, 0) * 0.5 - a over 2^24 floats on the VULKAN device, timed per launch
// (submit + wait) against the same loop in plain C++ on one thread. Prints one table.
//   vk_elementwise [--n=16777216] [--reps=20]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "ctgrad/ctgrad.hpp"
#include "vulkan_device.hpp"

namespace {

using ctgrad::rt::DType;
using ctgrad::rt::KOp;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

ctgrad::rt::KernelProgram chain(std::int64_t n) {
  ctgrad::rt::KernelProgram p;
  p.name = "vk_elementwise_chain";
  p.global_size = n;
  p.params = {{DType::Float32, n, true}, {DType::Float32, n, false}, {DType::Float32, n, false}};
  auto add = [&p](KOp op, std::array<std::int32_t, 3> src = {-1, -1, -1}, double farg = 0, std::int64_t iarg = 0) {
    p.insts.push_back({op, op == KOp::GlobalIdx ? DType::Int32 : DType::Float32, src, iarg, farg});
    return static_cast<std::int32_t>(p.insts.size() - 1);
  };
  const auto out = add(KOp::Param, {}, 0, 0), a = add(KOp::Param, {}, 0, 1), b = add(KOp::Param, {}, 0, 2);
  const auto g = add(KOp::GlobalIdx);
  const auto va = add(KOp::Load, {a, g, -1}), vb = add(KOp::Load, {b, g, -1});
  const auto fused = add(KOp::Add, {add(KOp::Mul, {va, vb, -1}), add(KOp::Const, {}, 1.0), -1});
  const auto relu = add(KOp::Max, {fused, add(KOp::Const, {}, 0.0), -1});
  const auto result = add(KOp::Sub, {add(KOp::Mul, {relu, add(KOp::Const, {}, 0.5), -1}), va, -1});
  p.insts.push_back({KOp::Store, DType::Float32, {out, g, result}});
  p.flops = 5 * n;
  p.bytes = 12 * n;
  return p;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::int64_t n = std::int64_t{1} << 24;
  int reps = 20;
  for (int i = 1; i < argc; ++i) {
    if (!std::strncmp(argv[i], "--n=", 4)) n = std::stoll(argv[i] + 4);
    if (!std::strncmp(argv[i], "--reps=", 7)) reps = std::stoi(argv[i] + 7);
  }
  try {
    auto& dev = ctgrad::rt::device("VULKAN");
    const auto program = chain(n);
    auto t = Clock::now();
    const std::string source = dev.render(program);
    const double render_ms = ms_since(t);
    t = Clock::now();
    const auto binary = dev.compile(source, program);
    const double compile_ms = ms_since(t);
    t = Clock::now();
    auto kernel = dev.load(binary, program);
    const double load_ms = ms_since(t);

    const auto count = static_cast<std::size_t>(n);
    std::vector<float> a(count), b(count), out(count), ref(count);
    for (std::size_t i = 0; i < count; ++i) {
      a[i] = std::sin(0.001f * static_cast<float>(i)) * 3.0f;
      b[i] = std::cos(0.0007f * static_cast<float>(i)) * 2.0f;
    }
    const std::size_t bytes = count * sizeof(float);
    auto bo = dev.alloc(bytes), ba = dev.alloc(bytes), bb = dev.alloc(bytes);
    dev.copy_in(*ba, a.data(), bytes);
    dev.copy_in(*bb, b.data(), bytes);
    std::vector<ctgrad::rt::DeviceBuffer*> bufs{bo.get(), ba.get(), bb.get()};
    t = Clock::now();
    kernel->run(bufs, program);
    dev.synchronize();
    const double first_ms = ms_since(t);  // lavapipe compiles the shader on its first dispatch
    std::vector<double> vk_ms, cpu_ms;
    for (int r = 0; r < reps; ++r) {
      t = Clock::now();
      kernel->run(bufs, program);
      dev.synchronize();
      vk_ms.push_back(ms_since(t));
    }
    dev.copy_out(out.data(), *bo, bytes);
    for (int r = 0; r < reps; ++r) {
      t = Clock::now();
      for (std::size_t i = 0; i < count; ++i) {
#pragma clang fp contract(off)
        ref[i] = std::max(a[i] * b[i] + 1.0f, 0.0f) * 0.5f - a[i];
      }
      cpu_ms.push_back(ms_since(t));
    }
    std::size_t mismatches = 0;
    for (std::size_t i = 0; i < count; ++i) mismatches += out[i] != ref[i];

    const double gb = static_cast<double>(program.bytes) / 1e9;
    const std::string device_name = dynamic_cast<ctgrad::rt::vk::VulkanDevice&>(dev).physical_device_name();
    std::printf("out[g] = max(a*b+1, 0)*0.5 - a, n = %lld floats (%.0f MB moved per launch), %d reps\n", static_cast<long long>(n), gb * 1e3, reps);
    std::printf("device: %s\n", device_name.c_str());
    std::printf("VULKAN render %.2f ms, assemble+validate %.2f ms, pipeline %.2f ms, first launch %.1f ms\n", render_ms, compile_ms, load_ms,
                first_ms);
    std::printf("%-34s %10s %10s %9s\n", "", "min ms", "median ms", "GB/s");
    const double vk_min = *std::min_element(vk_ms.begin(), vk_ms.end()), cpu_min = *std::min_element(cpu_ms.begin(), cpu_ms.end());
    std::printf("%-34s %10.3f %10.3f %9.2f\n", "VULKAN launch+wait", vk_min, median(vk_ms), gb / (vk_min / 1e3));
    std::printf("%-34s %10.3f %10.3f %9.2f\n", "C++ loop, 1 thread", cpu_min, median(cpu_ms), gb / (cpu_min / 1e3));
    std::printf("bitwise mismatches vs the C++ loop: %zu\n", mismatches);
    return mismatches == 0 ? 0 : 1;
  } catch (const ctgrad::Error& e) {
    std::fprintf(stderr, "vk_elementwise: %s\n", e.what());
    return 1;
  }
}
