#pragma once
// A whole file's bytes, read-only: mmap'd when the file is regular and not empty, else read (a pipe, /proc).
// Nothing is allocated beyond what the file holds. Another process truncating a mapped file is undefined (SIGBUS),
// as with every mmap-based loader.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "ctgrad/io/raw_tensor.hpp"

namespace ctgrad::io {

class MappedFile {
 public:
  static std::shared_ptr<const MappedFile> open(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw IoError(squoted(path) + ": cannot open: " + std::strerror(errno));
    auto f = std::shared_ptr<MappedFile>(new MappedFile());
    struct stat st {};
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
      void* p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
      if (p != MAP_FAILED) {
        f->map_ = p;
        f->size_ = static_cast<std::size_t>(st.st_size);
      }
    }
    if (!f->map_ && !f->read_all(fd)) {
      const int err = errno;
      ::close(fd);
      throw IoError(squoted(path) + ": cannot read: " + std::strerror(err));
    }
    ::close(fd);
    return f;
  }
  ~MappedFile() {
    if (map_) ::munmap(map_, size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::span<const std::byte> bytes() const {
    if (map_) return {static_cast<const std::byte*>(map_), size_};
    return {copy_.data(), copy_.size()};
  }
  bool mapped() const { return map_ != nullptr; }

 private:
  MappedFile() = default;
  bool read_all(int fd) {  // grows with what arrives, so the allocation never exceeds the data
    std::byte chunk[1 << 16];
    for (;;) {
      const ssize_t n = ::read(fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return false;
      if (n == 0) return true;
      copy_.insert(copy_.end(), chunk, chunk + n);
    }
  }
  void* map_ = nullptr;
  std::size_t size_ = 0;
  std::vector<std::byte> copy_;
};

}  // namespace ctgrad::io
