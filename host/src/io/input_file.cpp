#include "io/detail/input_file.hpp"

#include "quarry/io/error.hpp"

#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace quarry::io::detail {
namespace {

[[noreturn]] void open_failed(const std::string& name, int error) {
  if (error == ENOENT || error == ENOTDIR) {
    throw InputError("the file does not exist", "check the path and the data roots",
                     ErrorLocation{name, 0, {}});
  }
  if (error == EACCES || error == EPERM) {
    throw InputError("the file is not readable (permission denied)",
                     "make it readable by the user running quarry", ErrorLocation{name, 0, {}});
  }
  throw InputError(std::string("cannot open the file: ") + std::strerror(error),
                   "check the path and the file", ErrorLocation{name, 0, {}})
      .with_errno(error);
}

void check_stat(const std::string& name, const struct stat& info, std::uint64_t max_bytes) {
  if (S_ISDIR(info.st_mode)) {
    throw InputError("the path is a directory, not a file", "name a data file inside it",
                     ErrorLocation{name, 0, {}});
  }
  if (!S_ISREG(info.st_mode)) {
    throw InputError("the path is not a regular file", "name a regular data file",
                     ErrorLocation{name, 0, {}});
  }
  const auto size = static_cast<std::uint64_t>(info.st_size);
  if (size == 0) {
    throw InputError("the file is empty (0 bytes)", "check that the file was written completely",
                     ErrorLocation{name, 0, {}});
  }
  if (size > max_bytes) {
    throw InputError("the file is " + std::to_string(size) + " bytes, over the limit of " +
                         std::to_string(max_bytes),
                     "raise limits.max_file_mb in the configuration, or read a smaller file",
                     ErrorLocation{name, 0, {}});
  }
}

}  // namespace

InputFile::InputFile(const std::filesystem::path& path, std::uint64_t max_bytes,
                     std::string display_name)
    : name_(display_name.empty() ? path.string() : std::move(display_name)) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) open_failed(name_, errno);
  struct stat info {};
  if (::fstat(fd_, &info) != 0) {
    const int error = errno;
    ::close(fd_);
    open_failed(name_, error);
  }
  try {
    check_stat(name_, info, max_bytes);
  } catch (...) {
    ::close(fd_);
    throw;
  }
  size_ = static_cast<std::uint64_t>(info.st_size);
  ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

InputFile::~InputFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::size_t InputFile::read_at(std::uint64_t offset, char* out, std::size_t count) const {
  std::size_t done = 0;
  while (done < count) {
    const ssize_t n = ::pread(fd_, out + done, count - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      throw InputError(std::string("read failed: ") + std::strerror(error),
                       "check the disk and the file", ErrorLocation{name_, 0, {}})
          .with_errno(error);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  return done;
}

void check_input_file(const std::filesystem::path& path, std::uint64_t max_bytes) {
  const std::string name = path.string();
  struct stat info {};
  if (::stat(name.c_str(), &info) != 0) open_failed(name, errno);
  check_stat(name, info, max_bytes);
  if (::access(name.c_str(), R_OK) != 0) open_failed(name, errno);
}

}  // namespace quarry::io::detail
