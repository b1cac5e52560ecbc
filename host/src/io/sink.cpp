#include "quarry/io/sink.hpp"

#include "io/detail/encoders.hpp"
#include "quarry/io/error.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace quarry::io {

namespace {

enum class Format { kCsv, kJsonl, kSqlite };

//! The format for `destination`'s extension; a .tsv without a delimiter gets TAB in `options`.
Format format_of(const std::filesystem::path& destination, SinkOptions& options) {
  std::string extension = destination.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  Format format = Format::kCsv;
  if (extension == ".tsv") {
    if (!options.delimiter) options.delimiter = '\t';
  } else if (extension == ".jsonl" || extension == ".ndjson") {
    format = Format::kJsonl;
  } else if (extension == ".sqlite" || extension == ".sqlite3" || extension == ".db") {
    format = Format::kSqlite;
  } else if (extension != ".csv" && extension != ".txt") {
    throw OutputError(
        "cannot write '" + destination.string() +
        "': unknown file type; use .csv, .tsv, .txt, .jsonl, .ndjson, .sqlite, .sqlite3 or .db");
  }
  if (format != Format::kCsv && options.decimal != '.') {
    throw OutputError("cannot write '" + destination.string() +
                      "' with decimal ',': it applies to .csv, .tsv and .txt files (JSON Lines "
                      "and SQLite store numbers as numbers)");
  }
  return format;
}

}  // namespace

std::map<std::string, TimestampText> timestamp_texts(const ReadReport& report) {
  std::map<std::string, TimestampText> texts;
  for (const ColumnReport& column : report.columns) {
    if (column.type == ColumnType::kTimestamp && column.timestamp_text != TimestampText::kUtc) {
      texts.emplace(column.name, column.timestamp_text);
    }
  }
  return texts;
}

std::vector<TimestampText> timestamp_texts_of(const Schema& schema,
                                              const std::map<std::string, TimestampText>& texts) {
  std::vector<TimestampText> of(schema.size(), TimestampText::kUtc);
  for (std::size_t c = 0; c < schema.size(); ++c) {
    const auto found = texts.find(schema[c].name);
    if (schema[c].type == ColumnType::kTimestamp && found != texts.end()) of[c] = found->second;
  }
  return of;
}

void Sink::write(const Chunk& /*chunk*/, const EncodedChunk& /*encoded*/) {
  throw std::logic_error("this sink writes row by row and takes no encoded chunks");
}

std::unique_ptr<Sink> open_sink(const std::filesystem::path& destination, Schema schema,
                                SinkOptions options) {
  switch (format_of(destination, options)) {
    case Format::kCsv:
      return make_csv_sink(destination, std::move(schema), std::move(options));
    case Format::kJsonl:
      return make_jsonl_sink(destination, std::move(schema), std::move(options));
    case Format::kSqlite:
      break;
  }
  return make_sqlite_sink(destination, std::move(schema), std::move(options));
}

std::unique_ptr<ChunkEncoder> open_encoder(const std::filesystem::path& destination,
                                           const SinkOptions& options) {
  SinkOptions adjusted = options;
  switch (format_of(destination, adjusted)) {
    case Format::kCsv:
      return detail::make_csv_encoder(adjusted);
    case Format::kJsonl:
      return detail::make_jsonl_encoder(adjusted);
    case Format::kSqlite:
      break;
  }
  return nullptr;
}

}  // namespace quarry::io
