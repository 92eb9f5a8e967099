#pragma once
// One Vulkan device opened for ctgrad: instance, the chosen physical device, its features and memory types, one
// compute queue, and the bookkeeping of submitted work (command buffers, fences, descriptor sets).
//
// Device choice: VULKAN_DEVICE=<index or part of the device name> if set, else the first discrete GPU, else the
// first device. Memory: DEVICE_LOCAL buffers with staging copies on GPUs, host-visible buffers on CPU devices
// (lavapipe); VULKAN_STAGING=1 or 0 forces either (the tests use it to cover the staging path on lavapipe).
// VULKAN_HIDE_FEATURES=<comma-separated feature names> leaves those features off, as on a device without them.
#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "vulkan_api.hpp"

namespace ctgrad::rt::vk {

class Context {
 public:
  static std::shared_ptr<Context> open();  // throws DeviceError naming the reason (no loader, no device...)
  Context() = default;
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  bool has_feature(std::string_view name) const { return features_.contains(std::string(name)); }
  std::string device_name() const { return properties.deviceName; }
  // The first memory type allowed by `type_bits` with every `required` flag, preferring one that also has `preferred`.
  std::uint32_t memory_type(std::uint32_t type_bits, VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred) const;

  // Work submission. Every command buffer starts with a barrier after all earlier compute and transfer writes, so
  // submissions run in order; `submit` returns the serial that `completed()` reaches once it has finished.
  // `reserve` makes room for one more submission using `descriptors` storage-buffer descriptors, waiting for earlier
  // work when the pools are full; call it before allocate_descriptor_set and begin_commands, which then never wait.
  void reserve(std::uint32_t descriptors);
  VkDescriptorSet allocate_descriptor_set(VkDescriptorSetLayout layout, std::uint32_t descriptors);
  VkCommandBuffer begin_commands();
  std::uint64_t submit(VkCommandBuffer commands);
  std::uint64_t completed() const { return completed_; }
  void wait_all();  // waits for everything submitted, then recycles command buffers and descriptor sets

  Api api;
  VkInstance instance = VK_NULL_HANDLE;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  std::uint32_t queue_family = 0;
  VkPhysicalDeviceProperties properties{};
  VkPhysicalDeviceMemoryProperties memory{};
  bool staging = false;

 private:
  void choose_physical_device();
  void create_device();
  void create_pools();

  std::set<std::string, std::less<>> features_;  // names of the VkPhysicalDevice*Features members ctgrad uses
  VkCommandPool command_pool_ = VK_NULL_HANDLE;
  VkDescriptorPool descriptor_pool_ = VK_NULL_HANDLE;
  std::vector<VkCommandBuffer> command_buffers_;  // allocated; the first `commands_used_` are in flight
  std::size_t commands_used_ = 0;
  std::vector<VkFence> fences_;                         // one per command buffer slot
  std::uint32_t sets_used_ = 0, descriptors_used_ = 0;  // from descriptor_pool_ since its last reset
  std::uint64_t submitted_ = 0, completed_ = 0;
};

}  // namespace ctgrad::rt::vk
