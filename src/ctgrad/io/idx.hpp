#pragma once
// The idx format of (Fashion-)MNIST (http://yann.lecun.com/exdb/mnist/): bytes 0 0, a type code, the number of
// dims; each dim as a big-endian uint32; then the big-endian data, exactly as many items as the dims hold. Files
// may be gzip-compressed (detected by the gzip magic, inflated with zlib). A bad file is an IoError naming the file
// and the problem. Memory grows with the data actually decompressed, never with what a header claims. The reader is
// libctgrad's (idx_impl.hpp, with zlib); header-only, it follows inline.
#include <span>
#include <string>

#include "ctgrad/io/raw_tensor.hpp"
#include "ctgrad/runtime/api.hpp"

namespace ctgrad::io {

// Decodes an idx file (plain or gzip-compressed) held in `bytes`; `file` names it in errors.
CTGRAD_API RawTensor parse_idx(std::span<const std::byte> bytes, const std::string& file);
CTGRAD_API RawTensor read_idx(const std::string& path);

}  // namespace ctgrad::io

#ifdef CTGRAD_HEADER_ONLY
#include "ctgrad/io/idx_impl.hpp"  // NOLINT: the definitions follow their declarations
#endif
