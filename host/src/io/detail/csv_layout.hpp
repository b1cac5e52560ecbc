#pragma once
//! \file
//! What the CSV inference pass learns and the parse pass needs, plus the field and record
//! rules both passes share (so they can never disagree).

#include "io/detail/csv_scanner.hpp"
#include "io/detail/values.hpp"
#include "quarry/io/chunk.hpp"
#include "quarry/io/read_options.hpp"

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::io::detail {

//! The bytes of one chunk: whole records [begin, end) of the file.
struct ChunkRange {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  //! Physical line at `begin`.
  std::uint64_t line = 1;
  //! Data row index of the chunk's first row.
  std::int64_t first_row = 0;
  //! Rows in the chunk.
  std::int64_t rows = 0;
};

//! Column types guessed from a sample of the file (CsvOptions::sample_typing_min_bytes).
//! Chunks are then a grid of byte offsets: chunk i holds the records that start in
//! [begin, end) once both are moved to the next line start, so nothing about a chunk is
//! known before it is parsed but its bytes, and the parse checks every value against the
//! guess (throwing SchemaGuessFailed).
struct TypeGuess {
  //! Per column read: the classes (kClass*) every sampled value allowed; a later value must
  //! keep the column's type among its classes, as the inference pass would. 0 for columns
  //! whose type is forced (their values need only parse).
  std::vector<std::uint8_t> classes;
  //! Per column read: no value was seen in the sample, so the column is string as long as
  //! every later value is null too.
  std::vector<bool> unseen;
  //! Per column read: how the sampled values that read as timestamps were written, which a
  //! timestamp column's later values must fit (ColumnReport::timestamp_text).
  std::vector<TimestampText> timestamp_texts;
  //! Average bytes per row in the sample, to size chunk buffers.
  double row_bytes = 64;
};

//! The table as the header defines it, before any row is read.
struct TableShape {
  //! Every column of the file: fields per record and names for messages.
  std::vector<std::string> file_names;
  //! The file column of each column read (all of them unless CsvOptions::only_columns).
  std::vector<std::uint32_t> picks;
  //! Per column read: its type is forced by CsvOptions::column_types, so it is not classified.
  std::vector<bool> forced;
};

//! Everything the inference pass found.
struct CsvLayout {
  Dialect dialect;
  //! The columns read (all, or CsvOptions::only_columns), in file order.
  std::shared_ptr<const Schema> schema;
  //! The file's columns and which of them are read (the schema may hold fewer).
  TableShape shape;
  std::vector<ChunkRange> chunks;
  //! First byte after the BOM and header.
  std::uint64_t data_begin = 0;
  //! Names, types, notes and skipped-row counts; chunk reports are merged into it.
  ReadReport report;
  //! Line number of the first data byte.
  std::uint64_t data_line = 1;
  //! Set when the types are a guess from a sample (chunks then have no row counts).
  std::optional<TypeGuess> guess;
};

//! The report's note on a read of `read` of the file's `total` columns.
[[nodiscard]] inline std::string projection_note(std::size_t read, std::size_t total) {
  return "read " + std::to_string(read) + " of the " + std::to_string(total) +
         " columns (those the tools use); the others were not typed or parsed";
}

//! True when `field` starts with the quote character.
[[nodiscard]] inline bool is_quoted(FieldSpan field, char quote) noexcept {
  return quote != '\0' && field.begin != field.end && *field.begin == quote;
}

//! The text typed columns parse: outer quotes removed from a "…" field, spaces trimmed.
[[nodiscard]] inline std::string_view typed_text(FieldSpan field, char quote) noexcept {
  const auto size = static_cast<std::size_t>(field.end - field.begin);
  if (quote != '\0' && size >= 2 && field.begin[0] == quote && field.end[-1] == quote) {
    return trim(std::string_view(field.begin + 1, size - 2));
  }
  return trim(std::string_view(field.begin, size));
}

//! Writes the content of `field` (quotes removed, doubled quotes unescaped; text after a
//! closing quote kept as is) to `out` (room for the field's size) and returns its length.
[[nodiscard]] inline std::size_t unquote(FieldSpan field, char quote, char* out) noexcept {
  const auto size = static_cast<std::size_t>(field.end - field.begin);
  if (!is_quoted(field, quote)) {
    std::memcpy(out, field.begin, size);
    return size;
  }
  const char* p = field.begin + 1;
  std::size_t written = 0;
  while (p < field.end) {
    const auto* q =
        static_cast<const char*>(std::memchr(p, quote, static_cast<std::size_t>(field.end - p)));
    if (q == nullptr) q = field.end;
    std::memcpy(out + written, p, static_cast<std::size_t>(q - p));
    written += static_cast<std::size_t>(q - p);
    if (q == field.end) break;
    if (q + 1 < field.end && q[1] == quote) {  // doubled quote
      out[written++] = quote;
      p = q + 2;
      continue;
    }
    const auto rest = static_cast<std::size_t>(field.end - (q + 1));  // after the closing quote
    std::memcpy(out + written, q + 1, rest);
    return written + rest;
  }
  return written;
}

//! Decides what each scanned record means for the table. Both passes run one per range, in
//! order, so they agree on every row.
class RecordFilter {
 public:
  enum class Action : std::uint8_t { kIgnore, kRow, kSkip, kRaggedError };
  struct Decision {
    Action action = Action::kIgnore;
    //! Blank lines before this row that are null rows (one-column files only).
    std::uint64_t null_rows_before = 0;
    //! Fields to take (fewer than the columns when padding).
    std::size_t fields = 0;
    //! The row was padded or truncated.
    bool reshaped = false;
  };

  RecordFilter(std::size_t columns, RaggedRowPolicy policy) : columns_(columns), policy_(policy) {}

  //! True when decide() would take `record` as a row of all its fields with no null rows
  //! before it (almost every record): callers skip decide() for those.
  [[nodiscard]] bool is_plain_row(const Record& record) const noexcept {
    return record.size == columns_ && !record.blank && pending_blank_ == 0;
  }

  [[nodiscard]] Decision decide(const Record& record) noexcept {
    Decision d;
    if (record.blank && columns_ != 1) return d;
    if (record.blank) {  // a null in a one-column file, unless no row follows
      ++pending_blank_;
      return d;
    }
    if (record.size != columns_) {
      if (policy_ == RaggedRowPolicy::kError) return {Action::kRaggedError, 0, 0, false};
      if (policy_ == RaggedRowPolicy::kSkip) return {Action::kSkip, 0, 0, false};
      d.reshaped = true;
    }
    d.action = Action::kRow;
    d.fields = record.size < columns_ ? record.size : columns_;
    d.null_rows_before = pending_blank_;
    pending_blank_ = 0;
    return d;
  }

 private:
  std::size_t columns_;
  RaggedRowPolicy policy_;
  std::uint64_t pending_blank_ = 0;
};

}  // namespace quarry::io::detail
