// The named module `ctgrad`: the headers are the one source of truth; this unit only re-exports their names.
module;
#include <ctgrad/ctgrad.hpp>

export module ctgrad;

export namespace ctgrad {
using ctgrad::Error;
using ctgrad::DeviceError;
using ctgrad::OutOfMemory;
using ctgrad::CompileError;
}  // namespace ctgrad
