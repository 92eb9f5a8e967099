#pragma once
// Memory access: element addresses, (gated) loads and stores, converting between the in-memory element and its
// register form (ptx_types.hpp). Global memory (the kernel's buffers) by default; `shared` for a block's Shared
// arrays, whose 64-bit addresses are offsets in the shared window.
#include <string>

#include "ctgrad/runtime/dtype.hpp"
#include "ptx_writer.hpp"

namespace ctgrad::rt::ptx {

// base + index * itemsize(elem); `index` is an integer register of dtype `index_dtype`.
std::string emit_address(PtxWriter& w, const std::string& base, const std::string& index, DType index_dtype, DType elem);
// A load of one element; with a gate (a predicate register), a false gate yields 0 and does not touch memory.
std::string emit_load(PtxWriter& w, DType elem, const std::string& address, const std::string& gate = {}, bool shared = false);
void emit_store(PtxWriter& w, DType elem, const std::string& address, const std::string& value, bool shared = false);

}  // namespace ctgrad::rt::ptx
