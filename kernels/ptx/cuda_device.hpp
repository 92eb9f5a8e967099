#pragma once
// The "CUDA" device: PTX rendered by ptx_renderer, JIT-compiled and run by the driver on GPU 0 (primary context).
// compile() returns the PTX text itself (the driver compiles it for the GPU at load time and caches the result
// in its own JIT cache), so a cached binary works on every NVIDIA GPU of sm_75 or newer.
#include <memory>
#include <string>

#include "ctgrad/runtime/device.hpp"
#include "cuda_driver.hpp"
#include "cuda_memory.hpp"

namespace ctgrad::rt::cuda {

class CudaDevice final : public Device {
 public:
  CudaDevice();  // throws DeviceError without driver or GPU

  std::string name() const override { return "CUDA"; }
  std::string compiler_id() const override;
  std::shared_ptr<DeviceBuffer> alloc(std::size_t bytes) override;
  void copy_in(DeviceBuffer& dst, const void* src, std::size_t bytes) override;
  void copy_out(void* dst, DeviceBuffer& src, std::size_t bytes) override;
  std::string render(const KernelProgram& program) const override;
  std::vector<std::uint8_t> compile(const std::string& source, const KernelProgram& program) override;
  std::unique_ptr<CompiledKernel> load(const std::vector<std::uint8_t>& binary, const KernelProgram& program) override;
  void synchronize() override;
  bool renders_shared_memory() const override { return true; }
  std::string description() const override { return gpu_name_ + ", PTX JIT-compiled by the CUDA driver"; }

  // For benchmarks and tests that talk to the driver directly.
  const Driver& driver() const { return driver_; }
  void make_current() const { driver_.make_current(ctx_); }
  static CUdeviceptr pointer(DeviceBuffer& buffer);
  const std::string& gpu_name() const { return gpu_name_; }
  MemoryPool& pool() { return *pool_; }

 private:
  const Driver& driver_;
  CUdevice device_ = 0;
  CUcontext ctx_ = nullptr;  // the primary context, retained for the life of the process
  std::string gpu_name_;
  std::shared_ptr<MemoryPool> pool_;
};

}  // namespace ctgrad::rt::cuda

namespace ctgrad::rt {
bool register_cuda_device();  // what ctgrad/runtime/backends.hpp calls under CTGRAD_WITH_CUDA
}
