#include "vulkan_kernel.hpp"

#include <algorithm>
#include <cstring>

namespace ctgrad::rt::vk {

VulkanKernel::VulkanKernel(std::shared_ptr<Context> ctx, const std::vector<std::uint8_t>& spirv, const KernelProgram& program)
    : ctx_(std::move(ctx)),
      name_(program.name),
      bindings_(static_cast<std::uint32_t>(program.params.size())),
      plan_(spirv::plan_dispatch(program.global_size, program.local_size)),
      buffers_(bindings_),
      key_(2 * std::size_t{bindings_}) {
  std::uint32_t magic = 0;
  if (spirv.size() >= 4) std::memcpy(&magic, spirv.data(), 4);
  if (spirv.size() % 4 != 0 || magic != 0x07230203u)
    throw CompileError("Vulkan: the binary of kernel '" + name_ + "' is not SPIR-V (" + std::to_string(spirv.size()) + " bytes)");
  try {
    create_pipeline(spirv);
  } catch (...) {
    release();
    throw;
  }
}

void VulkanKernel::create_pipeline(const std::vector<std::uint8_t>& spirv) {
  auto& api = ctx_->api;
  std::vector<std::uint32_t> words(spirv.size() / 4);
  std::memcpy(words.data(), spirv.data(), spirv.size());
  auto module_info = make<VkShaderModuleCreateInfo>(VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO);
  module_info.codeSize = spirv.size();
  module_info.pCode = words.data();
  check(api.vkCreateShaderModule(ctx_->device, &module_info, nullptr, &module_), "vkCreateShaderModule for kernel " + name_);

  std::vector<VkDescriptorSetLayoutBinding> bindings(bindings_);
  for (std::uint32_t i = 0; i < bindings_; ++i) bindings[i] = {i, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
  auto set_info = make<VkDescriptorSetLayoutCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO);
  set_info.bindingCount = bindings_;
  set_info.pBindings = bindings.data();
  check(api.vkCreateDescriptorSetLayout(ctx_->device, &set_info, nullptr, &set_layout_), "vkCreateDescriptorSetLayout");
  if (bindings_ > 0) {
    VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, kCachedSets * bindings_};
    auto pool_info = make<VkDescriptorPoolCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO);
    pool_info.maxSets = kCachedSets;
    pool_info.poolSizeCount = 1;
    pool_info.pPoolSizes = &size;
    check(api.vkCreateDescriptorPool(ctx_->device, &pool_info, nullptr, &descriptor_pool_), "vkCreateDescriptorPool");
    sets_.reserve(kCachedSets);
  }

  auto layout_info = make<VkPipelineLayoutCreateInfo>(VK_STRUCTURE_TYPE_PIPELINE_LAYOUT_CREATE_INFO);
  layout_info.setLayoutCount = 1;
  layout_info.pSetLayouts = &set_layout_;
  check(api.vkCreatePipelineLayout(ctx_->device, &layout_info, nullptr, &layout_), "vkCreatePipelineLayout");
  auto pipeline_info = make<VkComputePipelineCreateInfo>(VK_STRUCTURE_TYPE_COMPUTE_PIPELINE_CREATE_INFO);
  pipeline_info.stage = {VK_STRUCTURE_TYPE_PIPELINE_SHADER_STAGE_CREATE_INFO, nullptr, 0, VK_SHADER_STAGE_COMPUTE_BIT, module_, "main", nullptr};
  pipeline_info.layout = layout_;
  const VkResult r = api.vkCreateComputePipelines(ctx_->device, VK_NULL_HANDLE, 1, &pipeline_info, nullptr, &pipeline_);
  if (r != VK_SUCCESS && r != VK_ERROR_OUT_OF_HOST_MEMORY && r != VK_ERROR_OUT_OF_DEVICE_MEMORY)
    throw CompileError("Vulkan: the driver of " + ctx_->device_name() + " rejected kernel '" + name_ + "': " + result_name(r));
  check(r, "vkCreateComputePipelines for kernel " + name_);
  [[maybe_unused]] static const bool watching = (watch_process_exit(), true);  // after the driver's compiler loaded
}

VulkanKernel::~VulkanKernel() { release(); }

void VulkanKernel::release() {
  if (process_exiting()) return;  // the driver may be torn down already (vulkan_context.hpp)
  auto lock = ctx_->lock();
  auto& api = ctx_->api;
  try {
    ctx_->wait_until(last_use_);
  } catch (...) {  // a lost device: nothing runs any more
  }
  if (descriptor_pool_ != VK_NULL_HANDLE) api.vkDestroyDescriptorPool(ctx_->device, descriptor_pool_, nullptr);  // frees the sets
  if (pipeline_ != VK_NULL_HANDLE) api.vkDestroyPipeline(ctx_->device, pipeline_, nullptr);
  if (layout_ != VK_NULL_HANDLE) api.vkDestroyPipelineLayout(ctx_->device, layout_, nullptr);
  if (set_layout_ != VK_NULL_HANDLE) api.vkDestroyDescriptorSetLayout(ctx_->device, set_layout_, nullptr);
  if (module_ != VK_NULL_HANDLE) api.vkDestroyShaderModule(ctx_->device, module_, nullptr);
  descriptor_pool_ = VK_NULL_HANDLE;
  pipeline_ = VK_NULL_HANDLE;
  layout_ = VK_NULL_HANDLE;
  set_layout_ = VK_NULL_HANDLE;
  module_ = VK_NULL_HANDLE;
  sets_.clear();
}

VulkanKernel::CachedSet& VulkanKernel::descriptor_set() {
  for (CachedSet& cached : sets_)
    if (cached.key == key_) return cached;
  auto& api = ctx_->api;
  CachedSet* target = nullptr;
  if (sets_.size() < kCachedSets) {
    auto info = make<VkDescriptorSetAllocateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO);
    info.descriptorPool = descriptor_pool_;
    info.descriptorSetCount = 1;
    info.pSetLayouts = &set_layout_;
    VkDescriptorSet set = VK_NULL_HANDLE;
    check(api.vkAllocateDescriptorSets(ctx_->device, &info, &set), "vkAllocateDescriptorSets");
    target = &sets_.emplace_back(CachedSet{set, {}, 0});
  } else {  // a set may only be rewritten once no submitted run uses it
    target = &*std::ranges::min_element(sets_, {}, &CachedSet::last_use);
    ctx_->wait_until(target->last_use);
  }
  constexpr std::uint32_t kBatch = 16;  // descriptors written per call, so any number of bindings fits on the stack
  VkDescriptorBufferInfo infos[kBatch];
  VkWriteDescriptorSet writes[kBatch];
  for (std::uint32_t first = 0; first < bindings_; first += kBatch) {
    const std::uint32_t count = std::min(kBatch, bindings_ - first);
    for (std::uint32_t k = 0; k < count; ++k) {
      const std::uint32_t i = first + k;
      infos[k] = {buffers_[i]->handle(), 0, buffers_[i]->range()};
      writes[k] = make<VkWriteDescriptorSet>(VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET);
      writes[k].dstSet = target->set;
      writes[k].dstBinding = i;
      writes[k].descriptorCount = 1;
      writes[k].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
      writes[k].pBufferInfo = &infos[k];
    }
    api.vkUpdateDescriptorSets(ctx_->device, count, writes, 0, nullptr);
  }
  target->key = key_;
  return *target;
}

void VulkanKernel::run(std::span<DeviceBuffer* const> bufs, const KernelProgram& program) {
  auto lock = ctx_->lock();
  if (bufs.size() != bindings_)
    throw DeviceError("Vulkan: kernel '" + name_ + "' takes " + std::to_string(bindings_) + " buffers, got " + std::to_string(bufs.size()));
  for (std::uint32_t i = 0; i < bindings_; ++i) {
    VulkanBuffer* buffer = dynamic_cast<VulkanBuffer*>(bufs[i]);
    if (buffer == nullptr) throw DeviceError("Vulkan: buffer " + std::to_string(i) + " of kernel '" + name_ + "' is not a Vulkan buffer");
    const auto& param = program.params[i];
    const std::size_t needed = static_cast<std::size_t>(param.size) * itemsize(param.dtype);
    if (buffer->bytes < needed)
      throw DeviceError("Vulkan: kernel '" + name_ + "' parameter " + std::to_string(i) + " needs " + std::to_string(needed) +
                        " bytes, its buffer has " + std::to_string(buffer->bytes));
    if (buffer->range() > ctx_->properties.limits.maxStorageBufferRange)
      throw DeviceError("Vulkan: a buffer of " + std::to_string(buffer->bytes) + " bytes exceeds maxStorageBufferRange (" +
                        std::to_string(ctx_->properties.limits.maxStorageBufferRange) + ") of " + ctx_->device_name());
    buffers_[i] = buffer;
    key_[2 * i] = buffer->id();
    key_[2 * i + 1] = buffer->range();
  }
  if (plan_.groups_x == 0) return;  // global_size 0: nothing to run

  CachedSet* cached = bindings_ > 0 ? &descriptor_set() : nullptr;  // may throw or wait: before recording starts
  auto& api = ctx_->api;
  VkCommandBuffer cb = ctx_->begin_commands();
  api.vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline_);
  if (cached != nullptr) api.vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, layout_, 0, 1, &cached->set, 0, nullptr);
  api.vkCmdDispatch(cb, plan_.groups_x, plan_.groups_y, 1);
  last_use_ = ctx_->submit(cb);
  if (cached != nullptr) cached->last_use = last_use_;
  for (VulkanBuffer* b : buffers_) b->mark_used(last_use_);
}

}  // namespace ctgrad::rt::vk
