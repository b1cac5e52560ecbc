#pragma once
//! \file
//! Opening a data file as a Source, choosing the reader from its extension.

#include "quarry/io/csv_reader.hpp"
#include "quarry/io/jsonl_reader.hpp"
#include "quarry/io/sqlite_reader.hpp"

#include <filesystem>
#include <memory>
#include <optional>

namespace quarry::io {

//! The file formats Quarry reads. kJson: a JSON file holding an array of records, read as
//! JSON Lines from a copy (detail::copy_json_as_lines).
enum class SourceFormat : std::uint8_t { kCsv, kJsonl, kSqlite, kJson };

//! Options for every reader; only the one for the chosen format is used.
struct SourceOptions {
  //! Overrides the choice by extension.
  std::optional<SourceFormat> format;
  CsvOptions csv;
  JsonlOptions jsonl;
  //! Needs a table or a query.
  SqliteOptions sqlite;
  //! Where a UTF-16 or UTF-32 text file, or one whose lines end with a bare CR, is copied as
  //! UTF-8 with LF line endings to be read (the copy is removed once the reader holds it
  //! open), and a JSON file as JSON Lines; empty: such files are refused, naming the
  //! conversion.
  std::filesystem::path scratch_directory;
};

//! The format for a file name: .csv/.tsv/.txt -> CSV, .jsonl/.ndjson -> JSON Lines, .json ->
//! JSON, .sqlite/.sqlite3/.db -> SQLite (ASCII case-insensitive); nullopt otherwise.
[[nodiscard]] std::optional<SourceFormat> format_for(const std::filesystem::path& path);

//! Opens `path` with the reader for its format (a .tsv file defaults to TAB-delimited, other
//! CSV files to auto-detection). Throws InputError for a missing, unreadable, empty or
//! unrecognised file, or whatever the reader throws.
[[nodiscard]] std::unique_ptr<Source> open_source(const std::filesystem::path& path,
                                                  SourceOptions options = {});

}  // namespace quarry::io
