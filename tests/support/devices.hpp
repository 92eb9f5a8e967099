#pragma once
// Every graph-level test runs its cases on each device this binary was built with. A device whose driver cannot be
// opened here (no GPU, no Vulkan ICD) is skipped visibly: one message per device, and a test case with no usable
// device at all is skipped by its precondition instead of passing silently.
#include <boost/test/unit_test.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "ctgrad/ctgrad.hpp"

namespace ctgrad_test {

// CTGRAD_TEST_DEVICES=C,LLVM limits a run to those devices (the NOOPT=1 twins use it, see tests/meson.build).
inline bool selected(const std::string& name) {
  const std::string only = ctgrad::rt::getenv_or("CTGRAD_TEST_DEVICES", "");
  if (only.empty()) return true;
  return ("," + only + ",").find("," + name + ",") != std::string::npos;
}

// The devices that open here, in registration order; the reason for each one that does not is logged once.
inline const std::vector<std::string>& usable_devices() {
  static const std::vector<std::string> usable = [] {
    std::vector<std::string> out;
    for (const auto& name : ctgrad::Device::built()) {
      if (!selected(name)) {
        std::clog << "skipping device " << name << ": not in CTGRAD_TEST_DEVICES\n";
        continue;
      }
      const auto info = ctgrad::Device::describe(name);
      if (info.available) {
        out.push_back(name);
      } else {
        BOOST_TEST_MESSAGE("skipping device " << name << ": " << info.description);
        std::clog << "skipping device " << name << ": " << info.description << "\n";  // also seen at the default log level
      }
    }
    return out;
  }();
  return usable;
}

// Precondition of every test case: at least one device opens.
struct AnyDevice {
  boost::test_tools::assertion_result operator()(boost::unit_test::test_unit_id) const {
    boost::test_tools::assertion_result ok(!usable_devices().empty());
    if (!ok) ok.message() << "no device of this build can be opened here";
    return ok;
  }
};

// Runs body(device) on each usable device, with the device named in every failure message.
template <class Body>
void on_each_device(Body&& body) {
  for (const auto& dev : usable_devices()) {
    BOOST_TEST_CONTEXT("device " << dev) { body(dev); }
  }
}

}  // namespace ctgrad_test

// Decorator for test cases that run on every device.
#define CTGRAD_ON_DEVICES (*boost::unit_test::precondition(ctgrad_test::AnyDevice{}))
