// The kernel cache: an equal graph on new buffers compiles nothing (memory cache); a cleared memory cache finds the
// binary on disk ($XDG_CACHE_HOME/ctgrad); a corrupt or foreign disk entry is rebuilt, never loaded and never a
// crash; CTGRAD_DISK_CACHE=0 writes nothing. Every case runs on every device, each in a fresh cache directory.
#define BOOST_TEST_MODULE cache
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "support/devices.hpp"
#include "support/scoped_env.hpp"

namespace {

using ctgrad::keepdim;
using ctgrad::Tensor;
namespace rt = ctgrad::rt;
namespace fs = std::filesystem;

// A disk cache of its own in a fresh directory, and an empty memory cache, for one test case.
struct FreshCache {
  ctgrad_test::TempDir home;
  ctgrad_test::ScopedEnv xdg{"XDG_CACHE_HOME", home.path().string()};
  ctgrad_test::ScopedEnv enabled{"CTGRAD_DISK_CACHE", std::nullopt};
  FreshCache() { rt::KernelCache::instance().clear_memory(); }
  ~FreshCache() { rt::KernelCache::instance().clear_memory(); }  // no kernel loaded from this directory outlives it

  // The cache entries of `dev` (files named <device>-<key>.bin).
  std::vector<fs::path> entries(const std::string& dev) const {
    std::vector<fs::path> out;
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(home.path(), ec); it != fs::recursive_directory_iterator(); ++it)
      if (it->is_regular_file() && it->path().filename().string().starts_with(dev + "-") && it->path().extension() == ".bin")
        out.push_back(it->path());
    return out;
  }
  std::size_t all_files() const {
    std::size_t n = 0;
    for (auto& e : fs::recursive_directory_iterator(home.path()))
      if (e.is_regular_file()) ++n;
    return n;
  }
};

struct Counts {
  std::int64_t compiled, disk_hits, memory_hits, run;
  static Counts now() {
    auto& c = rt::counters();
    return {c.kernels_compiled, c.disk_cache_hits, c.memory_cache_hits, c.kernels_run};
  }
  Counts since(const Counts& before) const {
    return {compiled - before.compiled, disk_hits - before.disk_hits, memory_hits - before.memory_hits, run - before.run};
  }
};

// Builds the same one-kernel graph on new input buffers each call, realizes it, checks its values.
Counts realize_graph(const std::string& dev, float shift) {
  std::vector<float> v(4 * 8);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 9) / 8.0f - 0.5f + shift;
  auto a = Tensor<float, 4, 8>::from(std::span<const float>(v)).to(dev);
  const Counts before = Counts::now();
  auto out = ((a * 3.0f + 1.5f).exp() * a).sum<1>(keepdim);
  out.realize();
  const Counts delta = Counts::now().since(before);
  const auto got = out.tolist();
  for (std::size_t r = 0; r < 4; ++r) {
    double want = 0;
    for (std::size_t c = 0; c < 8; ++c) want += std::exp(v[r * 8 + c] * 3.0 + 1.5) * v[r * 8 + c];
    BOOST_TEST(std::abs(got[r] - want) <= 1e-4 * (1 + std::abs(want)), "row " << r << ": got " << got[r] << " want " << want);
  }
  return delta;
}

std::vector<char> read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
void write_bytes(const fs::path& p, const std::vector<char>& bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// The offset just past the n-th newline (the header is three lines: magic, compiler id, key/size/checksum).
std::size_t after_line(const std::vector<char>& bytes, int n) {
  std::size_t i = 0;
  for (int seen = 0; i < bytes.size() && seen < n; ++i)
    if (bytes[i] == '\n') ++seen;
  return i;
}

struct Corruption {
  const char* name;
  void (*apply)(std::vector<char>&);
};
// Line 3 is "<key hex> <size dec> <checksum hex>": replace the size with what `change` makes of it.
void rewrite_size_field(std::vector<char>& b, std::uint64_t (*change)(std::uint64_t)) {
  const std::size_t from = after_line(b, 2), to = after_line(b, 3) - 1;
  std::string line(b.begin() + static_cast<long>(from), b.begin() + static_cast<long>(to));
  const auto first = line.find(' '), second = line.find(' ', first + 1);
  const auto size = std::stoull(line.substr(first + 1, second - first - 1));
  line = line.substr(0, first + 1) + std::to_string(change(size)) + line.substr(second);
  b.erase(b.begin() + static_cast<long>(from), b.begin() + static_cast<long>(to));
  b.insert(b.begin() + static_cast<long>(from), line.begin(), line.end());
}

const Corruption corruptions[] = {
    {"empty file", [](std::vector<char>& b) { b.clear(); }},
    {"truncated payload", [](std::vector<char>& b) { b.resize(after_line(b, 3) + (b.size() - after_line(b, 3)) / 2); }},
    {"header only", [](std::vector<char>& b) { b.resize(after_line(b, 3)); }},
    {"flipped payload byte", [](std::vector<char>& b) { b[after_line(b, 3) + (b.size() - after_line(b, 3)) / 2] ^= 0x5a; }},
    {"flipped last byte", [](std::vector<char>& b) { b.back() ^= 0x01; }},
    {"another compiler id", [](std::vector<char>& b) {
       const std::size_t from = after_line(b, 1), to = after_line(b, 2) - 1;
       const std::string other = "some other compiler 99.0";
       b.erase(b.begin() + static_cast<long>(from), b.begin() + static_cast<long>(to));
       b.insert(b.begin() + static_cast<long>(from), other.begin(), other.end());
     }},
    {"bad magic", [](std::vector<char>& b) { b[0] = 'X'; }},
    {"appended byte", [](std::vector<char>& b) { b.push_back('!'); }},
    {"size field beyond the payload", [](std::vector<char>& b) { rewrite_size_field(b, [](std::uint64_t s) { return s + 1000; }); }},
    // must be rejected before anything of that size is allocated
    {"size field of a terabyte", [](std::vector<char>& b) { rewrite_size_field(b, [](std::uint64_t) { return std::uint64_t{1} << 40; }); }},
};

}  // namespace

BOOST_AUTO_TEST_CASE(cache_dir_follows_the_environment) {
  FreshCache cache;
  BOOST_TEST(rt::cache_dir() == cache.home.path() / "ctgrad");
  ctgrad_test::ScopedEnv off("CTGRAD_DISK_CACHE", "0");
  BOOST_TEST(rt::cache_dir().empty());
}

BOOST_AUTO_TEST_CASE(equal_graph_on_new_buffers_compiles_nothing, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    FreshCache cache;
    const Counts first = realize_graph(dev, 0.0f);
    BOOST_TEST(first.compiled == 1);
    BOOST_TEST(first.run == 1);
    const Counts second = realize_graph(dev, 0.25f);
    BOOST_TEST(second.compiled == 0, "the second realize compiled " << second.compiled << " kernels");
    BOOST_TEST(second.memory_hits == 1);
    BOOST_TEST(second.run == 1);
  });
}

BOOST_AUTO_TEST_CASE(disk_cache_hit_after_clearing_memory, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    FreshCache cache;
    const Counts first = realize_graph(dev, 0.0f);
    BOOST_TEST(first.compiled == 1);
    BOOST_TEST(first.disk_hits == 0);
    BOOST_TEST(cache.entries(dev).size() == 1u, "the first compile writes one cache file");
    rt::KernelCache::instance().clear_memory();
    const Counts second = realize_graph(dev, 0.5f);
    BOOST_TEST(second.disk_hits == 1);
    BOOST_TEST(second.compiled == 0);
    BOOST_TEST(second.run == 1);
  });
}

BOOST_AUTO_TEST_CASE(corrupt_entries_are_rebuilt, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    for (const auto& corruption : corruptions) {
      BOOST_TEST_CONTEXT("corruption: " << corruption.name) {
        FreshCache cache;
        BOOST_TEST(realize_graph(dev, 0.0f).compiled == 1);
        const auto files = cache.entries(dev);
        BOOST_TEST_REQUIRE(files.size() == 1u);
        auto bytes = read_bytes(files[0]);
        corruption.apply(bytes);
        write_bytes(files[0], bytes);
        rt::KernelCache::instance().clear_memory();
        const Counts rebuilt = realize_graph(dev, 0.125f);
        BOOST_TEST(rebuilt.compiled == 1, "the corrupt entry must be rebuilt");
        BOOST_TEST(rebuilt.disk_hits == 0, "the corrupt entry must not be loaded");
        // the rebuilt entry replaced the corrupt one and verifies
        rt::KernelCache::instance().clear_memory();
        const Counts reloaded = realize_graph(dev, 0.375f);
        BOOST_TEST(reloaded.disk_hits == 1);
        BOOST_TEST(reloaded.compiled == 0);
      }
    }
  });
}

BOOST_AUTO_TEST_CASE(disabled_disk_cache_writes_nothing, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    FreshCache cache;
    ctgrad_test::ScopedEnv off("CTGRAD_DISK_CACHE", "0");
    BOOST_TEST(realize_graph(dev, 0.0f).compiled == 1);
    BOOST_TEST(cache.all_files() == 0u);
    rt::KernelCache::instance().clear_memory();
    const Counts again = realize_graph(dev, 0.25f);
    BOOST_TEST(again.compiled == 1, "without a disk cache a cleared memory cache compiles again");
    BOOST_TEST(again.disk_hits == 0);
    BOOST_TEST(cache.all_files() == 0u);
  });
}

// Threads realizing at once share the cache: equal graphs compile once between them, and every thread gets its own
// values (scripts/tsan.sh runs this under ThreadSanitizer).
BOOST_AUTO_TEST_CASE(threads_realizing_at_once_share_the_cache, CTGRAD_ON_DEVICES) {
  ctgrad_test::on_each_device([](const std::string& dev) {
    FreshCache cache;
    constexpr int kThreads = 4;
    std::vector<std::vector<float>> got(kThreads);
    const std::int64_t compiled_before = rt::counters().kernels_compiled;
    {
      std::vector<std::jthread> threads;
      for (int t = 0; t < kThreads; ++t)
        threads.emplace_back([&, t] {
          const std::vector<float> values(64 * 33, static_cast<float>(t));
          auto x = Tensor<float, 64, 33>::from(values).to(dev);
          got[static_cast<std::size_t>(t)] = ((x * 2.0f + 1.0f).sum<1>()).tolist();
        });
    }
    for (int t = 0; t < kThreads; ++t)
      for (float v : got[static_cast<std::size_t>(t)]) BOOST_TEST(v == 33.0f * (2.0f * t + 1.0f), "thread " << t);
    BOOST_TEST(rt::counters().kernels_compiled - compiled_before == 1, "one graph, compiled once for all threads");
  });
}
