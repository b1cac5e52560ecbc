#pragma once
//! \file
//! What a reader coerced, replaced or skipped: the per-column account a user needs to trust
//! the numbers computed from a file.

#include "quarry/io/types.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::io {

//! One value a reader could not keep as written.
struct CoercionExample {
  //! 0-based data row (header excluded).
  std::int64_t row = 0;
  //! 1-based physical line in the file (0 when not line-oriented, e.g. SQLite).
  std::uint64_t line = 0;
  //! The value as written (shortened to a few dozen bytes, valid UTF-8).
  std::string value;
  //! Why, e.g. "value 'abc' is not a number".
  std::string reason;
};

//! The account of one column.
struct ColumnReport {
  //! Examples kept per column (the lowest rows).
  static constexpr std::size_t kMaxExamples = 5;

  std::string name;
  ColumnType type = ColumnType::kString;
  //! Values that did not fit the column type and became null (only possible when the
  //! type was forced by the caller; inferred types fit every value).
  std::uint64_t coerced_to_null = 0;
  //! Invalid UTF-8 sequences replaced by U+FFFD in this column.
  std::uint64_t invalid_utf8_replaced = 0;
  //! The first few coerced values, by row.
  std::vector<CoercionExample> examples;
  //! Remarks such as "values beyond the int64 range: read as float64".
  std::vector<std::string> notes;
  //! For a timestamp column whose types were inferred: how its values were written (dates
  //! alone, local times, or UTC), so that writers write them so again
  //! (SinkOptions::timestamp_texts).
  TimestampText timestamp_text = TimestampText::kUtc;

  //! Records one coerced value, keeping only the kMaxExamples lowest rows.
  void add_coercion(CoercionExample example);
};

//! The account of one whole read.
struct ReadReport {
  std::vector<ColumnReport> columns;
  //! Data rows produced so far.
  std::uint64_t rows_read = 0;
  //! Malformed rows skipped (recovery mode).
  std::uint64_t malformed_rows_skipped = 0;
  //! Rows padded or truncated to the header's width (kPadOrTruncate).
  std::uint64_t rows_padded_or_truncated = 0;
  //! Input bytes consumed so far.
  std::uint64_t bytes_read = 0;
  //! File-level remarks: renamed header names, examples of skipped lines, …
  std::vector<std::string> notes;
  //! Which columns the read took when it took only some ("read 2 of the 6 columns (those the
  //! tools use); …"); empty when it took them all. Kept apart from `notes`: it describes the
  //! request, not the data.
  std::string projection;

  //! Adds `other`'s counts and examples (same columns, in the same order) into this one.
  void merge(const ReadReport& other);
  //! The column named `name`, or nullptr.
  [[nodiscard]] const ColumnReport* column(std::string_view name) const;
};

}  // namespace quarry::io
