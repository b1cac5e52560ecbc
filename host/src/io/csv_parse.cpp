//! The CSV parse pass (see detail/csv_parse.hpp).

#include "io/detail/csv_parse.hpp"
#include "io/detail/csv_inference.hpp"
#include "io/detail/field_batch.hpp"
#include "io/detail/scan_window.hpp"
#include "io/detail/short_number.hpp"
#include "io/detail/single_byte_text.hpp"
#include "io/detail/utf8.hpp"
#include "quarry/io/source.hpp"
#include "quarry/sdk/iso8601.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace quarry::io::detail {
namespace {

constexpr std::size_t kExampleBytes = 40;
//! Bytes read at a time: about an L2 cache.
constexpr std::uint64_t kPieceBytes = 512ULL << 10;

std::string example_text(std::string_view text) {
  std::string out = repaired_utf8(text.substr(0, kExampleBytes));
  if (text.size() > kExampleBytes) out += "…";
  return out;
}

//! Spans per batch: up to 64 Ki, fewer for small chunks (a batch is allocated per chunk).
std::size_t batch_fields(std::size_t columns, std::int64_t rows) {
  const auto wanted =
      static_cast<std::size_t>(std::max<std::int64_t>(rows, 1)) * std::max<std::size_t>(columns, 1);
  return std::min<std::size_t>(wanted, std::size_t{1} << 13);
}

//! Rows to reserve for a chunk of `range`: its count, or for a guessed layout an estimate
//! from the sample's row size (the builders grow past it if need be).
std::int64_t expected_rows(const CsvLayout& layout, const ChunkRange& range) {
  if (!layout.guess) return range.rows;
  const double rows = static_cast<double>(range.end - range.begin) / layout.guess->row_bytes;
  return static_cast<std::int64_t>(rows * 1.05) + 16;
}

//! What the parse of a guessed layout found that the guess does not cover: a contradiction,
//! or something (a ragged row, a malformed record, a value a forced type rejects) only the
//! inference pass reports right, with lines and row numbers.
[[noreturn]] void contradict(const std::string& what) {
  throw SchemaGuessFailed(what);
}

//! Fills one chunk from the records of one range, a batch of rows at a time, column by column.
class RangeParser {
 public:
  RangeParser(const CsvParseContext& context, const ChunkRange& range)
      : context_(context),
        range_(range),
        guess_(context.layout.guess ? &*context.layout.guess : nullptr),
        quote_(context.layout.dialect.quote),
        builder_(context.layout.schema, expected_rows(context.layout, range), context.pool),
        filter_(context.layout.shape.file_names.size(), context.on_ragged_row),
        batch_(context.layout.shape.picks, batch_fields(context.layout.shape.picks.size(),
                                                        expected_rows(context.layout, range))),
        batch_row_(range.first_row) {
    types_.reserve(context.layout.schema->size());
    for (const Field& field : context.layout.schema->fields()) types_.push_back(field.type);
  }

  ParsedChunk run(const InputFile& file, AlignedBuffer& buffer, std::uint64_t sequence) {
    CsvScanner scanner(context_.layout.dialect, context_.limits.max_columns + 1,
                       context_.limits.max_cell_bytes);
    scanner.set_line(range_.line);
    std::uint64_t begin = range_.begin;
    std::uint64_t end = range_.end;
    if (guess_ != nullptr) {
      // Grid offsets moved to line starts. Each is a record boundary when the chunk before
      // ends there outside quotes, which its own parse checks (a quote still open at its end
      // is an error): by induction from the first chunk, which starts after the header.
      if (begin != context_.layout.data_begin) begin = next_line_start(file, begin);
      if (end < file.size()) end = next_line_start(file, end);
      if (begin >= end) return finish(sequence, 0);
    }
    // The range is read a cache-sized piece at a time: the bytes the kernel copies in are
    // still in cache when they are scanned.
    ScanWindow window(file, buffer, begin, end, kPieceBytes);
    for (;;) {
      if (!window.fill()) {
        if (guess_ != nullptr) contradict("the file shrank");
        throw InputError("the file shrank while it was being read",
                         "do not modify the file during the read",
                         ErrorLocation{context_.file, scanner.line(), {}});
      }
      const bool last = window.at_limit();
      std::size_t consumed = 0;
      try {
        consumed = scanner.scan(window.data(), window.size(), last,
                                [this](const Record& record) { on_record(record); });
      } catch (const ScanError& error) {
        if (guess_ != nullptr) contradict("a record the parse cannot read");
        throw_scan_error(error, context_.file, window.data() + window.size(), quote_,
                         context_.limits, &context_.layout.shape.file_names);
      }
      flush();  // the batch points into the window, which is about to move
      if (last) break;
      try {
        window.advance(consumed, scanner, context_.limits);
      } catch (const InputError& error) {
        if (guess_ != nullptr) contradict(error.what());  // placed right by the inference pass
        throw;
      }
    }
    if (guess_ == nullptr && builder_.num_rows() != range_.rows) {
      throw std::logic_error("CSV parse pass found " + std::to_string(builder_.num_rows()) +
                             " rows where the inference pass found " + std::to_string(range_.rows) +
                             " (from line " + std::to_string(range_.line) + ")");
    }
    return finish(sequence, builder_.num_rows());
  }

 private:
  ParsedChunk finish(std::uint64_t sequence, std::int64_t rows) {
    report_.rows_read = static_cast<std::uint64_t>(rows);
    report_.bytes_read = range_.end - range_.begin;
    return ParsedChunk{builder_.finish(sequence, rows), std::move(report_)};
  }

  void on_record(const Record& record) {
    if (filter_.is_plain_row(record)) [[likely]] {
      batch_.add_full_row(record.fields, record.line);
      if (batch_.full()) flush();
      return;
    }
    on_other_record(record);
  }

  //! on_record() for a record that is not a plain row: blank, ragged, or after blank lines.
  [[gnu::noinline]] void on_other_record(const Record& record) {
    const RecordFilter::Decision decision = filter_.decide(record);
    if (guess_ != nullptr && decision.action != RecordFilter::Action::kIgnore &&
        (decision.action != RecordFilter::Action::kRow || decision.reshaped)) {
      contradict("a row with " + std::to_string(record.size) + " fields");
    }
    if (decision.action == RecordFilter::Action::kRaggedError) {
      throw InputError(ragged_row_problem(record, context_.layout.shape.file_names.size(), nullptr),
                       kRaggedRowFix, ErrorLocation{context_.file, record.line, {}});
    }
    if (decision.action != RecordFilter::Action::kRow) return;
    for (std::uint64_t i = 0; i < decision.null_rows_before; ++i) {
      batch_.add_row(nullptr, 0, record.line);
      if (batch_.full()) flush();
    }
    batch_.add_row(record.fields, decision.fields, record.line);
    if (batch_.full()) flush();
  }

  void flush() {
    for (std::size_t c = 0; c < types_.size(); ++c) parse_column(c);
    batch_row_ += static_cast<std::int64_t>(batch_.rows());
    batch_.clear();
  }

  void parse_column(std::size_t c) {
    ColumnBuilder& column = builder_.column(c);
    switch (types_[c]) {
      case ColumnType::kInt64:
        return parse_typed<std::int64_t>(column, c, fast_int, [&column](std::string_view text) {
          std::int64_t value = 0;
          const IntParse result = parse_int64(text, value);
          if (result == IntParse::kOk) column.append_int64(value);
          return result == IntParse::kOk         ? nullptr
                 : result == IntParse::kOverflow ? "is beyond the int64 range"
                                                 : "is not an integer";
        });
      case ColumnType::kFloat64:
        return parse_typed<double>(column, c, fast_float,
                                   [&column](std::string_view text) -> const char* {
                                     double value = 0;
                                     if (!parse_float64(text, value)) return "is not a number";
                                     column.append_float64(value);
                                     return nullptr;
                                   });
      case ColumnType::kBool:
        return parse_typed<bool>(column, c, nullptr,
                                 [&column](std::string_view text) -> const char* {
                                   bool value = false;
                                   if (!parse_bool(text, value)) return "is not true or false";
                                   column.append_bool(value);
                                   return nullptr;
                                 });
      case ColumnType::kTimestamp:
        return parse_typed<std::int64_t>(column, c, nullptr,
                                         [&column](std::string_view text) -> const char* {
                                           const auto value = sdk::parse_iso8601(text);
                                           if (!value)
                                             return "is not an ISO 8601 date or date-time";
                                           column.append_int64(*value);
                                           return nullptr;
                                         });
      case ColumnType::kString:
        return parse_strings(column, c);
    }
  }

  //! The value of a plain short integer field; false when it is not one.
  static bool fast_int(const char* text, std::size_t size, std::int64_t& out) noexcept {
    const ShortNumber number = scan_short_number(text, size);
    if (number.kind != ShortNumber::Kind::kInteger) return false;
    out = short_integer_value(text, size, number);
    return true;
  }

  //! The value of a plain short number field as a double (exactly as fast_float would give
  //! it); false otherwise.
  static bool fast_float(const char* text, std::size_t size, double& out) noexcept {
    const ShortNumber number = scan_short_number(text, size);
    if (number.kind == ShortNumber::Kind::kInteger) {
      out = short_integer_as_double(text, size, number);
      return true;
    }
    return number.kind == ShortNumber::Kind::kDecimal &&
           short_decimal_value(text, size, number, out);
  }

  //! Appends every row of column `c`: null, or the value `fast` reads from the field (runs of
  //! them at once; pass nullptr for types without a fast path), or else `parse(text)` (which
  //! appends and returns nullptr, or returns why the text does not fit).
  template <class T, class Fast, class Parse>
  void parse_typed(ColumnBuilder& column, std::size_t c, Fast fast, Parse&& parse) {
    const FieldSpan* spans = batch_.column(c);
    // "-999" may be a null, and the fast path reads '.' decimals only.
    const bool use_fast =
        !context_.nulls.may_spell_number() && context_.layout.dialect.decimal == '.';
    for (std::size_t r = 0, rows = batch_.rows(); r < rows; ++r) {
      if constexpr (!std::is_null_pointer_v<Fast>) {
        if (use_fast) r += append_fast_run<T>(column, spans + r, rows - r, fast);
        if (r == rows) break;
      }
      if (spans[r].begin == nullptr) {
        column.append_null();
        continue;
      }
      const std::string_view text = typed_text(spans[r], quote_);
      if (context_.nulls.contains(text)) {
        column.append_null();
        continue;
      }
      const std::string_view number_text = with_decimal_point(
          text, context_.layout.dialect.decimal, context_.layout.dialect.thousands, scratch_);
      if (const char* why = parse(number_text)) {
        coerce(column, c, r, text, why);
      } else if (guess_ != nullptr) {
        check_guess(c, number_text);
      }
    }
  }

  //! A value the column's type parses must also keep that type among the classes the
  //! inference pass would give the column (which differ for a few texts, e.g. a date that is
  //! also a number), or the guess is not what a full scan would find.
  void check_guess(std::size_t c, std::string_view text) const {
    const std::uint8_t classes = guess_->classes[c];
    if (classes == 0) return;  // a forced type
    if (types_[c] == ColumnType::kTimestamp &&
        !fits_timestamp_text(text, guess_->timestamp_texts[c])) {
      contradict("value '" + example_text(text) + "' in column " + std::to_string(c + 1) +
                 " is written unlike the sample's (a time of day, or a UTC offset)");
    }
    bool overflow = false;
    if ((classify(text, classes, overflow) & class_of(types_[c])) == 0) {
      contradict("value '" + example_text(text) + "' in column " + std::to_string(c + 1));
    }
  }

  static std::uint8_t class_of(ColumnType type) noexcept {
    switch (type) {
      case ColumnType::kInt64:
        return kClassInt;
      case ColumnType::kFloat64:
        return kClassFloat;
      case ColumnType::kBool:
        return kClassBool;
      case ColumnType::kTimestamp:
        return kClassTimestamp;
      case ColumnType::kString:
        break;
    }
    return kClassAll;
  }

  //! Appends the values of the leading fields of `spans` that `fast` reads, written straight
  //! into the column as one run (the common case: every field a plain number); returns how
  //! many it took.
  template <class T, class Fast>
  static std::size_t append_fast_run(ColumnBuilder& column, const FieldSpan* spans,
                                     std::size_t count, Fast fast) {
    T* out = column.value_space<T>(static_cast<std::int64_t>(count));
    std::size_t taken = 0;
    for (; taken < count; ++taken) {
      const FieldSpan field = spans[taken];
      if (field.begin == nullptr) break;
      const auto size = static_cast<std::size_t>(field.end - field.begin);
      if (!fast(field.begin, size, out[taken])) break;
    }
    column.commit_values(static_cast<std::int64_t>(taken));
    return taken;
  }

  void parse_strings(ColumnBuilder& column, std::size_t c) {
    const FieldSpan* spans = batch_.column(c);
    const bool only_nulls = guess_ != nullptr && guess_->unseen[c];
    for (std::size_t r = 0, rows = batch_.rows(); r < rows; ++r) {
      if (spans[r].begin == nullptr) {
        column.append_null();
        continue;
      }
      const std::int64_t nulls = column.null_count();
      append_string(column, c, spans[r]);
      if (only_nulls && column.null_count() == nulls) {
        contradict("a value in column " + std::to_string(c + 1) + ", which the sample had none in");
      }
    }
  }

  void append_string(ColumnBuilder& column, std::size_t c, FieldSpan field) {
    if (context_.layout.dialect.encoding != TextEncoding::kUtf8)
      return append_decoded(column, field);
    const auto size = static_cast<std::size_t>(field.end - field.begin);
    if (!is_quoted(field, quote_)) {
      const std::string_view raw(field.begin, size);
      if (context_.nulls.contains(raw)) return column.append_null();
      if (is_valid_utf8(raw.data(), raw.size())) return column.append_string(raw);
      return append_repaired(column, c, raw);
    }
    char* out = column.string_space(size);
    const std::size_t length = unquote(field, quote_, out);
    // "" is missing, as in pandas: exports that quote every field write missing values so.
    // A quoted null spelling stays text ("NA" is Namibia's code), unlike in pandas.
    if (length == 0) return column.append_null();
    if (is_valid_utf8(out, length)) return column.commit_string(length);
    const std::string copy(out, length);
    append_repaired(column, c, copy);
  }

  //! append_string for single-byte encoded files: every byte decodes to a character, so
  //! nothing is invalid or replaced (Windows-1252's five undefined bytes aside).
  void append_decoded(ColumnBuilder& column, FieldSpan field) {
    std::string_view text(field.begin, static_cast<std::size_t>(field.end - field.begin));
    if (is_quoted(field, quote_)) {
      decoded_.resize(text.size());
      text = std::string_view(decoded_.data(), unquote(field, quote_, decoded_.data()));
      if (text.empty()) return column.append_null();  // as append_string
    } else if (context_.nulls.contains(text)) {
      return column.append_null();
    }
    if (!has_high_bytes(text)) return column.append_string(text);
    char* out = column.string_space(text.size() * 3);
    column.commit_string(decode_single_byte(text, context_.layout.dialect.encoding, out));
  }

  void append_repaired(ColumnBuilder& column, std::size_t c, std::string_view text) {
    std::uint64_t replaced = 0;
    char* out = column.string_space(text.size() * 3);
    column.commit_string(repair_utf8(text, out, replaced));
    column_report(c).invalid_utf8_replaced += replaced;
  }

  void coerce(ColumnBuilder& column, std::size_t c, std::size_t r, std::string_view text,
              const char* why) {
    if (guess_ != nullptr) contradict("value '" + example_text(text) + "' " + why);
    column.append_null();
    std::string value = example_text(text);
    std::string reason = "value '" + value + "' " + why;
    column_report(c).add_coercion(CoercionExample{batch_row_ + static_cast<std::int64_t>(r),
                                                  batch_.line(r), std::move(value),
                                                  std::move(reason)});
  }

  ColumnReport& column_report(std::size_t c) {
    if (report_.columns.empty()) report_.columns.resize(types_.size());
    return report_.columns[c];
  }

  const CsvParseContext& context_;
  const ChunkRange& range_;
  //! The guess to check values against, or null when the inference pass typed the file.
  const TypeGuess* guess_;
  char quote_;
  ChunkBuilder builder_;
  RecordFilter filter_;
  FieldBatch batch_;
  std::vector<ColumnType> types_;
  std::int64_t batch_row_;
  ReadReport report_;
  //! Where with_decimal_point() puts a text it rewrites.
  std::string scratch_;
  std::string decoded_;  // an unquoted field of a single-byte encoded file
};

}  // namespace

ParsedChunk parse_csv_range(const CsvParseContext& context, const ChunkRange& range,
                            const InputFile& file, AlignedBuffer& buffer, std::uint64_t sequence) {
  RangeParser parser(context, range);
  return parser.run(file, buffer, sequence);
}

}  // namespace quarry::io::detail
