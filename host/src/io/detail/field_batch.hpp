#pragma once
//! \file
//! Field spans of a few thousand rows stored column-major, so typing and parsing run one
//! column at a time in tight, well-predicted loops.

#include "io/detail/csv_scanner.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

namespace quarry::io::detail {

//! Rows of field spans, column-major, of the picked columns only. A missing field (padding)
//! is {nullptr, nullptr}.
class FieldBatch {
 public:
  //! Keeps file columns `picks` (in that order); room for about `max_fields` spans (at least
  //! one row, at most kMaxRows).
  explicit FieldBatch(std::vector<std::uint32_t> picks,
                      std::size_t max_fields = std::size_t{1} << 16)
      : picks_(std::move(picks)),
        capacity_(std::clamp<std::size_t>(max_fields / std::max<std::size_t>(picks_.size(), 1), 1,
                                          kMaxRows)),
        // Not value-initialised: every slot is written before it is read.
        spans_(new FieldSpan[capacity_ * std::max<std::size_t>(picks_.size(), 1)]),
        lines_(new std::uint64_t[capacity_]) {}

  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  [[nodiscard]] bool full() const noexcept { return rows_ == capacity_; }
  [[nodiscard]] bool empty() const noexcept { return rows_ == 0; }
  void clear() noexcept { rows_ = 0; }

  //! Adds a row of the first `count` fields of a record (the rest missing) that starts on
  //! `line`.
  void add_row(const FieldSpan* fields, std::size_t count, std::uint64_t line) noexcept {
    FieldSpan* slot = spans_.get() + rows_;
    for (std::size_t k = 0; k < picks_.size(); ++k) {
      const std::uint32_t c = picks_[k];
      slot[k * capacity_] = c < count ? fields[c] : FieldSpan{nullptr, nullptr};
    }
    lines_[rows_++] = line;
  }
  //! add_row() for a record with every column (no check per field).
  void add_full_row(const FieldSpan* fields, std::uint64_t line) noexcept {
    FieldSpan* slot = spans_.get() + rows_;
    for (std::size_t k = 0; k < picks_.size(); ++k) slot[k * capacity_] = fields[picks_[k]];
    lines_[rows_++] = line;
  }
  //! The spans of picked column `c`, rows() of them.
  [[nodiscard]] const FieldSpan* column(std::size_t c) const noexcept {
    return spans_.get() + c * capacity_;
  }
  //! The line row `r` starts on.
  [[nodiscard]] std::uint64_t line(std::size_t r) const noexcept { return lines_[r]; }

 private:
  //! Rows per batch: a narrow projection does not need a megabyte of spans.
  static constexpr std::size_t kMaxRows = 8192;

  std::vector<std::uint32_t> picks_;
  std::size_t capacity_;
  std::size_t rows_ = 0;
  std::unique_ptr<FieldSpan[]> spans_;
  std::unique_ptr<std::uint64_t[]> lines_;
};

}  // namespace quarry::io::detail
