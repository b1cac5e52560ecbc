//! The CSV inference pass (see detail/csv_inference.hpp).

#include "io/detail/csv_inference.hpp"
#include "io/detail/column_notes.hpp"
#include "io/detail/csv_dialect.hpp"
#include "io/detail/csv_segment.hpp"
#include "io/detail/header_names.hpp"
#include "io/detail/single_byte_text.hpp"
#include "io/detail/text_copy.hpp"
#include "io/detail/utf8.hpp"
#include "io/detail/value_format.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>

namespace quarry::io::detail {
namespace {

constexpr std::size_t kSampleBytes = 256ULL << 10;
//! Most bytes of rows at the head of the file that type a guessed layout.
constexpr std::uint64_t kGuessHeadBytes = 1ULL << 20;
//! Probes spread over the rest of the file, and their size: a column whose values change
//! kind further on (ids, then codes with letters) is usually caught here, before any chunk is
//! parsed, instead of by a contradiction that reads the file again.
constexpr std::uint64_t kGuessProbes = 8;
constexpr std::uint64_t kGuessProbeBytes = 64ULL << 10;
constexpr std::size_t kHeaderBufferBytes = 64ULL << 10;
//! Segments a file is scanned in (fewer when they would be smaller than two chunks): enough
//! for four per thread on 16 threads, so a slow segment does not leave the others idle. Not
//! derived from the thread count: a segment starts a new chunk, and chunk boundaries (which
//! decide how partial results merge) must not depend on the machine.
constexpr std::uint64_t kSegments = 64;

std::string describe(char c) {
  if (c == '\t') return "TAB";
  if (c == '\0') return "NUL";
  return std::string("'") + c + "'";
}

//! The header record as found in the file.
struct HeaderRecord {
  std::vector<std::string> fields;
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint64_t line = 1;
  std::uint64_t next_line = 1;
};

class InferencePass {
 public:
  InferencePass(const InputFile& file, const CsvOptions& options)
      : file_(file), options_(options), nulls_(options.null_values) {}

  CsvLayout run(bool may_guess) {
    const FirstRecord start = detect_dialect();
    const HeaderRecord header = read_header(start);
    apply_header(header);
    if (may_guess && guess_types()) return std::move(layout_);
    std::vector<SegmentResult> segments = scan_rows();
    finish(segments);
    return std::move(layout_);
  }

 private:
  //! A header field as a column name: decoded from the file's encoding, valid UTF-8.
  std::string decoded_name(std::string_view field) const {
    if (options_.encoding == TextEncoding::kUtf8 || !has_high_bytes(field)) {
      return repaired_utf8(field);
    }
    std::string name(field.size() * 3, '\0');
    name.resize(decode_single_byte(field, options_.encoding, name.data()));
    return name;
  }

  ErrorLocation at(std::uint64_t line, std::string column = {}) const {
    return ErrorLocation{file_.name(), line, std::move(column)};
  }

  //! Where the header (or first row) may start: past the byte-order mark and skip_lines.
  struct FirstRecord {
    std::uint64_t offset = 0;
    std::uint64_t line = 1;
  };
  FirstRecord detect_dialect();
  //! Offset and line past options_.skip_lines lines of `body` (which starts at `offset`).
  FirstRecord skip_lines(std::string_view body, std::uint64_t offset) const;
  HeaderRecord read_header(FirstRecord start) const;
  void apply_header(const HeaderRecord& header);
  void check_forced_names(const std::vector<std::string>& names) const;
  std::vector<std::uint32_t> picked_columns(const std::vector<std::string>& names) const;
  [[nodiscard]] bool worth_splitting(std::uint64_t segment_bytes) const;
  [[nodiscard]] bool guess_types();
  [[nodiscard]] std::optional<SegmentResult> sample(SegmentBounds bounds) const;
  [[nodiscard]] bool probes_agree(const SegmentResult& head) const;
  std::vector<SegmentResult> scan_rows();
  std::vector<SegmentResult> scan_serially() const;
  std::vector<SegmentResult> scan_in_parallel(std::uint64_t segment_bytes);
  SegmentResult scan_one(SegmentBounds bounds, const ScanControl& control) const {
    return scan_segment(file_, options_, layout_.dialect, layout_.shape, nulls_, bounds, control);
  }
  void chain(std::vector<SegmentResult>& segments, const std::vector<std::uint64_t>& begins,
             const std::vector<std::exception_ptr>& errors,
             const std::vector<std::uint64_t>& stops) const;
  void finish(std::vector<SegmentResult>& segments);
  void merge_segment(SegmentResult& segment, std::uint64_t line_offset, std::uint64_t first_row,
                     std::vector<ColumnState>& states, std::vector<RaggedRow>& ragged);
  void add_ragged_notes(const std::vector<RaggedRow>& ragged);

  const InputFile& file_;
  const CsvOptions& options_;
  NullSpellings nulls_;
  CsvLayout layout_;
};

//! The note for a column read as text although its values before `state.not_number` were all
//! numbers (a stray word, a spelling of missing the reader does not know), or because of a
//! number written as an identifier; or "".
std::string column_text_note(const std::string& column, const ColumnState& state) {
  if (state.not_number_line == 0) return "";
  std::string name;
  append_json_string(name, column);
  if (state.not_number_identifier) {
    return "read as text because value '" + repaired_utf8(state.not_number) + "' on line " +
           std::to_string(state.not_number_line) +
           " is a number written as an identifier (a leading zero as in zip codes and IDs, or "
           "'+' and 8 or more digits as in phone numbers), which a number type would change "
           "(outputs keep the text as written); to read the column as numbers pass "
           "column_types {" +
           name + ": \"int64\"} (or \"float64\")";
  }
  if (state.numbers_before < kNumbersBeforeNote) return "";
  return mostly_numbers_note(column, "'" + repaired_utf8(state.not_number) + "'",
                             "on line " + std::to_string(state.not_number_line), "a number",
                             state.numbers_before) +
         " (values that are not numbers become null and are counted), or, if it means missing, "
         "list it in null_values (which replaces the default spellings, so list those the file "
         "uses too)";
}

//! The report of a column typed `field.type` from `state`.
ColumnReport column_report(const Field& field, const ColumnState& state) {
  ColumnReport column;
  column.name = field.name;
  column.type = field.type;
  // (a forced type is not classified: how its values were written is not known)
  if (field.type == ColumnType::kTimestamp && state.seen && state.candidates != 0) {
    column.timestamp_text = state.timestamps.text();
    const std::string where = "line " + std::to_string(state.timestamps.first_local);
    if (std::string note = state.timestamps.local_times_note(where); !note.empty())
      column.notes.push_back(std::move(note));
  }
  if (state.overflow && field.type == ColumnType::kFloat64) {
    column.notes.push_back("values beyond the int64 range (first on line " +
                           std::to_string(state.overflow_line) +
                           ") made the column float64, which keeps about 15-17 significant digits");
  }
  if (field.type == ColumnType::kString && !looks_comma_decimal(state)) {
    if (std::string note = column_text_note(field.name, state); !note.empty())
      column.notes.push_back(std::move(note));
  }
  if (field.type == ColumnType::kString && looks_comma_decimal(state)) {
    column.notes.push_back(
        "every value looks like a number written with a decimal comma (first on "
        "line " +
        std::to_string(state.comma_decimal_line) +
        "), so the column was read as text; pass decimal \",\" to read them");
  }
  return column;
}

InferencePass::FirstRecord InferencePass::skip_lines(std::string_view body,
                                                     std::uint64_t offset) const {
  const std::string count = std::to_string(options_.skip_lines);
  if (options_.skip_lines > CsvOptions::kMaxSkipLines) {
    throw InputError(
        "skip_lines " + count + " is over " + std::to_string(CsvOptions::kMaxSkipLines),
        "skip at most " + std::to_string(CsvOptions::kMaxSkipLines) + " lines", at(0));
  }
  if (options_.skip_lines == 0) return FirstRecord{offset, 1};
  std::size_t at_byte = 0;
  std::uint32_t skipped = 0;
  for (; skipped < options_.skip_lines && at_byte < body.size(); ++skipped) {
    const std::size_t end = body.find('\n', at_byte);
    at_byte = end == std::string_view::npos ? body.size() : end + 1;
  }
  if (at_byte >= body.size()) {  // nothing left of the sample to read the header from
    const bool whole_file = offset + body.size() >= file_.size();
    throw InputError(whole_file
                         ? "skip_lines " + count + " passes over every line of the file (it has " +
                               std::to_string(skipped) + ")"
                         : "skip_lines " + count + " reaches past the first " +
                               std::to_string(body.size() >> 10) + " KiB of the file",
                     "pass the number of lines above the header", at(0));
  }
  return FirstRecord{offset + at_byte, 1 + std::uint64_t{options_.skip_lines}};
}

InferencePass::FirstRecord InferencePass::detect_dialect() {
  const std::size_t size =
      static_cast<std::size_t>(std::min<std::uint64_t>(file_.size(), kSampleBytes));
  AlignedBuffer sample(size + 64);
  const std::size_t got = file_.read_at(0, sample.as<char>(), size);
  const std::string_view head(sample.as<char>(), got);
  refuse_wide_unicode(head, file_.name());
  const std::size_t bom = bom_size(head);
  const FirstRecord first = skip_lines(head.substr(bom), bom);
  const std::string_view body = head.substr(first.offset);
  if (has_only_cr_line_breaks(body)) {
    throw InputError(
        "lines end with a bare CR (classic Mac line endings), which the reader takes only "
        "through a converted copy",
        "open it with a scratch directory (open_source's scratch_directory; the host always "
        "sets one), or convert the line endings to LF (e.g. `tr '\\r' '\\n'`)",
        at(0));
  }
  if (options_.decimal != '.' && options_.decimal != ',') {
    throw InputError("the decimal separator " + describe(options_.decimal) + " is not supported",
                     "pass decimal \".\" (the default) or \",\"", at(0));
  }
  layout_.dialect.quote = options_.quote;
  layout_.dialect.decimal = options_.decimal;
  if (options_.thousands != '\0' &&
      (options_.thousands == options_.decimal ||
       std::string_view("0123456789+-eE\"\n\r").find(options_.thousands) !=
           std::string_view::npos)) {
    throw InputError("the thousands separator " + describe(options_.thousands) +
                         " cannot be used with decimal separator " + describe(options_.decimal),
                     "pass thousands \".\" with decimal \",\" (1.234,5) or thousands \",\" with "
                     "decimal \".\" (1,234.5)",
                     at(0));
  }
  layout_.dialect.thousands = options_.thousands;
  layout_.dialect.encoding = options_.encoding;
  layout_.dialect.delimiter =
      options_.delimiter
          ? *options_.delimiter
          : sniff_delimiter(body, got == file_.size(), options_.quote, options_.decimal);
  const char d = layout_.dialect.delimiter;
  if (d == options_.decimal) {
    throw InputError("the delimiter " + describe(d) + " is also the decimal separator",
                     "pass the file's field separator as delimiter (often \";\" when numbers "
                     "are written 12,5)",
                     at(0));
  }
  if (d == '\n' || d == '\r' || d == '\0' || (options_.quote != '\0' && d == options_.quote)) {
    throw InputError("the delimiter " + describe(d) + " cannot be used",
                     "choose a delimiter other than the quote character or a line break", at(0));
  }
  if (options_.quote == '\n' || options_.quote == '\r') {
    throw InputError("the quote character cannot be a line break",
                     "pass quote \"\\\"\" (the default) or \"\" (no quoting)", at(0));
  }
  return first;
}

HeaderRecord InferencePass::read_header(FirstRecord first) const {
  const std::uint64_t start = first.offset;
  std::size_t capacity = static_cast<std::size_t>(
      std::clamp<std::uint64_t>(file_.size() - start, 64, kHeaderBufferBytes));
  for (;;) {
    AlignedBuffer buffer(capacity + 64);
    char* data = buffer.as<char>();
    const std::size_t have = file_.read_at(start, data, capacity);
    const bool eof = start + have >= file_.size();
    CsvScanner scanner(layout_.dialect, options_.limits.max_columns + 1,
                       options_.limits.max_cell_bytes);
    scanner.set_line(first.line);
    std::optional<HeaderRecord> header;
    try {
      scanner.scan(data, have, eof, [&](const Record& record) {
        if (header || record.blank) return;
        HeaderRecord& h = header.emplace();
        h.begin = start + static_cast<std::uint64_t>(record.fields[0].begin - data);
        h.end = start + static_cast<std::uint64_t>(record.end - data);
        h.line = record.line;
        h.next_line = record.next_line;
        h.fields.resize(record.size);
        for (std::size_t i = 0; i < record.size; ++i) {
          std::string& field = h.fields[i];
          field.resize(static_cast<std::size_t>(record.fields[i].end - record.fields[i].begin));
          field.resize(unquote(record.fields[i], layout_.dialect.quote, field.data()));
        }
      });
    } catch (const ScanError& error) {
      // A later record's error is reported by the row scan, with the column names known.
      if (!header) {
        throw_scan_error(error, file_.name(), data + have, layout_.dialect.quote, options_.limits,
                         nullptr);
      }
    }
    if (header) return std::move(*header);
    if (eof) {
      throw InputError("the file has no header and no rows (only blank lines)",
                       "check that the file was written completely", at(0));
    }
    throw_if_field_too_large(scanner, options_.limits, file_.name());
    capacity *= 2;
  }
}

void InferencePass::apply_header(const HeaderRecord& header) {
  const std::size_t count = header.fields.size();
  if (count > options_.limits.max_columns) {
    throw InputError("the file has " + std::to_string(count) +
                         " columns, over limits.max_columns (" +
                         std::to_string(options_.limits.max_columns) + ")",
                     "raise limits.max_columns or select fewer columns upstream", at(header.line));
  }
  std::vector<std::string> names(count);
  if (options_.header) {
    for (std::size_t i = 0; i < count; ++i) names[i] = decoded_name(header.fields[i]);
    names = unique_column_names(std::move(names), layout_.report.notes);
  } else {
    for (std::size_t i = 0; i < count; ++i) names[i] = "col_" + std::to_string(i + 1);
  }
  check_forced_names(names);
  layout_.shape.picks = picked_columns(names);
  layout_.shape.file_names = names;
  std::vector<Field> fields;
  fields.reserve(layout_.shape.picks.size());
  for (const std::uint32_t c : layout_.shape.picks) {
    Field field;
    field.name = names[c];
    const auto forced = options_.column_types.find(field.name);
    layout_.shape.forced.push_back(forced != options_.column_types.end());
    if (layout_.shape.forced.back()) field.type = forced->second;
    fields.push_back(std::move(field));
  }
  layout_.schema = std::make_shared<const Schema>(std::move(fields));
  if (layout_.shape.picks.size() < count) {
    layout_.report.projection = projection_note(layout_.shape.picks.size(), count);
  }
  layout_.data_begin = options_.header ? header.end : header.begin;
  layout_.data_line = options_.header ? header.next_line : header.line;
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

std::vector<std::uint32_t> InferencePass::picked_columns(
    const std::vector<std::string>& names) const {
  std::vector<std::uint32_t> picks;
  const auto& wanted = options_.only_columns;
  const bool every_name_known = std::all_of(wanted.begin(), wanted.end(), [&](const auto& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  });
  for (std::uint32_t c = 0; c < names.size(); ++c) {
    const bool wanted_here = wanted.empty() || !every_name_known ||
                             std::find(wanted.begin(), wanted.end(), names[c]) != wanted.end();
    if (wanted_here) picks.push_back(c);
  }
  return picks;
}

bool InferencePass::worth_splitting(std::uint64_t segment_bytes) const {
  // One-column files keep blank lines as null rows, which a segment cannot know the end of.
  return layout_.shape.file_names.size() > 1 &&
         file_.size() - layout_.data_begin >= 2 * segment_bytes;
}

std::vector<SegmentResult> InferencePass::scan_rows() {
  const std::uint64_t data_bytes = file_.size() - layout_.data_begin;
  // About kSegments segments, but never smaller than two chunks; split the same way on one
  // thread (scanned one after another) as on many.
  const std::uint64_t even_share = data_bytes / (kSegments + 1);
  const std::uint64_t segment_bytes =
      std::max<std::uint64_t>({even_share, 2 * std::uint64_t{options_.chunk_bytes}, 64ULL << 10});
  if (!worth_splitting(segment_bytes)) return scan_serially();
  try {
    return scan_in_parallel(segment_bytes);
  } catch (const InputError&) {
    // Malformed input, or a segment guessed its first record wrong and met what looked like
    // malformed input: the serial scan reports the first problem exactly as it is.
    return scan_serially();
  }
}

bool InferencePass::guess_types() {
  const std::uint64_t data_bytes = file_.size() - layout_.data_begin;
  if (options_.sample_typing_min_bytes == 0 || data_bytes < options_.sample_typing_min_bytes ||
      options_.chunk_rows > 0 || layout_.shape.file_names.size() < 2) {
    return false;
  }
  const std::uint64_t head_bytes = std::clamp<std::uint64_t>(data_bytes / 8, 1, kGuessHeadBytes);
  const std::optional<SegmentResult> head =
      sample({layout_.data_begin, layout_.data_line, layout_.data_begin + head_bytes,
              layout_.data_begin + 2 * head_bytes});
  if (!head || !probes_agree(*head)) return false;

  TypeGuess guess;
  std::vector<Field> fields = layout_.schema->fields();
  for (std::size_t k = 0; k < fields.size(); ++k) {
    const ColumnState& state = head->states[k];
    const bool forced = layout_.shape.forced[k];
    if (!forced) fields[k].type = type_from(state);
    guess.classes.push_back(forced ? 0 : state.candidates);
    guess.unseen.push_back(!forced && !state.seen);
    guess.timestamp_texts.push_back(forced ? TimestampText::kUtc : state.timestamps.text());
    layout_.report.columns.push_back(column_report(fields[k], state));
  }
  guess.row_bytes = static_cast<double>(head->end - head->begin) / static_cast<double>(head->rows);
  layout_.schema = std::make_shared<const Schema>(std::move(fields));
  layout_.guess = std::move(guess);
  const std::uint64_t step = std::max<std::uint64_t>(options_.chunk_bytes, 1);
  for (std::uint64_t at = layout_.data_begin; at < file_.size(); at += step) {
    layout_.chunks.push_back(ChunkRange{at, std::min(at + step, file_.size()), 0, 0, 0});
  }
  return true;
}

// A sample that runs far past its stop (a quote left open, or a probe that started inside a
// quoted field) gives up (SegmentResult::lost) rather than read the rest of the file.
std::optional<SegmentResult> InferencePass::sample(SegmentBounds bounds) const {
  try {
    SegmentResult result = scan_one(bounds, ScanControl{});
    const bool regular = !result.lost && result.rows > 0 && result.padded_rows == 0 &&
                         result.skipped_rows == 0 && !result.multiline_rows &&
                         std::none_of(result.states.begin(), result.states.end(),
                                      [](const ColumnState& state) { return state.overflow; });
    if (regular) return result;
  } catch (const InputError&) {
    // The inference pass reports it, with the right line.
  }
  return std::nullopt;
}

bool InferencePass::probes_agree(const SegmentResult& head) const {
  const std::uint64_t data_bytes = file_.size() - layout_.data_begin;
  for (std::uint64_t k = 1; k <= kGuessProbes; ++k) {
    const std::uint64_t at = layout_.data_begin + data_bytes * k / (kGuessProbes + 1);
    if (at <= head.end) continue;
    const std::uint64_t begin = next_line_start(file_, at);
    if (begin >= file_.size()) continue;
    const std::optional<SegmentResult> probe = sample(
        {begin, 1, std::min(file_.size(), begin + kGuessProbeBytes), begin + 2 * kGuessProbeBytes});
    if (!probe) return false;
    for (std::size_t c = 0; c < head.states.size(); ++c) {
      const ColumnState& seen_first = head.states[c];
      const ColumnState& seen_here = probe->states[c];
      if (layout_.shape.forced[c] || !seen_here.seen) continue;
      ColumnState both;
      both.candidates = static_cast<std::uint8_t>(seen_first.candidates & seen_here.candidates);
      both.seen = true;
      if (!seen_first.seen || type_from(both) != type_from(seen_first)) return false;
    }
  }
  return true;
}

std::vector<SegmentResult> InferencePass::scan_serially() const {
  std::uint64_t done = layout_.data_begin;
  const ScanControl control{[&](std::uint64_t bytes) {
                              done += bytes;
                              if (options_.hooks.on_scan_progress)
                                options_.hooks.on_scan_progress(done, file_.size());
                            },
                            options_.hooks.is_cancelled};
  std::vector<SegmentResult> out;
  out.push_back(scan_one({layout_.data_begin, layout_.data_line, file_.size()}, control));
  if (options_.hooks.on_scan_progress) options_.hooks.on_scan_progress(file_.size(), file_.size());
  return out;
}

std::vector<SegmentResult> InferencePass::scan_in_parallel(std::uint64_t segment_bytes) {
  // Segment i scans the records starting in [r_i, r_i+1) from the line start after r_i - 1,
  // guessing that it is a record boundary (it is not when that line break is inside a quoted
  // field). chain() checks each guess against where the previous segment really ended.
  std::vector<std::uint64_t> stops;
  for (std::uint64_t r = layout_.data_begin + segment_bytes; r < file_.size(); r += segment_bytes) {
    if (file_.size() - r < segment_bytes / 2) break;  // no tiny last segment
    stops.push_back(r);
  }
  stops.push_back(file_.size());
  const std::size_t count = stops.size();
  std::vector<SegmentResult> segments(count);
  std::vector<std::uint64_t> begins(count, 0);
  std::vector<std::exception_ptr> errors(count);
  std::atomic<std::size_t> next{0};
  std::atomic<bool> cancelled{false};
  std::atomic<std::uint64_t> done{0};
  std::atomic<unsigned> running{0};
  std::mutex mutex;
  std::condition_variable finished;
  const ScanControl control{[&](std::uint64_t bytes) { done += bytes; },
                            [&] { return cancelled.load(std::memory_order_relaxed); }};
  auto work = [&] {
    for (std::size_t i = next++; i < count && !cancelled; i = next++) {
      try {
        begins[i] = i == 0 ? layout_.data_begin : next_line_start(file_, stops[i - 1]);
        // A segment with no record starting in it still takes part in chain().
        const std::uint64_t stop = std::max(begins[i], stops[i]);
        segments[i] =
            scan_one({begins[i], i == 0 ? layout_.data_line : 1, stop, stop + segment_bytes},
                     begins[i] >= stops[i] ? ScanControl{} : control);
      } catch (...) {
        errors[i] = std::current_exception();  // judged by chain(): the guess may be wrong
      }
    }
    const std::lock_guard lock(mutex);
    --running;
    finished.notify_all();
  };
  const unsigned threads = std::clamp<unsigned>(options_.threads, 1, static_cast<unsigned>(count));
  std::vector<std::jthread> workers;
  running = threads;
  for (unsigned t = 0; t < threads; ++t) workers.emplace_back(work);
  {
    std::unique_lock lock(mutex);
    while (running != 0) {
      finished.wait_for(lock, std::chrono::milliseconds(50));
      lock.unlock();
      if (options_.hooks.is_cancelled && options_.hooks.is_cancelled()) cancelled = true;
      if (options_.hooks.on_scan_progress) {
        options_.hooks.on_scan_progress(layout_.data_begin + done, file_.size());
      }
      lock.lock();
    }
  }
  workers.clear();
  if (cancelled) throw Cancelled();
  chain(segments, begins, errors, stops);
  std::uint64_t rows = 0;
  for (const SegmentResult& segment : segments) rows += segment.rows;
  if (rows > options_.limits.max_rows) {
    // Caught by scan_rows(): the serial scan names the line where the limit is crossed.
    throw InputError("too many rows", "raise limits.max_rows", at(0));
  }
  if (options_.hooks.on_scan_progress) options_.hooks.on_scan_progress(file_.size(), file_.size());
  return segments;
}

void InferencePass::chain(std::vector<SegmentResult>& segments,
                          const std::vector<std::uint64_t>& begins,
                          const std::vector<std::exception_ptr>& errors,
                          const std::vector<std::uint64_t>& stops) const {
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const std::uint64_t boundary = i == 0 ? layout_.data_begin : segments[i - 1].end;
    const bool started_right = begins[i] == boundary;
    if (started_right && errors[i]) std::rethrow_exception(errors[i]);
    if (started_right && !segments[i].lost) continue;
    // The guess was wrong: the previous segment, which started right, ended elsewhere.
    segments[i] = scan_one({boundary, 1, std::max(boundary, stops[i])}, ScanControl{});
  }
}

void InferencePass::finish(std::vector<SegmentResult>& segments) {
  std::vector<ColumnState> states(layout_.shape.picks.size());
  for (std::size_t k = 0; k < states.size(); ++k) {
    if (layout_.shape.forced[k]) states[k].candidates = 0;
  }
  std::vector<RaggedRow> ragged;
  std::uint64_t line = layout_.data_line;
  std::uint64_t rows = 0;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    SegmentResult& segment = segments[i];
    const std::uint64_t line_offset = i == 0 ? 0 : line - segment.first_line;
    merge_segment(segment, line_offset, rows, states, ragged);
    line += segment.end_line - segment.first_line;
    rows += segment.rows;
  }
  // Chunks cover the data bytes without gaps (skipped rows between segments included).
  auto& chunks = layout_.chunks;
  for (std::size_t k = 0; k + 1 < chunks.size(); ++k) chunks[k].end = chunks[k + 1].begin;
  if (!chunks.empty()) chunks.back().end = file_.size();
  add_ragged_notes(ragged);

  std::vector<Field> fields = layout_.schema->fields();
  for (std::size_t k = 0; k < fields.size(); ++k) {
    if (!layout_.shape.forced[k]) fields[k].type = type_from(states[k]);
    layout_.report.columns.push_back(column_report(fields[k], states[k]));
  }
  layout_.schema = std::make_shared<const Schema>(std::move(fields));
}

void InferencePass::merge_segment(SegmentResult& segment, std::uint64_t line_offset,
                                  std::uint64_t first_row, std::vector<ColumnState>& states,
                                  std::vector<RaggedRow>& ragged) {
  for (ChunkRange chunk : segment.chunks) {
    chunk.line += line_offset;
    chunk.first_row += static_cast<std::int64_t>(first_row);
    layout_.chunks.push_back(chunk);
  }
  for (std::size_t k = 0; k < states.size(); ++k) {
    const ColumnState& part = segment.states[k];
    states[k].timestamps.merge(part.timestamps, line_offset);
    if (part.overflow && !states[k].overflow) {
      states[k].overflow = true;
      states[k].overflow_line = part.overflow_line + line_offset;
    }
    if (part.comma_decimal_line > 0 && states[k].comma_decimal_line == 0) {
      states[k].comma_decimal_line = part.comma_decimal_line + line_offset;
    }
    states[k].not_comma_decimal = states[k].not_comma_decimal || part.not_comma_decimal;
    if (states[k].not_number_line == 0) {  // still numbers so far: this segment's count on
      states[k].numbers_before += part.numbers_before;
      if (part.not_number_line > 0) {
        states[k].not_number_line = part.not_number_line + line_offset;
        states[k].not_number = part.not_number;
        states[k].not_number_identifier = part.not_number_identifier;
      }
    }
    states[k].candidates &= part.candidates;
    states[k].seen = states[k].seen || part.seen;
  }
  layout_.report.rows_padded_or_truncated += segment.padded_rows;
  layout_.report.malformed_rows_skipped += segment.skipped_rows;
  for (RaggedRow row : segment.ragged) {
    row.line += line_offset;
    ragged.push_back(row);
  }
}

void InferencePass::add_ragged_notes(const std::vector<RaggedRow>& ragged) {
  std::size_t padded = 0;
  std::size_t skipped = 0;
  const std::string expected = std::to_string(layout_.shape.file_names.size());
  for (const RaggedRow& row : ragged) {
    const std::string line = "line " + std::to_string(row.line);
    if (!row.skipped && ++padded <= kMaxRaggedNotes) {
      layout_.report.notes.push_back(line + " has " + std::to_string(row.fields) +
                                     " fields, expected " + expected + "; padded or truncated");
    } else if (row.skipped && ++skipped <= kMaxRaggedNotes) {
      layout_.report.notes.push_back(
          line +
          " skipped: " + ragged_counts(row.fields, layout_.shape.file_names.size(), &options_));
    }
  }
}

}  // namespace

std::uint64_t next_line_start(const InputFile& file, std::uint64_t offset) {
  if (offset == 0) return 0;
  char window[16 << 10];
  for (std::uint64_t at = offset - 1; at < file.size();) {
    const std::size_t got = file.read_at(at, window, sizeof window);
    if (got == 0) break;
    if (const void* lf = std::memchr(window, '\n', got)) {
      return at + static_cast<std::uint64_t>(static_cast<const char*>(lf) - window) + 1;
    }
    at += got;
  }
  return file.size();
}

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

void throw_if_field_too_large(const CsvScanner& scanner, const ReadLimits& limits,
                              const std::string& file) {
  if (scanner.pending_field_bytes() <= limits.max_cell_bytes) return;
  const std::string limit = std::to_string(limits.max_cell_bytes);
  const ErrorLocation where{file, scanner.line(), {}};
  if (scanner.pending_inside_quote()) {
    throw InputError("a quoted field starting in the record on line " +
                         std::to_string(scanner.line()) + " runs past limits.max_cell_bytes (" +
                         limit + " bytes); its quote is probably never closed",
                     "close the quote, or double quotes inside quoted fields (\"\")", where);
  }
  throw InputError("a field is larger than limits.max_cell_bytes (" + limit + " bytes)",
                   "raise limits.max_cell_bytes", where);
}

std::string ragged_counts(std::size_t fields, std::size_t expected, const CsvOptions* options) {
  std::string counts = std::to_string(fields) + " fields, expected " + std::to_string(expected);
  if (options != nullptr)
    counts += options->header ? " (as in the header)" : " (as in the first row)";
  return counts;
}

std::string ragged_row_problem(const Record& record, std::size_t expected,
                               const CsvOptions* options) {
  std::string problem = "the row has " + ragged_counts(record.size, expected, options);
  const bool empty_extra =
      record.size == expected + 1 && record.fields[expected].begin == record.fields[expected].end;
  if (empty_extra) {
    problem +=
        "; the extra field is empty: the line ends with a delimiter (on_bad_rows \"pad\" "
        "drops such empty trailing fields)";
  } else if (expected == 1 && record.size > 1 && options != nullptr && options->header &&
             options->skip_lines == 0) {
    problem +=
        "; the header has one field: if a title or note comes before the real header, "
        "pass skip_lines (the number of lines above it)";
  }
  return problem;
}

void throw_scan_error(const ScanError& error, const std::string& file, const char* buffer_end,
                      char quote, const ReadLimits& limits, const std::vector<std::string>* names) {
  switch (error.kind) {
    case ScanError::Kind::kUnterminatedQuote: {
      const std::uint64_t line = line_of_open_quote(error.record, buffer_end, quote, error.line);
      throw InputError("a quoted field opened on line " + std::to_string(line) + " is never closed",
                       "close the quote, double any quote inside a quoted field (\"\"), or pass "
                       "quote \"\" to read quotes as ordinary text",
                       ErrorLocation{file, line, {}});
    }
    case ScanError::Kind::kStrayQuote:
      throw InputError("a quote (" + std::string(1, quote) +
                           ") in the middle of a field, as in 55\" screen: quotes may only open a "
                           "field",
                       "pass quote \"\" to read quotes as ordinary text, or quote the whole field "
                       "and double the quotes inside it",
                       ErrorLocation{file, error.line, {}});
    case ScanError::Kind::kTooManyFields:
      throw InputError("a row has more fields than limits.max_columns (" +
                           std::to_string(limits.max_columns) + ")",
                       "raise limits.max_columns, or check the delimiter and quoting",
                       ErrorLocation{file, error.line, {}});
    case ScanError::Kind::kCellTooLarge: {
      std::string column;
      if (names != nullptr && error.field < names->size()) column = (*names)[error.field];
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
  return pass.run(false);
}

CsvLayout open_csv_layout(const InputFile& file, const CsvOptions& options) {
  InferencePass pass(file, options);
  return pass.run(true);
}

}  // namespace quarry::io::detail
