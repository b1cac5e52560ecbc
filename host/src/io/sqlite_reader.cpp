#include "quarry/io/sqlite_reader.hpp"
#include "quarry/sdk/iso8601.hpp"

#include "io/detail/column_notes.hpp"
#include "io/detail/header_names.hpp"
#include "io/detail/input_file.hpp"
#include "io/detail/sqlite_handle.hpp"
#include "io/detail/utf8.hpp"
#include "io/detail/values.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <string_view>

namespace quarry::io {
namespace {

constexpr std::int64_t kCancelCheckRows = 4096;
constexpr std::size_t kExampleBytes = 40;

bool has_word(std::string_view declared, std::string_view word) {
  std::string upper(declared);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  return upper.find(word) != std::string::npos;
}

//! The type a declared column type suggests (SQLite affinity rules, plus BOOL and DATE/TIME).
ColumnType declared_type(std::string_view declared) {
  if (has_word(declared, "BOOL")) return ColumnType::kBool;
  if (has_word(declared, "INT")) return ColumnType::kInt64;
  if (has_word(declared, "REAL") || has_word(declared, "FLOA") || has_word(declared, "DOUB")) {
    return ColumnType::kFloat64;
  }
  if (has_word(declared, "DATE") || has_word(declared, "TIME")) return ColumnType::kTimestamp;
  return ColumnType::kString;
}

//! Skips whitespace and SQL comments from `pos`.
std::size_t skip_space(std::string_view sql, std::size_t pos) {
  while (pos < sql.size()) {
    if (std::isspace(static_cast<unsigned char>(sql[pos])) != 0) {
      ++pos;
    } else if (sql.substr(pos, 2) == "--") {
      pos = sql.find('\n', pos);
      if (pos == std::string_view::npos) return sql.size();
    } else if (sql.substr(pos, 2) == "/*") {
      pos = sql.find("*/", pos + 2);
      if (pos == std::string_view::npos) return sql.size();
      pos += 2;
    } else {
      break;
    }
  }
  return pos;
}

bool starts_with_keyword(std::string_view sql, std::string_view keyword) {
  if (sql.size() < keyword.size()) return false;
  for (std::size_t i = 0; i < keyword.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(sql[i])) != keyword[i]) return false;
  }
  return sql.size() == keyword.size() ||
         !(std::isalnum(static_cast<unsigned char>(sql[keyword.size()])) ||
           sql[keyword.size()] == '_');
}

std::string hex_blob(const void* data, int size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out = "x'";
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (int i = 0; i < size; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 15];
  }
  return out + "'";
}

std::string_view column_text(sqlite3_stmt* statement, int c) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(statement, c));
  return {text == nullptr ? "" : text,
          static_cast<std::size_t>(sqlite3_column_bytes(statement, c))};
}

//! Column c of the current row as text (for strings and examples).
std::string value_text(sqlite3_stmt* statement, int c) {
  switch (sqlite3_column_type(statement, c)) {
    case SQLITE_INTEGER:
      return std::to_string(sqlite3_column_int64(statement, c));
    case SQLITE_FLOAT: {
      char buffer[32];
      const auto result =
          std::to_chars(buffer, buffer + sizeof buffer, sqlite3_column_double(statement, c));
      return std::string(buffer, result.ptr);
    }
    case SQLITE_BLOB:
      return hex_blob(sqlite3_column_blob(statement, c), sqlite3_column_bytes(statement, c));
    case SQLITE_NULL:
      return {};
    default:
      return std::string(column_text(statement, c));
  }
}

struct ColumnState {
  std::uint8_t candidates = detail::kClassAll;
  bool seen = false;
  bool bool_declared = false;
  ColumnType declared = ColumnType::kString;
  //! How the texts that read as timestamps were written (positions are rows, from 1).
  detail::TimestampWriting timestamps;
  //! For a note when a column of numbers is read as text: the numbers before the first value
  //! that is not one, that value (clipped) and its 0-based row (numbers_before counts on
  //! while there is none).
  std::uint64_t numbers_before = 0;
  std::optional<std::uint64_t> not_number_row;
  std::string not_number;
};

ColumnType final_type(const ColumnState& state) {
  if (!state.seen) return state.declared;
  if (state.candidates == 0) return ColumnType::kString;
  if (state.bool_declared && (state.candidates & detail::kClassBool) != 0) return ColumnType::kBool;
  if ((state.candidates & detail::kClassInt) != 0) return ColumnType::kInt64;
  if ((state.candidates & detail::kClassFloat) != 0) return ColumnType::kFloat64;
  if ((state.candidates & detail::kClassBool) != 0) return ColumnType::kBool;
  return ColumnType::kTimestamp;
}

}  // namespace

struct SqliteReader::Impl {
  SqliteOptions options;
  std::string name;
  std::uint64_t file_size = 0;
  detail::Database db;
  detail::Statement statement;
  std::shared_ptr<const Schema> schema;
  ReadReport report;
  std::uint64_t rows = 0;
  std::int64_t row = 0;
  std::uint64_t sequence = 0;
  bool done = false;

  Impl(const std::filesystem::path& path, SqliteOptions opts)
      : options(std::move(opts)), name(path.string()) {
    detail::check_input_file(path, options.limits.max_file_bytes);
    if (options.chunk_rows <= 0) fail("chunk_rows must be positive", "set chunk_rows to 1 or more");
    file_size = std::filesystem::file_size(path);
    open();
    prepare();
    infer();
    step_check(sqlite3_reset(statement.get()));
  }

  [[noreturn]] void fail(std::string problem, std::string fix) const {
    throw InputError(std::move(problem), std::move(fix), ErrorLocation{name, 0, {}});
  }

  [[noreturn]] void sqlite_fail(const std::string& what) const {
    const int code = sqlite3_extended_errcode(db.get());
    if ((code & 0xff) == SQLITE_NOTADB)
      fail("the file is not a SQLite database", "check the path and the file type");
    fail(what + ": " + sqlite3_errmsg(db.get()), "check the table or query");
  }

  void open() {
    sqlite3* raw = nullptr;
    const int rc =
        sqlite3_open_v2(name.c_str(), &raw, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    db.reset(raw);
    if (rc != SQLITE_OK) sqlite_fail("cannot open the database");
  }

  std::vector<std::string> table_names() {
    std::vector<std::string> names;
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(
            db.get(),
            "SELECT name FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE "
            "'sqlite\\_%' ESCAPE '\\' ORDER BY name",
            -1, &raw, nullptr) != SQLITE_OK) {
      sqlite_fail("cannot list the tables");
    }
    detail::Statement list(raw);
    while (sqlite3_step(list.get()) == SQLITE_ROW) names.emplace_back(column_text(list.get(), 0));
    return names;
  }

  std::string table_list() {
    std::string list;
    for (const std::string& table : table_names()) list += (list.empty() ? "" : ", ") + table;
    return list.empty() ? "(the database has no tables)" : list;
  }

  std::string sql_for_table() {
    const std::vector<std::string> names = table_names();
    const auto match = std::find_if(names.begin(), names.end(), [&](const std::string& table) {
      return sqlite3_stricmp(table.c_str(), options.table.c_str()) == 0;
    });
    if (match == names.end())
      fail("there is no table or view named '" + options.table + "'",
           "use one of: " + table_list());
    return "SELECT * FROM " + detail::quote_identifier(*match);
  }

  void prepare() {
    if (options.table.empty() && options.query.empty()) {
      // A database of one table (what Quarry's own SQLite outputs are) needs no name.
      if (const std::vector<std::string> tables = table_names(); tables.size() == 1) {
        options.table = tables.front();
        report.notes.push_back("read table '" + options.table + "', the database's only one");
      }
    }
    if (options.table.empty() == options.query.empty()) {
      fail(options.table.empty() ? "neither a table nor a query was given"
                                 : "both a table and a query were given",
           "give exactly one; tables: " + table_list());
    }
    const std::string sql = options.query.empty() ? sql_for_table() : options.query;
    const std::size_t start = skip_space(sql, 0);
    if (!starts_with_keyword(std::string_view(sql).substr(start), "SELECT") &&
        !starts_with_keyword(std::string_view(sql).substr(start), "WITH")) {
      fail("the query must start with SELECT or WITH", "write a single read-only SELECT query");
    }
    sqlite3_stmt* raw = nullptr;
    const char* tail = nullptr;
    if (sqlite3_prepare_v2(db.get(), sql.c_str(), static_cast<int>(sql.size()), &raw, &tail) !=
        SQLITE_OK) {
      sqlite_fail("the query does not compile");
    }
    statement.reset(raw);
    std::string_view rest(tail, static_cast<std::size_t>(sql.data() + sql.size() - tail));
    for (std::size_t pos = skip_space(rest, 0); pos < rest.size();
         pos = skip_space(rest, pos + 1)) {
      if (rest[pos] != ';')
        fail("the query has more than one statement", "run one SELECT statement at a time");
    }
    if (statement == nullptr || sqlite3_stmt_readonly(statement.get()) == 0) {
      fail("the query is not read-only", "use a SELECT that does not modify the database");
    }
    project(std::string_view(sql.data(), static_cast<std::size_t>(tail - sql.data())));
  }

  //! Narrows the checked table read `sql` to the columns asked for, when each is exactly one
  //! column of the table, so SQLite neither reads nor converts the others.
  void project(std::string_view sql) {
    if (options.only_columns.empty() || options.table.empty()) return;
    std::vector<std::string> wanted = options.only_columns;
    for (const auto& [name, type] : options.column_types) {
      if (std::find(wanted.begin(), wanted.end(), name) == wanted.end()) wanted.push_back(name);
    }
    std::vector<std::string> names;
    for (int c = 0; c < sqlite3_column_count(statement.get()); ++c) {
      const char* name = sqlite3_column_name(statement.get(), c);
      names.emplace_back(name != nullptr ? name : "");
    }
    for (const std::string& name : wanted) {
      if (std::count(names.begin(), names.end(), name) != 1) return;
    }
    if (wanted.size() >= names.size()) return;
    while (!sql.empty() &&
           (sql.back() == ';' || std::isspace(static_cast<unsigned char>(sql.back()))))
      sql.remove_suffix(1);
    std::string narrowed = "SELECT ";
    for (const std::string& name : names) {
      if (std::find(wanted.begin(), wanted.end(), name) == wanted.end()) continue;
      narrowed += detail::quote_identifier(name) + ", ";
    }
    narrowed.resize(narrowed.size() - 2);
    narrowed += " FROM (" + std::string(sql) + ")";
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db.get(), narrowed.c_str(), static_cast<int>(narrowed.size()), &raw,
                           nullptr) != SQLITE_OK) {
      sqlite3_finalize(raw);
      return;  // read every column rather than fail on a rewrite of the user's query
    }
    statement.reset(raw);
    report.projection = "read " + std::to_string(wanted.size()) + " of the " +
                        std::to_string(names.size()) +
                        " columns (those the tools use); the others were not read";
  }

  void step_check(int rc) const {
    if (rc != SQLITE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE) {
      fail(std::string("the query failed: ") + sqlite3_errmsg(db.get()),
           "check the query and the database");
    }
  }

  void infer() {
    sqlite3_stmt* stmt = statement.get();
    const int count = sqlite3_column_count(stmt);
    if (static_cast<std::size_t>(count) > options.limits.max_columns) {
      fail("the result has " + std::to_string(count) + " columns, over limits.max_columns",
           "select fewer columns");
    }
    std::vector<ColumnState> states(static_cast<std::size_t>(count));
    std::vector<std::string> names;
    for (int c = 0; c < count; ++c) {
      const char* declared = sqlite3_column_decltype(stmt, c);
      states[c].declared = declared_type(declared != nullptr ? declared : "");
      states[c].bool_declared = states[c].declared == ColumnType::kBool;
      const char* column_name = sqlite3_column_name(stmt, c);
      names.push_back(detail::repaired_utf8(column_name != nullptr ? column_name : ""));
    }
    names = detail::unique_column_names(std::move(names), report.notes);
    for (int rc = sqlite3_step(stmt); rc != SQLITE_DONE; rc = sqlite3_step(stmt)) {
      if (rc != SQLITE_ROW) step_check(rc);
      for (int c = 0; c < count; ++c) observe(states[c], stmt, c, rows);
      if (++rows > options.limits.max_rows)
        fail("the result has more than limits.max_rows rows",
             "raise limits.max_rows or add a LIMIT");
      if (rows % kCancelCheckRows == 0 && options.hooks.is_cancelled &&
          options.hooks.is_cancelled())
        throw Cancelled();
    }
    build_schema(names, states);
  }

  static void observe(ColumnState& state, sqlite3_stmt* stmt, int c, std::uint64_t row) {
    std::uint8_t value_class = 0;
    switch (sqlite3_column_type(stmt, c)) {
      case SQLITE_NULL:
        return;
      case SQLITE_INTEGER: {
        const std::int64_t value = sqlite3_column_int64(stmt, c);
        value_class = detail::kClassInt | detail::kClassFloat |
                      (state.bool_declared && (value == 0 || value == 1) ? detail::kClassBool : 0);
        break;
      }
      case SQLITE_FLOAT:
        value_class = detail::kClassFloat;
        break;
      case SQLITE_TEXT: {
        const std::string_view text = column_text(stmt, c);
        value_class = detail::may_be_timestamp(text) && sdk::parse_iso8601(text)
                          ? detail::kClassTimestamp
                          : 0;
        if (value_class != 0) state.timestamps.observe(text, row + 1);
        break;
      }
      default:
        break;
    }
    state.seen = true;
    if (!state.not_number_row && (state.candidates & detail::kClassFloat) != 0) {
      if ((value_class & detail::kClassFloat) != 0) {
        ++state.numbers_before;
      } else {
        state.not_number_row = row;
        state.not_number = detail::repaired_utf8(value_text(stmt, c).substr(0, 40));
      }
    }
    state.candidates &= value_class;
  }

  //! The note for a column read as text although its values before `state.not_number` were
  //! all numbers (a word for missing, a stray text), or "".
  static std::string mostly_numbers_note(const std::string& column, const ColumnState& state) {
    if (!state.not_number_row || state.numbers_before < detail::kNumbersBeforeNote) return "";
    return detail::mostly_numbers_note(
               column, "'" + state.not_number + "'",
               "in row " + std::to_string(*state.not_number_row) + " (0-based)", "a number",
               state.numbers_before) +
           " (values that are not numbers become null and are counted)";
  }

  void build_schema(std::vector<std::string>& names, const std::vector<ColumnState>& states) {
    std::vector<Field> fields;
    for (std::size_t c = 0; c < names.size(); ++c) {
      Field field{names[c], final_type(states[c])};
      const auto forced = options.column_types.find(field.name);
      if (forced != options.column_types.end()) field.type = forced->second;
      ColumnReport column{field.name, field.type, 0, 0, {}, {}};
      if (field.type == ColumnType::kString && forced == options.column_types.end()) {
        if (std::string note = mostly_numbers_note(field.name, states[c]); !note.empty())
          column.notes.push_back(std::move(note));
      }
      if (field.type == ColumnType::kTimestamp && states[c].seen &&
          forced == options.column_types.end()) {
        const detail::TimestampWriting& timestamps = states[c].timestamps;
        column.timestamp_text = timestamps.text();
        // (first_local counts rows from 1; unused while 0)
        const std::string where =
            "row " + std::to_string(timestamps.first_local > 0 ? timestamps.first_local - 1 : 0) +
            " (0-based)";
        if (std::string note = timestamps.local_times_note(where); !note.empty())
          column.notes.push_back(std::move(note));
      }
      report.columns.push_back(std::move(column));
      fields.push_back(std::move(field));
    }
    for (const auto& [column, type] : options.column_types) {
      if (std::find(names.begin(), names.end(), column) == names.end()) {
        fail("column_types names '" + column + "', which is not a column of the result",
             "use a column of the result");
      }
    }
    schema = std::make_shared<const Schema>(std::move(fields));
  }

  std::shared_ptr<const Chunk> next_chunk() {
    if (done) return nullptr;
    ChunkBuilder builder(schema, options.chunk_rows);
    sqlite3_stmt* stmt = statement.get();
    std::int64_t count = 0;
    while (count < options.chunk_rows) {
      const int rc = sqlite3_step(stmt);
      if (rc == SQLITE_DONE) {
        done = true;
        break;
      }
      if (rc != SQLITE_ROW) step_check(rc);
      for (std::size_t c = 0; c < schema->size(); ++c)
        append(builder.column(c), static_cast<int>(c));
      ++count;
      ++row;
    }
    report.rows_read += static_cast<std::uint64_t>(count);
    if (count == 0) return nullptr;
    return builder.finish(sequence++, count);
  }

  void append(ColumnBuilder& column, int c) {
    sqlite3_stmt* stmt = statement.get();
    const int kind = sqlite3_column_type(stmt, c);
    if (kind == SQLITE_NULL) return column.append_null();
    if (const char* why = append_value(column, stmt, c, kind)) {
      column.append_null();
      std::string text =
          detail::repaired_utf8(std::string_view(value_text(stmt, c)).substr(0, kExampleBytes));
      std::string reason = "value '" + text + "' " + why;
      report.columns[static_cast<std::size_t>(c)].add_coercion(
          CoercionExample{row, 0, std::move(text), std::move(reason)});
    }
  }

  const char* append_value(ColumnBuilder& column, sqlite3_stmt* stmt, int c, int kind) {
    switch (column.type()) {
      case ColumnType::kInt64: {
        std::int64_t value = 0;
        if (kind == SQLITE_INTEGER)
          value = sqlite3_column_int64(stmt, c);
        else if (kind != SQLITE_TEXT || detail::parse_int64(detail::trim(column_text(stmt, c)),
                                                            value) != detail::IntParse::kOk)
          return "is not an integer";
        column.append_int64(value);
        return nullptr;
      }
      case ColumnType::kFloat64: {
        double value = 0;
        if (kind == SQLITE_INTEGER || kind == SQLITE_FLOAT)
          value = sqlite3_column_double(stmt, c);
        else if (kind != SQLITE_TEXT ||
                 !detail::parse_float64(detail::trim(column_text(stmt, c)), value))
          return "is not a number";
        column.append_float64(value);
        return nullptr;
      }
      case ColumnType::kBool: {
        bool value = false;
        if (kind == SQLITE_INTEGER && sqlite3_column_int64(stmt, c) >= 0 &&
            sqlite3_column_int64(stmt, c) <= 1)
          value = sqlite3_column_int64(stmt, c) == 1;
        else if (kind != SQLITE_TEXT ||
                 !detail::parse_bool(detail::trim(column_text(stmt, c)), value))
          return "is not true or false";
        column.append_bool(value);
        return nullptr;
      }
      case ColumnType::kTimestamp: {
        const auto value = kind == SQLITE_TEXT
                               ? sdk::parse_iso8601(detail::trim(column_text(stmt, c)))
                               : std::nullopt;
        if (!value) return "is not an ISO 8601 date or date-time";
        column.append_int64(*value);
        return nullptr;
      }
      case ColumnType::kString:
        append_string(column, stmt, c, kind);
        return nullptr;
    }
    return "has an unknown type";
  }

  void append_string(ColumnBuilder& column, sqlite3_stmt* stmt, int c, int kind) {
    if (kind != SQLITE_TEXT) return column.append_string(value_text(stmt, c));
    const std::string_view text = column_text(stmt, c);
    if (detail::is_valid_utf8(text.data(), text.size())) return column.append_string(text);
    column.append_string(detail::repaired_utf8(
        text, &report.columns[static_cast<std::size_t>(c)].invalid_utf8_replaced));
  }
};

SqliteReader::SqliteReader(const std::filesystem::path& path, SqliteOptions options)
    : impl_(std::make_unique<Impl>(path, std::move(options))) {}

SqliteReader::~SqliteReader() = default;

const Schema& SqliteReader::schema() const {
  return *impl_->schema;
}

std::shared_ptr<const Chunk> SqliteReader::next() {
  return impl_->next_chunk();
}

std::uint64_t SqliteReader::bytes_read() const {
  return impl_->done ? impl_->file_size : 0;
}

std::optional<std::uint64_t> SqliteReader::total_bytes() const {
  return impl_->file_size;
}

ReadReport SqliteReader::report() const {
  ReadReport copy = impl_->report;
  copy.bytes_read = bytes_read();
  return copy;
}

std::uint64_t SqliteReader::row_count() const noexcept {
  return impl_->rows;
}

}  // namespace quarry::io
