#pragma once
//! \file
//! A SQLite table, or one read-only SELECT, as a Source.
//!
//! The database is opened read-only. A query must be exactly one statement starting with
//! SELECT or WITH that SQLite confirms is read-only; anything after it (other than
//! whitespace, comments and semicolons) is refused.
//!
//! Types are inferred over the whole result by running the query twice (an inference pass,
//! then the chunk pass), so a non-deterministic query (random(), a table written meanwhile)
//! may yield values of another kind in the second run; such values become null and are
//! reported. Per column, from the values' storage classes: INTEGER -> int64 (bool when the
//! declared type contains BOOL and every value is 0 or 1), REAL -> float64, TEXT -> timestamp
//! when every value is an ISO 8601 date/date-time, else string; any mix widens int64 ->
//! float64 -> string. BLOBs become strings of hex digits (x'…'). A column with no non-null
//! value takes its declared type (INT -> int64, REAL/FLOA/DOUB -> float64, BOOL -> bool,
//! DATE/TIME -> timestamp, else string).

#include "quarry/io/read_options.hpp"
#include "quarry/io/source.hpp"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace quarry::io {

//! What to read from a SQLite database: exactly one of `table` and `query`.
struct SqliteOptions {
  //! A table or view name.
  std::string table;
  //! One read-only SELECT / WITH statement.
  std::string query;
  //! Types by column name, overriding inference; misfits become null and are reported.
  std::map<std::string, ColumnType, std::less<>> column_types;
  //! Read only these columns of the table (and those in column_types), in the table's
  //! order. Empty means every column; so does a name that is not exactly one column of the
  //! table (whoever asked then reports it). A `query` is run as written: wrapping it could
  //! lose the order its ORDER BY gives.
  std::vector<std::string> only_columns;
  //! Rows per chunk.
  std::int64_t chunk_rows = 65'536;
  ReadLimits limits;
  //! Cancellation is polled every few thousand rows of the inference pass.
  ReadHooks hooks;
};

//! Rows of a SQLite table or query as typed chunks.
class SqliteReader final : public Source {
 public:
  //! Opens `path` read-only, checks the table or query and runs the inference pass. Throws
  //! InputError (missing file, not a database, unknown table, bad or writing query) or Cancelled.
  explicit SqliteReader(const std::filesystem::path& path, SqliteOptions options);
  ~SqliteReader() override;
  SqliteReader(const SqliteReader&) = delete;
  SqliteReader& operator=(const SqliteReader&) = delete;

  [[nodiscard]] const Schema& schema() const override;
  std::shared_ptr<const Chunk> next() override;
  //! Rows are not bytes: 0 until the end, then the file size.
  [[nodiscard]] std::uint64_t bytes_read() const override;
  //! The database file size.
  [[nodiscard]] std::optional<std::uint64_t> total_bytes() const override;
  [[nodiscard]] ReadReport report() const override;
  //! Rows the query returns (counted by the inference pass).
  [[nodiscard]] std::uint64_t row_count() const noexcept;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quarry::io
