#pragma once
// A loaded kernel: its compute pipeline (built once, in load) and the launch of one dispatch per run.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "ctgrad/runtime/device.hpp"
#include "spirv_dispatch.hpp"
#include "vulkan_context.hpp"

namespace ctgrad::rt::vk {

class VulkanKernel : public CompiledKernel {
 public:
  // `spirv` is the binary compile() produced; a driver that rejects it raises CompileError naming the kernel.
  VulkanKernel(std::shared_ptr<Context> ctx, const std::vector<std::uint8_t>& spirv, const KernelProgram& program);
  ~VulkanKernel() override;
  // Binds bufs[i] to binding i and submits the dispatch; returns without waiting (Device::synchronize waits).
  void run(std::span<DeviceBuffer* const> bufs, const KernelProgram& program) override;

 private:
  void release();  // waits for runs in flight, destroys the Vulkan objects
  std::shared_ptr<Context> ctx_;
  std::string name_;
  std::uint32_t bindings_;
  spirv::DispatchPlan plan_;
  VkShaderModule module_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
  std::uint64_t last_use_ = 0;
};

}  // namespace ctgrad::rt::vk
