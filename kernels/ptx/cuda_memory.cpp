#include "cuda_memory.hpp"

#include <bit>

namespace ctgrad::rt::cuda {

std::size_t MemoryPool::bucket_size(std::size_t bytes) {
  constexpr std::size_t kMinBlock = 256;  // cuMemAlloc's alignment; also gives 0-byte buffers a real address
  if (bytes <= kMinBlock) return kMinBlock;
  const std::size_t step = std::bit_ceil(bytes) / 8;
  return (bytes + step - 1) / step * step;
}

CUdeviceptr MemoryPool::acquire(std::size_t bucket) {
  {
    std::lock_guard lock(mutex_);
    auto it = free_.find(bucket);
    if (it != free_.end() && !it->second.empty()) {
      CUdeviceptr ptr = it->second.back();
      it->second.pop_back();
      return ptr;
    }
  }
  driver_.make_current(ctx_);
  CUdeviceptr ptr = 0;
  CUresult r = driver_.cuMemAlloc_v2(&ptr, bucket);
  if (r == CUDA_ERROR_OUT_OF_MEMORY) {
    release_cached();
    r = driver_.cuMemAlloc_v2(&ptr, bucket);
  }
  if (r == CUDA_ERROR_OUT_OF_MEMORY) throw OutOfMemory("CUDA: cuMemAlloc_v2 failed for " + std::to_string(bucket) + " bytes: " + driver_.describe(r));
  driver_.check(r, "cuMemAlloc_v2");
  return ptr;
}

void MemoryPool::give_back(CUdeviceptr ptr, std::size_t bucket) noexcept {
  try {
    std::lock_guard lock(mutex_);
    free_[bucket].push_back(ptr);
  } catch (...) {  // no memory for the free list: free the block instead of keeping it
    driver_.cuMemFree_v2(ptr);
  }
}

void MemoryPool::release_cached() noexcept {
  std::lock_guard lock(mutex_);
  if (free_.empty()) return;
  try {
    driver_.make_current(ctx_);
  } catch (...) {
    return;  // the context is gone (process exit): the driver reclaims everything
  }
  for (auto& [bucket, blocks] : free_)
    for (CUdeviceptr p : blocks) driver_.cuMemFree_v2(p);
  free_.clear();
}

std::size_t MemoryPool::cached_bytes() const {
  std::lock_guard lock(mutex_);
  std::size_t total = 0;
  for (auto& [bucket, blocks] : free_) total += bucket * blocks.size();
  return total;
}

}  // namespace ctgrad::rt::cuda
