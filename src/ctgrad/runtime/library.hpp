#pragma once
// What libctgrad exports: the dynamic core's entry points that the typed front end calls. A program's own
// translation units see only these declarations and the light graph headers, so they compile only what their own
// shapes need; lowering, the kernel optimizer, the renderers and the kernel cache are compiled once, in the library.
//
// Define CTGRAD_HEADER_ONLY (before any ctgrad header, or with -DCTGRAD_HEADER_ONLY, in every translation unit) to
// compile the core into the program as inline code instead, with nothing to link ({fmt}'s FMT_HEADER_ONLY). A
// program uses one way or the other: it never links libctgrad into translation units built header-only.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "ctgrad/runtime/api.hpp"
#include "ctgrad/runtime/buffer.hpp"
#include "ctgrad/runtime/tensor_impl.hpp"


namespace ctgrad {
// The device tensors are created on: env DEVICE=C|LLVM|CUDA|VULKAN, else LLVM when the build has it, else C.
CTGRAD_API std::string default_device();
}  // namespace ctgrad

namespace ctgrad::rt {
// Computes several nodes as one schedule (shared subgraphs once, one DEBUG summary); returns their buffers in order.
CTGRAD_API std::vector<std::shared_ptr<Buffer>> realize_all(const std::vector<std::pair<UOpPtr, std::string>>& nodes);
// Computes `node` on `device` (and everything it needs); returns its buffer.
CTGRAD_API std::shared_ptr<Buffer> realize(const UOpPtr& node, const std::string& device);
// The tensor's values in a buffer of its own row-major layout.
CTGRAD_API std::shared_ptr<Buffer> contiguous_buffer(const TensorImpl& t);
CTGRAD_API void requires_grad(const ImplPtr& t, bool on);
CTGRAD_API void backward(const TensorImpl& loss);
CTGRAD_API std::vector<ImplPtr> gradients(const TensorImpl& loss, const std::vector<const TensorImpl*>& targets);
CTGRAD_API void assign(const ImplPtr& t, const TensorImpl& src);
// t's values on `device` in a new leaf buffer (t itself when it is there already); throws DeviceError naming an
// unknown device.
CTGRAD_API ImplPtr to_device(const ImplPtr& t, const std::string& device);
}  // namespace ctgrad::rt

namespace ctgrad::viz {
// Writes the VIZ page now, to `path` (empty: $VIZ_PATH, else ./ctgrad_viz.html), and returns the path written. With
// VIZ=1 the page is also written at exit; without it, nothing is recorded unless enable() was called.
CTGRAD_API std::string write(const std::string& path = "");
CTGRAD_API bool enabled();
CTGRAD_API void enable(bool on = true);
}  // namespace ctgrad::viz

#ifdef CTGRAD_HEADER_ONLY
#include "ctgrad/runtime/library_impl.hpp"  // NOLINT: the definitions follow their declarations
#endif
