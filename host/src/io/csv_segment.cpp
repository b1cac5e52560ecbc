//! Scanning one segment of a CSV file for the inference pass (see detail/csv_segment.hpp).

#include "io/detail/csv_segment.hpp"
#include "io/detail/csv_inference.hpp"
#include "io/detail/field_batch.hpp"
#include "io/detail/scan_window.hpp"
#include "io/detail/short_number.hpp"

#include <algorithm>
#include <optional>
#include <string>

namespace quarry::io::detail {

ColumnType type_from(const ColumnState& state) noexcept {
  if (!state.seen || state.candidates == 0) return ColumnType::kString;
  if ((state.candidates & kClassInt) != 0) return ColumnType::kInt64;
  if ((state.candidates & kClassFloat) != 0) return ColumnType::kFloat64;
  if ((state.candidates & kClassBool) != 0) return ColumnType::kBool;
  return ColumnType::kTimestamp;
}

namespace {

constexpr std::size_t kScanBufferBytes = 512ULL << 10;
//! Bytes read past the stop offset at first: enough for the record crossing it, usually.
constexpr std::uint64_t kStopSlackBytes = 64ULL << 10;

class SegmentScanner {
 public:
  SegmentScanner(const InputFile& file, const CsvOptions& options, const Dialect& dialect,
                 const TableShape& shape, const NullSpellings& nulls, SegmentBounds bounds,
                 const ScanControl& control)
      : file_(file),
        options_(options),
        dialect_(dialect),
        shape_(shape),
        nulls_(nulls),
        bounds_(bounds),
        control_(control),
        filter_(shape.file_names.size(), options.on_ragged_row),
        batch_(shape.picks) {
    result_.begin = result_.end = bounds.begin;
    result_.first_line = result_.end_line = bounds.first_line;
    result_.states.resize(shape.picks.size());
    for (std::size_t k = 0; k < shape.picks.size(); ++k) {
      if (shape.forced[k]) result_.states[k].candidates = 0;
    }
    current_ = ChunkRange{bounds.begin, bounds.begin, bounds.first_line, 0, 0};
  }

  SegmentResult run() {
    scan();
    if (current_.rows > 0) {
      current_.end = result_.end;
      result_.chunks.push_back(current_);
    } else if (!result_.chunks.empty()) {
      result_.chunks.back().end = result_.end;
    }
    return std::move(result_);
  }

 private:
  ErrorLocation at(std::uint64_t line) const { return ErrorLocation{file_.name(), line, {}}; }

  void scan();
  void on_record(const Record& record, const char* buffer, std::uint64_t offset);
  void on_row(const Record& record, std::uint64_t end);
  void on_ragged(const Record& record, RecordFilter::Action action);
  void classify_batch();
  void classify_column(std::size_t k);
  //! True while column values may all be numbers with a decimal comma (see ColumnState).
  [[nodiscard]] bool watches_comma_decimals(const ColumnState& state) const noexcept;
  void watch_comma_decimal(ColumnState& state, std::string_view text,
                           std::uint64_t line) const noexcept;
  void close_chunk(std::uint64_t end, std::uint64_t next_line);

  const InputFile& file_;
  const CsvOptions& options_;
  const Dialect& dialect_;
  const TableShape& shape_;
  const NullSpellings& nulls_;
  SegmentBounds bounds_;
  const ScanControl& control_;
  RecordFilter filter_;
  FieldBatch batch_;
  SegmentResult result_;
  ChunkRange current_;
  //! Where with_decimal_point() puts a text it rewrites.
  std::string scratch_;
  bool done_ = false;
};

void SegmentScanner::scan() {
  const std::uint64_t size = file_.size();
  // One buffer per thread for every segment it scans: fresh pages per segment cost more in
  // page faults than the scan itself on small files.
  thread_local AlignedBuffer buffer;
  ScanWindow window(file_, buffer, bounds_.begin, std::min(size, bounds_.stop + kStopSlackBytes),
                    kScanBufferBytes);
  CsvScanner scanner(dialect_, options_.limits.max_columns + 1, options_.limits.max_cell_bytes);
  scanner.set_line(bounds_.first_line);
  std::uint64_t reported = bounds_.begin;
  for (;;) {
    if (control_.cancelled && control_.cancelled()) throw Cancelled();
    window.fill();
    const bool eof = window.offset() + window.size() >= size;
    std::size_t consumed = 0;
    try {
      consumed = scanner.scan(window.data(), window.size(), eof, [&](const Record& record) {
        on_record(record, window.data(), window.offset());
      });
    } catch (const ScanError& error) {
      throw_scan_error(error, file_.name(), window.data() + window.size(), dialect_.quote,
                       options_.limits, &shape_.file_names);
    }
    classify_batch();  // the batch points into the window, which is about to move
    if (done_) break;
    if (window.offset() + window.size() >= bounds_.give_up_at && !eof) {
      result_.lost = true;
      return;
    }
    if (eof) {
      result_.end = size;
      result_.end_line = scanner.line();
      break;
    }
    window.advance(consumed, scanner, options_.limits);
    if (window.at_limit()) window.extend_limit(window.offset() + window.size() + window.capacity());
    if (control_.advanced && window.offset() > reported) {
      control_.advanced(window.offset() - reported);
      reported = window.offset();
    }
  }
  if (control_.advanced && result_.end > reported) control_.advanced(result_.end - reported);
}

void SegmentScanner::on_record(const Record& record, const char* buffer, std::uint64_t offset) {
  if (done_) return;
  const std::uint64_t begin = offset + static_cast<std::uint64_t>(record.fields[0].begin - buffer);
  if (begin >= bounds_.stop) {  // the next segment's first record
    done_ = true;
    result_.end = begin;
    result_.end_line = record.line;
    return;
  }
  on_row(record, offset + static_cast<std::uint64_t>(record.end - buffer));
}

void SegmentScanner::on_row(const Record& record, std::uint64_t end) {
  const RecordFilter::Decision decision = filter_.decide(record);
  if (decision.action == RecordFilter::Action::kIgnore) return;
  if (decision.action != RecordFilter::Action::kRow) return on_ragged(record, decision.action);
  const std::uint64_t rows = decision.null_rows_before + 1;
  result_.rows += rows;
  if (record.next_line > record.line + 1) result_.multiline_rows = true;
  current_.rows += static_cast<std::int64_t>(rows);
  if (decision.reshaped && ++result_.padded_rows <= kMaxRaggedNotes) {
    result_.ragged.push_back(RaggedRow{false, record.line, record.size});
  }
  batch_.add_row(record.fields, decision.fields, record.line);
  if (batch_.full()) classify_batch();
  if (result_.rows > options_.limits.max_rows) {
    throw InputError("the file has more than limits.max_rows (" +
                         std::to_string(options_.limits.max_rows) + ") rows",
                     "raise limits.max_rows or read a smaller file", at(record.line));
  }
  const bool full = (options_.chunk_rows > 0 && current_.rows >= options_.chunk_rows) ||
                    end - current_.begin >= options_.chunk_bytes;
  if (full) close_chunk(end, record.next_line);
}

void SegmentScanner::on_ragged(const Record& record, RecordFilter::Action action) {
  if (action == RecordFilter::Action::kRaggedError) {
    throw InputError(ragged_row_problem(record, shape_.file_names.size(), &options_), kRaggedRowFix,
                     at(record.line));
  }
  if (++result_.skipped_rows <= kMaxRaggedNotes) {
    result_.ragged.push_back(RaggedRow{true, record.line, record.size});
  }
}

void SegmentScanner::classify_batch() {
  if (batch_.empty()) return;
  for (std::size_t k = 0; k < result_.states.size(); ++k) {
    const ColumnState& state = result_.states[k];
    if (state.candidates != 0 || watches_comma_decimals(state)) classify_column(k);
  }
  batch_.clear();
}

bool SegmentScanner::watches_comma_decimals(const ColumnState& state) const noexcept {
  // Only where the fix, decimal ",", is possible: not in a comma-delimited file.
  return dialect_.decimal == '.' && dialect_.thousands == '\0' && dialect_.delimiter != ',' &&
         !state.not_comma_decimal;
}

void SegmentScanner::watch_comma_decimal(ColumnState& state, std::string_view text,
                                         std::uint64_t line) const noexcept {
  switch (read_comma_decimal(text)) {
    case CommaDecimal::kYes:
      if (state.comma_decimal_line == 0) state.comma_decimal_line = line;
      break;
    case CommaDecimal::kPlainInteger:
      break;
    case CommaDecimal::kNo:
      state.not_comma_decimal = true;
      break;
  }
}

void SegmentScanner::classify_column(std::size_t k) {
  ColumnState& state = result_.states[k];
  const FieldSpan* spans = batch_.column(k);
  const char quote = dialect_.quote;
  // The fast path reads '.' decimals only, and "-999" may be a null.
  const bool fast_numbers = !nulls_.may_spell_number() && dialect_.decimal == '.';
  std::uint8_t candidates = state.candidates;
  bool watch = watches_comma_decimals(state);
  bool seen = false;
  std::uint64_t numbers = 0;
  for (std::size_t r = 0, rows = batch_.rows(); r < rows && (candidates != 0 || watch); ++r) {
    if (spans[r].begin == nullptr) continue;
    if (fast_numbers && (candidates & (kClassInt | kClassFloat)) != 0) {
      // Plain numbers straight from the field: no quotes or spaces to strip, never null.
      const auto size = static_cast<std::size_t>(spans[r].end - spans[r].begin);
      const ShortNumber number = scan_short_number(spans[r].begin, size);
      if (number.kind != ShortNumber::Kind::kUnknown) {
        seen = true;
        ++numbers;
        candidates &=
            number.kind == ShortNumber::Kind::kInteger ? kClassInt | kClassFloat : kClassFloat;
        if (number.kind != ShortNumber::Kind::kInteger && watch) {
          state.not_comma_decimal = true;
          watch = false;
        }
        continue;
      }
    }
    const std::string_view text = typed_text(spans[r], quote);
    if (nulls_.contains(text)) continue;
    seen = true;
    if (watch) {
      watch_comma_decimal(state, text, batch_.line(r));
      watch = !state.not_comma_decimal;
    }
    bool overflow = false;
    const bool numeric_before = (candidates & (kClassInt | kClassFloat)) != 0;
    candidates = classify(with_decimal_point(text, dialect_.decimal, dialect_.thousands, scratch_),
                          candidates, overflow);
    if ((candidates & kClassTimestamp) != 0) state.timestamps.observe(text, batch_.line(r));
    if ((candidates & (kClassInt | kClassFloat)) != 0) {
      ++numbers;
    } else if (numeric_before && state.not_number_line == 0) {
      state.not_number_line = batch_.line(r);
      state.not_number = std::string(text.substr(0, 40));
      state.not_number_identifier = is_identifier_number(text);
    }
    if (overflow && !state.overflow) {
      state.overflow = true;
      state.overflow_line = batch_.line(r);
    }
  }
  state.candidates = candidates;
  state.seen = state.seen || seen;
  state.numbers_before += numbers;  // (none follow the first value that is not a number)
}

void SegmentScanner::close_chunk(std::uint64_t end, std::uint64_t next_line) {
  current_.end = end;
  result_.chunks.push_back(current_);
  current_ = ChunkRange{end, end, next_line, static_cast<std::int64_t>(result_.rows), 0};
}

}  // namespace

SegmentResult scan_segment(const InputFile& file, const CsvOptions& options, const Dialect& dialect,
                           const TableShape& shape, const NullSpellings& nulls,
                           SegmentBounds bounds, const ScanControl& control) {
  SegmentScanner scanner(file, options, dialect, shape, nulls, bounds, control);
  return scanner.run();
}

}  // namespace quarry::io::detail
