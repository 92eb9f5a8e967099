#include "vulkan_device.hpp"

#include <cstring>

#include "spirv_assemble.hpp"
#include "spirv_render.hpp"
#include "spirv_types.hpp"
#include "vulkan_kernel.hpp"

namespace ctgrad::rt::vk {

VulkanDevice::VulkanDevice() : ctx_(Context::open()), pool_(std::make_shared<MemoryPool>(ctx_)), copier_(pool_) {
  for (std::size_t d = 0; d < supported_.size(); ++d) supported_[d] = missing_features(static_cast<DType>(d)).empty();
}

VulkanDevice::~VulkanDevice() {
  if (process_exiting()) return;  // the driver may be torn down already (vulkan_context.hpp)
  try {
    ctx_->wait_all();
  } catch (...) {  // a lost device at exit: nothing left to wait for
  }
}

std::string VulkanDevice::compiler_id() const { return "SPIR-V 1.5 for Vulkan 1.2, SPIRV-Tools " + spirv::spirv_tools_version(); }

std::shared_ptr<DeviceBuffer> VulkanDevice::alloc(std::size_t bytes) { return std::make_shared<VulkanBuffer>(pool_, bytes, !ctx_->staging); }

VulkanBuffer& VulkanDevice::own(DeviceBuffer& b) const {
  auto* vb = dynamic_cast<VulkanBuffer*>(&b);
  if (vb == nullptr) throw DeviceError("Vulkan: a buffer of another device was passed to VULKAN");
  return *vb;
}

void VulkanDevice::copy_in(DeviceBuffer& dst, const void* src, std::size_t bytes) { copier_.upload(own(dst), src, bytes); }

void VulkanDevice::copy_out(void* dst, DeviceBuffer& src, std::size_t bytes) { copier_.download(dst, own(src), bytes); }

std::string VulkanDevice::missing_features(DType d) const {
  std::string missing;
  for (std::string_view f : spirv::features_for(d))
    if (!ctx_->has_feature(f)) (missing += missing.empty() ? "" : ", ") += f;
  return missing;
}

std::string VulkanDevice::render(const KernelProgram& program) const {
  auto require = [&](DType d) {
    if (std::string missing = missing_features(d); !missing.empty())
      throw DeviceError("Vulkan: kernel '" + program.name + "' uses " + rt::name(d) + " but device " + ctx_->device_name() + " lacks " + missing);
  };
  for (const auto& p : program.params) require(p.dtype);
  for (const auto& in : program.insts) require(in.dtype);
  require(program.index_dtype);
  return spirv::render(program);
}

std::vector<std::uint8_t> VulkanDevice::compile(const std::string& source, const KernelProgram& program) {
  const std::vector<std::uint32_t> words = spirv::assemble_and_validate(source, program.name);
  std::vector<std::uint8_t> bytes(words.size() * 4);
  std::memcpy(bytes.data(), words.data(), bytes.size());
  return bytes;
}

std::unique_ptr<CompiledKernel> VulkanDevice::load(const std::vector<std::uint8_t>& binary, const KernelProgram& program) {
  return std::make_unique<VulkanKernel>(ctx_, binary, program);
}

void VulkanDevice::synchronize() {
  auto lock = ctx_->lock();
  ctx_->wait_all();
}

}  // namespace ctgrad::rt::vk

namespace ctgrad::rt {
bool register_vulkan_device() {
  return register_device("VULKAN", [] { return std::make_unique<vk::VulkanDevice>(); });
}
}  // namespace ctgrad::rt
