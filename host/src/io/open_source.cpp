#include "quarry/io/open_source.hpp"

#include "io/detail/input_file.hpp"
#include "io/detail/text_copy.hpp"
#include "io/detail/utf8.hpp"

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

//! Why a text file is read from a converted copy (detail::copy_as_utf8), if it is.
struct CopyReason {
  //! The wide Unicode encoding the file is in ("UTF-16LE", …), or "" for UTF-8.
  std::string encoding;
  //! The file's lines end with a bare CR.
  bool cr_line_breaks = false;
  [[nodiscard]] bool any() const noexcept { return !encoding.empty() || cr_line_breaks; }
};

//! What a text file's head says about it (nothing when unreadable: the reader then names the
//! problem). A wide file is judged only by its encoding: its copy finds its line breaks.
CopyReason copy_reason(const std::filesystem::path& path) {
  std::string head(detail::kLineBreakSampleBytes, '\0');
  std::ifstream in(path, std::ios::binary);
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  CopyReason reason{std::string(detail::wide_unicode_encoding(head))};
  if (reason.encoding.empty()) {
    const std::size_t bom = head.starts_with("\xEF\xBB\xBF") ? 3 : 0;
    reason.cr_line_breaks = detail::has_only_cr_line_breaks(std::string_view(head).substr(bom));
  }
  return reason;
}

//! A source read from a converted copy of a text file: everything as the reader gives it,
//! plus a note saying so.
class TextCopySource final : public Source {
 public:
  TextCopySource(std::unique_ptr<Source> reader, std::string note)
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
    case SourceFormat::kJson:  // a copy as JSON Lines by now
      return std::make_unique<JsonlReader>(path, std::move(options.jsonl));
    case SourceFormat::kSqlite:
      return std::make_unique<SqliteReader>(path, std::move(options.sqlite));
  }
  throw InputError("unknown format", "name a supported format",
                   ErrorLocation{path.string(), 0, {}});
}

//! The note saying how the file was read from `copy`.
std::string copy_note(const std::string& encoding, const detail::TextCopy& copy) {
  std::string note;
  if (!encoding.empty()) {
    note = "the file is " + encoding + " text";
    if (copy.replaced > 0) {
      note += " (" + std::to_string(copy.replaced) + " invalid code unit" +
              (copy.replaced == 1 ? "" : "s") + " replaced by U+FFFD)";
    }
  }
  if (copy.cr_line_breaks) {
    note += std::string(note.empty() ? "the file's" : " whose") +
            " lines end with a bare CR (classic Mac line endings)";
  }
  return note + "; it was read from a UTF-8 copy" +
         (copy.cr_line_breaks ? " with LF line endings" : "");
}

//! Removes a converted copy from its directory when it goes out of scope: once a reader holds
//! it open, or when it turned out unusable.
struct RemovedCopy {
  const std::filesystem::path& path;
  ~RemovedCopy() {
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
  }
};

//! Opens the reader of `format` on `copy`, a converted copy of the file, and removes the copy
//! from the directory as soon as the reader holds it open (or failed to); the source adds `note`.
std::unique_ptr<Source> open_copy(const std::filesystem::path& copy, SourceFormat format,
                                  SourceOptions& options, std::string note) {
  const RemovedCopy removed{copy};
  return std::make_unique<TextCopySource>(open_reader(copy, format, options), std::move(note));
}

//! Reads a text file the readers cannot read in place (see CopyReason) from a converted copy
//! in the scratch directory, removed as soon as the reader holds it open. Messages name the
//! original file (lines are the same in the copy); the column cache is not used (the copy is
//! not kept).
std::unique_ptr<Source> open_text_copy(const std::filesystem::path& path, SourceFormat format,
                                       SourceOptions& options, const std::string& encoding) {
  const detail::TextCopy copy = detail::copy_as_utf8(path, encoding, options.scratch_directory);
  options.csv.display_name = options.jsonl.display_name = path.string();
  options.csv.column_cache = {};
  std::string note = copy_note(encoding, copy);
  if (!encoding.empty() && options.csv.encoding != TextEncoding::kUtf8) {
    // The copy is UTF-8 already: decoding it again as a single-byte encoding would garble it.
    note += "; the encoding argument \"" + std::string(to_string(options.csv.encoding)) +
            "\" was not applied, as the file says it is " + encoding;
    options.csv.encoding = TextEncoding::kUtf8;
  }
  return open_copy(copy.path, format, options, note);
}

//! Reads a JSON file of records from a JSON Lines copy in the scratch directory, removed as
//! soon as the reader holds it open; its lines are those of the file (copy_json_as_lines).
std::unique_ptr<Source> open_json_copy(const std::filesystem::path& path, SourceOptions& options) {
  if (options.scratch_directory.empty()) {
    throw InputError(
        "a .json file is read through a JSON Lines copy, and there is no scratch "
        "directory to put it in",
        "open it with a scratch directory (the host always sets one), or write it "
        "as JSON Lines",
        ErrorLocation{path.string(), 0, {}});
  }
  options.jsonl.display_name = path.string();
  const detail::JsonLinesCopy copy =
      detail::copy_json_as_lines(path, options.scratch_directory, options.jsonl.display_name);
  if (copy.records == 0) {
    const RemovedCopy removed{copy.path};
    throw InputError(copy.array ? "the file is an empty JSON array ([]): it has no records"
                                : "the file holds no JSON values",
                     "check that the file was written completely, or read another one",
                     ErrorLocation{path.string(), 0, {}});
  }
  const std::string note =
      copy.array ? "the file is a JSON array of " + std::to_string(copy.records) + " record" +
                       (copy.records == 1 ? "" : "s") + "; it was read as JSON Lines from a copy"
                 : "the file holds " + std::to_string(copy.records) + " JSON value" +
                       (copy.records == 1 ? "" : "s") +
                       " one after another; it was read as JSON Lines from a copy";
  return open_copy(copy.path, SourceFormat::kJson, options, note);
}

}  // namespace

std::optional<SourceFormat> format_for(const std::filesystem::path& path) {
  const std::string extension = lower_extension(path);
  if (extension == ".csv" || extension == ".tsv" || extension == ".txt") return SourceFormat::kCsv;
  if (extension == ".jsonl" || extension == ".ndjson") return SourceFormat::kJsonl;
  if (extension == ".json") return SourceFormat::kJson;
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
        "use a .csv, .tsv, .txt, .jsonl, .ndjson, .json, .sqlite, .sqlite3 or .db file, or name "
        "the format",
        ErrorLocation{path.string(), 0, {}});
  }
  if (*format == SourceFormat::kJson) return open_json_copy(path, options);
  if (*format != SourceFormat::kSqlite && !options.scratch_directory.empty()) {
    if (const CopyReason reason = copy_reason(path); reason.any()) {
      if (lower_extension(path) == ".tsv" && !options.csv.delimiter) options.csv.delimiter = '\t';
      return open_text_copy(path, *format, options, reason.encoding);
    }
  }
  return open_reader(path, *format, options);
}

}  // namespace quarry::io
