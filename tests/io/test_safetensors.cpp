// safetensors: every dtype round-trips with its shape, bytes and the metadata; loaded data is mapped, aligned and
// outlives the map it came in; every kind of bad file is an IoError naming the file and the problem.
#define BOOST_TEST_MODULE safetensors
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <filesystem>
#include <random>

#include "ctgrad/io/safetensors.hpp"
#include "io/io_test_util.hpp"
#include "support/scoped_env.hpp"

namespace {

namespace io = ctgrad::io;
namespace rt = ctgrad::rt;
using ctgrad_test::expect_io_error;

constexpr rt::DType kAllDTypes[] = {rt::DType::Bool,     rt::DType::Int8,    rt::DType::Int16,  rt::DType::Int32,  rt::DType::Int64,
                                    rt::DType::UInt8,    rt::DType::UInt16,  rt::DType::UInt32, rt::DType::UInt64, rt::DType::Half,
                                    rt::DType::BFloat16, rt::DType::Float32, rt::DType::Float64};

io::RawTensor random_tensor(rt::DType dt, std::vector<std::int64_t> shape, unsigned seed) {
  std::mt19937 rng(seed);
  std::vector<std::byte> data(static_cast<std::size_t>(io::checked_numel(shape).value()) * rt::itemsize(dt));
  for (auto& b : data) b = std::byte(dt == rt::DType::Bool ? rng() % 2 : rng() % 256);
  return io::RawTensor::owning(dt, std::move(shape), std::move(data));
}

bool same(const io::RawTensor& a, const io::RawTensor& b) {
  return a.dtype == b.dtype && a.shape == b.shape && std::equal(a.bytes.begin(), a.bytes.end(), b.bytes.begin(), b.bytes.end());
}

// A file from a header text and a data region; `length` overrides the stated header length.
std::string st_file(const std::string& header, const std::string& data, std::optional<std::uint64_t> length = std::nullopt) {
  const std::uint64_t n = length.value_or(header.size());
  std::string out(8, '\0');
  std::memcpy(out.data(), &n, 8);
  return out + header + data;
}

struct Dir {
  ctgrad_test::TempDir tmp;
  std::string file(const std::string& name) const { return (tmp.path() / name).string(); }
  // Writes `bytes` as `name` and expects loading it to fail with `problem`.
  void expect_bad(const std::string& name, const std::string& bytes, const std::string& problem) const {
    const auto path = file(name);
    ctgrad_test::write_bytes(path, bytes);
    expect_io_error([&] { io::read_safetensors(path); }, path, problem);
  }
};

}  // namespace

BOOST_AUTO_TEST_CASE(every_dtype_round_trips_with_metadata) {
  Dir d;
  std::map<std::string, io::RawTensor> sd;
  unsigned seed = 1;
  for (auto dt : kAllDTypes) {
    sd.emplace(std::string("t.") + rt::name(dt), random_tensor(dt, {2, 3, 5}, seed++));
    sd.emplace(std::string("scalar.") + rt::name(dt), random_tensor(dt, {}, seed++));
    sd.emplace(std::string("empty.") + rt::name(dt), random_tensor(dt, {0, 4}, seed++));
  }
  const std::map<std::string, std::string> meta{{"format", "pt"}, {"note", "ünïcode"}};
  io::write_safetensors(d.file("all.safetensors"), sd, meta);
  const auto back = io::read_safetensors_file(d.file("all.safetensors"));
  BOOST_TEST(back.metadata == meta);
  BOOST_REQUIRE_EQUAL(back.tensors.size(), sd.size());
  for (const auto& [name, t] : sd) {
    BOOST_TEST_CONTEXT(name) {
      BOOST_REQUIRE(back.tensors.count(name));
      BOOST_TEST(same(back.tensors.at(name), t));
    }
  }
}

BOOST_AUTO_TEST_CASE(dtype_names_map_both_ways) {
  for (auto dt : kAllDTypes) BOOST_TEST((io::dtype_from_safetensors(io::safetensors_dtype(dt)) == dt));
  BOOST_TEST(io::safetensors_dtype(rt::DType::BFloat16) == std::string("BF16"));
  BOOST_TEST(io::safetensors_dtype(rt::DType::Half) == std::string("F16"));
  BOOST_TEST(!io::dtype_from_safetensors("F8_E4M3").has_value());
}

BOOST_AUTO_TEST_CASE(loaded_data_is_mapped_aligned_and_outlives_the_map) {
  Dir d;
  std::map<std::string, io::RawTensor> sd{{"a", random_tensor(rt::DType::UInt8, {3}, 1)},
                                          {"b", random_tensor(rt::DType::Float64, {5}, 2)},
                                          {"c", random_tensor(rt::DType::Half, {7}, 3)},
                                          {"d", random_tensor(rt::DType::Int32, {1, 1}, 4)}};
  io::write_safetensors(d.file("m.safetensors"), sd);
  io::RawTensor kept;
  {
    auto back = io::read_safetensors(d.file("m.safetensors"));
    for (const auto& [name, t] : back)
      BOOST_TEST(reinterpret_cast<std::uintptr_t>(t.bytes.data()) % rt::itemsize(t.dtype) == 0u, name << " is misaligned");
    kept = back.at("b");
  }
  std::filesystem::remove(d.file("m.safetensors"));  // the mapping stays valid after unlink
  BOOST_TEST(same(kept, sd.at("b")));
  BOOST_TEST(io::MappedFile::open("/proc/self/status")->bytes().size() > 0u);  // not mappable: read instead
}

BOOST_AUTO_TEST_CASE(header_is_padded_to_8_bytes_and_in_the_reference_layout) {
  std::map<std::string, io::RawTensor> sd{{"x", random_tensor(rt::DType::UInt8, {1}, 1)}, {"y", random_tensor(rt::DType::Float32, {2}, 2)}};
  const auto head = io::safetensors_header(sd, {}, "mem");
  BOOST_TEST(head.size() % 8 == 0u);
  std::uint64_t n = 0;
  std::memcpy(&n, head.data(), 8);
  BOOST_TEST(n == head.size() - 8);
  // Widest items first: y (F32) at 0..8, then x (U8) at 8..9.
  BOOST_TEST(head.find(R"("y":{"data_offsets":[0,8],"dtype":"F32","shape":[2]})") != std::string::npos, head);
  BOOST_TEST(head.find(R"("x":{"data_offsets":[8,9],"dtype":"U8","shape":[1]})") != std::string::npos, head);
}

// --- bad files: each one an IoError naming the file and the problem -------------------------------------------

BOOST_AUTO_TEST_CASE(missing_empty_and_short_files) {
  Dir d;
  expect_io_error([&] { io::read_safetensors(d.file("nope.safetensors")); }, d.file("nope.safetensors"), "cannot open");
  d.expect_bad("empty.safetensors", "", "truncated: 0 bytes");
  d.expect_bad("short.safetensors", "abc", "truncated: 3 bytes");
}

BOOST_AUTO_TEST_CASE(header_length_past_the_end) {
  Dir d;
  ctgrad_test::write_bytes(d.file("ok.safetensors"), st_file("{}", ""));  // control: an empty header is a valid file
  BOOST_TEST(io::read_safetensors(d.file("ok.safetensors")).empty());
  d.expect_bad("past.safetensors", st_file("{}", "", 3), "header length 3 runs past the end of the file (10 bytes)");
  d.expect_bad("huge.safetensors", st_file("{}", "", ~std::uint64_t{0}), "header length 18446744073709551615 runs past the end");
}

BOOST_AUTO_TEST_CASE(invalid_json_and_wrong_header_shapes) {
  Dir d;
  d.expect_bad("json1.safetensors", st_file(R"({"a": {"dtype": "F32",)", ""), "header is not valid JSON");
  d.expect_bad("json2.safetensors", st_file("{} trailing", ""), "header is not valid JSON");
  d.expect_bad("json3.safetensors", st_file("{\"a\xff\": 1}", ""), "header is not valid JSON");
  d.expect_bad("array.safetensors", st_file("[1, 2]", ""), "header does not start with '{'");
  d.expect_bad("nohead.safetensors", st_file("", ""), "header does not start with '{'");
  d.expect_bad("dup.safetensors",
               st_file(R"({"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1]},
                                             "a": {"dtype": "U8", "shape": [1], "data_offsets": [1, 2]}})",
                       "xy"),
               "header has the key 'a' twice");
  d.expect_bad("entry.safetensors", st_file(R"({"a": 3})", ""), "tensor 'a': expected an object, got number");
  d.expect_bad("field.safetensors", st_file(R"({"a": {"dtype": "U8", "shape": [1]}})", "x"), "tensor 'a': missing field 'data_offsets'");
  d.expect_bad("extra.safetensors", st_file(R"({"a": {"dtype": "U8", "shape": [1], "data_offsets": [0, 1], "strides": [1]}})", "x"),
               "tensor 'a': unknown field 'strides'");
  d.expect_bad("meta.safetensors", st_file(R"({"__metadata__": {"epoch": 3}})", ""), "__metadata__ value of 'epoch' must be a string");
  d.expect_bad("meta2.safetensors", st_file(R"({"__metadata__": [1]})", ""), "__metadata__ must be an object of strings");
}

BOOST_AUTO_TEST_CASE(unknown_dtypes_are_rejected_by_name) {
  Dir d;
  d.expect_bad("f8.safetensors", st_file(R"({"w": {"dtype": "F8_E4M3", "shape": [1], "data_offsets": [0, 1]}})", "x"),
               "tensor 'w': unknown or unsupported dtype 'F8_E4M3'");
  d.expect_bad("lower.safetensors", st_file(R"({"w": {"dtype": "f32", "shape": [1], "data_offsets": [0, 4]}})", "xxxx"),
               "unknown or unsupported dtype 'f32'");
  d.expect_bad("num.safetensors", st_file(R"({"w": {"dtype": 7, "shape": [1], "data_offsets": [0, 1]}})", "x"), "dtype must be a string");
}

BOOST_AUTO_TEST_CASE(shapes_and_byte_counts_must_agree) {
  Dir d;
  d.expect_bad("count.safetensors", st_file(R"({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 20]}})", std::string(20, 'x')),
               "tensor 'w': shape [2,3] of F32 needs 24 bytes but data_offsets [0,20] hold 20");
  d.expect_bad("neg.safetensors", st_file(R"({"w": {"dtype": "U8", "shape": [-1], "data_offsets": [0, 1]}})", "x"),
               "each dimension must be a non-negative integer, got -1");
  d.expect_bad("float.safetensors", st_file(R"({"w": {"dtype": "U8", "shape": [1.0], "data_offsets": [0, 1]}})", "x"),
               "each dimension must be a non-negative integer, got 1.0");
  d.expect_bad("big.safetensors", st_file(R"({"w": {"dtype": "U8", "shape": [18446744073709551615], "data_offsets": [0, 1]}})", "x"),
               "dimension 18446744073709551615 is too large");
  d.expect_bad("over.safetensors", st_file(R"({"w": {"dtype": "F64", "shape": [4294967296, 4294967296], "data_offsets": [0, 1]}})", "x"),
               "has too many elements");
  d.expect_bad("over2.safetensors", st_file(R"({"w": {"dtype": "F64", "shape": [4611686018427387904], "data_offsets": [0, 1]}})", "x"),
               "has too many elements");
  d.expect_bad("shape.safetensors", st_file(R"({"w": {"dtype": "U8", "shape": 1, "data_offsets": [0, 1]}})", "x"), "shape must be an array");
}

BOOST_AUTO_TEST_CASE(offsets_must_be_in_range_and_tile_the_data) {
  Dir d;
  const std::string u8 = R"({"dtype": "U8", "shape": [2], "data_offsets": )";
  d.expect_bad("range.safetensors", st_file(R"({"a": )" + u8 + "[4, 6]}}", "xxxx"),
               "tensor 'a': data_offsets [4,6] run past the end of the data (4 bytes; is the file truncated?)");
  d.expect_bad("order.safetensors", st_file(R"({"a": {"dtype": "U8", "shape": [0], "data_offsets": [2, 0]}})", "xx"),
               "data_offsets [2,0] end before they begin");
  d.expect_bad("three.safetensors", st_file(R"({"a": )" + u8 + "[0, 1, 2]}}", "xx"), "data_offsets must be [begin, end]");
  d.expect_bad("negoff.safetensors", st_file(R"({"a": )" + u8 + "[-2, 0]}}", "xx"), "data_offsets must be a non-negative integer");
  d.expect_bad("overlap.safetensors", st_file(R"({"a": )" + u8 + "[0, 2]}, \"b\": " + u8 + "[1, 3]}}", "xxx"),
               "tensors 'a' and 'b' overlap (bytes 1 to 2 of the data)");
  d.expect_bad("same.safetensors", st_file(R"({"a": )" + u8 + "[0, 2]}, \"b\": " + u8 + "[0, 2]}}", "xx"), "tensors 'a' and 'b' overlap");
  d.expect_bad("gap.safetensors", st_file(R"({"a": )" + u8 + "[0, 2]}, \"b\": " + u8 + "[3, 5]}}", "xxxxx"),
               "bytes 2 to 3 of the data belong to no tensor");
  d.expect_bad("lead.safetensors", st_file(R"({"a": )" + u8 + "[1, 3]}}", "xxx"), "bytes 0 to 1 of the data belong to no tensor");
  d.expect_bad("tail.safetensors", st_file(R"({"a": )" + u8 + "[0, 2]}}", "xxxxx"), "3 bytes after the last tensor belong to no tensor");
  d.expect_bad("orphan.safetensors", st_file("{}", "x"), "1 bytes after the last tensor belong to no tensor");
}

BOOST_AUTO_TEST_CASE(a_truncated_real_file_names_the_tensor_cut_off) {
  Dir d;
  const auto path = d.file("cut.safetensors");
  io::write_safetensors(path, {{"w", random_tensor(rt::DType::Float32, {16}, 7)}});
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 1);
  expect_io_error([&] { io::read_safetensors(path); }, path, "tensor 'w': data_offsets [0,64] run past the end of the data (63 bytes");
}

BOOST_AUTO_TEST_CASE(zero_size_tensors_may_share_an_offset) {
  Dir d;
  const auto path = d.file("zero.safetensors");
  ctgrad_test::write_bytes(path, st_file(R"({"a": {"dtype": "F32", "shape": [0], "data_offsets": [0, 0]},
                                            "b": {"dtype": "U8", "shape": [2], "data_offsets": [0, 2]},
                                            "c": {"dtype": "I64", "shape": [3, 0], "data_offsets": [2, 2]}})",
                                         "xy"));
  const auto t = io::read_safetensors(path);
  BOOST_TEST(t.at("a").bytes.size() == 0u);
  BOOST_TEST((t.at("c").shape == std::vector<std::int64_t>{3, 0}));
  BOOST_TEST(std::string(reinterpret_cast<const char*>(t.at("b").bytes.data()), 2) == "xy");
}

BOOST_AUTO_TEST_CASE(the_writer_refuses_what_it_cannot_represent) {
  Dir d;
  auto bad = random_tensor(rt::DType::Float32, {3}, 1);
  bad.shape = {4};
  expect_io_error(
      [&] {
        io::write_safetensors(d.file("w.safetensors"), {{"w", bad}});
      },
      d.file("w.safetensors"), "tensor 'w': 12 bytes do not match its shape and dtype float");
  expect_io_error(
      [&] {
        io::write_safetensors(d.file("m.safetensors"), {{"__metadata__", random_tensor(rt::DType::UInt8, {1}, 1)}});
      },
      d.file("m.safetensors"), "cannot be named '__metadata__'");
  expect_io_error(
      [&] {
        io::write_safetensors(d.file("u.safetensors"), {{"bad\xff", random_tensor(rt::DType::UInt8, {1}, 1)}});
      },
      d.file("u.safetensors"), "cannot write the header");
  expect_io_error([&] { io::write_safetensors(d.file("no/such/dir.safetensors"), {}); }, d.file("no/such/dir.safetensors"), "cannot create");
  BOOST_TEST(!std::filesystem::exists(d.file("w.safetensors")));
}

BOOST_AUTO_TEST_CASE(deeply_nested_values_are_an_error_not_a_stack_overflow) {
  Dir d;
  const std::string deep = std::string(1'000'000, '[') + std::string(1'000'000, ']');  // 2 MB: far below the header limit
  d.expect_bad("deep1.safetensors", st_file(R"({"a": {"dtype": "F32", "data_offsets": [0, 0], "shape": [)" + deep + "]}}", ""),
               "each dimension must be a non-negative integer, got an array of 1 elements");
  d.expect_bad("deep2.safetensors", st_file(R"({"__metadata__": {"k": )" + deep + "}}", ""),
               "__metadata__ value of 'k' must be a string, got an array");
  d.expect_bad("deep3.safetensors", st_file(R"({"a": {"dtype": "F32", "shape": [1], "data_offsets": )" + deep + "}}", ""),
               "data_offsets must be [begin, end], got an array of 1 elements");
  d.expect_bad("deep4.safetensors", st_file(R"({"a": {"dtype": )" + deep + R"(, "shape": [1], "data_offsets": [0, 4]}})", "xxxx"),
               "dtype must be a string, got an array");
}
