#pragma once
//! \file
//! write_all: the whole of a byte range to a file descriptor, for the places that write files
//! or pipes through descriptors (atomic outputs, the registry's files and probe results, the
//! UTF-8 copy of a wide-text input).

#include <cerrno>
#include <string_view>

#include <unistd.h>

namespace quarry::posix {

//! Writes all of `bytes` to `fd`, going on after short writes and interrupted calls. Returns
//! 0 once everything is written, or the errno of the write that failed (what was written
//! before it stays written).
[[nodiscard]] inline int write_all(int fd, std::string_view bytes) noexcept {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return 0;
}

}  // namespace quarry::posix
