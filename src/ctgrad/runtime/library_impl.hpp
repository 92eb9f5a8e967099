#pragma once
// The definitions of libctgrad's entry points (library.hpp): compiled once into the library (src/lib/ctgrad.cpp),
// or inline into every translation unit with CTGRAD_HEADER_ONLY.
#include "ctgrad/runtime/implementation.hpp"
//
#include "ctgrad/runtime/autograd_impl.hpp"
#include "ctgrad/runtime/buffer_impl.hpp"
#include "ctgrad/runtime/handle_impl.hpp"
#include "ctgrad/runtime/movement_impl.hpp"
#include "ctgrad/runtime/op_nodes_impl.hpp"
#include "ctgrad/runtime/uop_impl.hpp"
#include "ctgrad/runtime/view_nodes_impl.hpp"
#include "ctgrad/runtime/windows_impl.hpp"
#include "ctgrad/runtime/backends.hpp"
#include "ctgrad/runtime/c/c_device.hpp"
#include "ctgrad/runtime/debug.hpp"
#include "ctgrad/runtime/realize.hpp"
#include "ctgrad/runtime/viz.hpp"

namespace ctgrad {

CTGRAD_API std::string default_device() {
  static const std::string name = [] {
    auto env = rt::getenv_or("DEVICE", "");
    if (!env.empty()) return env;
#ifdef CTGRAD_WITH_LLVM
    return std::string("LLVM");
#else
    return std::string("C");
#endif
  }();
  return name;
}

}  // namespace ctgrad

namespace ctgrad::rt {

CTGRAD_API ImplPtr to_device(const ImplPtr& t, const std::string& device) {
  rt::device(device);  // fails early, naming the device, if it does not exist
  if (device == t->device) return t;
  auto src = contiguous_buffer(*t);
  std::vector<std::uint8_t> host(src->nbytes());
  src->copy_out(host.data());
  auto dst = std::make_shared<Buffer>(device, src->dtype, src->numel);
  dst->copy_in(host.data());
  return make_impl(buffer_uop(dst), stack_of(contiguous(t->view.rank(), t->view.shape())), device);
}

}  // namespace ctgrad::rt

namespace ctgrad::viz {

CTGRAD_API std::string write(const std::string& path) { return rt::viz::Recorder::instance().write(path); }
CTGRAD_API bool enabled() { return rt::viz::enabled(); }
CTGRAD_API void enable(bool on) { rt::viz::set_enabled(on); }

}  // namespace ctgrad::viz
