#include "quarry/io/open_source.hpp"

#include "io/detail/input_file.hpp"
#include "io/detail/utf8.hpp"
#include "io/detail/wide_text.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <string>
#include <system_error>
#include <utility>

namespace quarry::io {
namespace {

std::string lower_extension(const std::filesystem::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return extension;
}

//! The wide Unicode encoding `path` is in ("UTF-16LE", …), or "" (UTF-8, or unreadable: the
//! reader then names the problem).
std::string wide_encoding_of(const std::filesystem::path& path) {
  char head[512];
  std::ifstream in(path, std::ios::binary);
  in.read(head, sizeof head);
  return std::string(
      detail::wide_unicode_encoding(std::string_view(head, static_cast<std::size_t>(in.gcount()))));
}

//! A source read from a UTF-8 copy of a wide-encoded file: everything as the reader gives
//! it, plus a note saying so.
class Utf8CopySource final : public Source {
 public:
  Utf8CopySource(std::unique_ptr<Source> reader, std::string note)
      : reader_(std::move(reader)), note_(std::move(note)) {}
  const Schema& schema() const override { return reader_->schema(); }
  std::shared_ptr<const Chunk> next() override { return reader_->next(); }
  std::uint64_t bytes_read() const override { return reader_->bytes_read(); }
  std::optional<std::uint64_t> total_bytes() const override { return reader_->total_bytes(); }
  ReadReport report() const override {
    ReadReport report = reader_->report();
    report.notes.insert(report.notes.begin(), note_);
    return report;
  }
  void rewind() override { reader_->rewind(); }
  std::optional<std::size_t> parallel_chunks() const override { return reader_->parallel_chunks(); }
  std::shared_ptr<const Chunk> read_chunk(std::size_t index) const override {
    return reader_->read_chunk(index);
  }
  bool scanned_on_open() const override { return reader_->scanned_on_open(); }
  bool rereads_cheaply() const override { return reader_->rereads_cheaply(); }
  bool schema_guess_failed() const override { return reader_->schema_guess_failed(); }
  void infer_schema_fully() override { reader_->infer_schema_fully(); }

 private:
  std::unique_ptr<Source> reader_;
  std::string note_;
};

std::unique_ptr<Source> open_reader(const std::filesystem::path& path, SourceFormat format,
                                    SourceOptions& options) {
  switch (format) {
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

//! Reads a UTF-16 or UTF-32 text file (`encoding`) from a UTF-8 copy in the scratch
//! directory, removed as soon as the reader holds it open. Messages name the original file
//! (lines are the same in the copy); the column cache is not used (the copy is not kept).
std::unique_ptr<Source> open_wide_text(const std::filesystem::path& path, SourceFormat format,
                                       SourceOptions& options, const std::string& encoding) {
  const detail::Utf8Copy copy = detail::copy_as_utf8(path, encoding, options.scratch_directory);
  struct RemoveCopy {
    const std::filesystem::path& path;
    ~RemoveCopy() {
      std::error_code ignored;
      std::filesystem::remove(path, ignored);
    }
  } remove{copy.path};
  options.csv.display_name = options.jsonl.display_name = path.string();
  options.csv.column_cache = {};
  std::string note = "the file is " + encoding + " text; it was read from a UTF-8 copy";
  if (copy.replaced > 0) {
    note += " (" + std::to_string(copy.replaced) + " invalid code unit" +
            (copy.replaced == 1 ? "" : "s") + " replaced by U+FFFD)";
  }
  return std::make_unique<Utf8CopySource>(open_reader(copy.path, format, options), std::move(note));
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
  if (*format != SourceFormat::kSqlite && !options.scratch_directory.empty()) {
    if (const std::string encoding = wide_encoding_of(path); !encoding.empty()) {
      if (lower_extension(path) == ".tsv" && !options.csv.delimiter) options.csv.delimiter = '\t';
      return open_wide_text(path, *format, options, encoding);
    }
  }
  return open_reader(path, *format, options);
}

}  // namespace quarry::io
