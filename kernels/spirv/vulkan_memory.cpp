#include "vulkan_memory.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace ctgrad::rt::vk {

namespace {

constexpr VkDeviceSize kStagingBytes = VkDeviceSize{16} << 20;

void check_size(const char* what, std::size_t bytes, const DeviceBuffer& buffer) {
  if (bytes > buffer.bytes)
    throw DeviceError(std::string("Vulkan: ") + what + " of " + std::to_string(bytes) + " bytes exceeds the buffer's " +
                      std::to_string(buffer.bytes));
}

bool out_of_memory(VkResult r) {
  return r == VK_ERROR_OUT_OF_DEVICE_MEMORY || r == VK_ERROR_OUT_OF_HOST_MEMORY || r == VK_ERROR_TOO_MANY_OBJECTS;
}

}  // namespace

VkDeviceSize MemoryPool::bucket_size(std::size_t bytes) {
  constexpr VkDeviceSize kMinBlock = 256;  // also gives 0-byte buffers a real block
  if (bytes <= kMinBlock) return kMinBlock;
  const VkDeviceSize step = std::bit_ceil(VkDeviceSize{bytes}) / 8;
  return (bytes + step - 1) / step * step;
}

Block MemoryPool::acquire(std::size_t bytes, bool host_visible) {
  auto lock = ctx_->lock();
  const VkDeviceSize bucket = bucket_size(bytes);
  if (auto it = free_.find({bucket, host_visible}); it != free_.end() && !it->second.empty()) {
    Block block = it->second.back();
    it->second.pop_back();
    return block;
  }
  try {
    return create(bucket, host_visible);
  } catch (const OutOfMemory&) {
    if (cached_blocks() == 0) throw;
    release_cached();
    return create(bucket, host_visible);
  }
}

Block MemoryPool::create(VkDeviceSize size, bool host_visible) {
  auto& api = ctx_->api;
  Block block;
  block.size = size;
  block.host_visible = host_visible;
  auto info = make<VkBufferCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO);
  info.size = size;
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  check(api.vkCreateBuffer(ctx_->device, &info, nullptr, &block.buffer), "vkCreateBuffer of " + std::to_string(size) + " bytes");
  VkMemoryRequirements needs;
  api.vkGetBufferMemoryRequirements(ctx_->device, block.buffer, &needs);
  auto alloc = make<VkMemoryAllocateInfo>(VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO);
  alloc.allocationSize = needs.size;
  try {
    constexpr VkMemoryPropertyFlags kMappable = VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT;
    alloc.memoryTypeIndex = host_visible ? ctx_->memory_type(needs.memoryTypeBits, kMappable, VK_MEMORY_PROPERTY_HOST_CACHED_BIT)
                                         : ctx_->memory_type(needs.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
    const VkResult r = api.vkAllocateMemory(ctx_->device, &alloc, nullptr, &block.memory);
    const std::string what = "vkAllocateMemory of " + std::to_string(needs.size) + " bytes";
    if (out_of_memory(r)) throw OutOfMemory("Vulkan: " + what + " failed: " + result_name(r));
    check(r, what);
    check(api.vkBindBufferMemory(ctx_->device, block.buffer, block.memory, 0), "vkBindBufferMemory");
    if (host_visible) check(api.vkMapMemory(ctx_->device, block.memory, 0, VK_WHOLE_SIZE, 0, &block.mapped), "vkMapMemory");
  } catch (...) {
    destroy(block);
    throw;
  }
  block.id = ++next_id_;
  return block;
}

void MemoryPool::destroy(const Block& block) noexcept {
  if (block.buffer != VK_NULL_HANDLE) ctx_->api.vkDestroyBuffer(ctx_->device, block.buffer, nullptr);
  if (block.memory != VK_NULL_HANDLE) ctx_->api.vkFreeMemory(ctx_->device, block.memory, nullptr);  // also unmaps
}

void MemoryPool::give_back(const Block& block) noexcept {
  auto lock = ctx_->lock();
  try {
    free_[{block.size, block.host_visible}].push_back(block);
  } catch (...) {  // no memory for the free list: free the block instead of keeping it
    try {
      ctx_->wait_until(block.last_use);
    } catch (...) {  // a lost device: nothing runs any more
    }
    destroy(block);
  }
}

void MemoryPool::release_cached() noexcept {
  auto lock = ctx_->lock();
  if (free_.empty() || process_exiting()) return;  // at exit the driver may be gone already: the OS frees it all
  try {
    ctx_->wait_all();  // cached blocks may still be read or written by submitted work
  } catch (...) {      // a lost device: nothing runs any more, free anyway
  }
  for (auto& [bucket, blocks] : free_)
    for (const Block& block : blocks) destroy(block);
  free_.clear();
}

std::size_t MemoryPool::cached_blocks() const {
  auto lock = ctx_->lock();
  std::size_t n = 0;
  for (auto& [bucket, blocks] : free_) n += blocks.size();
  return n;
}

VulkanBuffer& Copier::staging() {
  if (!staging_) staging_ = std::make_unique<VulkanBuffer>(pool_, kStagingBytes, true);
  return *staging_;
}

void Copier::transfer(VulkanBuffer& buffer, VkDeviceSize offset, VkDeviceSize bytes, bool to_device) {
  Context& ctx = pool_->context();
  VkCommandBuffer cb = ctx.begin_commands();
  const VkBufferCopy region{to_device ? 0 : offset, to_device ? offset : 0, bytes};
  if (to_device)
    ctx.api.vkCmdCopyBuffer(cb, staging_->handle(), buffer.handle(), 1, &region);
  else
    ctx.api.vkCmdCopyBuffer(cb, buffer.handle(), staging_->handle(), 1, &region);
  const std::uint64_t serial = ctx.submit(cb);
  buffer.mark_used(serial);
  staging_->mark_used(serial);
  ctx.wait_until(serial);
}

void Copier::upload(VulkanBuffer& dst, const void* src, std::size_t bytes) {
  auto lock = pool_->context().lock();
  check_size("copy_in", bytes, dst);
  if (dst.mapped() != nullptr) {
    dst.wait_until_idle();
    std::memcpy(dst.mapped(), src, bytes);
    return;
  }
  VulkanBuffer& stage = staging();
  for (std::size_t done = 0; done < bytes; done += kStagingBytes) {
    const std::size_t n = std::min<std::size_t>(kStagingBytes, bytes - done);
    std::memcpy(stage.mapped(), static_cast<const char*>(src) + done, n);
    // vkCmdCopyBuffer sizes need not be multiples of 4; the block's bucket covers the rounding anyway.
    transfer(dst, done, n, true);
  }
}

void Copier::download(void* dst, VulkanBuffer& src, std::size_t bytes) {
  auto lock = pool_->context().lock();
  check_size("copy_out", bytes, src);
  if (src.mapped() != nullptr) {
    src.wait_until_idle();
    std::memcpy(dst, src.mapped(), bytes);
    return;
  }
  VulkanBuffer& stage = staging();
  for (std::size_t done = 0; done < bytes; done += kStagingBytes) {
    const std::size_t n = std::min<std::size_t>(kStagingBytes, bytes - done);
    transfer(src, done, n, false);
    std::memcpy(static_cast<char*>(dst) + done, stage.mapped(), n);
  }
}

}  // namespace ctgrad::rt::vk
