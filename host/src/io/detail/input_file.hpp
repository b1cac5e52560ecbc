#pragma once
//! \file
//! A read-only file opened for positional reads, with clear errors for the usual mistakes.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace quarry::io::detail {

//! An open, regular, non-empty input file. Reads are positional (pread), so one InputFile
//! may serve several threads at once.
class InputFile {
 public:
  //! Opens `path`. Throws InputError for a missing, unreadable, non-regular or empty file,
  //! or one larger than `max_bytes`. Messages name it `display_name` (empty: its path).
  InputFile(const std::filesystem::path& path, std::uint64_t max_bytes,
            std::string display_name = {});
  ~InputFile();
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }
  //! The path as given, for messages.
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  //! The open descriptor (for fstat; owned by this object).
  [[nodiscard]] int descriptor() const noexcept { return fd_; }
  //! Reads up to `count` bytes at `offset`; returns the bytes read (less only at the end).
  std::size_t read_at(std::uint64_t offset, char* out, std::size_t count) const;

 private:
  std::string name_;
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

//! Throws InputError when `path` is not a readable, non-empty regular file (used by sources
//! that open files through a library, such as SQLite).
void check_input_file(const std::filesystem::path& path, std::uint64_t max_bytes);

}  // namespace quarry::io::detail
