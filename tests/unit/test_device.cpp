// The public device API (ctgrad::Device): the default device, the devices built and present, what each one is, and
// synchronize(), which a user times GPU work up to.
#define BOOST_TEST_MODULE device
#include <boost/test/unit_test.hpp>

#include <sys/utsname.h>

#include <algorithm>
#include <vector>

#include "support/devices.hpp"

namespace {

using ctgrad::Device;
using ctgrad::Tensor;

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::ranges::find(v, s) != v.end(); }

BOOST_AUTO_TEST_CASE(default_device_is_built_and_listed_first) {
  const auto built = Device::built();
  BOOST_TEST(contains(built, "C"), "the header-only C device is in every build");
  BOOST_TEST(contains(built, Device::default_name()));
  const auto present = Device::available();
  BOOST_TEST_REQUIRE(!present.empty(), "the C device opens wherever a C compiler is installed");
  BOOST_TEST(present.front() == Device::default_name());
  for (const auto& name : present) BOOST_TEST(contains(built, name), name << " is listed but was not built");
}

BOOST_AUTO_TEST_CASE(describe_says_what_the_device_is) {
  utsname u{};
  BOOST_TEST_REQUIRE(uname(&u) == 0);
  const auto c = Device::describe("C");
  BOOST_TEST(c.name == "C");
  BOOST_TEST(c.available);
  BOOST_TEST(c.description.find(u.machine) != std::string::npos, "C runs on this CPU: " << c.description);
  for (const auto& name : Device::available()) {
    const auto info = Device::describe(name);
    BOOST_TEST(info.available, name);
    BOOST_TEST(!info.description.empty(), name);
  }
}

BOOST_AUTO_TEST_CASE(unknown_devices_are_named) {
  const auto info = Device::describe("NOPE");
  BOOST_TEST(!info.available);
  BOOST_TEST(info.description.find("unknown device 'NOPE'") != std::string::npos, info.description);
  BOOST_CHECK_EXCEPTION(Device::synchronize("NOPE"), ctgrad::DeviceError,
                        [](const ctgrad::DeviceError& e) { return std::string(e.what()).find("'NOPE'") != std::string::npos; });
}

BOOST_AUTO_TEST_CASE(synchronize_waits_for_the_queued_kernels, *boost::unit_test::precondition(ctgrad_test::AnyDevice{})) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    auto x = Tensor<float, 1 << 20>::full(2.0f).to(dev);
    auto y = (x * x + 1.0f).realize();
    Device::synchronize(dev);
    const auto v = y.tolist();
    BOOST_TEST(std::ranges::all_of(v, [](float f) { return f == 5.0f; }));
  });
}

}  // namespace
