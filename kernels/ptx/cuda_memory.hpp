#pragma once
// Device memory with reuse: freed blocks wait in a free list per size bucket (8 buckets per power of two, so at most
// 1/8 of a block is slack) and serve later allocations of that bucket without a driver call. When the driver runs
// out of memory the cached blocks are released and the allocation is tried once more.
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "ctgrad/runtime/device.hpp"
#include "cuda_driver.hpp"

namespace ctgrad::rt::cuda {

class MemoryPool {
 public:
  MemoryPool(const Driver& driver, CUcontext ctx) : driver_(driver), ctx_(ctx) {}
  ~MemoryPool() { release_cached(); }
  MemoryPool(const MemoryPool&) = delete;
  MemoryPool& operator=(const MemoryPool&) = delete;

  static std::size_t bucket_size(std::size_t bytes);
  CUdeviceptr acquire(std::size_t bucket);                       // throws OutOfMemory / DeviceError
  void give_back(CUdeviceptr ptr, std::size_t bucket) noexcept;  // keeps it for reuse
  void release_cached() noexcept;                                // frees every cached block
  std::size_t cached_bytes() const;

 private:
  const Driver& driver_;
  CUcontext ctx_;
  mutable std::mutex mutex_;
  std::map<std::size_t, std::vector<CUdeviceptr>> free_;
};

struct CudaBuffer : DeviceBuffer {
  CudaBuffer(std::shared_ptr<MemoryPool> pool, std::size_t bytes)
      : DeviceBuffer(bytes), bucket(MemoryPool::bucket_size(bytes)), ptr(pool->acquire(bucket)), pool_(std::move(pool)) {}
  ~CudaBuffer() override { pool_->give_back(ptr, bucket); }
  std::size_t bucket;
  CUdeviceptr ptr;

 private:
  std::shared_ptr<MemoryPool> pool_;  // outlives every buffer it handed out
};

}  // namespace ctgrad::rt::cuda
