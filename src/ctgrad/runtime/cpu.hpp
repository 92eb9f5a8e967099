#pragma once
// What the CPU devices (C and LLVM) share: host memory, copies, and the kernel ABI with a parallel launcher.
//
// CPU kernel ABI: extern "C" void <program.name>(void* const* bufs, int64_t start, int64_t end)
// runs invocations g in [start, end). Large kernels are split over the cores (std::thread::hardware_concurrency).
#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <mutex>
#include <new>
#include <thread>
#include <vector>

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#endif

#include "ctgrad/runtime/device.hpp"

namespace ctgrad::rt {

struct HostBuffer : DeviceBuffer {
  explicit HostBuffer(std::size_t n) : DeviceBuffer(n) {
    // large buffers on 2 MiB boundaries, backed by huge pages where the kernel offers them (as numpy does): a kernel
    // that walks a big matrix down its columns touches a new 4 KiB page per row, and a TLB miss per row costs more
    // than the row's data
    const bool large = n >= kHugePageBytes * 2;
    const std::size_t align = large ? kHugePageBytes : 64;
    const std::size_t bytes = std::max(align, (n + align - 1) / align * align);  // aligned_alloc wants a multiple
    data = std::aligned_alloc(align, bytes);
    if (data == nullptr) throw OutOfMemory("ctgrad: out of host memory allocating " + std::to_string(n) + " bytes");
#if defined(MADV_HUGEPAGE)
    if (large) madvise(data, bytes, MADV_HUGEPAGE);  // advice only: failure changes nothing
#endif
  }
  static constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;
  ~HostBuffer() override { std::free(data); }
  void* data;
};

using CpuKernelFn = void (*)(void* const*, std::int64_t, std::int64_t);

// A small persistent pool: the calling thread takes the first chunk, workers the rest.
class ThreadPool {
 public:
  static ThreadPool& instance() {
    static ThreadPool pool(std::max(1u, std::thread::hardware_concurrency()));
    return pool;
  }
  std::size_t size() const { return workers_.size() + 1; }

  // Calls fn(chunk) for chunk in [0, chunks) and waits for all of them.
  void run(std::size_t chunks, const std::function<void(std::size_t)>& fn) {
    if (chunks <= 1 || workers_.empty()) {
      for (std::size_t c = 0; c < chunks; ++c) fn(c);
      return;
    }
    std::unique_lock lock(mutex_);
    job_ = &fn;
    next_ = 1;
    chunks_ = chunks;
    pending_ = chunks - 1;
    ++generation_;
    lock.unlock();
    wake_.notify_all();
    fn(0);
    lock.lock();
    while (next_ < chunks_) {  // help with the remaining chunks
      std::size_t c = next_++;
      lock.unlock();
      fn(c);
      lock.lock();
      --pending_;
    }
    done_.wait(lock, [&] { return pending_ == 0; });
    job_ = nullptr;
  }

  ~ThreadPool() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (auto& w : workers_) w.join();
  }

 private:
  explicit ThreadPool(unsigned n) {
    for (unsigned i = 1; i < n; ++i) workers_.emplace_back([this] { work(); });
  }
  void work() {
    std::size_t seen = 0;
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stop_ || (generation_ != seen && job_ != nullptr && next_ < chunks_); });
      if (stop_) return;
      seen = generation_;
      while (job_ != nullptr && next_ < chunks_) {
        std::size_t c = next_++;
        auto* job = job_;
        lock.unlock();
        (*job)(c);
        lock.lock();
        if (--pending_ == 0) done_.notify_all();
      }
    }
  }
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(std::size_t)>* job_ = nullptr;
  std::size_t next_ = 0, chunks_ = 0, pending_ = 0, generation_ = 0;
  bool stop_ = false;
};

// Runs a CPU kernel over [0, global_size), in parallel once the work is large enough to pay for the wake-up.
inline void launch_cpu_kernel(CpuKernelFn fn, std::span<DeviceBuffer* const> bufs, const KernelProgram& p) {
  std::vector<void*> ptrs;
  ptrs.reserve(bufs.size());
  for (auto* b : bufs) ptrs.push_back(static_cast<HostBuffer*>(b)->data);
  auto& pool = ThreadPool::instance();
  const std::int64_t n = p.global_size;
  const std::int64_t work = std::max<std::int64_t>(p.flops, 0) + p.bytes / 4;
  if (pool.size() == 1 || work < (1 << 16) || n < 2) {
    fn(ptrs.data(), 0, n);
    return;
  }
  // Invocations that each do much work (optimized tiles) go in several chunks per thread, taken as threads free up,
  // so a core shared with another process does not hold the kernel back; light ones keep one chunk per thread with
  // boundaries on multiples of 64 so vector loops over g stay aligned.
  const bool heavy = p.flops / n >= 4096;
  const std::size_t per_thread = heavy ? 8 : 1;
  const std::int64_t align = heavy ? 1 : 64;
  const auto chunks = static_cast<std::int64_t>(std::min<std::size_t>(pool.size() * per_thread, static_cast<std::size_t>(n)));
  pool.run(static_cast<std::size_t>(chunks), [&](std::size_t c) {
    auto ci = static_cast<std::int64_t>(c);
    auto bound = [&](std::int64_t k) { return std::min(n, (n * k / chunks + align - 1) / align * align); };
    fn(ptrs.data(), ci == 0 ? 0 : bound(ci), ci == chunks - 1 ? n : bound(ci + 1));
  });
}

// Freed host buffers kept for reuse by size: a fresh allocation of a large buffer costs a page fault per 4 KiB on
// first touch, which would halve the speed of a memory-bound kernel that writes a new output on every call.
class HostBufferPool {
 public:
  std::shared_ptr<DeviceBuffer> get(std::size_t bytes) {
    std::unique_ptr<HostBuffer> b;
    {
      std::lock_guard lock(mutex_);
      if (auto it = free_.find(bytes); it != free_.end()) {
        b = std::move(it->second);
        free_.erase(it);
        cached_ -= bytes;
      }
    }
    if (!b) b = std::make_unique<HostBuffer>(bytes);
    return std::shared_ptr<DeviceBuffer>(b.release(), [this](DeviceBuffer* d) { put(static_cast<HostBuffer*>(d)); });
  }
  ~HostBufferPool() { std::lock_guard lock(mutex_); free_.clear(); }

 private:
  static constexpr std::size_t kMaxCached = std::size_t{1} << 30;
  void put(HostBuffer* b) {
    std::unique_ptr<HostBuffer> owned(b);
    std::lock_guard lock(mutex_);
    if (cached_ + b->bytes > kMaxCached) return;  // freed now
    cached_ += b->bytes;
    free_.emplace(b->bytes, std::move(owned));
  }
  std::mutex mutex_;
  std::multimap<std::size_t, std::unique_ptr<HostBuffer>> free_;
  std::size_t cached_ = 0;
};

// Memory and copies for the CPU devices.
class CpuDeviceBase : public Device {
 public:
  std::shared_ptr<DeviceBuffer> alloc(std::size_t bytes) override {
    static auto* pool = new HostBufferPool;  // outlives every buffer, including those freed during static destruction
    return pool->get(bytes);
  }
  void copy_in(DeviceBuffer& dst, const void* src, std::size_t bytes) override {
    std::memcpy(static_cast<HostBuffer&>(dst).data, src, bytes);
  }
  void copy_out(void* dst, DeviceBuffer& src, std::size_t bytes) override {
    std::memcpy(dst, static_cast<HostBuffer&>(src).data, bytes);
  }
};

}  // namespace ctgrad::rt
