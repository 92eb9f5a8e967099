// CUDA backend bandwidth: the elementwise kernel out[g] = max(a*b + 1, 0) * 0.5 - a over 2^28 floats (as rendered by
// default, and with one output per thread) against a device-to-device cuMemcpyDtoD of the same bytes, timed with
// CUDA events in the same run; also a row sum (4096 rows of 65536 floats) rendered both ways (block per output and
// thread per output). Prints one table.
// usage: bench_ptx_elementwise [log2 elements = 28]. Exits 77 (skipped) when no CUDA device is available.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

#include "ctgrad/ctgrad.hpp"
#include "cuda_device.hpp"
#include "ptx_renderer.hpp"

using namespace ctgrad::rt;

namespace {

struct Builder {
  KernelProgram p;
  int add(KOp op, DType d, std::array<int, 3> src = {-1, -1, -1}, std::int64_t iarg = 0, double farg = 0) {
    p.insts.push_back({op, d, src, iarg, farg});
    return static_cast<int>(p.insts.size()) - 1;
  }
};

KernelProgram elementwise(std::int64_t n) {
  Builder b;
  b.p.name = "bench_elementwise";
  b.p.global_size = n;
  b.p.params = {{DType::Float32, n, true}, {DType::Float32, n, false}, {DType::Float32, n, false}};
  const DType f = DType::Float32;
  int out = b.add(KOp::Param, f, {}, 0), pa = b.add(KOp::Param, f, {}, 1), pb = b.add(KOp::Param, f, {}, 2);
  int g = b.add(KOp::GlobalIdx, DType::Int32);
  int a = b.add(KOp::Load, f, {pa, g, -1}), bv = b.add(KOp::Load, f, {pb, g, -1});
  int prod = b.add(KOp::Mul, f, {a, bv, -1}), one = b.add(KOp::Const, f, {}, 0, 1.0), zero = b.add(KOp::Const, f, {}, 0, 0.0);
  int relu = b.add(KOp::Max, f, {b.add(KOp::Add, f, {prod, one, -1}), zero, -1});
  int half = b.add(KOp::Mul, f, {relu, b.add(KOp::Const, f, {}, 0, 0.5), -1});
  b.add(KOp::Store, f, {out, g, b.add(KOp::Sub, f, {half, a, -1})});
  return b.p;
}

KernelProgram row_sum(std::int64_t rows, std::int64_t cols) {
  Builder b;
  b.p.name = "bench_row_sum";
  b.p.global_size = rows;
  b.p.params = {{DType::Float32, rows, true}, {DType::Float32, rows * cols, false}};
  const DType f = DType::Float32, i32 = DType::Int32;
  int out = b.add(KOp::Param, f, {}, 0), pa = b.add(KOp::Param, f, {}, 1), g = b.add(KOp::GlobalIdx, i32);
  int acc = b.add(KOp::DefAcc, f, {b.add(KOp::Const, f, {}, 0, 0.0), -1, -1});
  int base = b.add(KOp::Mul, i32, {g, b.add(KOp::Const, i32, {}, cols), -1});
  int r = b.add(KOp::Range, i32, {}, cols);
  int v = b.add(KOp::Load, f, {pa, b.add(KOp::Add, i32, {base, r, -1}), -1});
  b.add(KOp::AccStore, f, {acc, b.add(KOp::Add, f, {acc, v, -1}), -1});
  b.add(KOp::EndRange, i32, {r, -1, -1});
  b.add(KOp::Store, f, {out, g, acc});
  return b.p;
}

// Best time of `reps` launches of `fn`, each between two events, in milliseconds.
double best_ms(cuda::CudaDevice& dev, const std::function<void()>& fn, int reps = 10) {
  const auto& drv = dev.driver();
  CUevent start = nullptr, stop = nullptr;
  drv.check(drv.cuEventCreate(&start, CU_EVENT_DEFAULT), "cuEventCreate");
  drv.check(drv.cuEventCreate(&stop, CU_EVENT_DEFAULT), "cuEventCreate");
  fn();  // warm-up
  dev.synchronize();
  double best = 1e30;
  for (int i = 0; i < reps; ++i) {
    drv.check(drv.cuEventRecord(start, nullptr), "cuEventRecord");
    fn();
    drv.check(drv.cuEventRecord(stop, nullptr), "cuEventRecord");
    drv.check(drv.cuEventSynchronize(stop), "cuEventSynchronize");
    float ms = 0;
    drv.check(drv.cuEventElapsedTime(&ms, start, stop), "cuEventElapsedTime");
    best = std::min(best, static_cast<double>(ms));
  }
  drv.cuEventDestroy_v2(start);
  drv.cuEventDestroy_v2(stop);
  return best;
}

std::unique_ptr<CompiledKernel> build(cuda::CudaDevice& dev, const KernelProgram& p, ptx::RenderOptions options) {
  return dev.load(dev.compile(ptx::render(p, options), p), p);
}

void row(const char* what, double bytes, double ms, double reference_gbs) {
  const double gbs = bytes / ms / 1e6;
  std::printf("| %-44s | %8.1f MB | %8.3f ms | %7.0f GB/s | %5.2fx |\n", what, bytes / 1e6, ms, gbs, gbs / reference_gbs);
}

}  // namespace

int main(int argc, char** argv) {
  const int log2n = argc > 1 ? std::atoi(argv[1]) : 28;
  const std::int64_t n = std::int64_t{1} << log2n;
  cuda::CudaDevice* dev = nullptr;
  try {
    dev = &dynamic_cast<cuda::CudaDevice&>(device("CUDA"));
  } catch (const ctgrad::DeviceError& e) {
    std::printf("bench_ptx_elementwise: skipped: %s\n", e.what());
    return 77;
  }
  try {
    const std::size_t bytes = static_cast<std::size_t>(n) * sizeof(float);
    std::vector<float> a(static_cast<std::size_t>(n)), b(static_cast<std::size_t>(n));
    for (std::size_t i = 0; i < a.size(); ++i) {
      a[i] = static_cast<float>(i % 1013) * 0.01f - 5.0f;
      b[i] = static_cast<float>(i % 977) * 0.02f - 9.0f;
    }
    auto da = dev->alloc(bytes), db = dev->alloc(bytes), dout = dev->alloc(bytes);
    dev->copy_in(*da, a.data(), bytes);
    dev->copy_in(*db, b.data(), bytes);

    const KernelProgram ew = elementwise(n);
    auto one_each = build(*dev, ew, {.several_per_thread = false});
    DeviceBuffer* ew_bufs[] = {dout.get(), da.get(), db.get()};
    const double one_each_ms = best_ms(*dev, [&] { one_each->run(ew_bufs, ew); });
    auto kernel = build(*dev, ew, {});  // the default: several outputs per thread at this size
    const double ew_ms = best_ms(*dev, [&] { kernel->run(ew_bufs, ew); });
    std::vector<float> out(a.size());
    dev->copy_out(out.data(), *dout, bytes);
    std::size_t wrong = 0;
    for (std::size_t i = 0; i < out.size(); i += 4099) {
      const float prod = a[i] * b[i];  // separate statements: no fma contraction, like the kernel's .rn ops
      const float shifted = prod + 1.0f;
      wrong += out[i] != std::max(shifted, 0.0f) * 0.5f - a[i];
    }

    const CUdeviceptr src = cuda::CudaDevice::pointer(*da), dst = cuda::CudaDevice::pointer(*dout);
    const auto& drv = dev->driver();
    const double copy_ms = best_ms(*dev, [&] { drv.check(drv.cuMemcpyDtoD_v2(dst, src, bytes), "cuMemcpyDtoD_v2"); });

    const std::int64_t cols = 65536, rows = n / cols;
    const KernelProgram rs = row_sum(rows, cols);
    auto by_block = build(*dev, rs, {}), by_thread = build(*dev, rs, {.block_reduce = false});
    DeviceBuffer* rs_bufs[] = {dout.get(), da.get()};
    const double block_ms = best_ms(*dev, [&] { by_block->run(rs_bufs, rs); });
    const double thread_ms = best_ms(
        *dev, [&] { by_thread->run(rs_bufs, rs); }, 3);

    const double copy_gbs = 2.0 * static_cast<double>(bytes) / copy_ms / 1e6;
    std::printf("CUDA device: %s, n = 2^%d floats; GB/s counts bytes read + written; ratio vs cuMemcpyDtoD\n", dev->gpu_name().c_str(), log2n);
    std::printf("| %-44s | %11s | %11s | %12s | %6s |\n", "kernel", "bytes", "best time", "bandwidth", "ratio");
    row("cuMemcpyDtoD (read n + write n floats)", 2.0 * static_cast<double>(bytes), copy_ms, copy_gbs);
    row("out = max(a*b+1,0)*0.5-a, 4 per thread", 3.0 * static_cast<double>(bytes), ew_ms, copy_gbs);
    row("out = max(a*b+1,0)*0.5-a, 1 per thread", 3.0 * static_cast<double>(bytes), one_each_ms, copy_gbs);
    char label[64];
    std::snprintf(label, sizeof label, "row sum %lldx%lld, block per row", static_cast<long long>(rows), static_cast<long long>(cols));
    row(label, static_cast<double>(bytes), block_ms, copy_gbs);
    std::snprintf(label, sizeof label, "row sum %lldx%lld, thread per row", static_cast<long long>(rows), static_cast<long long>(cols));
    row(label, static_cast<double>(bytes), thread_ms, copy_gbs);
    std::printf("elementwise spot check: %zu wrong of %zu sampled\n", wrong, (out.size() + 4098) / 4099);
    return wrong == 0 ? 0 : 1;
  } catch (const ctgrad::Error& e) {
    std::printf("bench_ptx_elementwise: %s\n", e.what());
    return 1;
  }
}
