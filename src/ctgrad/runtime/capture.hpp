#pragma once
// Capturing what a computation launches (for ctgrad::jit): every kernel run with its buffers, in order, and every
// tensor assign() rebinds, so a replay can run the kernels again and move the new state back to where they read it.
#include <memory>
#include <vector>

#include "ctgrad/runtime/buffer.hpp"
#include "ctgrad/runtime/device.hpp"
#include "ctgrad/runtime/kernel_program.hpp"

namespace ctgrad::rt {

struct TensorImpl;

struct CapturedKernel {
  Device* device;
  std::shared_ptr<CompiledKernel> kernel;
  KernelProgram program;
  std::vector<std::shared_ptr<Buffer>> params;
};
struct CapturedAssign {
  std::weak_ptr<TensorImpl> tensor;
  std::shared_ptr<Buffer> before;  // the buffer the tensor held when assign() rebound it
};
struct Capture {
  std::vector<CapturedKernel> kernels;
  std::vector<CapturedAssign> assigns;
};

// The capture in progress on this thread, or null.
inline Capture*& active_capture() {
  thread_local Capture* capture = nullptr;
  return capture;
}

}  // namespace ctgrad::rt
