#include "vulkan_context.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstdlib>

#include "ctgrad/runtime/errors.hpp"

namespace ctgrad::rt::vk {

namespace {

std::atomic<bool> exiting{false};

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

bool process_exiting() { return exiting.load(std::memory_order_relaxed); }

void watch_process_exit() { std::atexit([] { exiting.store(true, std::memory_order_relaxed); }); }

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
  watch_process_exit();
  ctx->spin_wait_ = ctx->properties.deviceType != VK_PHYSICAL_DEVICE_TYPE_CPU;
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
  auto commands = make<VkCommandPoolCreateInfo>(VK_STRUCTURE_TYPE_COMMAND_POOL_CREATE_INFO);
  commands.flags = VK_COMMAND_POOL_CREATE_RESET_COMMAND_BUFFER_BIT;  // each ring slot is re-recorded on its own
  commands.queueFamilyIndex = queue_family;
  check(api.vkCreateCommandPool(device, &commands, nullptr, &command_pool_), "vkCreateCommandPool");
  ring_.reserve(kRingSize);
}

Context::~Context() {
  if (process_exiting()) return;  // the driver may be torn down already; the OS reclaims everything
  if (device != VK_NULL_HANDLE) {
    api.vkDeviceWaitIdle(device);
    for (const Slot& slot : ring_) api.vkDestroyFence(device, slot.fence, nullptr);
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

VkCommandBuffer Context::begin_commands() {
  if (ring_.size() < kRingSize && submitted_ == ring_.size()) {
    Slot slot;
    auto info = make<VkCommandBufferAllocateInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_ALLOCATE_INFO);
    info.commandPool = command_pool_;
    info.level = VK_COMMAND_BUFFER_LEVEL_PRIMARY;
    info.commandBufferCount = 1;
    check(api.vkAllocateCommandBuffers(device, &info, &slot.commands), "vkAllocateCommandBuffers");
    auto fence_info = make<VkFenceCreateInfo>(VK_STRUCTURE_TYPE_FENCE_CREATE_INFO);
    if (VkResult r = api.vkCreateFence(device, &fence_info, nullptr, &slot.fence); r != VK_SUCCESS) {
      api.vkFreeCommandBuffers(device, command_pool_, 1, &slot.commands);
      check(r, "vkCreateFence");
    }
    ring_.push_back(slot);
  }
  Slot& slot = ring_slot(submitted_ + 1);
  if (slot.serial != 0) {  // the slot's previous submission must finish before its buffer and fence are reused
    wait_until(slot.serial);
    check(api.vkResetFences(device, 1, &slot.fence), "vkResetFences");
    slot.serial = 0;
  }
  VkCommandBuffer cb = slot.commands;
  auto begin = make<VkCommandBufferBeginInfo>(VK_STRUCTURE_TYPE_COMMAND_BUFFER_BEGIN_INFO);
  begin.flags = VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT;
  check(api.vkBeginCommandBuffer(cb, &begin), "vkBeginCommandBuffer");
  return cb;
}

std::uint64_t Context::submit(VkCommandBuffer commands) {
  // A barrier's second scope is every later command in submission order, later submissions included: this one
  // orders the next kernels and copies after this work (reads after writes, and writes after reads: a buffer may
  // be reused at once), and makes its writes visible to host reads of mapped buffers once the fence has signalled.
  auto before_later_work = make<VkMemoryBarrier>(VK_STRUCTURE_TYPE_MEMORY_BARRIER);
  before_later_work.srcAccessMask = VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_WRITE_BIT;
  before_later_work.dstAccessMask = VK_ACCESS_SHADER_READ_BIT | VK_ACCESS_SHADER_WRITE_BIT | VK_ACCESS_TRANSFER_READ_BIT |
                                    VK_ACCESS_TRANSFER_WRITE_BIT | VK_ACCESS_HOST_READ_BIT;
  const VkPipelineStageFlags work = VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT | VK_PIPELINE_STAGE_TRANSFER_BIT;
  api.vkCmdPipelineBarrier(commands, work, work | VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &before_later_work, 0, nullptr, 0, nullptr);
  check(api.vkEndCommandBuffer(commands), "vkEndCommandBuffer");
  auto info = make<VkSubmitInfo>(VK_STRUCTURE_TYPE_SUBMIT_INFO);
  info.commandBufferCount = 1;
  info.pCommandBuffers = &commands;
  Slot& slot = ring_slot(submitted_ + 1);
  check(api.vkQueueSubmit(queue, 1, &info, slot.fence), "vkQueueSubmit");
  slot.serial = ++submitted_;
  return submitted_;
}

void Context::wait_until(std::uint64_t serial) {
  if (serial <= completed_) return;
  if (serial > submitted_) throw DeviceError("Vulkan: waiting for submission " + std::to_string(serial) + ", which was never made");
  Slot& slot = ring_slot(serial);  // still this submission's: reusing the slot would have waited for it
  if (spin_wait_) {
    const auto give_up = std::chrono::steady_clock::now() + kSpinWait;
    do {
      const VkResult r = api.vkGetFenceStatus(device, slot.fence);
      if (r == VK_SUCCESS) {
        completed_ = serial;
        return;
      }
      if (r != VK_NOT_READY) check(r, "vkGetFenceStatus");
    } while (std::chrono::steady_clock::now() < give_up);
  }
  check(api.vkWaitForFences(device, 1, &slot.fence, VK_TRUE, UINT64_MAX), "vkWaitForFences");
  completed_ = serial;
}

}  // namespace ctgrad::rt::vk
