#pragma once
// One Vulkan device opened for ctgrad: instance, the chosen physical device, its features and memory types, one
// compute queue, and the ring of command buffers and fences that orders and tracks submitted work.
//
// Device choice: VULKAN_DEVICE=<index or part of the device name> if set, else the first discrete GPU, else the
// first device. Memory: DEVICE_LOCAL buffers with staging copies on GPUs, host-visible buffers on CPU devices
// (lavapipe); VULKAN_STAGING=1 or 0 forces either (the tests use it to cover the staging path on lavapipe).
// VULKAN_HIDE_FEATURES=<comma-separated feature names> leaves those features off, as on a device without them.
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "vulkan_api.hpp"

namespace ctgrad::rt::vk {

// True once the process has begun to exit. Programs that tore Vulkan down from static destructors (the device
// registry, the kernel cache) crashed at exit on NVIDIA's driver (H200, 580.159): its own exit handlers, registered
// when it loaded, run first. So destructors running during exit make no Vulkan calls and leave the rest to the OS.
bool process_exiting();
// Registers the exit handler that sets it. Handlers run in reverse order of registration, so call this after each
// step that may load driver code (instance and device creation, the first pipeline): it then runs before theirs.
void watch_process_exit();

class Context {
 public:
  static std::shared_ptr<Context> open();  // throws DeviceError naming the reason (no loader, no device...)
  Context() = default;
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  bool has_feature(std::string_view name) const { return features_.contains(std::string(name)); }
  std::string device_name() const { return properties.deviceName; }
  // The first memory type allowed by `type_bits` with every `required` flag, preferring one that also has `preferred`.
  std::uint32_t memory_type(std::uint32_t type_bits, VkMemoryPropertyFlags required, VkMemoryPropertyFlags preferred) const;

  // Work submission through a ring of command buffers, each with its fence. Every command buffer ends with a
  // barrier before all later compute, transfer and host access, so submissions run in order; and a fence signalled
  // by vkQueueSubmit covers every earlier submission too, so one fence tells that all work up to its serial finished.
  // begin_commands waits only when the ring's next slot is still running; nothing may throw between it and submit.
  // Waits on GPUs poll the fence for up to kSpinWait before blocking: a blocking wait wakes about 30 us late on
  // NVIDIA's driver, longer than a small kernel runs.
  VkCommandBuffer begin_commands();
  std::uint64_t submit(VkCommandBuffer commands);  // returns the submission's serial (1, 2, ...)
  void wait_until(std::uint64_t serial);                  // until submission `serial` (and all before it) finished
  void wait_all() { wait_until(submitted_); }
  // Vulkan leaves the queue, command buffers, descriptor sets and our free lists to the caller to synchronize: every
  // entry point from the core (copies, kernel runs, buffers made and freed, waits) holds this, so threads may realize
  // at once. Recursive: a copy allocates its staging buffer from the pool.
  std::unique_lock<std::recursive_mutex> lock() { return std::unique_lock(mutex_); }

  Api api;
  VkInstance instance = VK_NULL_HANDLE;
  VkPhysicalDevice physical = VK_NULL_HANDLE;
  VkDevice device = VK_NULL_HANDLE;
  VkQueue queue = VK_NULL_HANDLE;
  std::uint32_t queue_family = 0;
  VkPhysicalDeviceProperties properties{};
  VkPhysicalDeviceMemoryProperties memory{};
  bool staging = false;

 private:
  std::recursive_mutex mutex_;
  struct Slot {
    VkCommandBuffer commands = VK_NULL_HANDLE;
    VkFence fence = VK_NULL_HANDLE;
    std::uint64_t serial = 0;  // of the submission that last used it; 0 when never used
  };

  void choose_physical_device();
  void create_device();
  Slot& ring_slot(std::uint64_t serial) { return ring_[(serial - 1) % kRingSize]; }

  std::set<std::string, std::less<>> features_;  // names of the VkPhysicalDevice*Features members ctgrad uses
  VkCommandPool command_pool_ = VK_NULL_HANDLE;
  static constexpr std::uint64_t kRingSize = 64;  // submissions in flight before begin_commands waits
  static constexpr std::chrono::microseconds kSpinWait{2000};
  bool spin_wait_ = false;  // on GPUs; a CPU device (lavapipe) needs the cores a spinning wait would take
  std::vector<Slot> ring_;                          // grows to kRingSize; submission s uses slot (s - 1) % kRingSize
  std::uint64_t submitted_ = 0, completed_ = 0;  // every submission up to completed_ has finished
};

}  // namespace ctgrad::rt::vk
