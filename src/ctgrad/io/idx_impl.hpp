#pragma once
// The definitions of idx.hpp: compiled once into libctgrad (src/lib/ctgrad_io.cpp), or inline with
// CTGRAD_HEADER_ONLY. Includes zlib.
#include "ctgrad/runtime/implementation.hpp"
//
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>
#include <vector>

#include "ctgrad/io/idx.hpp"
#include "ctgrad/io/mapped_file.hpp"

namespace ctgrad::io {


namespace detail {

[[noreturn]] inline void idx_fail(const std::string& file, const std::string& problem) {
  throw IoError("idx file " + squoted(file) + ": " + problem);
}

inline std::optional<rt::DType> idx_dtype(unsigned code) {
  switch (code) {
    case 0x08:
      return rt::DType::UInt8;
    case 0x09:
      return rt::DType::Int8;
    case 0x0B:
      return rt::DType::Int16;
    case 0x0C:
      return rt::DType::Int32;
    case 0x0D:
      return rt::DType::Float32;
    case 0x0E:
      return rt::DType::Float64;
    default:
      return std::nullopt;
  }
}

inline std::string dims_text(const std::vector<std::int64_t>& dims) {
  std::string s = "(";
  for (std::size_t i = 0; i < dims.size(); ++i) s += (i ? ", " : "") + std::to_string(dims[i]);
  return s + ")";
}

// Takes the decoded bytes as they arrive: first the header, then the data. `max_bytes` bounds what the input can
// possibly decode to (the file's size, or what deflate can expand it to), so a header claiming more is rejected
// before anything is reserved.
class IdxReader {
 public:
  IdxReader(std::string file, std::uint64_t max_bytes, bool compressed) : file_(std::move(file)), max_bytes_(max_bytes), compressed_(compressed) {}

  void feed(const std::byte* p, std::size_t n) {
    while (n > 0) {
      if (!header_done_) {
        const std::size_t want = (head_.size() < 4 ? 4 : 4 + 4 * static_cast<std::size_t>(head_[3])) - head_.size();
        const std::size_t take = std::min(want, n);
        const auto* q = reinterpret_cast<const unsigned char*>(p);
        head_.insert(head_.end(), q, q + take);
        p += take, n -= take;
        if (head_.size() == 4) check_magic();
        if (head_.size() >= 4 && head_.size() == 4 + 4 * static_cast<std::size_t>(head_[3])) start_data();
        continue;
      }
      if (n > need_ - data_.size()) idx_fail(file_, "more data than its dims " + dims_text(shape_) + " hold (" + std::to_string(need_) + " bytes)");
      data_.insert(data_.end(), p, p + n);
      n = 0;
    }
  }

  RawTensor finish() {
    if (!header_done_) {
      const std::size_t need = head_.size() < 4 ? 4 : 4 + 4 * static_cast<std::size_t>(head_[3]);
      idx_fail(file_, "truncated header: " + std::to_string(head_.size()) + " of " + std::to_string(need) + " bytes");
    }
    if (data_.size() != need_)
      idx_fail(file_, "truncated: dims " + dims_text(shape_) + " need " + std::to_string(need_) + " bytes of data, the file has " +
                          std::to_string(data_.size()));
    from_big_endian();
    return RawTensor::owning(dtype_, std::move(shape_), std::move(data_));
  }

 private:
  void check_magic() {
    if (head_[0] != 0 || head_[1] != 0) idx_fail(file_, "not an idx file (it does not start with two zero bytes)");
    const auto dt = idx_dtype(head_[2]);
    if (!dt) idx_fail(file_, "unknown idx data type code " + std::to_string(head_[2]));
    dtype_ = *dt;
  }
  void start_data() {
    header_done_ = true;
    for (std::size_t i = 0; i < head_[3]; ++i) {
      const auto* d = head_.data() + 4 + 4 * i;
      shape_.push_back((std::int64_t{d[0]} << 24) | (d[1] << 16) | (d[2] << 8) | d[3]);
    }
    const auto numel = checked_numel(shape_);
    if (!numel || __builtin_mul_overflow(static_cast<std::uint64_t>(*numel), rt::itemsize(dtype_), &need_))
      idx_fail(file_, "dims " + dims_text(shape_) + " hold too many elements");
    if (!compressed_ && need_ > max_bytes_ - head_.size())
      idx_fail(file_, "truncated: dims " + dims_text(shape_) + " need " + std::to_string(need_) + " bytes of data, the file has " +
                          std::to_string(max_bytes_ - head_.size()));
    if (compressed_ && need_ > max_bytes_)
      idx_fail(file_, "dims " + dims_text(shape_) + " need " + std::to_string(need_) +
                          " bytes of data, more than a gzip file of its size can hold (" + std::to_string(max_bytes_) + ")");
    data_.reserve(need_);
  }
  void from_big_endian() {
    const std::size_t w = rt::itemsize(dtype_);
    if constexpr (std::endian::native == std::endian::little)
      for (std::size_t i = 0; w > 1 && i + w <= data_.size(); i += w) std::reverse(data_.begin() + i, data_.begin() + i + w);
  }

  std::string file_;
  std::uint64_t max_bytes_;
  bool compressed_;
  std::vector<unsigned char> head_;
  bool header_done_ = false;
  rt::DType dtype_ = rt::DType::UInt8;
  std::vector<std::int64_t> shape_;
  std::uint64_t need_ = 0;
  std::vector<std::byte> data_;
};

inline bool is_gzip(std::span<const std::byte> b) { return b.size() >= 2 && b[0] == std::byte{0x1f} && b[1] == std::byte{0x8b}; }

// Inflates one or more concatenated gzip members into `out`; truncation, corruption (zlib checks the CRC and
// length) and trailing bytes are errors.
inline void gunzip_into(std::span<const std::byte> in, IdxReader& out, const std::string& file) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) idx_fail(file, "zlib cannot start inflating");
  struct End {
    z_stream* z;
    ~End() { inflateEnd(z); }
  } end{&zs};
  std::size_t pos = 0;
  std::byte chunk[1 << 16];
  for (;;) {
    if (zs.avail_in == 0 && pos < in.size()) {  // zlib counts input in 32 bits: feed large files in slices
      const std::size_t n = std::min<std::size_t>(in.size() - pos, std::size_t{1} << 30);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<std::byte*>(in.data() + pos));
      zs.avail_in = static_cast<uInt>(n);
      pos += n;
    }
    zs.next_out = reinterpret_cast<Bytef*>(chunk);
    zs.avail_out = sizeof chunk;
    const int ret = inflate(&zs, Z_NO_FLUSH);
    out.feed(chunk, sizeof chunk - zs.avail_out);
    if (ret == Z_STREAM_END) {
      const std::size_t rest = zs.avail_in + (in.size() - pos);
      if (rest == 0) return;
      if (!is_gzip(in.subspan(in.size() - rest))) idx_fail(file, std::to_string(rest) + " bytes of garbage after the gzip data");
      inflateReset(&zs);
    } else if (ret == Z_BUF_ERROR) {  // no progress possible: all input consumed before the stream's end
      idx_fail(file, "truncated gzip data");
    } else if (ret != Z_OK) {
      idx_fail(file, std::string("corrupt gzip data: ") + (zs.msg ? zs.msg : "zlib error " + std::to_string(ret)));
    }
  }
}

// Deflate expands at most about 1032:1, so no gzip input of n bytes holds more than this.
constexpr std::uint64_t max_inflated(std::uint64_t n) { return n * 1032 + 1024; }

}  // namespace detail

CTGRAD_API RawTensor parse_idx(std::span<const std::byte> bytes, const std::string& file) {
  const bool gz = detail::is_gzip(bytes);
  detail::IdxReader reader(file, gz ? detail::max_inflated(bytes.size()) : bytes.size(), gz);
  if (gz)
    detail::gunzip_into(bytes, reader, file);
  else
    reader.feed(bytes.data(), bytes.size());
  return reader.finish();
}

CTGRAD_API RawTensor read_idx(const std::string& path) {
  auto f = MappedFile::open(path);
  return parse_idx(f->bytes(), path);
}

}  // namespace ctgrad::io
