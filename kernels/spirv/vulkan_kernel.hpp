#pragma once
// A loaded kernel: its compute pipeline (built once, in load) and the launch of one dispatch per run.
//
// run() is the hot path of every realize, so it allocates nothing from the driver: descriptor sets are cached per
// kernel, keyed by the blocks bound (block ids are never reused, and the memory pool hands a freed block back to the
// next buffer of its size, so a realize loop binds the same blocks each time), and the command buffer comes from the
// context's ring. A miss rewrites the least recently used of kCachedSets sets, waiting for its last run if needed.
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "ctgrad/runtime/device.hpp"
#include "spirv_dispatch.hpp"
#include "vulkan_context.hpp"
#include "vulkan_memory.hpp"

namespace ctgrad::rt::vk {

class VulkanKernel : public CompiledKernel {
 public:
  static constexpr std::uint32_t kCachedSets = 16;

  // `spirv` is the binary compile() produced; a driver that rejects it raises CompileError naming the kernel.
  VulkanKernel(std::shared_ptr<Context> ctx, const std::vector<std::uint8_t>& spirv, const KernelProgram& program);
  ~VulkanKernel() override;
  // Binds bufs[i] to binding i and submits the dispatch; returns without waiting (Device::synchronize waits).
  void run(std::span<DeviceBuffer* const> bufs, const KernelProgram& program) override;
  std::size_t cached_sets() const { return sets_.size(); }

 private:
  struct CachedSet {
    VkDescriptorSet set;
    std::vector<std::uint64_t> key;  // (block id, range) per binding
    std::uint64_t last_use;
  };

  void create_pipeline(const std::vector<std::uint8_t>& spirv);
  CachedSet& descriptor_set();  // for the buffers in buffers_ / key_
  void release();               // waits for runs in flight, destroys the Vulkan objects

  std::shared_ptr<Context> ctx_;
  std::string name_;
  std::uint32_t bindings_;
  spirv::DispatchPlan plan_;
  VkShaderModule module_ = VK_NULL_HANDLE;
  VkDescriptorSetLayout set_layout_ = VK_NULL_HANDLE;
  VkPipelineLayout layout_ = VK_NULL_HANDLE;
  VkPipeline pipeline_ = VK_NULL_HANDLE;
  VkDescriptorPool descriptor_pool_ = VK_NULL_HANDLE;  // kCachedSets sets of `bindings_` storage buffers
  std::vector<CachedSet> sets_;
  std::vector<VulkanBuffer*> buffers_;  // this run's buffers (kept to reuse the allocation)
  std::vector<std::uint64_t> key_;      // this run's descriptor key
  std::uint64_t last_use_ = 0;
};

}  // namespace ctgrad::rt::vk
