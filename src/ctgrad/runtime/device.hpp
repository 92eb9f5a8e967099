#pragma once
// What a device is to the dynamic core: memory, copies, and a render -> compile -> load pipeline for kernel programs.
// Backends live in kernels/<target>/ (and the header-only C backend under runtime/c/); each registers a factory.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "ctgrad/runtime/errors.hpp"
#include "ctgrad/runtime/kernel_program.hpp"

namespace ctgrad::rt {

// Device memory. Backends derive from it; the core only passes it back to the same device.
struct DeviceBuffer {
  explicit DeviceBuffer(std::size_t n) : bytes(n) {}
  virtual ~DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  std::size_t bytes;
};

// A loaded kernel. `run` launches it over program.global_size invocations with bufs[i] bound to params[i].
// It may return before the kernel finishes; Device::synchronize waits.
class CompiledKernel {
 public:
  virtual ~CompiledKernel() = default;
  virtual void run(std::span<DeviceBuffer* const> bufs, const KernelProgram& program) = 0;
};

class Device {
 public:
  virtual ~Device() = default;
  virtual std::string name() const = 0;
  // Identifies the compiler and target; part of the disk cache key, so a binary is never loaded by the wrong target.
  virtual std::string compiler_id() const = 0;
  virtual std::shared_ptr<DeviceBuffer> alloc(std::size_t bytes) = 0;  // throws OutOfMemory
  virtual void copy_in(DeviceBuffer& dst, const void* src, std::size_t bytes) = 0;
  virtual void copy_out(void* dst, DeviceBuffer& src, std::size_t bytes) = 0;
  virtual std::string render(const KernelProgram& program) const = 0;  // source text (DEBUG=4 prints it)
  // Source -> a self-contained binary the same device can load later (cached on disk). Throws CompileError.
  virtual std::vector<std::uint8_t> compile(const std::string& source, const KernelProgram& program) = 0;
  virtual std::unique_ptr<CompiledKernel> load(const std::vector<std::uint8_t>& binary, const KernelProgram& program) = 0;
  virtual void synchronize() {}
  virtual bool supports(DType) const { return true; }
  // Whether the renderer takes block-shared arrays and barriers (KOp::Shared, KOp::Barrier: the optimizer's STAGE).
  virtual bool renders_shared_memory() const { return false; }
  // What the device is, for people: the processor it runs on and how it compiles (ctgrad::Device::describe).
  virtual std::string description() const { return compiler_id(); }
};

using DeviceFactory = std::function<std::unique_ptr<Device>()>;

namespace detail {
struct DeviceRegistry {
  std::mutex mutex;
  std::map<std::string, DeviceFactory> factories;
  std::map<std::string, std::unique_ptr<Device>> open;
};
inline DeviceRegistry& registry() {
  static DeviceRegistry r;
  return r;
}
}  // namespace detail

// Backends call this once (from a static initializer); a later registration of the same name replaces it.
inline bool register_device(const std::string& name, DeviceFactory factory) {
  auto& r = detail::registry();
  std::lock_guard lock(r.mutex);
  r.factories[name] = std::move(factory);
  return true;
}

inline std::vector<std::string> device_names() {
  auto& r = detail::registry();
  std::lock_guard lock(r.mutex);
  std::vector<std::string> names;
  for (auto& [n, f] : r.factories) names.push_back(n);
  return names;
}

// The device called `name`, opened on first use. Throws DeviceError for unknown names or an unavailable driver.
inline Device& device(const std::string& name) {
  auto& r = detail::registry();
  std::lock_guard lock(r.mutex);
  if (auto it = r.open.find(name); it != r.open.end()) return *it->second;
  auto f = r.factories.find(name);
  if (f == r.factories.end()) {
    std::string known;
    for (auto& [n, fac] : r.factories) known += (known.empty() ? "" : ", ") + n;
    throw DeviceError("ctgrad: unknown device '" + name + "' (built with: " + known + ")");
  }
  auto dev = f->second();
  return *r.open.emplace(name, std::move(dev)).first->second;
}

}  // namespace ctgrad::rt
