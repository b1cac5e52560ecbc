#pragma once
//! \file
//! A window sliding over part of a file for the CSV scanner: read a cache-sized piece, let the
//! scanner take the whole records in it, keep the unfinished tail for the next piece, and
//! grow only for a record longer than the window. Both CSV passes read through one.

#include "io/detail/csv_inference.hpp"
#include "io/detail/csv_scanner.hpp"
#include "io/detail/input_file.hpp"
#include "quarry/io/buffer.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace quarry::io::detail {

class ScanWindow {
 public:
  //! Reads `file` from `begin` up to `limit` (see extend_limit()), `piece` bytes at a time,
  //! into `buffer`, which is reused from call to call and grows as needed.
  ScanWindow(const InputFile& file, AlignedBuffer& buffer, std::uint64_t begin, std::uint64_t limit,
             std::size_t piece)
      : file_(file),
        buffer_(buffer),
        offset_(begin),
        limit_(limit),
        capacity_(static_cast<std::size_t>(
            std::clamp<std::uint64_t>(limit - begin, 64, std::max<std::size_t>(piece, 64)))) {
    buffer_.reserve_uninitialized(capacity_ + 64);
  }

  //! Reads until the window is full or at the limit, then pads it with 64 zero bytes (the
  //! scanner reads whole 64-byte blocks). False when the file ended before the limit.
  bool fill() {
    const auto want = static_cast<std::size_t>(
        std::min<std::uint64_t>(capacity_ - have_, limit_ - (offset_ + have_)));
    const std::size_t got = file_.read_at(offset_ + have_, data() + have_, want);
    have_ += got;
    std::memset(data() + have_, 0, 64);
    return got == want;
  }

  [[nodiscard]] char* data() noexcept { return buffer_.as<char>(); }
  //! Bytes held.
  [[nodiscard]] std::size_t size() const noexcept { return have_; }
  //! The file offset of data()[0].
  [[nodiscard]] std::uint64_t offset() const noexcept { return offset_; }
  //! The window holds everything up to the limit.
  [[nodiscard]] bool at_limit() const noexcept { return offset_ + have_ >= limit_; }
  //! Lets the window read further (never past the end of the file).
  void extend_limit(std::uint64_t limit) noexcept {
    limit_ = std::min(std::max(limit_, limit), file_.size());
  }
  //! Bytes read per piece (grown by long records).
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }

  //! Drops the `consumed` bytes the scanner finished with. When it finished none and the
  //! window is full, a record is longer than the window: the window doubles instead (an
  //! InputError when the unfinished field is already over limits.max_cell_bytes).
  void advance(std::size_t consumed, const CsvScanner& scanner, const ReadLimits& limits) {
    if (consumed == 0 && have_ == capacity_) {
      throw_if_field_too_large(scanner, limits, file_.name());
      capacity_ *= 2;
      buffer_.reserve_uninitialized(capacity_ + 64);  // keeps the bytes read so far
      return;
    }
    std::memmove(data(), data() + consumed, have_ - consumed);
    offset_ += consumed;
    have_ -= consumed;
  }

 private:
  const InputFile& file_;
  AlignedBuffer& buffer_;
  std::uint64_t offset_;
  std::uint64_t limit_;
  std::size_t capacity_;
  std::size_t have_ = 0;
};

}  // namespace quarry::io::detail
