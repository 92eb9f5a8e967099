// idx(.gz): every idx dtype decodes from big-endian, plain or gzip-compressed (also as concatenated members); every
// kind of bad file is an IoError naming the file and the problem, and a header's claims allocate nothing.
#define BOOST_TEST_MODULE idx
#include <zlib.h>

#include <bit>
#include <boost/test/unit_test.hpp>
#include <cstdint>

#include "ctgrad/io/idx.hpp"
#include "io/io_test_util.hpp"
#include "support/scoped_env.hpp"

namespace {

namespace io = ctgrad::io;
namespace rt = ctgrad::rt;
using ctgrad_test::expect_io_error;

std::string gzip(const std::string& raw) {
  z_stream zs{};
  BOOST_REQUIRE(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::string out(deflateBound(&zs, raw.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  BOOST_REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string be32(std::uint32_t v) { return {char(v >> 24), char(v >> 16), char(v >> 8), char(v)}; }

// An idx header: two zero bytes, the type code, the rank, the dims.
std::string idx_header(unsigned code, std::vector<std::uint32_t> dims) {
  std::string s{'\0', '\0', char(code), char(dims.size())};
  for (auto d : dims) s += be32(d);
  return s;
}

// `values` as big-endian items of T.
template <class T>
std::string be_items(const std::vector<T>& values) {
  std::string s;
  for (T v : values) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));
    if constexpr (std::endian::native == std::endian::little) std::reverse(b, b + sizeof(T));
    s.append(b, sizeof(T));
  }
  return s;
}

template <class T>
std::vector<T> values_of(const io::RawTensor& t) {
  std::vector<T> v(t.bytes.size() / sizeof(T));
  std::memcpy(v.data(), t.bytes.data(), t.bytes.size());
  return v;
}

struct Dir {
  ctgrad_test::TempDir tmp;
  std::string file(const std::string& name) const { return (tmp.path() / name).string(); }
  io::RawTensor load(const std::string& name, const std::string& bytes) const {
    ctgrad_test::write_bytes(file(name), bytes);
    return io::read_idx(file(name));
  }
  void expect_bad(const std::string& name, const std::string& bytes, const std::string& problem) const {
    ctgrad_test::write_bytes(file(name), bytes);
    expect_io_error([&] { io::read_idx(file(name)); }, file(name), problem);
  }
};

template <class T>
void check_type(const Dir& d, unsigned code, rt::DType dtype, const std::vector<T>& values) {
  const std::string raw = idx_header(code, {2, static_cast<std::uint32_t>(values.size() / 2)}) + be_items(values);
  for (bool gz : {false, true}) {
    BOOST_TEST_CONTEXT(rt::name(dtype) << (gz ? " gz" : " plain")) {
      const auto t = d.load(std::string("t") + (gz ? ".gz" : ""), gz ? gzip(raw) : raw);
      BOOST_TEST((t.dtype == dtype));
      BOOST_TEST((t.shape == std::vector<std::int64_t>{2, static_cast<std::int64_t>(values.size() / 2)}));
      BOOST_TEST((values_of<T>(t) == values));
    }
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(every_idx_type_decodes_plain_and_gzipped) {
  Dir d;
  check_type<std::uint8_t>(d, 0x08, rt::DType::UInt8, {0, 1, 127, 128, 200, 255});
  check_type<std::int8_t>(d, 0x09, rt::DType::Int8, {-128, -1, 0, 1, 5, 127});
  check_type<std::int16_t>(d, 0x0B, rt::DType::Int16, {-32768, -2, 0, 258, 1000, 32767});
  check_type<std::int32_t>(d, 0x0C, rt::DType::Int32, {-7, 0x01020304, 0, -2147483647 - 1, 60000, 2147483647});
  check_type<float>(d, 0x0D, rt::DType::Float32, {0.5f, -1.25f, 3e38f, 1e-30f, 0.0f, -0.0f});
  check_type<double>(d, 0x0E, rt::DType::Float64, {0.1, -2.5, 1e300, 5e-324, 0.0, 42.0});
}

BOOST_AUTO_TEST_CASE(a_rank_0_file_holds_one_item_and_a_zero_dim_none) {
  Dir d;
  const auto s = d.load("s", idx_header(0x08, {}) + "\x07");
  BOOST_TEST(s.shape.empty());
  BOOST_TEST(values_of<std::uint8_t>(s) == std::vector<std::uint8_t>{7});
  const auto z = d.load("z.gz", gzip(idx_header(0x0C, {0, 5})));
  BOOST_TEST((z.shape == std::vector<std::int64_t>{0, 5}));
  BOOST_TEST(z.bytes.size() == 0u);
}

BOOST_AUTO_TEST_CASE(concatenated_gzip_members_are_one_file) {
  Dir d;
  const std::string raw = idx_header(0x08, {4}) + "abcd";
  const auto t = d.load("cat.gz", gzip(raw.substr(0, 6)) + gzip(raw.substr(6)));
  BOOST_TEST(std::string(reinterpret_cast<const char*>(t.bytes.data()), 4) == "abcd");
}

BOOST_AUTO_TEST_CASE(bad_headers) {
  Dir d;
  expect_io_error([&] { io::read_idx(d.file("missing.gz")); }, d.file("missing.gz"), "cannot open");
  d.expect_bad("empty", "", "truncated header: 0 of 4 bytes");
  d.expect_bad("short", idx_header(0x08, {3, 4}).substr(0, 9), "truncated header: 9 of 12 bytes");
  d.expect_bad("short.gz", gzip(idx_header(0x08, {3, 4}).substr(0, 9)), "truncated header: 9 of 12 bytes");
  d.expect_bad("magic", "\x01\x02\x08\x01" + be32(1) + "x", "not an idx file");
  d.expect_bad("code", idx_header(0x0A, {1}) + "x", "unknown idx data type code 10");
  d.expect_bad("overflow", idx_header(0x0E, {0xffffffff, 0xffffffff, 0xffffffff}),
               "dims (4294967295, 4294967295, 4294967295) hold too many elements");
}

BOOST_AUTO_TEST_CASE(sizes_must_match_the_dims) {
  Dir d;
  const std::string raw = idx_header(0x08, {60000, 28, 28});
  d.expect_bad("trunc", raw + std::string(100, 'x'), "truncated: dims (60000, 28, 28) need 47040000 bytes of data, the file has 100");
  d.expect_bad("trunc.gz", gzip(idx_header(0x08, {2, 3}) + "abcd"), "truncated: dims (2, 3) need 6 bytes of data, the file has 4");
  d.expect_bad("extra", idx_header(0x0C, {2}) + std::string(9, 'x'), "more data than its dims (2) hold (8 bytes)");
  d.expect_bad("extra.gz", gzip(idx_header(0x0C, {2}) + std::string(9, 'x')), "more data than its dims (2) hold (8 bytes)");
  // A tiny gzip file claiming gigabytes is refused before anything is reserved for it.
  d.expect_bad("claim.gz", gzip(idx_header(0x08, {1u << 31})), "need 2147483648 bytes of data, more than a gzip file of its size can hold");
}

BOOST_AUTO_TEST_CASE(broken_gzip_streams) {
  Dir d;
  const std::string gz = gzip(idx_header(0x08, {1000}) + std::string(1000, 'q'));
  d.expect_bad("cut.gz", gz.substr(0, gz.size() - 5), "truncated gzip data");
  d.expect_bad("cut2.gz", gz.substr(0, 12), "truncated gzip data");
  std::string crc = gz;
  crc[crc.size() - 6] ^= 0x55;  // the CRC-32 in the trailer
  d.expect_bad("crc.gz", crc, "corrupt gzip data: incorrect data check");
  std::string body = gz;
  body[10] = '\xff';  // the first deflate block header: an invalid block type
  d.expect_bad("body.gz", body, "corrupt gzip data");
  d.expect_bad("tail.gz", gz + "junk", "4 bytes of garbage after the gzip data");
}
