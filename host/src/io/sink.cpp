#include "quarry/io/sink.hpp"

#include "quarry/io/error.hpp"

#include <algorithm>
#include <cctype>

namespace quarry::io {

std::unique_ptr<Sink> open_sink(const std::filesystem::path& destination, Schema schema,
                                SinkOptions options) {
  std::string extension = destination.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (extension == ".csv" || extension == ".txt")
    return make_csv_sink(destination, std::move(schema), std::move(options));
  if (extension == ".tsv") {
    options.delimiter = '\t';
    return make_csv_sink(destination, std::move(schema), std::move(options));
  }
  if (extension == ".jsonl" || extension == ".ndjson")
    return make_jsonl_sink(destination, std::move(schema), std::move(options));
  if (extension == ".sqlite" || extension == ".sqlite3" || extension == ".db") {
    return make_sqlite_sink(destination, std::move(schema), std::move(options));
  }
  throw OutputError(
      "cannot write '" + destination.string() +
      "': unknown file type; use .csv, .tsv, .txt, .jsonl, .ndjson, .sqlite, .sqlite3 or .db");
}

}  // namespace quarry::io
