#include "quarry/io/open_source.hpp"

#include "io/detail/input_file.hpp"

#include <algorithm>
#include <cctype>
#include <string>

namespace quarry::io {
namespace {

std::string lower_extension(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension;
}

}  // namespace

std::optional<SourceFormat> format_for(const std::filesystem::path& path) {
  const std::string extension = lower_extension(path);
  if (extension == ".csv" || extension == ".tsv" || extension == ".txt") return SourceFormat::kCsv;
  if (extension == ".jsonl" || extension == ".ndjson") return SourceFormat::kJsonl;
  if (extension == ".sqlite" || extension == ".sqlite3" || extension == ".db")
    return SourceFormat::kSqlite;
  return std::nullopt;
}

std::unique_ptr<Source> open_source(const std::filesystem::path& path, SourceOptions options) {
  const std::optional<SourceFormat> format = options.format ? options.format : format_for(path);
  if (!format) {
    const std::string extension = path.extension().string();
    throw InputError(
        "unknown file type '" + (extension.empty() ? path.filename().string() : extension) + "'",
        "use a .csv, .tsv, .txt, .jsonl, .ndjson, .sqlite, .sqlite3 or .db file, or name the "
        "format",
        ErrorLocation{path.string(), 0, {}});
  }
  switch (*format) {
    case SourceFormat::kCsv:
      if (lower_extension(path) == ".tsv" && !options.csv.delimiter) options.csv.delimiter = '\t';
      return std::make_unique<CsvReader>(path, std::move(options.csv));
    case SourceFormat::kJsonl:
      return std::make_unique<JsonlReader>(path, std::move(options.jsonl));
    case SourceFormat::kSqlite:
      return std::make_unique<SqliteReader>(path, std::move(options.sqlite));
  }
  throw InputError("unknown format", "name a supported format",
                   ErrorLocation{path.string(), 0, {}});
}

}  // namespace quarry::io
