#pragma once
// The CUDA driver API, opened at run time with dlopen("libcuda.so.1"): a binary built with ctgrad's CUDA backend
// starts on machines without an NVIDIA driver and reports that as a DeviceError when the device is first used.
// cuda.h is read at build time only, for the exact signatures; the symbol names are the versioned ones cuda.h's
// macros would pick (cuMemAlloc_v2...), so no link-time libcuda is needed.
#include <cuda.h>

#include <string>

namespace ctgrad::rt::cuda {

class Driver {
 public:
  // The process-wide driver, loaded and initialized (cuInit) on first use; throws DeviceError when libcuda is
  // missing, lacks a symbol, or cuInit fails (no GPU). A failed load is retried on the next call.
  static Driver& get();

  // Throws DeviceError naming `call` and CUDA's error (OutOfMemory for CUDA_ERROR_OUT_OF_MEMORY) unless r is success.
  void check(CUresult r, const char* call) const;
  // "CUDA_ERROR_X (code): description" for any result code.
  std::string describe(CUresult r) const;
  // Makes ctx current on the calling thread (once per thread and context).
  void make_current(CUcontext ctx) const;

  decltype(&::cuInit) cuInit = nullptr;
  decltype(&::cuDriverGetVersion) cuDriverGetVersion = nullptr;
  decltype(&::cuGetErrorName) cuGetErrorName = nullptr;
  decltype(&::cuGetErrorString) cuGetErrorString = nullptr;
  decltype(&::cuDeviceGetCount) cuDeviceGetCount = nullptr;
  decltype(&::cuDeviceGet) cuDeviceGet = nullptr;
  decltype(&::cuDeviceGetName) cuDeviceGetName = nullptr;
  decltype(&::cuDeviceGetAttribute) cuDeviceGetAttribute = nullptr;
  decltype(&::cuDevicePrimaryCtxRetain) cuDevicePrimaryCtxRetain = nullptr;
  decltype(&::cuCtxSetCurrent) cuCtxSetCurrent = nullptr;
  decltype(&::cuCtxSynchronize) cuCtxSynchronize = nullptr;
  decltype(&::cuMemAlloc_v2) cuMemAlloc_v2 = nullptr;
  decltype(&::cuMemFree_v2) cuMemFree_v2 = nullptr;
  decltype(&::cuMemcpyHtoD_v2) cuMemcpyHtoD_v2 = nullptr;
  decltype(&::cuMemcpyDtoH_v2) cuMemcpyDtoH_v2 = nullptr;
  decltype(&::cuMemcpyDtoD_v2) cuMemcpyDtoD_v2 = nullptr;
  decltype(&::cuModuleLoadDataEx) cuModuleLoadDataEx = nullptr;
  decltype(&::cuModuleGetFunction) cuModuleGetFunction = nullptr;
  decltype(&::cuModuleUnload) cuModuleUnload = nullptr;
  decltype(&::cuLaunchKernel) cuLaunchKernel = nullptr;
  decltype(&::cuEventCreate) cuEventCreate = nullptr;
  decltype(&::cuEventDestroy_v2) cuEventDestroy_v2 = nullptr;
  decltype(&::cuEventRecord) cuEventRecord = nullptr;
  decltype(&::cuEventSynchronize) cuEventSynchronize = nullptr;
  // cuda.h 13 renames this to _v2; the original symbol has the same signature and exists in every driver.
  decltype(&::cuEventElapsedTime) cuEventElapsedTime = nullptr;

 private:
  Driver();
};

}  // namespace ctgrad::rt::cuda
