#pragma once
//! \file
//! One stretch of a CSV file scanned for the inference pass: the records from a record
//! boundary up to a stop offset, classified column by column and cut into chunk ranges.
//! The inference pass scans the whole file as one segment, or several segments on several
//! threads and merges them (see csv_inference.cpp).

#include "io/detail/csv_layout.hpp"
#include "io/detail/input_file.hpp"
#include "quarry/io/csv_reader.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

namespace quarry::io::detail {

//! What the values of one column seen so far allow it to be.
struct ColumnState {
  std::uint8_t candidates = kClassAll;
  bool seen = false;
  //! An integer beyond int64 was seen (the column can only be float64 or string).
  bool overflow = false;
  //! Line of the first such integer.
  std::uint64_t overflow_line = 0;
  //! For a hint when the decimal separator is '.': the line of the first value that reads as a
  //! number written with a decimal comma ("1,5"; 0: none yet), and whether any
  //! other non-null value, one neither that nor a plain integer, was seen.
  std::uint64_t comma_decimal_line = 0;
  bool not_comma_decimal = false;
  //! For a note when a column of numbers is read as text: the numbers seen before the first
  //! value that is not one (all of them while there is none), that value (clipped) and its
  //! line (0: none).
  std::uint64_t numbers_before = 0;
  std::uint64_t not_number_line = 0;
  std::string not_number;
  //! That value is a number written as an identifier (is_identifier_number()).
  bool not_number_identifier = false;
  //! How the values that read as timestamps were written (positions are lines).
  TimestampWriting timestamps;
};

//! True when `state` says every value of a column typed string is a number written with a
//! decimal comma.
[[nodiscard]] inline bool looks_comma_decimal(const ColumnState& state) noexcept {
  return state.comma_decimal_line > 0 && !state.not_comma_decimal;
}

//! The type a column gets from its state (string when no value, or no type, fits all).
[[nodiscard]] ColumnType type_from(const ColumnState& state) noexcept;

//! A row whose field count was wrong and which was padded/truncated or skipped; the report
//! keeps a note for the first few of each kind.
struct RaggedRow {
  bool skipped = false;
  std::uint64_t line = 0;
  std::size_t fields = 0;
};

//! Notes kept per kind of ragged row.
inline constexpr std::size_t kMaxRaggedNotes = 5;

//! Where a segment starts and where it should stop.
struct SegmentBounds {
  //! A record boundary: the first byte of a record.
  std::uint64_t begin = 0;
  //! Line number given to the line at `begin` (absolute, or 1 for a segment numbered on its own).
  std::uint64_t first_line = 1;
  //! Records starting at or after this offset belong to the next segment.
  std::uint64_t stop = 0;
  //! A scan that gets this far without finding the next segment's first record gives up
  //! (SegmentResult::lost): it most likely started inside a quoted field.
  std::uint64_t give_up_at = std::numeric_limits<std::uint64_t>::max();
};

//! What scanning one segment found. Lines are in the segment's numbering (see SegmentBounds)
//! and row numbers start at 0.
struct SegmentResult {
  //! Bytes taken: [begin, end), whole records.
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  //! Line numbers at `begin` and at `end`.
  std::uint64_t first_line = 1;
  std::uint64_t end_line = 1;
  //! Per column read.
  std::vector<ColumnState> states;
  std::vector<ChunkRange> chunks;
  std::uint64_t rows = 0;
  std::uint64_t padded_rows = 0;
  std::uint64_t skipped_rows = 0;
  //! The first kMaxRaggedNotes ragged rows of each kind, in file order.
  std::vector<RaggedRow> ragged;
  //! A row spans lines (a quoted field holds a line break).
  bool multiline_rows = false;
  //! The scan gave up at SegmentBounds::give_up_at; nothing else here is meaningful.
  bool lost = false;
};

//! How a segment scan reports progress and learns it should stop.
struct ScanControl {
  //! Called with the bytes just consumed (every few MiB).
  std::function<void(std::uint64_t bytes)> advanced;
  //! Polled every few MiB; true stops the scan with Cancelled.
  std::function<bool()> cancelled;
};

//! Scans the records of `file` from `bounds.begin` until the first record starting at or after
//! `bounds.stop` (or the end of the file). Throws InputError for malformed rows (with lines in
//! the segment's numbering), Cancelled when `control` says so.
[[nodiscard]] SegmentResult scan_segment(const InputFile& file, const CsvOptions& options,
                                         const Dialect& dialect, const TableShape& shape,
                                         const NullSpellings& nulls, SegmentBounds bounds,
                                         const ScanControl& control);

}  // namespace quarry::io::detail
