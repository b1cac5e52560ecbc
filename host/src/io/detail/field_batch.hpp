#pragma once
//! \file
//! Field spans of a few thousand rows stored column-major, so typing and parsing run one
//! column at a time in tight, well-predicted loops.

#include "io/detail/csv_scanner.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace quarry::io::detail {

//! Rows of field spans, column-major. A missing field (padding) is {nullptr, nullptr}.
class FieldBatch {
 public:
  //! Room for about `max_fields` spans (at least one row).
  explicit FieldBatch(std::size_t columns, std::size_t max_fields = std::size_t{1} << 16)
      : columns_(columns),
        capacity_(std::max<std::size_t>(1, max_fields / std::max<std::size_t>(columns, 1))),
        spans_(capacity_ * columns_),
        lines_(capacity_) {}

  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  [[nodiscard]] bool full() const noexcept { return rows_ == capacity_; }
  [[nodiscard]] bool empty() const noexcept { return rows_ == 0; }
  void clear() noexcept { rows_ = 0; }

  //! Adds a row of the first `count` fields (the rest missing) that starts on `line`.
  void add_row(const FieldSpan* fields, std::size_t count, std::uint64_t line) noexcept {
    FieldSpan* slot = spans_.data() + rows_;
    for (std::size_t c = 0; c < count; ++c) slot[c * capacity_] = fields[c];
    for (std::size_t c = count; c < columns_; ++c)
      slot[c * capacity_] = FieldSpan{nullptr, nullptr};
    lines_[rows_++] = line;
  }
  //! The spans of column `c`, rows() of them.
  [[nodiscard]] const FieldSpan* column(std::size_t c) const noexcept {
    return spans_.data() + c * capacity_;
  }
  //! The line row `r` starts on.
  [[nodiscard]] std::uint64_t line(std::size_t r) const noexcept { return lines_[r]; }

 private:
  std::size_t columns_;
  std::size_t capacity_;
  std::size_t rows_ = 0;
  std::vector<FieldSpan> spans_;
  std::vector<std::uint64_t> lines_;
};

}  // namespace quarry::io::detail
