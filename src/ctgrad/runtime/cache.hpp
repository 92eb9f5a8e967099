#pragma once
// The kernel cache: compiled kernels in memory (by program hash, per device) and their binaries on disk (by a hash
// of the compiler id and the source), so a second run of a program compiles nothing. A disk entry carries its key,
// compiler id, size and checksum; anything that does not verify is rebuilt and overwritten, never loaded.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <unistd.h>
#include <unordered_map>

#include "ctgrad/runtime/debug.hpp"
#include "ctgrad/runtime/device.hpp"

namespace ctgrad::rt {

inline std::uint64_t fnv1a(const void* data, std::size_t n, std::uint64_t h = 0xcbf29ce484222325ull) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}
inline std::uint64_t fnv1a(const std::string& s) { return fnv1a(s.data(), s.size()); }

// $XDG_CACHE_HOME/ctgrad, else ~/.cache/ctgrad; empty when disabled by CTGRAD_DISK_CACHE=0 or no home is known.
inline std::filesystem::path cache_dir() {
  if (getenv_or("CTGRAD_DISK_CACHE", "1") == "0") return {};
  auto xdg = getenv_or("XDG_CACHE_HOME", "");
  if (!xdg.empty()) return std::filesystem::path(xdg) / "ctgrad";
  auto home = getenv_or("HOME", "");
  return home.empty() ? std::filesystem::path{} : std::filesystem::path(home) / ".cache" / "ctgrad";
}

namespace detail {

constexpr char kCacheMagic[] = "CTGRAD-KERNEL-1\n";

inline std::string cache_header(const std::string& compiler_id, std::uint64_t key, std::size_t size, std::uint64_t checksum) {
  std::ostringstream h;
  h << kCacheMagic << compiler_id << '\n' << std::hex << key << ' ' << std::dec << size << ' ' << std::hex << checksum << '\n';
  return h.str();
}

// The binary stored under `key`, or nothing when the entry is missing, foreign or corrupt.
inline std::optional<std::vector<std::uint8_t>> read_cache_entry(const std::filesystem::path& file, const std::string& compiler_id,
                                                                 std::uint64_t key) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return std::nullopt;
  std::string magic(sizeof(kCacheMagic) - 1, '\0'), id_line;
  in.read(magic.data(), static_cast<std::streamsize>(magic.size()));
  if (magic != kCacheMagic || !std::getline(in, id_line) || id_line != compiler_id) return std::nullopt;
  std::uint64_t stored_key = 0, checksum = 0;
  std::size_t size = 0;
  in >> std::hex >> stored_key >> std::dec >> size >> std::hex >> checksum;
  if (!in || stored_key != key || in.get() != '\n') return std::nullopt;
  const auto payload_at = in.tellg();
  in.seekg(0, std::ios::end);
  if (!in || in.tellg() - payload_at != static_cast<std::streamoff>(size)) return std::nullopt;  // checked before allocating
  in.seekg(payload_at);
  std::vector<std::uint8_t> bin(size);
  in.read(reinterpret_cast<char*>(bin.data()), static_cast<std::streamsize>(size));
  if (static_cast<std::size_t>(in.gcount()) != size || in.peek() != EOF) return std::nullopt;
  if (fnv1a(bin.data(), bin.size()) != checksum) return std::nullopt;
  return bin;
}

// Written to a temporary file and renamed, so a crash or a concurrent writer never leaves a torn entry.
inline void write_cache_entry(const std::filesystem::path& file, const std::string& compiler_id, std::uint64_t key,
                              const std::vector<std::uint8_t>& bin) {
  std::error_code ec;
  std::filesystem::create_directories(file.parent_path(), ec);
  if (ec) return;
  auto tmp = file;
  static std::atomic<std::uint64_t> writes{0};  // several threads of one process may write the same entry
  tmp += ".tmp" + std::to_string(::getpid()) + "-" + std::to_string(writes++);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return;
    out << cache_header(compiler_id, key, bin.size(), fnv1a(bin.data(), bin.size()));
    out.write(reinterpret_cast<const char*>(bin.data()), static_cast<std::streamsize>(bin.size()));
    if (!out) {
      out.close();
      std::filesystem::remove(tmp, ec);
      return;
    }
  }
  std::filesystem::rename(tmp, file, ec);
  if (ec) std::filesystem::remove(tmp, ec);
}

}  // namespace detail

class KernelCache {
 public:
  static KernelCache& instance() {
    static KernelCache cache;
    return cache;
  }

  // The loaded kernel for `p` on `dev`: from memory, else from disk, else compiled (and stored in both).
  std::shared_ptr<CompiledKernel> get(Device& dev, const KernelProgram& p) {
    const std::string mem_key = dev.name() + ":" + std::to_string(p.hash());
    {
      std::lock_guard lock(mutex_);
      if (auto it = loaded_.find(mem_key); it != loaded_.end()) {
        ++counters().memory_cache_hits;
        return it->second;
      }
    }
    // One compile at a time: threads that miss on the same kernel wait for the first one's result.
    std::lock_guard compiling(compile_mutex_);
    {
      std::lock_guard lock(mutex_);
      if (auto it = loaded_.find(mem_key); it != loaded_.end()) {
        ++counters().memory_cache_hits;
        return it->second;
      }
    }
    const std::string source = dev.render(p);
    if (debug_level() >= 4) std::cerr << "--- " << dev.name() << " source of " << p.name << " ---\n" << source << "\n";
    const std::string id = dev.compiler_id();
    const std::uint64_t key = fnv1a(id + '\n' + source);
    const auto dir = cache_dir();
    const auto file = dir.empty() ? dir : dir / (dev.name() + "-" + to_hex(key) + ".bin");
    std::optional<std::vector<std::uint8_t>> binary;
    if (!file.empty()) binary = detail::read_cache_entry(file, id, key);
    if (binary) {
      ++counters().disk_cache_hits;
    } else {
      auto t0 = std::chrono::steady_clock::now();
      binary = dev.compile(source, p);
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count();
      ++counters().kernels_compiled;
      counters().compile_ns += ns;
      if (debug_level() >= 3) std::cerr << "compiled " << p.name << " on " << dev.name() << " in " << ns / 1e6 << " ms\n";
      if (!file.empty()) detail::write_cache_entry(file, id, key, *binary);
    }
    std::shared_ptr<CompiledKernel> kernel = dev.load(*binary, p);
    std::lock_guard lock(mutex_);
    loaded_[mem_key] = kernel;
    return kernel;
  }

  // Forgets the loaded kernels (tests use it to measure disk-cache hits).
  void clear_memory() {
    std::lock_guard lock(mutex_);
    loaded_.clear();
  }

 private:
  static std::string to_hex(std::uint64_t v) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
  }
  std::mutex mutex_;          // guards loaded_
  std::mutex compile_mutex_;  // held from a miss until its kernel is in loaded_
  std::unordered_map<std::string, std::shared_ptr<CompiledKernel>> loaded_;
};

}  // namespace ctgrad::rt
