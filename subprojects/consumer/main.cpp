// A consumer of ctgrad: prints the devices it was built with and checks one fused computation on each.
#include <cstdio>
#include <ctgrad/ctgrad.hpp>

int main() {
  using namespace ctgrad;
  int failures = 0;
  for (const auto& dev : Device::built()) {
    try {
      auto x = Tensor<float, 4>::from({1, 2, 3, 4}).to(dev);
      const float s = (x * x).sum().item();  // 30
      std::printf("%s: %g %s\n", dev.c_str(), static_cast<double>(s), s == 30.0f ? "ok" : "WRONG");
      failures += s != 30.0f;
    } catch (const DeviceError& e) {
      std::printf("%s: unavailable here (%s)\n", dev.c_str(), e.what());
    }
  }
  return failures;
}
