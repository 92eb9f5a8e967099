// Writes the fuzzers' seed corpora: make_seeds <dir> fills <dir>/safetensors, <dir>/idx and <dir>/cache with small
// valid files written by ctgrad's own writers (so the seeds follow the formats as the code changes).
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <iostream>

#include "ctgrad/io/safetensors.hpp"
#include "ctgrad/runtime/cache.hpp"

namespace io = ctgrad::io;
namespace rt = ctgrad::rt;
namespace fs = std::filesystem;

namespace {

io::RawTensor tensor(rt::DType dt, std::vector<std::int64_t> shape) {
  std::vector<std::byte> b(static_cast<std::size_t>(io::checked_numel(shape).value()) * rt::itemsize(dt));
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = std::byte(dt == rt::DType::Bool ? i % 2 : i * 7);
  return io::RawTensor::owning(dt, std::move(shape), std::move(b));
}

void write(const fs::path& p, const std::string& bytes) { std::ofstream(p, std::ios::binary) << bytes; }

void safetensors_seeds(const fs::path& dir) {
  io::write_safetensors(dir / "empty", {});
  io::write_safetensors(dir / "one", {{"w", tensor(rt::DType::Float32, {2, 3})}}, {{"format", "pt"}});
  std::map<std::string, io::RawTensor> all;
  for (int i = 0; i <= static_cast<int>(rt::DType::Float64); ++i) {
    const auto dt = static_cast<rt::DType>(i);
    all.emplace(std::string("t.") + io::safetensors_dtype(dt), tensor(dt, {i % 3 + 1, 2}));
  }
  all.emplace("scalar", tensor(rt::DType::Float64, {}));
  all.emplace("zero", tensor(rt::DType::BFloat16, {0, 4}));
  io::write_safetensors(dir / "all", all);
}

std::string idx_file(unsigned code, std::size_t item, std::vector<std::uint32_t> dims) {
  std::string s{'\0', '\0', char(code), char(dims.size())};
  std::size_t n = 1;
  for (auto d : dims) s += {char(d >> 24), char(d >> 16), char(d >> 8), char(d)}, n *= d;
  for (std::size_t i = 0; i < n * item; ++i) s += char(i * 13);
  return s;
}

std::string gzip(const std::string& raw) {
  z_stream zs{};
  deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, raw.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

void idx_seeds(const fs::path& dir) {
  const std::pair<unsigned, std::size_t> types[] = {{0x08, 1}, {0x09, 1}, {0x0B, 2}, {0x0C, 4}, {0x0D, 4}, {0x0E, 8}};
  for (auto [code, item] : types) {
    const auto raw = idx_file(code, item, {3, 2, 2});
    write(dir / ("plain-" + std::to_string(code)), raw);
    write(dir / ("gz-" + std::to_string(code)), gzip(raw));
  }
  write(dir / "labels.gz", gzip(idx_file(0x08, 1, {20})));
  write(dir / "scalar", idx_file(0x0D, 4, {}));
}

void cache_seeds(const fs::path& dir) {
  // The compiler id and key fuzz_cache.cpp reads with.
  const std::string id = "fuzz-compiler 1";
  const std::uint64_t key = 0x1234abcd5678ef90ull;
  rt::detail::write_cache_entry(dir / "small.bin", id, key, {1, 2, 3, 4, 5});
  rt::detail::write_cache_entry(dir / "empty.bin", id, key, {});
  rt::detail::write_cache_entry(dir / "other-key.bin", id, key + 1, {9, 9});
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_seeds <dir>\n";
    return 2;
  }
  const fs::path root = argv[1];
  for (const char* sub : {"safetensors", "idx", "cache"}) fs::create_directories(root / sub);
  safetensors_seeds(root / "safetensors");
  idx_seeds(root / "idx");
  cache_seeds(root / "cache");
  return 0;
}
