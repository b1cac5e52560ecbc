#pragma once
//! \file
//! Where rows go: CSV, JSON Lines and SQLite files, written atomically.
//!
//! A sink writes to a temporary file beside the destination (".NAME.XXXXXX.partial"), and
//! only commit() makes it visible: it flushes, fsyncs and renames over the destination (then
//! fsyncs the directory). Destroying a sink without commit() removes the temporary file, so a
//! failed or cancelled run never leaves a half-written output that looks complete. An
//! existing destination is refused (at construction and again, atomically, at commit) unless
//! `overwrite` is set.
//!
//! Value formats: CSV quotes a field only when needed (delimiter, quote, CR or LF inside, an
//! empty string, or text spelling a null), writes null as an empty field, floats in shortest
//! round-trip form (with ".0" on integral values so they read back as floats; nan, inf, -inf),
//! timestamps as ISO 8601 UTC ("2024-01-31T12:34:56.5Z"; or as SinkOptions::timestamp_texts
//! asks: "2024-01-31T12:34:56.5", a value at midnight as "2024-01-31"), bools as true/false; with
//! SinkOptions::decimal ',' a float's decimal point is a comma ("12,5", "3,0"). JSON Lines
//! writes one object per row with nulls as null, NaN and infinities as null (counted in
//! notes()), timestamps as ISO 8601 strings. SQLite writes one table in one transaction with
//! a prepared INSERT: INTEGER, REAL, BOOLEAN (0/1), TEXT, and TIMESTAMP columns holding
//! ISO 8601 text; NaN becomes NULL (counted in notes()).

#include "quarry/io/chunk.hpp"
#include "quarry/io/report.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace quarry::io {

//! A chunk's rows already in a file format, made by a ChunkEncoder on any thread so that the
//! sink's in-order write only appends bytes.
struct EncodedChunk {
  //! The rows' text.
  std::string bytes;
  //! Rows encoded.
  std::uint64_t rows = 0;
  //! Per column: values the format cannot hold, written as null (JSON Lines: NaN, ±inf).
  std::vector<std::uint64_t> replaced;
};

//! Formats whole chunks as a sink writes them. Stateless: encode() may run on several
//! threads at once.
class ChunkEncoder {
 public:
  virtual ~ChunkEncoder() = default;
  //! The rows of `chunk` as the sink would append them.
  [[nodiscard]] virtual EncodedChunk encode(const Chunk& chunk) const = 0;
};

//! Receives chunks in order and writes them to one destination file. Not thread-safe.
class Sink {
 public:
  virtual ~Sink() = default;
  //! Appends the rows of `chunk`, whose schema must equal the sink's (std::invalid_argument
  //! otherwise). Throws OutputError when the disk fails.
  virtual void write(const Chunk& chunk) = 0;
  //! Like write(chunk), with `encoded` made from it by open_encoder()'s encoder for this
  //! sink's destination and options (sinks without an encoder throw std::logic_error).
  virtual void write(const Chunk& chunk, const EncodedChunk& encoded);
  //! Makes the output visible at the destination. Writing after commit() is an error.
  virtual void commit() = 0;
  //! Rows written so far.
  [[nodiscard]] virtual std::uint64_t rows_written() const = 0;
  //! Remarks about values that could not be written as they were (e.g. NaN as null).
  [[nodiscard]] virtual std::vector<std::string> notes() const = 0;
};

//! How to write.
struct SinkOptions {
  //! Replace an existing destination.
  bool overwrite = false;
  //! CSV field separator; unset: ',', or ';' when `decimal` is ',' (open_sink and open_encoder
  //! use TAB for a .tsv). A quote, a line break or the decimal separator is refused.
  std::optional<char> delimiter;
  //! CSV decimal separator of floats: '.' or ',' (timestamps keep '.' in their seconds).
  char decimal = '.';
  //! SQLite table name.
  std::string table = "data";
  //! How to write timestamp columns (by name) that were not read as UTC, in every format
  //! (io::ColumnReport::timestamp_text): local times without the 'Z', dates alone as dates
  //! ("2024-01-05", not "2024-01-05T00:00:00Z"). Other columns are written in UTC.
  std::map<std::string, TimestampText> timestamp_texts;
};

//! The columns of `report` read other than as UTC timestamps (for SinkOptions::timestamp_texts).
[[nodiscard]] std::map<std::string, TimestampText> timestamp_texts(const ReadReport& report);

//! Per column of `schema`: how to write it (kUtc unless a timestamp column in `texts`).
[[nodiscard]] std::vector<TimestampText> timestamp_texts_of(
    const Schema& schema, const std::map<std::string, TimestampText>& texts);

//! A CSV sink (header line, then rows).
[[nodiscard]] std::unique_ptr<Sink> make_csv_sink(const std::filesystem::path& destination,
                                                  Schema schema, SinkOptions options = {});
//! A JSON Lines sink.
[[nodiscard]] std::unique_ptr<Sink> make_jsonl_sink(const std::filesystem::path& destination,
                                                    Schema schema, SinkOptions options = {});
//! A SQLite sink: a new database file with one table.
[[nodiscard]] std::unique_ptr<Sink> make_sqlite_sink(const std::filesystem::path& destination,
                                                     Schema schema, SinkOptions options = {});

//! A sink chosen by extension: .csv/.txt -> CSV, .tsv -> CSV with TAB, .jsonl/.ndjson -> JSON
//! Lines, .sqlite/.sqlite3/.db -> SQLite. Throws OutputError for other extensions.
[[nodiscard]] std::unique_ptr<Sink> open_sink(const std::filesystem::path& destination,
                                              Schema schema, SinkOptions options = {});

//! The encoder for chunks bound for open_sink(destination, …, options), or null when that
//! format is written row by row (SQLite). Throws OutputError for unknown extensions.
[[nodiscard]] std::unique_ptr<ChunkEncoder> open_encoder(const std::filesystem::path& destination,
                                                         const SinkOptions& options = {});

}  // namespace quarry::io
