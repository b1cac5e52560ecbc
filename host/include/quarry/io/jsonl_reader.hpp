#pragma once
//! \file
//! JSON Lines files (one JSON object per line) as a Source.
//!
//! Like the CSV reader it reads the file twice, holding at most a chunk: an inference pass
//! collects the union of keys (in first-seen order) and each key's type over the whole file;
//! the parse pass builds chunks. Types: integers -> int64 (an integer beyond int64 makes the
//! column float64, with a note), numbers -> float64, true/false -> bool, ISO 8601 strings ->
//! timestamp (same forms as CSV), other strings -> string; nested objects and arrays become
//! their JSON text in a string column, and any mix of kinds widens to string (values then
//! keep their JSON text, e.g. 12 -> "12"). null and missing keys are null. Blank lines are
//! skipped; a UTF-8 BOM is skipped; invalid UTF-8 is replaced by U+FFFD before parsing.

#include "quarry/io/read_options.hpp"
#include "quarry/io/source.hpp"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace quarry::io {

//! What to do with a line that is not a JSON object.
enum class MalformedLinePolicy : std::uint8_t {
  kError,  //!< InputError naming the line (default)
  kSkip,   //!< drop it and count it in ReadReport::malformed_rows_skipped
};

//! How to read a JSON Lines file.
struct JsonlOptions {
  //! Types by key, overriding inference; misfits become null and are reported.
  std::map<std::string, ColumnType, std::less<>> column_types;
  //! Keys to read, in file order (empty: all). When one is not a key in the file, every key
  //! is read, so that the caller can name the missing one among them.
  std::vector<std::string> only_columns;
  //! Rows per chunk; 0 = size chunks by `chunk_bytes` only.
  std::int64_t chunk_rows = 0;
  //! Input bytes per chunk.
  std::size_t chunk_bytes = kDefaultChunkBytes;
  MalformedLinePolicy on_malformed_line = MalformedLinePolicy::kError;
  //! max_cell_bytes bounds one line.
  ReadLimits limits;
  ReadHooks hooks;
  //! How messages name the file (empty: its path), e.g. the original of a UTF-8 copy.
  std::string display_name;
};

//! A JSON Lines file read as typed chunks.
class JsonlReader final : public Source {
 public:
  //! Opens `path` and runs the inference pass. Throws InputError or Cancelled.
  explicit JsonlReader(const std::filesystem::path& path, JsonlOptions options = {});
  ~JsonlReader() override;
  JsonlReader(const JsonlReader&) = delete;
  JsonlReader& operator=(const JsonlReader&) = delete;

  [[nodiscard]] const Schema& schema() const override;
  std::shared_ptr<const Chunk> next() override;
  [[nodiscard]] std::uint64_t bytes_read() const override;
  [[nodiscard]] std::optional<std::uint64_t> total_bytes() const override;
  [[nodiscard]] ReadReport report() const override;
  void rewind() override;
  //! True: opening scans every line to infer the types.
  [[nodiscard]] bool scanned_on_open() const override { return true; }

  //! Number of chunks the file splits into.
  [[nodiscard]] std::size_t chunk_count() const noexcept;
  //! Parses chunk `index`; thread-safe (use either this or next(), not both).
  [[nodiscard]] std::shared_ptr<const Chunk> read_chunk(std::size_t index) const override;
  [[nodiscard]] std::optional<std::size_t> parallel_chunks() const override {
    return chunk_count();
  }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace quarry::io
