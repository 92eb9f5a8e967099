#pragma once
// The lowering of a graph that is one kernel over realized inputs (a test's matmul or sum), for inspecting the
// optimizer's iteration space or the program it makes; a graph that needs another kernel first is a test bug.
#include <memory>
#include <stdexcept>
#include <string>

#include "ctgrad/ctgrad.hpp"

namespace ctgrad_test {

struct OneKernel {
  template <class TT>
  OneKernel(const TT& t, const std::string& dev)
      : node(t.to_uop()),
        out(std::make_shared<ctgrad::rt::Buffer>(dev, node->dtype, node->numel())),
        lowering(node, out, [](const ctgrad::rt::UOpPtr&) -> std::shared_ptr<ctgrad::rt::Buffer> {
          throw std::logic_error("no sub-kernel expected");
        }) {}
  ctgrad::rt::LoweredKernel& kernel() { return lowering.result(); }

  ctgrad::rt::UOpPtr node;
  std::shared_ptr<ctgrad::rt::Buffer> out;
  ctgrad::rt::KernelLowering lowering;
};

}  // namespace ctgrad_test
