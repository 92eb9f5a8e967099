#pragma once
// Device buffers and the copies between them and host memory. Host-visible buffers stay mapped and are copied with
// memcpy (after waiting for work that uses them); DEVICE_LOCAL buffers go through a host-visible staging buffer in
// chunks, each copied by the transfer stage of one submission.
#include <cstdint>
#include <memory>

#include "ctgrad/runtime/device.hpp"
#include "vulkan_context.hpp"

namespace ctgrad::rt::vk {

class VulkanBuffer : public DeviceBuffer {
 public:
  VulkanBuffer(std::shared_ptr<Context> ctx, std::size_t bytes, bool host_visible);  // throws OutOfMemory
  ~VulkanBuffer() override;
  VkBuffer handle() const { return buffer_; }
  void* mapped() const { return mapped_; }             // null for DEVICE_LOCAL memory
  VkDeviceSize capacity() const { return capacity_; }  // bytes rounded up to whole 4-byte words
  void wait_until_idle();                              // until no submitted work uses this buffer
  std::uint64_t last_use = 0;                          // serial of the last submission that used it

 private:
  std::shared_ptr<Context> ctx_;
  VkBuffer buffer_ = VK_NULL_HANDLE;
  VkDeviceMemory memory_ = VK_NULL_HANDLE;
  void* mapped_ = nullptr;
  VkDeviceSize capacity_ = 0;
};

class Copier {
 public:
  explicit Copier(std::shared_ptr<Context> ctx) : ctx_(std::move(ctx)) {}
  void upload(VulkanBuffer& dst, const void* src, std::size_t bytes);
  void download(void* dst, VulkanBuffer& src, std::size_t bytes);

 private:
  // One chunk through the staging buffer: `to_device` copies staging -> buffer, else buffer -> staging; waits.
  void transfer(VulkanBuffer& buffer, VkDeviceSize offset, VkDeviceSize bytes, bool to_device);
  std::shared_ptr<Context> ctx_;
  std::unique_ptr<VulkanBuffer> staging_;
};

}  // namespace ctgrad::rt::vk
