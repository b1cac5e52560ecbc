#include "io/detail/atomic_output.hpp"

#include "quarry/io/error.hpp"
#include "quarry/posix/write_all.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

namespace quarry::io::detail {
namespace {

constexpr std::size_t kFlushBytes = 1ULL << 20;
// Written bytes after which the kernel is asked to start writing them to disk.
constexpr std::uint64_t kWritebackBytes = 8ULL << 20;

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& file, int error) {
  throw OutputError(what + " " + file.string() + ": " + std::strerror(error));
}

void fsync_directory(const std::filesystem::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: some file systems refuse directory descriptors
  ::fsync(fd);
  ::close(fd);
}

//! Creates `pattern` (its "XXXXXX" replaced by random letters and digits) exclusively, as
//! mkostemps does, but with mode 0666 so that the process umask applies, as it does to any file
//! a program writes: mkstemp's 0600 left outputs unreadable to the user's group and to services
//! (a web server, a notebook run as another user) however the umask was set.
int create_exclusive(std::string& pattern) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const std::size_t at = pattern.rfind("XXXXXX");
  thread_local std::mt19937_64 random{std::random_device{}()};
  for (int attempt = 0; attempt < 100; ++attempt) {
    for (std::size_t i = 0; i < 6; ++i)
      pattern[at + i] = kAlphabet[random() % (sizeof kAlphabet - 1)];
    const int fd = ::open(pattern.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd >= 0 || errno != EEXIST) return fd;
  }
  errno = EEXIST;
  return -1;
}

std::filesystem::path parent_of(const std::filesystem::path& destination) {
  const std::filesystem::path parent = destination.parent_path();
  return parent.empty() ? std::filesystem::path(".") : parent;
}

}  // namespace

void check_destination(const std::filesystem::path& destination, bool overwrite) {
  std::error_code error;
  if (!std::filesystem::is_directory(parent_of(destination), error)) {
    throw OutputError("the directory of " + destination.string() +
                      " does not exist; create it first");
  }
  if (!overwrite && std::filesystem::exists(std::filesystem::symlink_status(destination, error))) {
    throw OutputError(destination.string() +
                      " already exists; choose another name or allow overwriting");
  }
}

AtomicOutput::AtomicOutput(std::filesystem::path destination, bool overwrite)
    : destination_(std::move(destination)), overwrite_(overwrite) {
  check_destination(destination_, overwrite_);
  std::string name(1, '.');  // appended piecewise: GCC 12 -O3 warns (-Wrestrict) on "." + name
  name += destination_.filename().string();
  name += ".XXXXXX.partial";
  std::string pattern = (parent_of(destination_) / name).string();
  fd_ = create_exclusive(pattern);
  if (fd_ < 0) fail("cannot create a temporary file beside", destination_, errno);
  temp_ = pattern;
  buffer_.reserve(kFlushBytes);
}

AtomicOutput::~AtomicOutput() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_.c_str());
}

void AtomicOutput::write(std::string_view bytes) {
  if (buffer_.size() + bytes.size() < kFlushBytes) {
    buffer_.append(bytes);
    return;
  }
  flush();
  // A large piece (a whole encoded chunk) goes straight to the file, not through the buffer.
  if (bytes.size() >= kFlushBytes) return write_all(bytes);
  buffer_.append(bytes);
}

void AtomicOutput::flush() {
  write_all(buffer_);
  buffer_.clear();
}

void AtomicOutput::write_all(std::string_view bytes) {
  if (const int error = posix::write_all(fd_, bytes); error != 0)
    fail("cannot write", temp_, error);
  written_ += bytes.size();
  start_writeback();
}

void AtomicOutput::start_writeback() {
  if (written_ - writeback_from_ < kWritebackBytes) return;
  // Best effort (an error here shows again at commit's fsync): the pages go to disk while the
  // rest of the file is computed, instead of all at once in fsync at the end.
  ::sync_file_range(fd_, static_cast<off64_t>(writeback_from_),
                    static_cast<off64_t>(written_ - writeback_from_), SYNC_FILE_RANGE_WRITE);
  writeback_from_ = written_;
}

void AtomicOutput::close_descriptor() {
  if (fd_ < 0) return;
  flush();
  ::close(fd_);
  fd_ = -1;
}

void AtomicOutput::commit() {
  if (committed_) throw OutputError(destination_.string() + " was already committed");
  if (fd_ < 0) {  // written by someone else: reopen to fsync
    fd_ = ::open(temp_.c_str(), O_RDWR | O_CLOEXEC);
    if (fd_ < 0) fail("cannot reopen", temp_, errno);
  }
  flush();
  if (::fsync(fd_) != 0) fail("cannot fsync", temp_, errno);
  const int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("cannot close", temp_, errno);
  rename_into_place();
  committed_ = true;
  fsync_directory(parent_of(destination_));
}

void AtomicOutput::rename_into_place() {
  if (overwrite_) {
    if (::rename(temp_.c_str(), destination_.c_str()) != 0)
      fail("cannot rename into", destination_, errno);
    return;
  }
  if (::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, destination_.c_str(), RENAME_NOREPLACE) == 0)
    return;
  if (errno == EEXIST) {
    throw OutputError(destination_.string() +
                      " appeared while it was being written; nothing was replaced");
  }
  if (errno != EINVAL && errno != ENOSYS) fail("cannot rename into", destination_, errno);
  // The file system cannot rename without replacing: link() fails if the name is taken.
  if (::link(temp_.c_str(), destination_.c_str()) != 0) {
    if (errno == EEXIST)
      throw OutputError(destination_.string() +
                        " appeared while it was being written; nothing was replaced");
    fail("cannot link into", destination_, errno);
  }
  ::unlink(temp_.c_str());
}

}  // namespace quarry::io::detail
