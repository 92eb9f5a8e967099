#pragma once
// Every failure ctgrad reports at run time is one of these: a message that names the problem, never a crash.
#include <stdexcept>
#include <string>

namespace ctgrad {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct DeviceError : Error {  // unknown device, missing driver, failing driver call
  using Error::Error;
};
struct OutOfMemory : DeviceError {
  using DeviceError::DeviceError;
};
struct CompileError : Error {  // a renderer or compiler rejected a kernel: a bug report, with the source
  using Error::Error;
};

}  // namespace ctgrad
