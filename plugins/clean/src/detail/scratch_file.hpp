#pragma once
//! \file
//! ScratchFile: an anonymous temporary file in the host's scratch directory
//! (sdk::Call::scratch_directory()), for state that outgrows the memory budget. It has no
//! name, so it vanishes when closed, whatever happens to the call.

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "quarry/sdk.hpp"

namespace quarry::clean {

//! An anonymous file for reading and writing, closed (and so gone) on destruction.
class ScratchFile {
 public:
  //! A new empty file under `directory`; throws sdk::Error::io naming the directory.
  explicit ScratchFile(std::string_view directory) : fd_(open_anonymous(std::string(directory))) {}
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;
  ~ScratchFile() { ::close(fd_); }

  //! Appends `bytes`; throws sdk::Error::io when the disk is full or failing.
  void append(std::span<const std::byte> bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::write(fd_, bytes.data(), bytes.size());
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) errno = ENOSPC;
      if (n <= 0) throw failure("cannot write a temporary file");
      bytes = bytes.subspan(static_cast<std::size_t>(n));
      size_ += static_cast<std::uint64_t>(n);
    }
  }

  //! Bytes written.
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }

  //! Reads `out.size()` bytes from `offset`.
  void read(std::uint64_t offset, std::span<std::byte> out) const {
    while (!out.empty()) {
      const ssize_t n = ::pread(fd_, out.data(), out.size(), static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) errno = EIO;  // shorter than written
      if (n <= 0) throw failure("cannot read back a temporary file");
      out = out.subspan(static_cast<std::size_t>(n));
      offset += static_cast<std::uint64_t>(n);
    }
  }

 private:
  static sdk::Error failure(const std::string& what) {
    return sdk::Error::io(what + ": " + std::strerror(errno) +
                          " (free some disk space under the Quarry cache directory, or raise "
                          "memory.budget_mb so the data fits in memory)");
  }

  // O_TMPFILE where the file system has it; else a named file unlinked at once.
  static int open_anonymous(const std::string& directory) {
    int fd = ::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    std::string name = directory + "/quarry-clean-XXXXXX";
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) throw failure("cannot create a temporary file under " + directory);
    ::unlink(name.c_str());
    return fd;
  }

  int fd_;
  std::uint64_t size_ = 0;
};

}  // namespace quarry::clean
