#pragma once
//! \file
//! A temporary file beside a destination that becomes the destination only on commit().

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace quarry::io::detail {

//! Creates ".NAME.XXXXXX.partial" in the destination's directory. Writes are buffered.
//! commit() flushes, fsyncs, renames (without replacing unless `overwrite`) and fsyncs the
//! directory; the destructor removes the temporary file unless committed. Every few MiB
//! written, writeback to disk is started, so that commit's fsync has little left to wait for.
class AtomicOutput {
 public:
  //! Throws OutputError when the destination exists (and !overwrite) or the temporary file
  //! cannot be created.
  AtomicOutput(std::filesystem::path destination, bool overwrite);
  ~AtomicOutput();
  AtomicOutput(const AtomicOutput&) = delete;
  AtomicOutput& operator=(const AtomicOutput&) = delete;

  //! The temporary file (for libraries that write it themselves, such as SQLite).
  [[nodiscard]] const std::filesystem::path& temp_path() const noexcept { return temp_; }
  [[nodiscard]] const std::filesystem::path& destination() const noexcept { return destination_; }
  //! Appends bytes (small pieces buffered, large ones written through).
  void write(std::string_view bytes);
  //! Closes our descriptor without committing (when a library reopens the file itself).
  void close_descriptor();
  //! Flush, fsync, rename into place, fsync the directory. Throws OutputError.
  void commit();
  [[nodiscard]] bool committed() const noexcept { return committed_; }

 private:
  void flush();
  //! Writes all of `bytes` to the temporary file. Throws OutputError.
  void write_all(std::string_view bytes);
  void rename_into_place();
  //! Starts writeback of what was written since the last start, once that is kWritebackBytes.
  void start_writeback();

  std::filesystem::path destination_;
  std::filesystem::path temp_;
  bool overwrite_;
  int fd_ = -1;
  bool committed_ = false;
  std::string buffer_;
  std::uint64_t written_ = 0;         //!< bytes written to fd_
  std::uint64_t writeback_from_ = 0;  //!< offset writeback was last started from
};

//! Throws OutputError unless `destination` is free to write (or `overwrite`) and its directory
//! exists.
void check_destination(const std::filesystem::path& destination, bool overwrite);

}  // namespace quarry::io::detail
