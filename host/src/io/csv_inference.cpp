//! The CSV inference pass (see detail/csv_inference.hpp).

#include "io/detail/csv_inference.hpp"
#include "io/detail/csv_dialect.hpp"
#include "io/detail/field_batch.hpp"
#include "io/detail/header_names.hpp"
#include "io/detail/short_number.hpp"
#include "io/detail/utf8.hpp"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

namespace quarry::io::detail {
namespace {

constexpr std::size_t kScanBufferBytes = 4ULL << 20;
constexpr std::size_t kSampleBytes = 256ULL << 10;
constexpr std::size_t kMaxNotes = 5;

std::string describe(char c) {
  if (c == '\t') return "TAB";
  if (c == '\0') return "NUL";
  return std::string("'") + c + "'";
}

//! What the inference pass knows about one column so far.
struct ColumnState {
  std::uint8_t candidates = kClassAll;
  bool seen = false;
  bool overflow = false;
  std::uint64_t overflow_line = 0;
};

ColumnType type_from(const ColumnState& state) {
  if (!state.seen || state.candidates == 0) return ColumnType::kString;
  if ((state.candidates & kClassInt) != 0) return ColumnType::kInt64;
  if ((state.candidates & kClassFloat) != 0) return ColumnType::kFloat64;
  if ((state.candidates & kClassBool) != 0) return ColumnType::kBool;
  return ColumnType::kTimestamp;
}

class InferencePass {
 public:
  InferencePass(const InputFile& file, const CsvOptions& options)
      : file_(file), options_(options), nulls_(options.null_values) {}

  CsvLayout run() {
    const std::uint64_t start = detect_dialect();
    scan_file(start);
    finish();
    return std::move(layout_);
  }

 private:
  ErrorLocation at(std::uint64_t line, std::string column = {}) const {
    return ErrorLocation{file_.name(), line, std::move(column)};
  }

  std::uint64_t detect_dialect();
  void scan_file(std::uint64_t start);
  void grow(AlignedBuffer& buffer, std::size_t& capacity, std::size_t have,
            const CsvScanner& scanner) const;
  void report_progress(std::uint64_t done) const;
  void on_record(const Record& record, const char* buffer, std::uint64_t buffer_offset);
  void on_header(const Record& record, std::uint64_t record_begin, std::uint64_t end);
  void on_row(const Record& record, std::uint64_t end);
  void on_ragged(const Record& record, RecordFilter::Action action);
  void classify_batch();
  void classify_column(std::size_t c);
  void close_chunk(std::uint64_t end, std::uint64_t next_line);
  void finish();
  void check_forced_names(const std::vector<std::string>& names) const;

  const InputFile& file_;
  const CsvOptions& options_;
  NullSpellings nulls_;
  CsvLayout layout_;
  std::vector<ColumnState> states_;
  std::optional<RecordFilter> filter_;
  std::optional<FieldBatch> batch_;
  bool have_header_ = false;
  std::uint64_t rows_ = 0;
  ChunkRange current_;
};

std::uint64_t InferencePass::detect_dialect() {
  const std::size_t size =
      static_cast<std::size_t>(std::min<std::uint64_t>(file_.size(), kSampleBytes));
  AlignedBuffer sample(size + 64);
  const std::size_t got = file_.read_at(0, sample.as<char>(), size);
  const std::string_view head(sample.as<char>(), got);
  const std::size_t bom = bom_size(head);
  const std::string_view body = head.substr(bom);
  if (has_only_cr_line_breaks(body)) {
    throw InputError(
        "lines end with a bare CR (classic Mac line endings), which Quarry does not read",
        "convert the line endings to LF or CRLF (e.g. `tr '\\r' '\\n'`)", at(0));
  }
  layout_.dialect.quote = options_.quote;
  layout_.dialect.delimiter = options_.delimiter
                                  ? *options_.delimiter
                                  : sniff_delimiter(body, got == file_.size(), options_.quote);
  const char d = layout_.dialect.delimiter;
  if (d == '\n' || d == '\r' || d == '\0' || (options_.quote != '\0' && d == options_.quote)) {
    throw InputError("the delimiter " + describe(d) + " cannot be used",
                     "choose a delimiter other than the quote character or a line break", at(0));
  }
  if (options_.quote == '\n' || options_.quote == '\r') {
    throw InputError("the quote character cannot be a line break", "use '\"' or '\\0' (no quoting)",
                     at(0));
  }
  return bom;
}

void InferencePass::scan_file(std::uint64_t start) {
  // Small files get a small buffer; it grows only for records longer than it.
  std::size_t capacity = static_cast<std::size_t>(
      std::clamp<std::uint64_t>(file_.size() - start, 64, kScanBufferBytes));
  AlignedBuffer buffer(capacity + 64);
  std::uint64_t buffer_offset = start;
  std::size_t have = 0;
  CsvScanner scanner(layout_.dialect, options_.limits.max_columns + 1,
                     options_.limits.max_cell_bytes);
  for (;;) {
    if (options_.hooks.is_cancelled && options_.hooks.is_cancelled()) throw Cancelled();
    char* data = buffer.as<char>();
    have += file_.read_at(buffer_offset + have, data + have, capacity - have);
    const bool eof = buffer_offset + have >= file_.size();
    std::size_t consumed = 0;
    try {
      consumed = scanner.scan(
          data, have, eof, [&](const Record& record) { on_record(record, data, buffer_offset); });
    } catch (const ScanError& error) {
      throw_scan_error(error, file_.name(), data + have, layout_.dialect.quote, options_.limits,
                       layout_.schema.get());
    }
    classify_batch();  // the batch points into the buffer, which is about to change
    if (eof) break;
    if (consumed == 0 && have == capacity) {
      grow(buffer, capacity, have, scanner);
      continue;
    }
    std::memmove(data, data + consumed, have - consumed);
    buffer_offset += consumed;
    have -= consumed;
    report_progress(buffer_offset);
  }
  report_progress(file_.size());
}

void InferencePass::grow(AlignedBuffer& buffer, std::size_t& capacity, std::size_t have,
                         const CsvScanner& scanner) const {
  if (scanner.pending_field_bytes() > options_.limits.max_cell_bytes) {
    const std::string limit = std::to_string(options_.limits.max_cell_bytes);
    if (scanner.pending_inside_quote()) {
      throw InputError("a quoted field starting in the record on line " +
                           std::to_string(scanner.line()) + " runs past limits.max_cell_bytes (" +
                           limit + " bytes); its quote is probably never closed",
                       "close the quote, or double quotes inside quoted fields (\"\")",
                       at(scanner.line()));
    }
    throw InputError("a field is larger than limits.max_cell_bytes (" + limit + " bytes)",
                     "raise limits.max_cell_bytes", at(scanner.line()));
  }
  AlignedBuffer bigger(capacity * 2 + 64);
  std::memcpy(bigger.data(), buffer.data(), have);
  buffer = std::move(bigger);
  capacity *= 2;
}

void InferencePass::report_progress(std::uint64_t done) const {
  if (options_.hooks.on_scan_progress) options_.hooks.on_scan_progress(done, file_.size());
}

void InferencePass::on_record(const Record& record, const char* buffer,
                              std::uint64_t buffer_offset) {
  const std::uint64_t end = buffer_offset + static_cast<std::uint64_t>(record.end - buffer);
  if (!have_header_) {
    if (record.blank) return;
    const std::uint64_t begin =
        buffer_offset + static_cast<std::uint64_t>(record.fields[0].begin - buffer);
    on_header(record, begin, end);
    if (options_.header) return;
  }
  on_row(record, end);
}

void InferencePass::on_header(const Record& record, std::uint64_t record_begin, std::uint64_t end) {
  if (record.size > options_.limits.max_columns) {
    throw InputError("the file has " + std::to_string(record.size) +
                         " columns, over limits.max_columns (" +
                         std::to_string(options_.limits.max_columns) + ")",
                     "raise limits.max_columns or select fewer columns upstream", at(record.line));
  }
  std::vector<std::string> names(record.size);
  if (options_.header) {
    std::string scratch;
    for (std::size_t i = 0; i < record.size; ++i) {
      scratch.resize(static_cast<std::size_t>(record.fields[i].end - record.fields[i].begin));
      scratch.resize(unquote(record.fields[i], layout_.dialect.quote, scratch.data()));
      names[i] = repaired_utf8(scratch);
    }
    names = unique_column_names(std::move(names), layout_.report.notes);
  } else {
    for (std::size_t i = 0; i < names.size(); ++i) names[i] = "col_" + std::to_string(i + 1);
  }
  check_forced_names(names);
  states_.assign(names.size(), ColumnState{});
  layout_.forced.assign(names.size(), false);
  std::vector<Field> fields(names.size());
  for (std::size_t i = 0; i < names.size(); ++i) {
    fields[i].name = std::move(names[i]);
    const auto forced = options_.column_types.find(fields[i].name);
    if (forced != options_.column_types.end()) {
      fields[i].type = forced->second;
      layout_.forced[i] = true;
      states_[i].candidates = 0;
    }
  }
  layout_.schema = std::make_shared<const Schema>(std::move(fields));
  filter_.emplace(record.size, options_.on_ragged_row);
  batch_.emplace(record.size);
  layout_.data_begin = options_.header ? end : record_begin;
  current_ = ChunkRange{layout_.data_begin, layout_.data_begin,
                        options_.header ? record.next_line : record.line, 0, 0};
  have_header_ = true;
}

void InferencePass::check_forced_names(const std::vector<std::string>& names) const {
  for (const auto& [name, type] : options_.column_types) {
    if (std::find(names.begin(), names.end(), name) != names.end()) continue;
    std::string list;
    for (std::size_t i = 0; i < names.size() && i < 20; ++i) list += (i ? ", " : "") + names[i];
    if (names.size() > 20) list += ", …";
    throw InputError("column_types names '" + name + "', which is not a column",
                     "use one of: " + list, at(0));
  }
}

void InferencePass::on_row(const Record& record, std::uint64_t end) {
  const RecordFilter::Decision decision = filter_->decide(record);
  if (decision.action == RecordFilter::Action::kIgnore) return;
  if (decision.action != RecordFilter::Action::kRow) return on_ragged(record, decision.action);
  const std::uint64_t rows = decision.null_rows_before + 1;
  rows_ += rows;
  current_.rows += static_cast<std::int64_t>(rows);
  if (decision.reshaped) {
    if (++layout_.report.rows_padded_or_truncated <= kMaxNotes) {
      layout_.report.notes.push_back("line " + std::to_string(record.line) + " has " +
                                     std::to_string(record.size) + " fields, expected " +
                                     std::to_string(states_.size()) + "; padded or truncated");
    }
  }
  batch_->add_row(record.fields, decision.fields, record.line);
  if (batch_->full()) classify_batch();
  if (rows_ > options_.limits.max_rows) {
    throw InputError("the file has more than limits.max_rows (" +
                         std::to_string(options_.limits.max_rows) + ") rows",
                     "raise limits.max_rows or read a smaller file", at(record.line));
  }
  const bool full = (options_.chunk_rows > 0 && current_.rows >= options_.chunk_rows) ||
                    end - current_.begin >= options_.chunk_bytes;
  if (full) close_chunk(end, record.next_line);
}

void InferencePass::on_ragged(const Record& record, RecordFilter::Action action) {
  const std::string counts = std::to_string(record.size) + " fields, expected " +
                             std::to_string(states_.size()) +
                             (options_.header ? " (as in the header)" : " (as in the first row)");
  if (action == RecordFilter::Action::kRaggedError) {
    throw InputError("the row has " + counts,
                     "fix the row, or set on_ragged_row to 'skip' or 'pad' to read past it",
                     at(record.line));
  }
  if (++layout_.report.malformed_rows_skipped <= kMaxNotes) {
    layout_.report.notes.push_back("line " + std::to_string(record.line) + " skipped: " + counts);
  }
}

void InferencePass::classify_batch() {
  if (!batch_ || batch_->empty()) return;
  for (std::size_t c = 0; c < states_.size(); ++c) {
    if (states_[c].candidates != 0) classify_column(c);
  }
  batch_->clear();
}

void InferencePass::classify_column(std::size_t c) {
  ColumnState& state = states_[c];
  const FieldSpan* spans = batch_->column(c);
  const char quote = layout_.dialect.quote;
  const bool fast_numbers = !nulls_.may_spell_number();
  std::uint8_t candidates = state.candidates;
  bool seen = false;
  for (std::size_t r = 0, rows = batch_->rows(); r < rows && candidates != 0; ++r) {
    if (spans[r].begin == nullptr) continue;
    if (fast_numbers && (candidates & (kClassInt | kClassFloat)) != 0) {
      // Plain numbers straight from the field: no quotes or spaces to strip, never null.
      const auto size = static_cast<std::size_t>(spans[r].end - spans[r].begin);
      const ShortNumber number = scan_short_number(spans[r].begin, size);
      if (number.kind != ShortNumber::Kind::kUnknown) {
        seen = true;
        candidates &=
            number.kind == ShortNumber::Kind::kInteger ? kClassInt | kClassFloat : kClassFloat;
        continue;
      }
    }
    const std::string_view text = typed_text(spans[r], quote);
    if (nulls_.contains(text)) continue;
    seen = true;
    bool overflow = false;
    candidates = classify(text, candidates, overflow);
    if (overflow && !state.overflow) {
      state.overflow = true;
      state.overflow_line = batch_->line(r);
    }
  }
  state.candidates = candidates;
  state.seen = state.seen || seen;
}

void InferencePass::close_chunk(std::uint64_t end, std::uint64_t next_line) {
  current_.end = end;
  layout_.chunks.push_back(current_);
  current_ = ChunkRange{end, end, next_line, static_cast<std::int64_t>(rows_), 0};
}

void InferencePass::finish() {
  if (!have_header_) {
    throw InputError("the file has no header and no rows (only blank lines)",
                     "check that the file was written completely", at(0));
  }
  if (current_.rows > 0) {
    current_.end = file_.size();
    layout_.chunks.push_back(current_);
  } else if (!layout_.chunks.empty()) {
    layout_.chunks.back().end = file_.size();
  }
  std::vector<Field> fields = layout_.schema->fields();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (!layout_.forced[i]) fields[i].type = type_from(states_[i]);
    ColumnReport column;
    column.name = fields[i].name;
    column.type = fields[i].type;
    if (states_[i].overflow && fields[i].type == ColumnType::kFloat64) {
      column.notes.push_back(
          "values beyond the int64 range (first on line " +
          std::to_string(states_[i].overflow_line) +
          ") made the column float64, which keeps about 15-17 significant digits");
    }
    layout_.report.columns.push_back(std::move(column));
  }
  layout_.schema = std::make_shared<const Schema>(std::move(fields));
}

}  // namespace

std::uint64_t line_of_open_quote(const char* record, const char* end, char quote,
                                 std::uint64_t record_line) noexcept {
  std::uint64_t line = record_line;
  std::uint64_t open_line = record_line;
  bool inside = false;
  for (const char* p = record; p < end; ++p) {
    if (*p == quote) {
      inside = !inside;
      if (inside) open_line = line;
    } else if (*p == '\n') {
      ++line;
    }
  }
  return open_line;
}

void throw_scan_error(const ScanError& error, const std::string& file, const char* buffer_end,
                      char quote, const ReadLimits& limits, const Schema* schema) {
  switch (error.kind) {
    case ScanError::Kind::kUnterminatedQuote: {
      const std::uint64_t line = line_of_open_quote(error.record, buffer_end, quote, error.line);
      throw InputError("a quoted field opened on line " + std::to_string(line) + " is never closed",
                       "close the quote, double any quote inside a quoted field (\"\"), or turn "
                       "quoting off (quote = '\\0')",
                       ErrorLocation{file, line, {}});
    }
    case ScanError::Kind::kTooManyFields:
      throw InputError("a row has more fields than limits.max_columns (" +
                           std::to_string(limits.max_columns) + ")",
                       "raise limits.max_columns, or check the delimiter and quoting",
                       ErrorLocation{file, error.line, {}});
    case ScanError::Kind::kCellTooLarge: {
      std::string column;
      if (schema != nullptr && error.field < schema->size()) column = (*schema)[error.field].name;
      throw InputError("a field is larger than limits.max_cell_bytes (" +
                           std::to_string(limits.max_cell_bytes) + " bytes)",
                       "raise limits.max_cell_bytes, or check for a quote that is never closed",
                       ErrorLocation{file, error.line, std::move(column)});
    }
  }
  throw InputError("the file cannot be tokenised", "check the file",
                   ErrorLocation{file, error.line, {}});
}

}  // namespace quarry::io::detail

namespace quarry::io::detail {

CsvLayout infer_csv_layout(const InputFile& file, const CsvOptions& options) {
  InferencePass pass(file, options);
  return pass.run();
}

}  // namespace quarry::io::detail
