#include "vulkan_kernel.hpp"

#include <cstring>

#include "vulkan_memory.hpp"

namespace ctgrad::rt::vk {

VulkanKernel::VulkanKernel(std::shared_ptr<Context> ctx, const std::vector<std::uint8_t>& spirv, const KernelProgram& program)
    : ctx_(std::move(ctx)),
      name_(program.name),
      bindings_(static_cast<std::uint32_t>(program.params.size())),
      plan_(spirv::plan_dispatch(program.global_size)) {
  std::uint32_t magic = 0;
  if (spirv.size() >= 4) std::memcpy(&magic, spirv.data(), 4);
  if (spirv.size() % 4 != 0 || magic != 0x07230203u)
    throw CompileError("Vulkan: the binary of kernel '" + name_ + "' is not SPIR-V (" + std::to_string(spirv.size()) + " bytes)");
  auto& api = ctx_->api;
  std::vector<std::uint32_t> words(spirv.size() / 4);
  std::memcpy(words.data(), spirv.data(), spirv.size());
  auto module_info = make<VkShaderModuleCreateInfo>(VK_STRUCTURE_TYPE_SHADER_MODULE_CREATE_INFO);
  module_info.codeSize = spirv.size();
  module_info.pCode = words.data();
  std::vector<VkDescriptorSetLayoutBinding> bindings(bindings_);
  for (std::uint32_t i = 0; i < bindings_; ++i) bindings[i] = {i, VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, 1, VK_SHADER_STAGE_COMPUTE_BIT, nullptr};
  auto set_info = make<VkDescriptorSetLayoutCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_LAYOUT_CREATE_INFO);
  set_info.bindingCount = bindings_;
  set_info.pBindings = bindings.data();
  try {
    check(api.vkCreateShaderModule(ctx_->device, &module_info, nullptr, &module_), "vkCreateShaderModule for kernel " + name_);
    check(api.vkCreateDescriptorSetLayout(ctx_->device, &set_info, nullptr, &set_layout_), "vkCreateDescriptorSetLayout");
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
  } catch (...) {
    release();
    throw;
  }
}

VulkanKernel::~VulkanKernel() { release(); }

void VulkanKernel::release() {
  auto& api = ctx_->api;
  if (last_use_ > ctx_->completed()) {
    try {
      ctx_->wait_all();
    } catch (...) {  // a lost device: nothing runs any more
    }
  }
  if (pipeline_ != VK_NULL_HANDLE) api.vkDestroyPipeline(ctx_->device, pipeline_, nullptr);
  if (layout_ != VK_NULL_HANDLE) api.vkDestroyPipelineLayout(ctx_->device, layout_, nullptr);
  if (set_layout_ != VK_NULL_HANDLE) api.vkDestroyDescriptorSetLayout(ctx_->device, set_layout_, nullptr);
  if (module_ != VK_NULL_HANDLE) api.vkDestroyShaderModule(ctx_->device, module_, nullptr);
  pipeline_ = VK_NULL_HANDLE;
  layout_ = VK_NULL_HANDLE;
  set_layout_ = VK_NULL_HANDLE;
  module_ = VK_NULL_HANDLE;
}

void VulkanKernel::run(std::span<DeviceBuffer* const> bufs, const KernelProgram& program) {
  if (bufs.size() != bindings_)
    throw DeviceError("Vulkan: kernel '" + name_ + "' takes " + std::to_string(bindings_) + " buffers, got " + std::to_string(bufs.size()));
  std::vector<VulkanBuffer*> buffers(bindings_);
  std::vector<VkDescriptorBufferInfo> infos(bindings_);
  for (std::uint32_t i = 0; i < bindings_; ++i) {
    buffers[i] = dynamic_cast<VulkanBuffer*>(bufs[i]);
    if (buffers[i] == nullptr) throw DeviceError("Vulkan: buffer " + std::to_string(i) + " of kernel '" + name_ + "' is not a Vulkan buffer");
    const auto& param = program.params[i];
    const std::size_t needed = static_cast<std::size_t>(param.size) * itemsize(param.dtype);
    if (buffers[i]->bytes < needed)
      throw DeviceError("Vulkan: kernel '" + name_ + "' parameter " + std::to_string(i) + " needs " + std::to_string(needed) +
                        " bytes, its buffer has " + std::to_string(buffers[i]->bytes));
    if (buffers[i]->capacity() > ctx_->properties.limits.maxStorageBufferRange)
      throw DeviceError("Vulkan: a buffer of " + std::to_string(buffers[i]->capacity()) + " bytes exceeds maxStorageBufferRange (" +
                        std::to_string(ctx_->properties.limits.maxStorageBufferRange) + ") of " + ctx_->device_name());
    infos[i] = {buffers[i]->handle(), 0, VK_WHOLE_SIZE};
  }
  if (plan_.groups_x == 0) return;  // global_size 0: nothing to run

  auto& api = ctx_->api;
  ctx_->reserve(bindings_);
  VkDescriptorSet set = ctx_->allocate_descriptor_set(set_layout_, bindings_);
  std::vector<VkWriteDescriptorSet> writes(bindings_);
  for (std::uint32_t i = 0; i < bindings_; ++i) {
    writes[i] = make<VkWriteDescriptorSet>(VK_STRUCTURE_TYPE_WRITE_DESCRIPTOR_SET);
    writes[i].dstSet = set;
    writes[i].dstBinding = i;
    writes[i].descriptorCount = 1;
    writes[i].descriptorType = VK_DESCRIPTOR_TYPE_STORAGE_BUFFER;
    writes[i].pBufferInfo = &infos[i];
  }
  api.vkUpdateDescriptorSets(ctx_->device, bindings_, writes.data(), 0, nullptr);
  VkCommandBuffer cb = ctx_->begin_commands();
  api.vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline_);
  api.vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, layout_, 0, 1, &set, 0, nullptr);
  api.vkCmdDispatch(cb, plan_.groups_x, plan_.groups_y, 1);
  last_use_ = ctx_->submit(cb);
  for (auto* b : buffers) b->last_use = last_use_;
}

}  // namespace ctgrad::rt::vk
