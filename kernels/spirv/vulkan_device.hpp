#pragma once
// The "VULKAN" device: SPIR-V kernels (spirv_render.hpp) assembled and validated by SPIRV-Tools, run through Vulkan.
// compile() returns the SPIR-V binary; load() builds the compute pipeline the CompiledKernel keeps.
#include <array>
#include <memory>
#include <string>

#include "ctgrad/runtime/device.hpp"
#include "vulkan_context.hpp"
#include "vulkan_memory.hpp"

namespace ctgrad::rt::vk {

class VulkanDevice : public Device {
 public:
  VulkanDevice();  // throws DeviceError when Vulkan or a device is unavailable
  ~VulkanDevice() override;

  std::string name() const override { return "VULKAN"; }
  std::string compiler_id() const override;
  std::shared_ptr<DeviceBuffer> alloc(std::size_t bytes) override;
  void copy_in(DeviceBuffer& dst, const void* src, std::size_t bytes) override;
  void copy_out(void* dst, DeviceBuffer& src, std::size_t bytes) override;
  std::string render(const KernelProgram& program) const override;
  std::vector<std::uint8_t> compile(const std::string& source, const KernelProgram& program) override;
  std::unique_ptr<CompiledKernel> load(const std::vector<std::uint8_t>& binary, const KernelProgram& program) override;
  void synchronize() override;
  std::string description() const override { return physical_device_name() + ", " + compiler_id(); }
  bool supports(DType d) const override { return supported_[static_cast<std::size_t>(d)]; }  // checked on every realize
  bool renders_shared_memory() const override { return true; }

  // The Vulkan features `d` needs that this device lacks, e.g. "shaderFloat64" (empty when supported).
  std::string missing_features(DType d) const;
  std::string physical_device_name() const { return ctx_->device_name(); }
  bool uses_staging() const { return ctx_->staging; }
  bool is_cpu_device() const { return ctx_->properties.deviceType == VK_PHYSICAL_DEVICE_TYPE_CPU; }
  const MemoryPool& memory_pool() const { return *pool_; }

 private:
  VulkanBuffer& own(DeviceBuffer& b) const;
  std::shared_ptr<Context> ctx_;
  std::shared_ptr<MemoryPool> pool_;  // buffers hold it too, so it outlives them
  Copier copier_;
  std::array<bool, static_cast<std::size_t>(DType::Float64) + 1> supported_{};
};

}  // namespace ctgrad::rt::vk

namespace ctgrad::rt {
bool register_vulkan_device();
}
