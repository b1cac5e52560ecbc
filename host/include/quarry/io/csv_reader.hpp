#pragma once
//! \file
//! CSV / TSV files as a Source (RFC 4180).
//!
//! Reading takes two passes over the file, never holding more than a chunk of it:
//!  1. Inference (in the constructor): tokenises every record, classifies every field and
//!     records chunk boundaries, so each column's type is right for the whole file. Large
//!     files are split into segments scanned on several threads (CsvOptions::threads).
//!  2. Parsing (next() or read_chunk()): turns one chunk's byte range into typed columns.
//!     read_chunk() is const and thread-safe, so an executor may parse chunks in parallel.
//! A file of CsvOptions::sample_typing_min_bytes or more skips pass 1 when a sample of it is
//! regular: its types come from the first rows (checked against probes spread over the
//! file), its chunks are a grid of byte offsets moved to line starts, and pass 2 checks every
//! value against the guess. The guess holds exactly when the types are those pass 1 would
//! give; when it does not, or the file holds anything pass 1 reports by line, a read throws
//! SchemaGuessFailed and infer_schema_fully() runs pass 1 (the executor then runs again).
//!
//! With the column cache on (CsvOptions::column_cache), a read that finds every column it
//! needs cached for the file as it is now (same path, inode, size and times, same options)
//! takes no pass at all: its chunks, schema and report are read back from typed column files.
//! A read that parses every chunk writes the columns the cache lacks as it goes.
//!
//! Value rules (the same in both passes):
//!  - A column is int64 when every non-null value is an integer in range, float64 when every
//!    one is a number (an integer beyond int64 makes the column float64, with a precision
//!    note), bool when every one is true/false (also True/TRUE/False/FALSE; not 0/1),
//!    timestamp when every one is an ISO 8601 date or date-time (see below), else string.
//!    A column with no values at all is string.
//!  - Numbers may be quoted and surrounded by spaces; "nan", "inf", "-inf", "infinity" (any
//!    letter case, optional sign) are float64 values, never nulls.
//!  - Null: an empty field or one of `null_values` ("NA", "N/A", "n/a", "#N/A", "<NA>",
//!    "null", "NULL", "None": pandas' defaults but for the spellings of NaN), after
//!    trimming spaces for typed columns. In string columns a quoted empty field "" is null too
//!    (as in pandas: exports that quote every field write missing values so), but a quoted
//!    spelling ("NA", Namibia's code) is text.
//!  - Timestamps: "2024-01-31", "2024-01-31T12:34:56" (or a space for T), optional fraction
//!    (truncated to microseconds), optional "Z" or "±hh:mm"; without an offset, UTC.
//!  - Strings keep their bytes (quotes removed, "" unescaped); invalid UTF-8 is replaced by
//!    U+FFFD and counted per column.
//!
//! Layout rules: a UTF-8 BOM is skipped; records end at LF or CRLF (a lone CR is data;
//! open_source reads a file whose lines end with a bare CR through a copy with LF endings);
//! quoted fields may hold delimiters, doubled quotes and line breaks; blank lines are skipped
//! (in a one-column file they are nulls, except at the end). A quote anywhere toggles quoting, so a
//! stray quote shows up as an unterminated-quote error naming the line where it opened.
//! Empty or duplicate header names become "col_N" / "name_2" (noted in the report).

#include "quarry/io/read_options.hpp"
#include "quarry/io/source.hpp"
#include "quarry/io/text_encoding.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace quarry::io {

//! Where the column cache keeps typed copies of the columns of files read before (see
//! CsvReader). An empty directory or a zero budget turns it off.
struct ColumnCacheOptions {
  //! The cache directory (created, owner-only, when first needed).
  std::filesystem::path directory;
  //! Most bytes the directory may hold; least recently used entries go first.
  std::uint64_t max_bytes = 0;
};

//! How to read a CSV file.
struct CsvOptions {
  //! Field separator; detected among , ; TAB | from the first lines when unset.
  std::optional<char> delimiter;
  //! Quote character; '\0' disables quoting.
  char quote = '"';
  //! The first record names the columns; else they are named col_1, col_2, ….
  bool header = true;
  //! Lines at the top of the file to pass over before the header (or first row): a title,
  //! notes, export metadata. Physical lines, ended by LF; they are not parsed. At most
  //! kMaxSkipLines, within the first 256 KiB.
  std::uint32_t skip_lines = 0;
  //! The most lines skip_lines may pass over.
  static constexpr std::uint32_t kMaxSkipLines = 1000;
  //! Types by column name, overriding inference. Values that do not fit become null and are
  //! counted in the report with examples.
  std::map<std::string, ColumnType, std::less<>> column_types;
  //! Decimal separator of numbers: '.' or ','. With ',' (European files), 1234,5 is a number
  //! and '.' is not a decimal point (1.234 is text); the delimiter must then be another
  //! character, and is not detected as ','.
  char decimal = '.';
  //! Thousands separator of numbers ('\0': none): with '.', 1.234.567,5 reads as 1234567.5
  //! (decimal ','); with ',', "1,234.5" as 1234.5. Only well-formed groups of three digits
  //! are read so (1.5 is not 15); it must differ from the decimal separator.
  char thousands = '\0';
  //! How the file's text is encoded: text fields and column names are decoded to UTF-8.
  TextEncoding encoding = TextEncoding::kUtf8;
  //! Texts read as null (the empty field is always null).
  std::vector<std::string> null_values{"NA", "N/A", "n/a", "#N/A", "<NA>", "null", "NULL", "None"};
  //! Rows per chunk; 0 = size chunks by `chunk_bytes` only.
  std::int64_t chunk_rows = 0;
  //! Input bytes per chunk (a chunk ends at the first record boundary past this). The reader
  //! also keeps up to 2 * chunk_bytes of freed chunk buffers for reuse.
  std::size_t chunk_bytes = kDefaultChunkBytes;
  RaggedRowPolicy on_ragged_row = RaggedRowPolicy::kError;
  //! Read only these columns: the schema holds just them, in file order, and no other column
  //! is typed or parsed (a tool that needs two of fifty columns pays for two). Empty means
  //! every column. When a name is not a column, every column is read, so that whoever asked
  //! can report the unknown name against the whole header.
  std::vector<std::string> only_columns;
  //! Threads for the inference pass: a file of more than a few chunks is split into segments
  //! scanned at once (not files of one column, whose blank lines are rows). The result never
  //! depends on it.
  unsigned threads = 1;
  //! Files with at least this many bytes of rows are typed from a sample (their first MiB,
  //! checked against probes spread over the file) instead of a scan of every row before the
  //! first chunk, and every value is checked against those types as it is parsed: the file is
  //! read once, not twice. A value that contradicts them, or anything the report must place
  //! by line (a ragged row, a value that does not fit a forced type, a malformed record),
  //! stops the read with SchemaGuessFailed; the run then starts again after
  //! infer_schema_fully(), so results and messages are those of a full scan. 0 always scans
  //! first; files of one column, and chunk_rows, always do.
  std::uint64_t sample_typing_min_bytes = 8ULL << 20;
  ReadLimits limits;
  ReadHooks hooks;
  //! How messages name the file (empty: its path), e.g. the original of a UTF-8 copy.
  std::string display_name;
  //! Off by default; the host turns it on from its configuration (`cache.columns_*`).
  ColumnCacheOptions column_cache;
};

//! A CSV/TSV file read as typed chunks. See the file comment for the rules.
class CsvReader final : public Source {
 public:
  //! Opens `path` and runs the inference pass. Throws InputError (naming file, line, column
  //! and fix) for unreadable, empty or malformed files, or Cancelled.
  explicit CsvReader(const std::filesystem::path& path, CsvOptions options = {});
  ~CsvReader() override;
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  [[nodiscard]] const Schema& schema() const override;
  std::shared_ptr<const Chunk> next() override;
  [[nodiscard]] std::uint64_t bytes_read() const override;
  [[nodiscard]] std::optional<std::uint64_t> total_bytes() const override;
  [[nodiscard]] ReadReport report() const override;
  void rewind() override;

  //! The delimiter in use (given or detected).
  [[nodiscard]] char delimiter() const noexcept;
  //! Number of chunks the file splits into.
  [[nodiscard]] std::size_t chunk_count() const noexcept;
  //! Parses chunk `index` (sequence number `index`). Thread-safe and const: call it from
  //! several threads for parallel parsing (use either this or next(), not both).
  [[nodiscard]] std::shared_ptr<const Chunk> read_chunk(std::size_t index) const override;
  [[nodiscard]] std::optional<std::size_t> parallel_chunks() const override {
    return chunk_count();
  }
  //! True when the columns come from the column cache rather than from parsing the file.
  [[nodiscard]] bool from_column_cache() const noexcept;
  [[nodiscard]] bool scanned_on_open() const override;
  //! True when the column cache holds the file or the read now filling it will.
  [[nodiscard]] bool rereads_cheaply() const override;
  [[nodiscard]] bool schema_guess_failed() const override;
  void infer_schema_fully() override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quarry::io
