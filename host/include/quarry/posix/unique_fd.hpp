#pragma once
//! \file
//! UniqueFd: an owned POSIX file descriptor, for the libraries that hold files open (the
//! registry's probes and watcher, the io library's column cache).

#include <utility>

#include <unistd.h>

namespace quarry::posix {

//! Closes its descriptor on destruction; -1 means none. Move-only.
class UniqueFd {
 public:
  //! No descriptor.
  UniqueFd() = default;
  //! Takes ownership of `fd` (-1 for none, e.g. a failed open()).
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  ~UniqueFd() { reset(); }
  //! Takes `other`'s descriptor; `other` is left with none.
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  //! Closes this descriptor and takes `other`'s.
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  //! The descriptor, still owned (-1 for none).
  [[nodiscard]] int get() const noexcept { return fd_; }
  //! True when a descriptor is held.
  [[nodiscard]] explicit operator bool() const noexcept { return fd_ >= 0; }
  //! Gives up ownership and returns the descriptor.
  int release() noexcept { return std::exchange(fd_, -1); }
  //! Closes the descriptor held, if any, and takes `fd`.
  void reset(int fd = -1) noexcept {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

}  // namespace quarry::posix
