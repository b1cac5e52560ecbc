#pragma once
//! \file
//! The CSV inference pass: one streaming read of the whole file that fixes the dialect, the
//! header, every column's type and the chunk boundaries; or, for a large regular file, a
//! guess of the types from a sample that the parse pass checks.

#include "io/detail/csv_layout.hpp"
#include "io/detail/input_file.hpp"
#include "quarry/io/csv_reader.hpp"

namespace quarry::io::detail {

//! Reads all of `file` once (memory bounded by a few MiB plus the longest record). Throws
//! InputError for malformed input and Cancelled when the hook asks.
[[nodiscard]] CsvLayout infer_csv_layout(const InputFile& file, const CsvOptions& options);

//! As infer_csv_layout(), except that a file of at least CsvOptions::sample_typing_min_bytes
//! bytes of rows whose sample (the first rows, and probes spread over the file) is regular is
//! not scanned: its layout holds types guessed from the sample (CsvLayout::guess) and a grid
//! of chunks whose parse checks the guess.
[[nodiscard]] CsvLayout open_csv_layout(const InputFile& file, const CsvOptions& options);

//! The first line start at or after `offset` (one past the first LF at or after offset - 1;
//! 0 for 0), a record boundary when that LF is outside quotes; the file size when there is
//! none.
[[nodiscard]] std::uint64_t next_line_start(const InputFile& file, std::uint64_t offset);

//! The 1-based line where the quote left open in [record, end) was opened.
[[nodiscard]] std::uint64_t line_of_open_quote(const char* record, const char* end, char quote,
                                               std::uint64_t record_line) noexcept;

//! Throws InputError when the field the scanner could not finish is over
//! limits.max_cell_bytes (so a buffer does not grow without bound).
void throw_if_field_too_large(const CsvScanner& scanner, const ReadLimits& limits,
                              const std::string& file);

//! The fix a ragged-row error gives, naming the tool argument that reads past such rows.
inline constexpr const char* kRaggedRowFix =
    "fix the row, or pass on_bad_rows \"skip\" (drop such rows) or \"pad\" (pad or cut them to "
    "the header's columns) to read past it";

//! "N fields, expected M (as in the header)" for ragged-row messages (`options` null: where M
//! comes from goes unsaid).
[[nodiscard]] std::string ragged_counts(std::size_t fields, std::size_t expected,
                                        const CsvOptions* options);

//! "the row has N fields, expected M (as in the header)" for a ragged `record`, adding, when
//! its one field too many is empty, that a delimiter ends its line (a common export habit
//! that on_bad_rows "pad" reads), or, when the header has one field, that it may be a title
//! (skip_lines). `options` null: where M comes from goes unsaid.
[[nodiscard]] std::string ragged_row_problem(const Record& record, std::size_t expected,
                                             const CsvOptions* options);

//! Turns a scanner error into an InputError for `file`, naming the column from the file's
//! column `names` when known (null before the header is read).
[[noreturn]] void throw_scan_error(const ScanError& error, const std::string& file,
                                   const char* buffer_end, char quote, const ReadLimits& limits,
                                   const std::vector<std::string>* names);

}  // namespace quarry::io::detail
