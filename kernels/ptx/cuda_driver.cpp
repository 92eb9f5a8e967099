#include "cuda_driver.hpp"

#include <dlfcn.h>

#include <string>

#include "ctgrad/runtime/errors.hpp"

namespace ctgrad::rt::cuda {

namespace {

constexpr const char* kLibrary = "libcuda.so.1";

template <class Fn>
void bind(void* lib, Fn& fn, const char* symbol) {
  fn = reinterpret_cast<Fn>(dlsym(lib, symbol));
  if (fn == nullptr) throw DeviceError(std::string("CUDA: ") + kLibrary + " has no symbol " + symbol + " (NVIDIA driver too old?)");
}

}  // namespace

Driver::Driver() {
  void* lib = dlopen(kLibrary, RTLD_NOW | RTLD_LOCAL);
  if (lib == nullptr) {
    const char* why = dlerror();
    throw DeviceError(std::string("CUDA: cannot load the NVIDIA driver library ") + kLibrary +
                      " (no NVIDIA driver installed on this machine?): " + (why ? why : "unknown dlopen error"));
  }
  // The library stays loaded for the life of the process: device memory and modules may be freed at exit.
  bind(lib, cuInit, "cuInit");
  bind(lib, cuDriverGetVersion, "cuDriverGetVersion");
  bind(lib, cuGetErrorName, "cuGetErrorName");
  bind(lib, cuGetErrorString, "cuGetErrorString");
  bind(lib, cuDeviceGetCount, "cuDeviceGetCount");
  bind(lib, cuDeviceGet, "cuDeviceGet");
  bind(lib, cuDeviceGetName, "cuDeviceGetName");
  bind(lib, cuDeviceGetAttribute, "cuDeviceGetAttribute");
  bind(lib, cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  bind(lib, cuCtxSetCurrent, "cuCtxSetCurrent");
  bind(lib, cuCtxSynchronize, "cuCtxSynchronize");
  bind(lib, cuMemAlloc_v2, "cuMemAlloc_v2");
  bind(lib, cuMemFree_v2, "cuMemFree_v2");
  bind(lib, cuMemcpyHtoD_v2, "cuMemcpyHtoD_v2");
  bind(lib, cuMemcpyDtoH_v2, "cuMemcpyDtoH_v2");
  bind(lib, cuMemcpyDtoD_v2, "cuMemcpyDtoD_v2");
  bind(lib, cuModuleLoadDataEx, "cuModuleLoadDataEx");
  bind(lib, cuModuleGetFunction, "cuModuleGetFunction");
  bind(lib, cuModuleUnload, "cuModuleUnload");
  bind(lib, cuLaunchKernel, "cuLaunchKernel");
  bind(lib, cuEventCreate, "cuEventCreate");
  bind(lib, cuEventDestroy_v2, "cuEventDestroy_v2");
  bind(lib, cuEventRecord, "cuEventRecord");
  bind(lib, cuEventSynchronize, "cuEventSynchronize");
  bind(lib, cuEventElapsedTime, "cuEventElapsedTime");
  check(cuInit(0), "cuInit");
}

Driver& Driver::get() {
  // Never destroyed: buffers and modules released during static destruction still find the driver.
  static Driver* driver = new Driver();
  return *driver;
}

std::string Driver::describe(CUresult r) const {
  const char* name = nullptr;
  const char* text = nullptr;
  if (cuGetErrorName(r, &name) != CUDA_SUCCESS) name = nullptr;
  if (cuGetErrorString(r, &text) != CUDA_SUCCESS) text = nullptr;
  std::string out = name ? name : "unknown CUDA error";
  out += " (" + std::to_string(static_cast<int>(r)) + ")";
  if (text) out += std::string(": ") + text;
  return out;
}

void Driver::check(CUresult r, const char* call) const {
  if (r == CUDA_SUCCESS) return;
  std::string message = std::string("CUDA: ") + call + " failed: " + describe(r);
  if (r == CUDA_ERROR_OUT_OF_MEMORY) throw OutOfMemory(message);
  throw DeviceError(message);
}

void Driver::make_current(CUcontext ctx) const {
  thread_local CUcontext current = nullptr;
  if (current == ctx) return;
  check(cuCtxSetCurrent(ctx), "cuCtxSetCurrent");
  current = ctx;
}

}  // namespace ctgrad::rt::cuda
