#include "vulkan_memory.hpp"

#include <algorithm>
#include <cstring>

namespace ctgrad::rt::vk {

namespace {

constexpr VkDeviceSize kStagingBytes = VkDeviceSize{16} << 20;

void check_size(const char* what, std::size_t bytes, const DeviceBuffer& buffer) {
  if (bytes > buffer.bytes)
    throw DeviceError(std::string("Vulkan: ") + what + " of " + std::to_string(bytes) + " bytes exceeds the buffer's " +
                      std::to_string(buffer.bytes));
}

}  // namespace

VulkanBuffer::VulkanBuffer(std::shared_ptr<Context> ctx, std::size_t bytes, bool host_visible)
    : DeviceBuffer(bytes), ctx_(std::move(ctx)), capacity_((std::max<VkDeviceSize>(bytes, 4) + 3) / 4 * 4) {
  auto& api = ctx_->api;
  auto info = make<VkBufferCreateInfo>(VK_STRUCTURE_TYPE_BUFFER_CREATE_INFO);
  info.size = capacity_;
  info.usage = VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_SRC_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT;
  info.sharingMode = VK_SHARING_MODE_EXCLUSIVE;
  check(api.vkCreateBuffer(ctx_->device, &info, nullptr, &buffer_), "vkCreateBuffer of " + std::to_string(capacity_) + " bytes");
  VkMemoryRequirements needs;
  api.vkGetBufferMemoryRequirements(ctx_->device, buffer_, &needs);
  auto alloc = make<VkMemoryAllocateInfo>(VK_STRUCTURE_TYPE_MEMORY_ALLOCATE_INFO);
  alloc.allocationSize = needs.size;
  alloc.memoryTypeIndex = host_visible
                              ? ctx_->memory_type(needs.memoryTypeBits, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT,
                                                  VK_MEMORY_PROPERTY_HOST_CACHED_BIT)
                              : ctx_->memory_type(needs.memoryTypeBits, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT, 0);
  try {
    check(api.vkAllocateMemory(ctx_->device, &alloc, nullptr, &memory_), "vkAllocateMemory of " + std::to_string(needs.size) + " bytes");
    check(api.vkBindBufferMemory(ctx_->device, buffer_, memory_, 0), "vkBindBufferMemory");
    if (host_visible) check(api.vkMapMemory(ctx_->device, memory_, 0, VK_WHOLE_SIZE, 0, &mapped_), "vkMapMemory");
  } catch (...) {
    if (memory_ != VK_NULL_HANDLE) api.vkFreeMemory(ctx_->device, memory_, nullptr);
    api.vkDestroyBuffer(ctx_->device, buffer_, nullptr);
    throw;
  }
}

VulkanBuffer::~VulkanBuffer() {
  try {
    wait_until_idle();
  } catch (...) {  // a lost device: nothing is running any more, free anyway
  }
  ctx_->api.vkDestroyBuffer(ctx_->device, buffer_, nullptr);
  ctx_->api.vkFreeMemory(ctx_->device, memory_, nullptr);  // also unmaps
}

void VulkanBuffer::wait_until_idle() {
  if (last_use > ctx_->completed()) ctx_->wait_all();
}

void Copier::transfer(VulkanBuffer& buffer, VkDeviceSize offset, VkDeviceSize bytes, bool to_device) {
  VkCommandBuffer cb = ctx_->begin_commands();
  const VkBufferCopy region{to_device ? 0 : offset, to_device ? offset : 0, bytes};
  if (to_device)
    ctx_->api.vkCmdCopyBuffer(cb, staging_->handle(), buffer.handle(), 1, &region);
  else
    ctx_->api.vkCmdCopyBuffer(cb, buffer.handle(), staging_->handle(), 1, &region);
  buffer.last_use = ctx_->submit(cb);
  ctx_->wait_all();
}

void Copier::upload(VulkanBuffer& dst, const void* src, std::size_t bytes) {
  check_size("copy_in", bytes, dst);
  if (dst.mapped() != nullptr) {
    dst.wait_until_idle();
    std::memcpy(dst.mapped(), src, bytes);
    return;
  }
  if (!staging_) staging_ = std::make_unique<VulkanBuffer>(ctx_, kStagingBytes, true);
  for (std::size_t done = 0; done < bytes; done += kStagingBytes) {
    const std::size_t n = std::min<std::size_t>(kStagingBytes, bytes - done);
    std::memcpy(staging_->mapped(), static_cast<const char*>(src) + done, n);
    // vkCmdCopyBuffer sizes need not be multiples of 4; the buffer's capacity covers the rounding anyway.
    transfer(dst, done, n, true);
  }
}

void Copier::download(void* dst, VulkanBuffer& src, std::size_t bytes) {
  check_size("copy_out", bytes, src);
  if (src.mapped() != nullptr) {
    src.wait_until_idle();
    std::memcpy(dst, src.mapped(), bytes);
    return;
  }
  if (!staging_) staging_ = std::make_unique<VulkanBuffer>(ctx_, kStagingBytes, true);
  for (std::size_t done = 0; done < bytes; done += kStagingBytes) {
    const std::size_t n = std::min<std::size_t>(kStagingBytes, bytes - done);
    transfer(src, done, n, false);
    std::memcpy(static_cast<char*>(dst) + done, staging_->mapped(), n);
  }
}

}  // namespace ctgrad::rt::vk
