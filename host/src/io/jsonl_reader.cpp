#include "quarry/io/jsonl_reader.hpp"
#include "quarry/sdk/iso8601.hpp"

#include "io/detail/column_notes.hpp"
#include "io/detail/csv_layout.hpp"
#include "io/detail/flat_json.hpp"
#include "io/detail/input_file.hpp"
#include "io/detail/utf8.hpp"
#include "io/detail/values.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <mutex>
#include <optional>
#include <unordered_map>

namespace quarry::io {
namespace {

using Json = nlohmann::ordered_json;
using detail::ChunkRange;

constexpr std::size_t kReadBufferBytes = 4ULL << 20;
constexpr std::size_t kMaxNotes = 5;
constexpr std::size_t kExampleBytes = 40;

//! One line of a JSONL file (without its line break) and where it is.
struct Line {
  std::string_view text;
  std::uint64_t number;  // 1-based
  std::uint64_t end;     // file offset after the line break
};

//! Calls `on_line(const Line&)` for each line of the file bytes [begin, end), reading at most
//! a few MiB at a time. Throws InputError for a line longer than `max_line` bytes.
template <class OnLine>
void for_each_line(const detail::InputFile& file, std::uint64_t begin, std::uint64_t end,
                   std::uint64_t first_line, std::size_t max_line, const ReadHooks* hooks,
                   OnLine&& on_line) {
  std::size_t capacity =
      static_cast<std::size_t>(std::min<std::uint64_t>(kReadBufferBytes, end - begin));
  AlignedBuffer buffer;
  buffer.reserve_uninitialized(capacity + 1);
  std::uint64_t offset = begin;  // file offset of buffer[0]
  std::size_t have = 0;
  std::uint64_t number = first_line;
  while (offset + have < end || have > 0) {
    if (hooks != nullptr && hooks->is_cancelled && hooks->is_cancelled()) throw Cancelled();
    char* data = buffer.as<char>();
    const auto want =
        static_cast<std::size_t>(std::min<std::uint64_t>(capacity - have, end - offset - have));
    have += file.read_at(offset + have, data + have, want);
    const bool at_end = offset + have >= end;
    std::size_t start = 0;
    while (start < have) {
      const auto* newline = static_cast<const char*>(std::memchr(data + start, '\n', have - start));
      if (newline == nullptr && !at_end) break;
      const std::size_t stop = newline != nullptr ? static_cast<std::size_t>(newline - data) : have;
      const std::size_t next = newline != nullptr ? stop + 1 : have;
      if (stop - start > max_line) {
        throw InputError("the line is longer than limits.max_cell_bytes (" +
                             std::to_string(max_line) + " bytes)",
                         "raise limits.max_cell_bytes", ErrorLocation{file.name(), number, {}});
      }
      on_line(Line{std::string_view(data + start, stop - start), number++, offset + next});
      start = next;
    }
    if (at_end) break;
    if (start == 0 && have == capacity) {  // one line fills the buffer
      if (have > max_line) {
        throw InputError("the line is longer than limits.max_cell_bytes (" +
                             std::to_string(max_line) + " bytes)",
                         "raise limits.max_cell_bytes", ErrorLocation{file.name(), number, {}});
      }
      AlignedBuffer bigger;
      bigger.reserve_uninitialized(capacity * 2 + 1);
      std::memcpy(bigger.data(), data, have);
      buffer = std::move(bigger);
      capacity *= 2;
      continue;
    }
    std::memmove(data, data + start, have - start);
    offset += start;
    have -= start;
    if (hooks != nullptr && hooks->on_scan_progress) hooks->on_scan_progress(offset, file.size());
  }
}

//! The column of each member of a line by its position, remembered from the line before:
//! JSON Lines files mostly repeat one key order, so a key then costs one short comparison
//! instead of a hash lookup (whose string comparisons took a sixth of a read).
class KeyPositions {
 public:
  //! The column remembered for `key` at `position`, when the line before had it there.
  [[nodiscard]] std::optional<std::size_t> find(std::size_t position,
                                                std::string_view key) const noexcept {
    if (position >= keys_.size() || !same(keys_[position], key)) return std::nullopt;
    return columns_[position];
  }
  //! Remembers that `key` at `position` is `column`.
  void remember(std::size_t position, std::string_view key, std::size_t column) {
    if (position >= keys_.size()) {
      keys_.resize(position + 1);
      columns_.resize(position + 1);
    }
    keys_[position].assign(key);
    columns_[position] = column;
  }

 private:
  // (A loop, not memcmp: keys are short, and a call per key cost more than the comparison.)
  static bool same(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }

  std::vector<std::string> keys_;
  std::vector<std::size_t> columns_;
};

//! What one line holds (reused from line to line, keeping its buffers).
struct ParsedLine {
  enum class Kind : std::uint8_t { kBlank, kObject, kMalformed };
  Kind kind = Kind::kBlank;
  //! The object's members, in the line's order.
  std::vector<detail::JsonMember> members;
  //! Why a malformed line is malformed.
  std::string problem;
  //! Invalid UTF-8 sequences replaced before parsing.
  std::uint64_t replaced = 0;
};

//! Parses one line into `out`: by the fast reader of flat objects, or when it declines the
//! line, by the full JSON parser (whose verdict on a malformed line is the one reported).
void parse_line(std::string_view text, ParsedLine& out) {
  out.kind = ParsedLine::Kind::kBlank;
  out.replaced = 0;
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  if (text.find_first_not_of(" \t\r") == std::string_view::npos) return;
  std::string repaired;
  if (!detail::is_valid_utf8(text.data(), text.size())) {
    repaired = detail::repaired_utf8(text, &out.replaced);
    text = repaired;
  }
  out.kind = ParsedLine::Kind::kObject;
  if (detail::read_flat_object(text, out.members)) return;
  Json value = Json::parse(text.begin(), text.end(), nullptr, false);
  out.members.clear();
  if (value.is_discarded()) {
    out.kind = ParsedLine::Kind::kMalformed;
    out.problem = "the line is not valid JSON";
  } else if (!value.is_object()) {
    out.kind = ParsedLine::Kind::kMalformed;
    out.problem = std::string("the line is a JSON ") + value.type_name() + ", not an object";
  } else {
    for (auto& [key, member] : value.items()) out.members.push_back({key, std::move(member)});
  }
}

//! A value as examples show it: a string's text, other values as JSON; clipped.
std::string example_text(const Json& value) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (text.size() <= kExampleBytes) return text;
  return detail::repaired_utf8(std::string_view(text).substr(0, kExampleBytes)) + "…";
}

//! The classes a JSON value belongs to (see detail::ValueClass); `overflow` for integers
//! beyond int64.

std::uint8_t json_class(const Json& value, bool& overflow) {
  switch (value.type()) {
    case Json::value_t::boolean:
      return detail::kClassBool;
    case Json::value_t::number_integer:
      return detail::kClassInt | detail::kClassFloat;
    case Json::value_t::number_unsigned:
      if (value.get<std::uint64_t>() <= static_cast<std::uint64_t>(INT64_MAX)) {
        return detail::kClassInt | detail::kClassFloat;
      }
      overflow = true;
      return detail::kClassFloat;
    case Json::value_t::number_float:
      return detail::kClassFloat;
    case Json::value_t::string: {
      const auto& text = value.get_ref<const std::string&>();
      return detail::may_be_timestamp(text) && sdk::parse_iso8601(text) ? detail::kClassTimestamp
                                                                        : 0;
    }
    default:
      return 0;
  }
}

ColumnType type_from(std::uint8_t candidates, bool seen) {
  if (!seen || candidates == 0) return ColumnType::kString;
  if ((candidates & detail::kClassInt) != 0) return ColumnType::kInt64;
  if ((candidates & detail::kClassFloat) != 0) return ColumnType::kFloat64;
  if ((candidates & detail::kClassBool) != 0) return ColumnType::kBool;
  return ColumnType::kTimestamp;
}

//! What the inference pass learns.
struct JsonlLayout {
  std::shared_ptr<const Schema> schema;
  std::vector<ChunkRange> chunks;
  //! Key -> column index.
  std::unordered_map<std::string, std::size_t> columns;
  std::uint64_t data_begin = 0;
  ReadReport report;
};

//! The inference pass: keys, types and chunk boundaries.
class JsonlInference {
 public:
  JsonlInference(const detail::InputFile& file, const JsonlOptions& options)
      : file_(file), options_(options) {}

  JsonlLayout run() {
    char head[512] = {};
    const std::size_t got = file_.read_at(0, head, sizeof head);
    detail::refuse_wide_unicode(std::string_view(head, got), file_.name());
    layout_.data_begin = got >= 3 && std::memcmp(head, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    current_ = ChunkRange{layout_.data_begin, layout_.data_begin, 1, 0, 0};
    for_each_line(file_, layout_.data_begin, file_.size(), 1, options_.limits.max_cell_bytes,
                  &options_.hooks, [this](const Line& line) { on_line(line); });
    finish();
    return std::move(layout_);
  }

 private:
  struct State {
    std::string key;
    std::uint8_t candidates = detail::kClassAll;
    bool seen = false;
    bool overflow = false;
    std::uint64_t overflow_line = 0;
    //! Numbers before the first value that is not one (counted while all values are).
    std::uint64_t numbers_before = 0;
    //! Where that value is (0: none yet) and its JSON text.
    std::uint64_t not_number_line = 0;
    std::string not_number;
    //! How the strings that read as timestamps were written (positions are lines).
    detail::TimestampWriting timestamps;
  };

  void on_line(const Line& line) {
    ParsedLine& parsed = parsed_;
    parse_line(line.text, parsed);
    replaced_ += parsed.replaced;
    if (parsed.replaced != 0 && replaced_lines_.size() < kMaxNotes)
      replaced_lines_.push_back(line.number);
    if (parsed.kind == ParsedLine::Kind::kBlank) return;
    if (parsed.kind == ParsedLine::Kind::kMalformed) return on_malformed(line, parsed.problem);
    for (std::size_t i = 0; i < parsed.members.size(); ++i) {
      const detail::JsonMember& member = parsed.members[i];
      std::size_t index = 0;
      if (const auto known = positions_.find(i, member.key)) {
        index = *known;
      } else {
        index = state_of(member.key, line.number);
        positions_.remember(i, member.key, index);
      }
      observe(states_[index], member.value, line.number);
    }
    ++rows_;
    ++current_.rows;
    if (rows_ > options_.limits.max_rows) {
      throw InputError("the file has more than limits.max_rows (" +
                           std::to_string(options_.limits.max_rows) + ") rows",
                       "raise limits.max_rows or read a smaller file",
                       ErrorLocation{file_.name(), line.number, {}});
    }
    const bool full = (options_.chunk_rows > 0 && current_.rows >= options_.chunk_rows) ||
                      line.end - current_.begin >= options_.chunk_bytes;
    if (full) {
      current_.end = line.end;
      layout_.chunks.push_back(current_);
      current_ =
          ChunkRange{line.end, line.end, line.number + 1, static_cast<std::int64_t>(rows_), 0};
    }
  }

  void on_malformed(const Line& line, const std::string& problem) {
    if (options_.on_malformed_line == MalformedLinePolicy::kError) {
      throw InputError(
          problem, "write one JSON object per line, or pass on_bad_rows \"skip\" to read past it",
          ErrorLocation{file_.name(), line.number, {}});
    }
    if (++layout_.report.malformed_rows_skipped <= kMaxNotes) {
      layout_.report.notes.push_back("line " + std::to_string(line.number) +
                                     " skipped: " + problem);
    }
  }

  //! The index of `key`'s state, added when the key is new.
  std::size_t state_of(const std::string& key, std::uint64_t line) {
    auto found = layout_.columns.find(key);
    if (found == layout_.columns.end()) {
      if (states_.size() >= options_.limits.max_columns) {
        throw InputError("the file has more than limits.max_columns (" +
                             std::to_string(options_.limits.max_columns) + ") keys",
                         "raise limits.max_columns", ErrorLocation{file_.name(), line, key});
      }
      found = layout_.columns.emplace(key, states_.size()).first;
      State state;
      state.key = key;
      states_.push_back(std::move(state));
      const auto forced = options_.column_types.find(key);
      if (forced != options_.column_types.end()) states_.back().candidates = 0;
    }
    return found->second;
  }

  static void observe(State& state, const Json& value, std::uint64_t line) {
    if (value.is_null() || state.candidates == 0) return;
    state.seen = true;
    bool overflow = false;
    const std::uint8_t classes = json_class(value, overflow);
    if (state.not_number_line == 0 && (state.candidates & detail::kClassFloat) != 0) {
      if ((classes & detail::kClassFloat) != 0) {
        ++state.numbers_before;
      } else {
        state.not_number_line = line;
        // As JSON, so that a quoted number shows its quotes.
        state.not_number =
            value.is_string() ? Json(example_text(value)).dump() : example_text(value);
      }
    }
    state.candidates &= classes;
    if ((classes & detail::kClassTimestamp) != 0) {
      state.timestamps.observe(value.get_ref<const std::string&>(), line);
    }
    if (overflow && !state.overflow) {
      state.overflow = true;
      state.overflow_line = line;
    }
  }

  void finish() {
    if (current_.rows > 0) {
      current_.end = file_.size();
      layout_.chunks.push_back(current_);
    } else if (!layout_.chunks.empty()) {
      layout_.chunks.back().end = file_.size();
    }
    if (rows_ == 0 && layout_.report.malformed_rows_skipped == 0) {
      throw InputError("the file has no JSON objects (only blank lines)",
                       "check that the file was written completely",
                       ErrorLocation{file_.name(), 0, {}});
    }
    check_forced_keys();
    const std::vector<std::size_t> picks = picked_keys();
    std::vector<Field> fields;
    layout_.columns.clear();
    for (const std::size_t i : picks) {
      layout_.columns.emplace(states_[i].key, fields.size());
      fields.push_back(field_of(states_[i], i));
    }
    if (picks.size() < states_.size()) {
      layout_.report.projection = detail::projection_note(picks.size(), states_.size());
    }
    if (replaced_ != 0) {
      std::string lines;
      for (const std::uint64_t line : replaced_lines_)
        lines += (lines.empty() ? "" : ", ") + std::to_string(line);
      layout_.report.notes.push_back(std::to_string(replaced_) +
                                     " invalid UTF-8 sequences replaced by U+FFFD (lines " + lines +
                                     (replaced_lines_.size() == kMaxNotes ? ", …)" : ")"));
    }
    layout_.schema = std::make_shared<const Schema>(std::move(fields));
  }

  Field field_of(const State& state, std::size_t index) {
    Field field{state.key, type_from(state.candidates, state.seen)};
    const auto forced = options_.column_types.find(state.key);
    if (forced != options_.column_types.end()) field.type = forced->second;
    if (field.name.empty()) {
      field.name = "col_" + std::to_string(index + 1);
      layout_.report.notes.push_back("the empty key is column '" + field.name + "'");
    }
    ColumnReport column{field.name, field.type, 0, 0, {}, {}};
    if (field.type == ColumnType::kTimestamp && forced == options_.column_types.end()) {
      column.timestamp_text = state.timestamps.text();
      const std::string where = "line " + std::to_string(state.timestamps.first_local);
      if (std::string note = state.timestamps.local_times_note(where); !note.empty())
        column.notes.push_back(std::move(note));
    }
    if (state.overflow && field.type == ColumnType::kFloat64) {
      column.notes.push_back(
          "integers beyond the int64 range (first on line " + std::to_string(state.overflow_line) +
          ") made the column float64, which keeps about 15-17 significant digits");
    }
    if (field.type == ColumnType::kString && forced == options_.column_types.end() &&
        state.not_number_line != 0 && state.numbers_before >= detail::kNumbersBeforeNote) {
      // (the value as JSON, so that a quoted number shows its quotes)
      column.notes.push_back(
          detail::mostly_numbers_note(field.name, state.not_number,
                                      "on line " + std::to_string(state.not_number_line),
                                      "a JSON number", state.numbers_before) +
          " (texts that hold numbers are read as numbers, others become "
          "null and are counted)");
    }
    layout_.report.columns.push_back(std::move(column));
    return field;
  }

  //! The keys read (indices into states_, first-seen order): those of only_columns when the
  //! file has all of them, else every key.
  [[nodiscard]] std::vector<std::size_t> picked_keys() const {
    const auto& wanted = options_.only_columns;
    const bool all_present = std::all_of(wanted.begin(), wanted.end(), [this](const auto& key) {
      return layout_.columns.contains(key);
    });
    std::vector<std::size_t> picks;
    for (std::size_t i = 0; i < states_.size(); ++i) {
      if (wanted.empty() || !all_present ||
          std::find(wanted.begin(), wanted.end(), states_[i].key) != wanted.end()) {
        picks.push_back(i);
      }
    }
    return picks;
  }

  void check_forced_keys() const {
    for (const auto& [name, type] : options_.column_types) {
      if (layout_.columns.contains(name)) continue;
      throw InputError("column_types names '" + name + "', which is not a key in the file",
                       "use a key that appears in the file", ErrorLocation{file_.name(), 0, {}});
    }
  }

  const detail::InputFile& file_;
  const JsonlOptions& options_;
  JsonlLayout layout_;
  std::vector<State> states_;
  std::uint64_t rows_ = 0;
  std::uint64_t replaced_ = 0;
  std::vector<std::uint64_t> replaced_lines_;
  ChunkRange current_;
  ParsedLine parsed_;  // the line being read
  KeyPositions positions_;
};

//! Fills one chunk from one range of lines.
class JsonlRangeParser {
 public:
  JsonlRangeParser(const JsonlLayout& layout, const ChunkRange& range)
      : layout_(layout),
        builder_(layout.schema, range.rows),
        slots_(layout.schema->size()),
        row_(range.first_row) {}

  void on_line(const Line& line) {
    ParsedLine& parsed = parsed_;
    parse_line(line.text, parsed);
    if (parsed.kind != ParsedLine::Kind::kObject) return;
    std::fill(slots_.begin(), slots_.end(), nullptr);
    for (std::size_t i = 0; i < parsed.members.size(); ++i) {
      const detail::JsonMember& member = parsed.members[i];
      std::size_t column = kNotRead;
      if (const auto known = positions_.find(i, member.key)) {
        column = *known;
      } else {
        const auto found = layout_.columns.find(member.key);
        if (found != layout_.columns.end()) column = found->second;
        positions_.remember(i, member.key, column);
      }
      if (column != kNotRead) slots_[column] = &member.value;
    }
    for (std::size_t c = 0; c < slots_.size(); ++c) append(c, slots_[c], line.number);
    ++row_;
  }

  std::shared_ptr<const Chunk> finish(std::uint64_t sequence, const ChunkRange& range) {
    if (builder_.num_columns() > 0 && builder_.num_rows() != range.rows) {
      throw std::logic_error("JSONL parse pass disagrees with the inference pass at line " +
                             std::to_string(range.line));
    }
    return builder_.finish(sequence, range.rows);
  }

  ReadReport& report() { return report_; }

 private:
  void append(std::size_t c, const Json* value, std::uint64_t line) {
    ColumnBuilder& column = builder_.column(c);
    if (value == nullptr || value->is_null()) return column.append_null();
    if (const char* why = append_value(column, *value)) {
      column.append_null();
      if (report_.columns.empty()) report_.columns.resize(slots_.size());
      std::string text = example_text(*value);
      std::string reason = "value '" + text + "' " + why;
      report_.columns[c].add_coercion(
          CoercionExample{row_, line, std::move(text), std::move(reason)});
    }
  }

  //! Appends `value` converted to the column's type, or returns why it does not fit.
  static const char* append_value(ColumnBuilder& column, const Json& value) {
    switch (column.type()) {
      case ColumnType::kInt64:
        return append_int(column, value);
      case ColumnType::kFloat64:
        return append_float(column, value);
      case ColumnType::kBool: {
        bool flag = false;
        if (value.is_boolean())
          flag = value.get<bool>();
        else if (!value.is_string() ||
                 !detail::parse_bool(value.get_ref<const std::string&>(), flag))
          return "is not true or false";
        column.append_bool(flag);
        return nullptr;
      }
      case ColumnType::kTimestamp: {
        const auto micros = value.is_string()
                                ? sdk::parse_iso8601(value.get_ref<const std::string&>())
                                : std::nullopt;
        if (!micros) return "is not an ISO 8601 date or date-time";
        column.append_int64(*micros);
        return nullptr;
      }
      case ColumnType::kString:
        column.append_string(value.is_string() ? value.get_ref<const std::string&>()
                                               : value.dump());
        return nullptr;
    }
    return "has an unknown type";
  }

  static const char* append_int(ColumnBuilder& column, const Json& value) {
    std::int64_t number = 0;
    if (value.is_number_integer() &&
        !(value.is_number_unsigned() &&
          value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX))) {
      number = value.get<std::int64_t>();
    } else if (value.is_string()) {
      if (detail::parse_int64(detail::trim(value.get_ref<const std::string&>()), number) !=
          detail::IntParse::kOk)
        return "is not an integer";
    } else {
      return value.is_number() ? "is not an integer in the int64 range" : "is not an integer";
    }
    column.append_int64(number);
    return nullptr;
  }

  static const char* append_float(ColumnBuilder& column, const Json& value) {
    double number = 0;
    if (value.is_number())
      number = value.get<double>();
    else if (!value.is_string() ||
             !detail::parse_float64(detail::trim(value.get_ref<const std::string&>()), number))
      return "is not a number";
    column.append_float64(number);
    return nullptr;
  }

  const JsonlLayout& layout_;
  ChunkBuilder builder_;
  //! The column of a key the read leaves out (only_columns).
  static constexpr std::size_t kNotRead = SIZE_MAX;

  std::vector<const Json*> slots_;
  std::int64_t row_;
  ReadReport report_;
  ParsedLine parsed_;  // the line being read
  KeyPositions positions_;
};

}  // namespace

struct JsonlReader::Impl {
  Impl(const std::filesystem::path& path, JsonlOptions opts)
      : options(std::move(opts)),
        file(path, options.limits.max_file_bytes, options.display_name),
        layout(JsonlInference(file, options).run()),
        report(layout.report),
        consumed(layout.data_begin) {}

  std::shared_ptr<const Chunk> parse(std::size_t index) const {
    const ChunkRange& range = layout.chunks.at(index);
    JsonlRangeParser parser(layout, range);
    for_each_line(file, range.begin, range.end, range.line, options.limits.max_cell_bytes, nullptr,
                  [&parser](const Line& line) { parser.on_line(line); });
    auto chunk = parser.finish(index, range);
    {
      const std::lock_guard lock(report_mutex);
      parser.report().rows_read = static_cast<std::uint64_t>(range.rows);
      report.merge(parser.report());
    }
    consumed += range.end - range.begin;
    return chunk;
  }

  JsonlOptions options;
  detail::InputFile file;
  JsonlLayout layout;
  mutable std::mutex report_mutex;
  mutable ReadReport report;
  mutable std::atomic<std::uint64_t> consumed;
  std::size_t next_chunk = 0;
};

JsonlReader::JsonlReader(const std::filesystem::path& path, JsonlOptions options)
    : impl_(std::make_unique<Impl>(path, std::move(options))) {}

JsonlReader::~JsonlReader() = default;

const Schema& JsonlReader::schema() const {
  return *impl_->layout.schema;
}

std::shared_ptr<const Chunk> JsonlReader::next() {
  if (impl_->next_chunk >= impl_->layout.chunks.size()) {
    impl_->consumed = impl_->file.size();
    return nullptr;
  }
  return impl_->parse(impl_->next_chunk++);
}

void JsonlReader::rewind() {
  const std::lock_guard lock(impl_->report_mutex);
  impl_->report = impl_->layout.report;
  impl_->consumed = impl_->layout.data_begin;
  impl_->next_chunk = 0;
}

std::uint64_t JsonlReader::bytes_read() const {
  return impl_->consumed.load();
}

std::optional<std::uint64_t> JsonlReader::total_bytes() const {
  return impl_->file.size();
}

ReadReport JsonlReader::report() const {
  const std::lock_guard lock(impl_->report_mutex);
  ReadReport copy = impl_->report;
  copy.bytes_read = impl_->consumed.load();
  return copy;
}

std::size_t JsonlReader::chunk_count() const noexcept {
  return impl_->layout.chunks.size();
}

std::shared_ptr<const Chunk> JsonlReader::read_chunk(std::size_t index) const {
  return impl_->parse(index);
}

}  // namespace quarry::io
