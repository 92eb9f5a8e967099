#pragma once
// Device buffers and the copies between them and host memory.
//
// Memory is reused: a freed buffer's block (VkBuffer + its memory) waits in a free list per size bucket (8 buckets
// per power of two, so at most 1/8 of a block is slack) and serves later allocations of that bucket without a driver
// call. A block goes back at once, even while submitted work still uses it: submissions run in order, so later work
// on the block comes after; host access (memcpy into mapped memory) first waits for the block's last submission.
// When the driver runs out of memory the cached blocks are freed and the allocation is tried once more.
//
// Host-visible buffers stay mapped and are copied with memcpy; DEVICE_LOCAL buffers go through a host-visible
// staging buffer in chunks, each copied by the transfer stage of one submission. Not thread-safe, like the Context.
#include <cstdint>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "ctgrad/runtime/device.hpp"
#include "vulkan_context.hpp"

namespace ctgrad::rt::vk {

struct Block {
  VkBuffer buffer = VK_NULL_HANDLE;
  VkDeviceMemory memory = VK_NULL_HANDLE;
  void* mapped = nullptr;      // null for DEVICE_LOCAL memory
  VkDeviceSize size = 0;       // the bucket size
  bool host_visible = false;
  std::uint64_t id = 0;        // unique, never reused: kernels key their cached descriptor sets by it
  std::uint64_t last_use = 0;  // serial of the last submission that used the block
};

class MemoryPool {
 public:
  explicit MemoryPool(std::shared_ptr<Context> ctx) : ctx_(std::move(ctx)) {}
  ~MemoryPool() { release_cached(); }
  MemoryPool(const MemoryPool&) = delete;
  MemoryPool& operator=(const MemoryPool&) = delete;

  static VkDeviceSize bucket_size(std::size_t bytes);
  Block acquire(std::size_t bytes, bool host_visible);  // throws OutOfMemory / DeviceError
  void give_back(const Block& block) noexcept;          // keeps it for reuse
  void release_cached() noexcept;                       // waits for the device, then frees every cached block
  std::size_t cached_blocks() const;
  Context& context() const { return *ctx_; }

 private:
  Block create(VkDeviceSize size, bool host_visible);  // one vkAllocateMemory; throws OutOfMemory / DeviceError
  void destroy(const Block& block) noexcept;
  std::shared_ptr<Context> ctx_;
  std::map<std::pair<VkDeviceSize, bool>, std::vector<Block>> free_;  // (bucket, host_visible) -> blocks
  std::uint64_t next_id_ = 0;
};

class VulkanBuffer : public DeviceBuffer {
 public:
  VulkanBuffer(std::shared_ptr<MemoryPool> pool, std::size_t bytes, bool host_visible)  // throws OutOfMemory
      : DeviceBuffer(bytes), pool_(std::move(pool)), block_(pool_->acquire(bytes, host_visible)) {}
  ~VulkanBuffer() override { pool_->give_back(block_); }
  VkBuffer handle() const { return block_.buffer; }
  void* mapped() const { return block_.mapped; }
  std::uint64_t id() const { return block_.id; }
  // The bytes a descriptor binds: `bytes` rounded up to whole 4-byte words (and at least one word).
  VkDeviceSize range() const { return (std::max<VkDeviceSize>(bytes, 4) + 3) / 4 * 4; }
  void mark_used(std::uint64_t serial) { block_.last_use = serial; }
  void wait_until_idle() { pool_->context().wait_until(block_.last_use); }

 private:
  std::shared_ptr<MemoryPool> pool_;  // outlives every block it handed out
  Block block_;
};

class Copier {
 public:
  explicit Copier(std::shared_ptr<MemoryPool> pool) : pool_(std::move(pool)) {}
  void upload(VulkanBuffer& dst, const void* src, std::size_t bytes);
  void download(void* dst, VulkanBuffer& src, std::size_t bytes);

 private:
  // One chunk through the staging buffer: `to_device` copies staging -> buffer, else buffer -> staging; waits.
  void transfer(VulkanBuffer& buffer, VkDeviceSize offset, VkDeviceSize bytes, bool to_device);
  VulkanBuffer& staging();
  std::shared_ptr<MemoryPool> pool_;
  std::unique_ptr<VulkanBuffer> staging_;
};

}  // namespace ctgrad::rt::vk
