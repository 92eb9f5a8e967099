#include "vulkan_context.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "ctgrad/runtime/errors.hpp"

namespace ctgrad::rt::vk {

namespace {

constexpr std::uint32_t kMaxInFlight = 64;
constexpr std::uint32_t kMaxDescriptors = kMaxInFlight * 32;

std::string lower(std::string s) {
  std::ranges::transform(s, s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

const char* type_name(VkPhysicalDeviceType t) {
  switch (t) {
    case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU:
      return "discrete GPU";
    case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU:
      return "integrated GPU";
    case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU:
      return "virtual GPU";
    case VK_PHYSICAL_DEVICE_TYPE_CPU:
      return "CPU";
    default:
      return "other";
  }
}

}  // namespace

std::shared_ptr<Context> Context::open() {
  auto ctx = std::make_shared<Context>();
  auto app = make<VkApplicationInfo>(VK_STRUCTURE_TYPE_APPLICATION_INFO);
  app.pApplicationName = "ctgrad";
  app.apiVersion = VK_API_VERSION_1_2;
  auto info = make<VkInstanceCreateInfo>(VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO);
  info.pApplicationInfo = &app;
  check(ctx->api.vkCreateInstance(&info, nullptr, &ctx->instance), "vkCreateInstance");
  ctx->api.load_instance_functions(ctx->instance);
  ctx->choose_physical_device();
  ctx->create_device();
  ctx->create_pools();
  ctx->staging = ctx->properties.deviceType != VK_PHYSICAL_DEVICE_TYPE_CPU;
  if (const char* force = std::getenv("VULKAN_STAGING"); force != nullptr && *force != '\0') ctx->staging = std::string(force) != "0";
  return ctx;
}

void Context::choose_physical_device() {
  std::uint32_t count = 0;
  check(api.vkEnumeratePhysicalDevices(instance, &count, nullptr), "vkEnumeratePhysicalDevices");
  if (count == 0) throw DeviceError("Vulkan: no physical device (install a driver; mesa-vulkan-drivers provides the CPU device lavapipe)");
  std::vector<VkPhysicalDevice> devices(count);
  check(api.vkEnumeratePhysicalDevices(instance, &count, devices.data()), "vkEnumeratePhysicalDevices");
  std::vector<VkPhysicalDeviceProperties> props(count);
  std::string listing;
  for (std::uint32_t i = 0; i < count; ++i) {
    api.vkGetPhysicalDeviceProperties(devices[i], &props[i]);
    listing += "\n  " + std::to_string(i) + ": " + props[i].deviceName + " (" + type_name(props[i].deviceType) + ")";
  }
  std::size_t chosen = 0;
  const char* wanted = std::getenv("VULKAN_DEVICE");
  if (wanted != nullptr && *wanted != '\0') {
    const std::string w = wanted;
    if (std::ranges::all_of(w, [](unsigned char c) { return std::isdigit(c) != 0; })) {
      chosen = std::stoul(w);
      if (chosen >= count) throw DeviceError("Vulkan: VULKAN_DEVICE=" + w + " but there are only these devices:" + listing);
    } else {
      auto match = std::ranges::find_if(props, [&](const auto& p) { return lower(p.deviceName).find(lower(w)) != std::string::npos; });
      if (match == props.end()) throw DeviceError("Vulkan: no device name contains VULKAN_DEVICE=" + w + "; devices:" + listing);
      chosen = static_cast<std::size_t>(match - props.begin());
    }
  } else if (auto gpu = std::ranges::find(props, VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU, &VkPhysicalDeviceProperties::deviceType); gpu != props.end()) {
    chosen = static_cast<std::size_t>(gpu - props.begin());
  }
  physical = devices[chosen];
  properties = props[chosen];
  if (properties.apiVersion < VK_API_VERSION_1_2)
    throw DeviceError(std::string("Vulkan: device ") + properties.deviceName + " supports Vulkan " +
                      std::to_string(VK_API_VERSION_MAJOR(properties.apiVersion)) + '.' +
                      std::to_string(VK_API_VERSION_MINOR(properties.apiVersion)) + "; ctgrad's SPIR-V 1.5 kernels need 1.2");
  api.vkGetPhysicalDeviceMemoryProperties(physical, &memory);
}

void Context::create_device() {
  std::uint32_t families = 0;
  api.vkGetPhysicalDeviceQueueFamilyProperties(physical, &families, nullptr);
  std::vector<VkQueueFamilyProperties> family(families);
  api.vkGetPhysicalDeviceQueueFamilyProperties(physical, &families, family.data());
  auto compute = std::ranges::find_if(family, [](const auto& f) { return (f.queueFlags & VK_QUEUE_COMPUTE_BIT) != 0; });
  if (compute == family.end()) throw DeviceError(std::string("Vulkan: device ") + properties.deviceName + " has no compute queue");
  queue_family = static_cast<std::uint32_t>(compute - family.begin());

  // Query the optional features ctgrad's dtypes need, then enable exactly those that are present.
  auto has12 = make<VkPhysicalDeviceVulkan12Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
  auto has11 = make<VkPhysicalDeviceVulkan11Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES, &has12);
  auto has = make<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &has11);
  api.vkGetPhysicalDeviceFeatures2(physical, &has);
  auto use12 = make<VkPhysicalDeviceVulkan12Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES);
  auto use11 = make<VkPhysicalDeviceVulkan11Features>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_1_FEATURES, &use12);
  auto use = make<VkPhysicalDeviceFeatures2>(VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_FEATURES_2, &use11);
  // VULKAN_HIDE_FEATURES=shaderFloat64,... treats features as absent (tests use it to cover unsupported dtypes).
  const char* hide = std::getenv("VULKAN_HIDE_FEATURES");
  const std::string hidden = "," + std::string(hide != nullptr ? hide : "") + ",";
  auto take = [&](const char* feature, VkBool32 present, VkBool32& enable) {
    enable = present && hidden.find("," + std::string(feature) + ",") == std::string::npos;
    if (enable) features_.insert(feature);
  };
  take("shaderInt64", has.features.shaderInt64, use.features.shaderInt64);
  take("shaderFloat64", has.features.shaderFloat64, use.features.shaderFloat64);
  take("shaderInt16", has.features.shaderInt16, use.features.shaderInt16);
  take("storageBuffer16BitAccess", has11.storageBuffer16BitAccess, use11.storageBuffer16BitAccess);
  take("storageBuffer8BitAccess", has12.storageBuffer8BitAccess, use12.storageBuffer8BitAccess);
  take("shaderInt8", has12.shaderInt8, use12.shaderInt8);
  take("shaderFloat16", has12.shaderFloat16, use12.shaderFloat16);

  const float priority = 1.0f;
  auto queue_info = make<VkDeviceQueueCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO);
  queue_info.queueFamilyIndex = queue_family;
  queue_info.queueCount = 1;
  queue_info.pQueuePriorities = &priority;
  auto info = make<VkDeviceCreateInfo>(VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, &use);
  info.queueCreateInfoCount = 1;
  info.pQueueCreateInfos = &queue_info;
  check(api.vkCreateDevice(physical, &info, nullptr, &device), std::string("vkCreateDevice for ") + properties.deviceName);
  api.load_device_functions(device);
  api.vkGetDeviceQueue(device, queue_family, 0, &queue);
}

void Context::create_pools() {
  auto commands = make<VkCommandPoolCreateInfo>(VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO);
  commands.queueFamilyIndex = queue_family;
  check(api.vkCreateCommandPool(device, &commands, nullptr, &command_pool_), "vkCreateCommandPool");
  VkDescriptorPoolSize size{VK_DESCRIPTOR_TYPE_STORAGE_BUFFER, kMaxDescriptors};
  auto descriptors = make<VkDescriptorPoolCreateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO);
  descriptors.maxSets = kMaxInFlight;
  descriptors.poolSizeCount = 1;
  descriptors.pPoolSizes = &size;
  check(api.vkCreateDescriptorPool(device, &descriptors, nullptr, &descriptor_pool_), "vkCreateDescriptorPool");
}

Context::~Context() {
  if (device != VK_NULL_HANDLE) {
    api.vkDeviceWaitIdle(device);
    for (VkFence f : fences_) api.vkDestroyFence(device, f, nullptr);
    if (descriptor_pool_ != VK_NULL_HANDLE) api.vkDestroyDescriptorPool(device, descriptor_pool_, nullptr);
    if (command_pool_ != VK_NULL_HANDLE) api.vkDestroyCommandPool(device, command_pool_, nullptr);
    api.vkDestroyDevice(device, nullptr);
  }
  if (instance != VK_NULL_HANDLE) api.vkDestroyInstance(instance, nullptr);
}

std::uint32_t Context::memory_type(std::uint32_t type_bits, VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred) const {
  std::uint32_t fallback = UINT32_MAX;
  for (std::uint32_t i = 0; i < memory.memoryTypeCount; ++i) {
    const VkMemoryPropertyFlags flags = memory.memoryTypes[i].propertyFlags;
    if ((type_bits & (1u << i)) == 0 || (flags & required) != required) continue;
    if ((flags & preferred) == preferred) return i;
    if (fallback == UINT32_MAX) fallback = i;
  }
  if (fallback == UINT32_MAX) throw DeviceError(std::string("Vulkan: device ") + properties.deviceName + " has no suitable memory type");
  return fallback;
}

void Context::reserve(std::uint32_t descriptors) {
  if (descriptors > kMaxDescriptors)
    throw DeviceError("Vulkan: a kernel with " + std::to_string(descriptors) + " buffers exceeds ctgrad's descriptor pool");
  if (commands_used_ + 1 > kMaxInFlight || sets_used_ + 1 > kMaxInFlight || descriptors_used_ + descriptors > kMaxDescriptors) wait_all();
}

VkDescriptorSet Context::allocate_descriptor_set(VkDescriptorSetLayout layout, std::uint32_t descriptors) {
  auto info = make<VkDescriptorSetAllocateInfo>(VK_STRUCTURE_TYPE_DESCRIPTOR_SET_ALLOCATE_INFO);
  info.descriptorPool = descriptor_pool_;
  info.descriptorSetCount = 1;
  info.pSetLayouts = &layout;
  VkDescriptorSet set = VK_NULL_HANDLE;
  check(api.vkAllocateDescriptorSets(device, &info, &set), "vkAllocateDescriptorSets");
  ++sets_used_;
  descriptors_used_ += descriptors;
  return set;
}

VkCommandBuffer Context::begin_commands() {
  if (commands_used_ >= kMaxInFlight) wait_all();  // never after a reserve(), which left room for this one
  if (commands_used_ == command_buffers_.size()) {
    auto info = make<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
    info.commandPool = command_pool_;
    info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    info.commandBufferCount = 1;
    VkCommandBuffer cb = VK_NULL_HANDLE;
    check(api.vkAllocateCommandBuffers(device, &info, &cb), "vkAllocateCommandBuffers");
    command_buffers_.push_back(cb);
    auto fence_info = make<VkFenceCreateInfo>(VK_STRUCTURE_TYPE_FENCE_CREATE_INFO);
    VkFence fence = VK_NULL_HANDLE;
    check(api.vkCreateFence(device, &fence_info, nullptr, &fence), "vkCreateFence");
    fences_.push_back(fence);
  }
  VkCommandBuffer cb = command_buffers_[commands_used_];
  auto begin = make<VkCommandBufferBeginInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO);
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  check(api.vkBeginCommandBuffer(cb, &begin), "vkBeginCommandBuffer");
  auto after_earlier_writes = make<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
  after_earlier_writes.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  after_earlier_writes.dstAccessMask =
      VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  const VkPipelineStageFlags stages = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
  api.vkCmdPipelineBarrier(cb, stages, stages, 0, 1, &after_earlier_writes, 0, nullptr, 0, nullptr);
  return cb;
}

std::uint64_t Context::submit(VkCommandBuffer commands) {
  // Make this submission's writes visible to host reads (mapped buffers) once its fence has signalled.
  auto to_host = make<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
  to_host.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  to_host.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
  api.vkCmdPipelineBarrier(commands, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1,
                           &to_host, 0, nullptr, 0, nullptr);
  check(api.vkEndCommandBuffer(commands), "vkEndCommandBuffer");
  auto info = make<VkSubmitInfo>(VK_STRUCTURE_TYPE_SUBMIT_INFO);
  info.commandBufferCount = 1;
  info.pCommandBuffers = &commands;
  check(api.vkQueueSubmit(queue, 1, &info, fences_[commands_used_]), "vkQueueSubmit");
  ++commands_used_;
  return ++submitted_;
}

void Context::wait_all() {
  if (commands_used_ > 0) {
    const auto n = static_cast<std::uint32_t>(commands_used_);
    check(api.vkWaitForFences(device, n, fences_.data(), VK_TRUE, UINT64_MAX), "vkWaitForFences");
    check(api.vkResetFences(device, n, fences_.data()), "vkResetFences");
    check(api.vkResetCommandPool(device, command_pool_, 0), "vkResetCommandPool");
    commands_used_ = 0;
  }
  if (sets_used_ > 0) check(api.vkResetDescriptorPool(device, descriptor_pool_, 0), "vkResetDescriptorPool");
  sets_used_ = descriptors_used_ = 0;
  completed_ = submitted_;
}

}  // namespace ctgrad::rt::vk
