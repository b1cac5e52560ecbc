#include "registry/detail/mapped_file.hpp"

#include "quarry/posix/unique_fd.hpp"

#include <cerrno>
#include <string>
#include <system_error>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

namespace quarry::registry::detail {
namespace {

[[noreturn]] void throw_errno(const std::filesystem::path& file, const char* what) {
  throw std::system_error(errno, std::generic_category(), std::string(what) + " " + file.string());
}

}  // namespace

MappedFile::MappedFile(const std::filesystem::path& file) {
  const posix::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw_errno(file, "cannot open");
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) throw_errno(file, "cannot stat");
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ == 0) return;
  data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd.get(), 0);
  if (data_ == MAP_FAILED) {
    data_ = nullptr;
    throw_errno(file, "cannot map");
  }
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(data_, size_);
}

}  // namespace quarry::registry::detail
