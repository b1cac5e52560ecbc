#include "quarry/registry/atomic_file.hpp"

#include "quarry/posix/unique_fd.hpp"
#include "quarry/posix/write_all.hpp"

#include <cerrno>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

namespace quarry::registry {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void throw_errno(int error, const std::string& what, const fs::path& file) {
  throw std::system_error(error, std::generic_category(), what + " " + file.string());
}

//! An open temporary file beside a target; removed unless committed.
class TempFile {
 public:
  explicit TempFile(const fs::path& target) : path_(target.string() + ".tmp-XXXXXX") {
    fd_ = ::mkostemp(path_.data(), O_CLOEXEC);
    if (fd_ < 0) throw_errno(errno, "cannot create a temporary file for", target);
  }
  ~TempFile() {
    if (fd_ >= 0) ::close(fd_);
    if (!committed_) ::unlink(path_.c_str());
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  void write(const char* data, std::size_t size) {
    if (const int error = posix::write_all(fd_, std::string_view(data, size)); error != 0)
      throw_errno(error, "cannot write", path_);
  }

  //! fsync, close and rename over `target`.
  void commit(const fs::path& target) {
    if (::fsync(fd_) != 0) throw_errno(errno, "cannot fsync", path_);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw_errno(errno, "cannot close", path_);
    if (::rename(path_.c_str(), target.c_str()) != 0)
      throw_errno(errno, "cannot rename to", target);
    committed_ = true;
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool committed_ = false;
};

void fsync_directory(const fs::path& dir) {
  const posix::UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) throw_errno(errno, "cannot open directory", dir);
  if (::fsync(fd.get()) != 0) throw_errno(errno, "cannot fsync directory", dir);
}

void copy_contents(const fs::path& source, TempFile& out) {
  const posix::UniqueFd fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw_errno(errno, "cannot open", source);
  std::string buffer(64 * 1024, '\0');
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw_errno(errno, "cannot read", source);
    if (n == 0) break;
    out.write(buffer.data(), static_cast<std::size_t>(n));
  }
}

}  // namespace

void write_file_atomically(const fs::path& target, std::string_view content) {
  TempFile temp(target);
  temp.write(content.data(), content.size());
  temp.commit(target);
  fsync_directory(target.parent_path().empty() ? fs::path(".") : target.parent_path());
}

void copy_file_atomically(const fs::path& source, const fs::path& target) {
  TempFile temp(target);
  copy_contents(source, temp);
  temp.commit(target);
}

}  // namespace quarry::registry
