#include "vulkan_api.hpp"

#include <dlfcn.h>

#include "ctgrad/runtime/errors.hpp"

namespace ctgrad::rt::vk {

namespace {

template <class Fn>
void resolve(Fn& fn, PFN_vkVoidFunction address, const char* name) {
  if (address == nullptr) throw DeviceError(std::string("Vulkan: the loader has no entry point ") + name);
  fn = reinterpret_cast<Fn>(address);
}

}  // namespace

Api::Api() {
  library = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr)
    throw DeviceError(std::string("Vulkan: cannot load the Vulkan loader libvulkan.so.1 (") + dlerror() +
                      "); install libvulkan1 and a driver (mesa-vulkan-drivers for the CPU device lavapipe)");
  vkGetInstanceProcAddr = reinterpret_cast<PFN_vkGetInstanceProcAddr>(dlsym(library, "vkGetInstanceProcAddr"));
  if (vkGetInstanceProcAddr == nullptr) throw DeviceError("Vulkan: libvulkan.so.1 has no vkGetInstanceProcAddr");
  resolve(vkCreateInstance, vkGetInstanceProcAddr(nullptr, "vkCreateInstance"), "vkCreateInstance");
}

// The loader stays loaded for the life of the process: closing it could unload the driver while the driver's threads
// and exit handlers remain (see process_exiting in vulkan_context.hpp). dlopen's count shares one loader between Apis.
Api::~Api() = default;

// One line per entry point; the macro only saves writing each name twice.
#define CTGRAD_VK_INSTANCE_FN(fn) resolve(fn, vkGetInstanceProcAddr(instance, #fn), #fn)
#define CTGRAD_VK_DEVICE_FN(fn) resolve(fn, vkGetDeviceProcAddr(device, #fn), #fn)

void Api::load_instance_functions(VkInstance instance) {
  CTGRAD_VK_INSTANCE_FN(vkDestroyInstance);
  CTGRAD_VK_INSTANCE_FN(vkEnumeratePhysicalDevices);
  CTGRAD_VK_INSTANCE_FN(vkGetPhysicalDeviceProperties);
  CTGRAD_VK_INSTANCE_FN(vkGetPhysicalDeviceFeatures2);
  CTGRAD_VK_INSTANCE_FN(vkGetPhysicalDeviceQueueFamilyProperties);
  CTGRAD_VK_INSTANCE_FN(vkGetPhysicalDeviceMemoryProperties);
  CTGRAD_VK_INSTANCE_FN(vkCreateDevice);
  CTGRAD_VK_INSTANCE_FN(vkGetDeviceProcAddr);
}

void Api::load_device_functions(VkDevice device) {
  CTGRAD_VK_DEVICE_FN(vkDestroyDevice);
  CTGRAD_VK_DEVICE_FN(vkDeviceWaitIdle);
  CTGRAD_VK_DEVICE_FN(vkGetDeviceQueue);
  CTGRAD_VK_DEVICE_FN(vkCreateBuffer);
  CTGRAD_VK_DEVICE_FN(vkDestroyBuffer);
  CTGRAD_VK_DEVICE_FN(vkGetBufferMemoryRequirements);
  CTGRAD_VK_DEVICE_FN(vkAllocateMemory);
  CTGRAD_VK_DEVICE_FN(vkFreeMemory);
  CTGRAD_VK_DEVICE_FN(vkBindBufferMemory);
  CTGRAD_VK_DEVICE_FN(vkMapMemory);
  CTGRAD_VK_DEVICE_FN(vkCreateShaderModule);
  CTGRAD_VK_DEVICE_FN(vkDestroyShaderModule);
  CTGRAD_VK_DEVICE_FN(vkCreateDescriptorSetLayout);
  CTGRAD_VK_DEVICE_FN(vkDestroyDescriptorSetLayout);
  CTGRAD_VK_DEVICE_FN(vkCreatePipelineLayout);
  CTGRAD_VK_DEVICE_FN(vkDestroyPipelineLayout);
  CTGRAD_VK_DEVICE_FN(vkCreateComputePipelines);
  CTGRAD_VK_DEVICE_FN(vkDestroyPipeline);
  CTGRAD_VK_DEVICE_FN(vkCreateDescriptorPool);
  CTGRAD_VK_DEVICE_FN(vkDestroyDescriptorPool);
  CTGRAD_VK_DEVICE_FN(vkAllocateDescriptorSets);
  CTGRAD_VK_DEVICE_FN(vkUpdateDescriptorSets);
  CTGRAD_VK_DEVICE_FN(vkCreateCommandPool);
  CTGRAD_VK_DEVICE_FN(vkDestroyCommandPool);
  CTGRAD_VK_DEVICE_FN(vkFreeCommandBuffers);
  CTGRAD_VK_DEVICE_FN(vkAllocateCommandBuffers);
  CTGRAD_VK_DEVICE_FN(vkBeginCommandBuffer);
  CTGRAD_VK_DEVICE_FN(vkEndCommandBuffer);
  CTGRAD_VK_DEVICE_FN(vkCmdBindPipeline);
  CTGRAD_VK_DEVICE_FN(vkCmdBindDescriptorSets);
  CTGRAD_VK_DEVICE_FN(vkCmdDispatch);
  CTGRAD_VK_DEVICE_FN(vkCmdPipelineBarrier);
  CTGRAD_VK_DEVICE_FN(vkCmdCopyBuffer);
  CTGRAD_VK_DEVICE_FN(vkQueueSubmit);
  CTGRAD_VK_DEVICE_FN(vkCreateFence);
  CTGRAD_VK_DEVICE_FN(vkDestroyFence);
  CTGRAD_VK_DEVICE_FN(vkWaitForFences);
  CTGRAD_VK_DEVICE_FN(vkResetFences);
  CTGRAD_VK_DEVICE_FN(vkGetFenceStatus);
}

#undef CTGRAD_VK_INSTANCE_FN
#undef CTGRAD_VK_DEVICE_FN

const char* result_name(VkResult r) {
  switch (r) {
    case VK_SUCCESS:
      return "VK_SUCCESS";
    case VK_NOT_READY:
      return "VK_NOT_READY";
    case VK_TIMEOUT:
      return "VK_TIMEOUT";
    case VK_ERROR_OUT_OF_HOST_MEMORY:
      return "VK_ERROR_OUT_OF_HOST_MEMORY";
    case VK_ERROR_OUT_OF_DEVICE_MEMORY:
      return "VK_ERROR_OUT_OF_DEVICE_MEMORY";
    case VK_ERROR_INITIALIZATION_FAILED:
      return "VK_ERROR_INITIALIZATION_FAILED";
    case VK_ERROR_DEVICE_LOST:
      return "VK_ERROR_DEVICE_LOST";
    case VK_ERROR_MEMORY_MAP_FAILED:
      return "VK_ERROR_MEMORY_MAP_FAILED";
    case VK_ERROR_LAYER_NOT_PRESENT:
      return "VK_ERROR_LAYER_NOT_PRESENT";
    case VK_ERROR_EXTENSION_NOT_PRESENT:
      return "VK_ERROR_EXTENSION_NOT_PRESENT";
    case VK_ERROR_FEATURE_NOT_PRESENT:
      return "VK_ERROR_FEATURE_NOT_PRESENT";
    case VK_ERROR_INCOMPATIBLE_DRIVER:
      return "VK_ERROR_INCOMPATIBLE_DRIVER (no Vulkan driver found)";
    case VK_ERROR_TOO_MANY_OBJECTS:
      return "VK_ERROR_TOO_MANY_OBJECTS";
    case VK_ERROR_OUT_OF_POOL_MEMORY:
      return "VK_ERROR_OUT_OF_POOL_MEMORY";
    case VK_ERROR_FRAGMENTED_POOL:
      return "VK_ERROR_FRAGMENTED_POOL";
    case VK_ERROR_INVALID_SHADER_NV:
      return "VK_ERROR_INVALID_SHADER_NV";
    default:
      return "an unnamed VkResult";
  }
}

void check(VkResult r, const std::string& what) {
  if (r == VK_SUCCESS) return;
  const std::string message = "Vulkan: " + what + " failed: " + result_name(r) + " (" + std::to_string(static_cast<int>(r)) + ")";
  if (r == VK_ERROR_OUT_OF_HOST_MEMORY || r == VK_ERROR_OUT_OF_DEVICE_MEMORY) throw OutOfMemory(message);
  throw DeviceError(message);
}

}  // namespace ctgrad::rt::vk
