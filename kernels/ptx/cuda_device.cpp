#include "cuda_device.hpp"

#include <climits>
#include <span>
#include <vector>

#include "ptx_renderer.hpp"

namespace ctgrad::rt {

namespace cuda {

namespace {

class CudaKernel final : public CompiledKernel {
 public:
  CudaKernel(const Driver& driver, CUcontext ctx, CUmodule module, CUfunction fn, ptx::LaunchShape shape)
      : driver_(driver), ctx_(ctx), module_(module), fn_(fn), shape_(shape) {}
  ~CudaKernel() override {
    try {
      driver_.make_current(ctx_);  // modules unload from their own context
    } catch (const DeviceError&) {
      return;  // the context is gone (process exit): the driver reclaims the module
    }
    driver_.cuModuleUnload(module_);
  }
  CudaKernel(const CudaKernel&) = delete;
  CudaKernel& operator=(const CudaKernel&) = delete;

  void run(std::span<DeviceBuffer* const> bufs, const KernelProgram& p) override {
    if (bufs.size() != p.params.size())
      throw DeviceError("CUDA: kernel " + p.name + " takes " + std::to_string(p.params.size()) + " buffers, got " + std::to_string(bufs.size()));
    std::vector<CUdeviceptr> ptrs(bufs.size());
    std::vector<void*> args(bufs.size());
    for (std::size_t i = 0; i < bufs.size(); ++i) {
      const std::size_t need = static_cast<std::size_t>(p.params[i].size) * itemsize(p.params[i].dtype);
      if (bufs[i] == nullptr || bufs[i]->bytes < need)
        throw DeviceError("CUDA: buffer " + std::to_string(i) + " of kernel " + p.name + " holds fewer than the " + std::to_string(need) +
                          " bytes its parameter needs");
      ptrs[i] = CudaDevice::pointer(*bufs[i]);
      args[i] = &ptrs[i];
    }
    const std::uint64_t grid = shape_.grid(p.global_size);
    if (grid > INT_MAX) throw DeviceError("CUDA: kernel " + p.name + " needs " + std::to_string(grid) + " blocks, more than a grid holds");
    driver_.make_current(ctx_);
    driver_.check(driver_.cuLaunchKernel(fn_, static_cast<unsigned>(grid), 1, 1, shape_.block_threads, 1, 1, 0, nullptr, args.data(), nullptr),
                  "cuLaunchKernel");
  }

 private:
  const Driver& driver_;
  CUcontext ctx_;
  CUmodule module_;
  CUfunction fn_;
  ptx::LaunchShape shape_;
};

}  // namespace

CudaDevice::CudaDevice() : driver_(Driver::get()) {
  int count = 0;
  driver_.check(driver_.cuDeviceGetCount(&count), "cuDeviceGetCount");
  if (count < 1) throw DeviceError("CUDA: the NVIDIA driver is installed but sees no GPU");
  driver_.check(driver_.cuDeviceGet(&device_, 0), "cuDeviceGet");
  char name[256] = {};
  driver_.check(driver_.cuDeviceGetName(name, sizeof name - 1, device_), "cuDeviceGetName");
  gpu_name_ = name;
  driver_.check(driver_.cuDevicePrimaryCtxRetain(&ctx_, device_), "cuDevicePrimaryCtxRetain");
  driver_.make_current(ctx_);
  pool_ = std::make_shared<MemoryPool>(driver_, ctx_);
}

std::string CudaDevice::compiler_id() const { return std::string("cuda-ptx") + ptx::kPtxVersion + "-" + ptx::kPtxTarget + "-r1"; }

CUdeviceptr CudaDevice::pointer(DeviceBuffer& buffer) {
  auto* b = dynamic_cast<CudaBuffer*>(&buffer);
  if (b == nullptr) throw DeviceError("CUDA: a buffer of another device was passed to the CUDA device");
  return b->ptr;
}

std::shared_ptr<DeviceBuffer> CudaDevice::alloc(std::size_t bytes) { return std::make_shared<CudaBuffer>(pool_, bytes); }

void CudaDevice::copy_in(DeviceBuffer& dst, const void* src, std::size_t bytes) {
  if (bytes > dst.bytes) throw DeviceError("CUDA: copy of " + std::to_string(bytes) + " bytes into a buffer of " + std::to_string(dst.bytes));
  if (bytes == 0) return;
  make_current();
  driver_.check(driver_.cuMemcpyHtoD_v2(pointer(dst), src, bytes), "cuMemcpyHtoD_v2");
}

void CudaDevice::copy_out(void* dst, DeviceBuffer& src, std::size_t bytes) {
  if (bytes > src.bytes) throw DeviceError("CUDA: copy of " + std::to_string(bytes) + " bytes out of a buffer of " + std::to_string(src.bytes));
  if (bytes == 0) return;
  make_current();
  driver_.check(driver_.cuMemcpyDtoH_v2(dst, pointer(src), bytes), "cuMemcpyDtoH_v2");
}

std::string CudaDevice::render(const KernelProgram& program) const { return ptx::render(program); }

std::vector<std::uint8_t> CudaDevice::compile(const std::string& source, const KernelProgram&) {
  ptx::launch_shape(source);  // a source without its launch line could never be run: reject it now
  return {source.begin(), source.end()};
}

std::unique_ptr<CompiledKernel> CudaDevice::load(const std::vector<std::uint8_t>& binary, const KernelProgram& program) {
  const std::string ptx_text(binary.begin(), binary.end());  // c_str() is the NUL-terminated image the driver reads
  const ptx::LaunchShape shape = ptx::launch_shape(ptx_text);
  make_current();
  std::vector<char> log(16384, '\0');
  CUjit_option options[] = {CU_JIT_ERROR_LOG_BUFFER, CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES};
  void* values[] = {log.data(), reinterpret_cast<void*>(log.size() - 1)};
  CUmodule module = nullptr;
  CUresult r = driver_.cuModuleLoadDataEx(&module, ptx_text.c_str(), 2, options, values);
  if (r == CUDA_ERROR_OUT_OF_MEMORY) driver_.check(r, "cuModuleLoadDataEx");
  if (r != CUDA_SUCCESS)
    throw CompileError("CUDA: cuModuleLoadDataEx rejected the PTX of " + program.name + ": " + driver_.describe(r) + "\n" + std::string(log.data()) +
                       "\n--- PTX ---\n" + ptx_text);
  CUfunction fn = nullptr;
  r = driver_.cuModuleGetFunction(&fn, module, ptx::kernel_symbol(program).c_str());
  if (r != CUDA_SUCCESS) {
    driver_.cuModuleUnload(module);
    driver_.check(r, "cuModuleGetFunction");
  }
  return std::make_unique<CudaKernel>(driver_, ctx_, module, fn, shape);
}

void CudaDevice::synchronize() {
  make_current();
  driver_.check(driver_.cuCtxSynchronize(), "cuCtxSynchronize");
}

}  // namespace cuda

bool register_cuda_device() {
  return register_device("CUDA", [] { return std::make_unique<cuda::CudaDevice>(); });
}

}  // namespace ctgrad::rt
