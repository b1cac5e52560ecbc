//! The SQLite sink (see quarry/io/sink.hpp).

#include "quarry/io/sink.hpp"

#include "io/detail/atomic_output.hpp"
#include "io/detail/sqlite_handle.hpp"
#include "io/detail/value_format.hpp"

#include <cmath>
#include <stdexcept>

namespace quarry::io {
namespace {

const char* sql_type(ColumnType type) {
  switch (type) {
    case ColumnType::kInt64:
      return "INTEGER";
    case ColumnType::kFloat64:
      return "REAL";
    case ColumnType::kBool:
      return "BOOLEAN";
    case ColumnType::kTimestamp:
      return "TIMESTAMP";
    case ColumnType::kString:
      return "TEXT";
  }
  return "TEXT";
}

class SqliteSink final : public Sink {
 public:
  SqliteSink(const std::filesystem::path& destination, Schema schema, SinkOptions options)
      : schema_(std::move(schema)),
        output_(destination, options.overwrite),
        nan_(schema_.size(), 0),
        texts_(timestamp_texts_of(schema_, options.timestamp_texts)) {
    if (schema_.size() == 0)
      throw std::invalid_argument("a SQLite table needs at least one column");
    output_.close_descriptor();
    sqlite3* raw = nullptr;
    const int rc = sqlite3_open_v2(output_.temp_path().c_str(), &raw,
                                   SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
    db_.reset(raw);
    if (rc != SQLITE_OK) fail("cannot create the database");
    // The file is private until commit() renames it, so no journal is needed; commit() fsyncs.
    exec("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
    exec(create_table_sql(options.table));
    exec("BEGIN");
    prepare_insert(options.table);
  }

  void write(const Chunk& chunk) override {
    if (output_.committed()) throw std::logic_error("write after commit");
    detail::check_chunk_schema(schema_, chunk, "SQLite");
    sqlite3_stmt* stmt = insert_.get();
    for (std::int64_t r = 0; r < chunk.num_rows(); ++r) {
      for (std::size_t c = 0; c < chunk.num_columns(); ++c)
        bind(stmt, static_cast<int>(c + 1), chunk.column(c), r, c);
      if (sqlite3_step(stmt) != SQLITE_DONE) fail("cannot insert a row");
      sqlite3_reset(stmt);
    }
    rows_ += static_cast<std::uint64_t>(chunk.num_rows());
  }

  void commit() override {
    exec("COMMIT");
    insert_.reset();
    if (sqlite3_close(db_.release()) != SQLITE_OK)
      throw OutputError("cannot close the SQLite database");
    output_.commit();
  }

  [[nodiscard]] std::uint64_t rows_written() const override { return rows_; }
  [[nodiscard]] std::vector<std::string> notes() const override {
    std::vector<std::string> notes;
    for (std::size_t c = 0; c < nan_.size(); ++c) {
      if (nan_[c] != 0)
        notes.push_back("column '" + schema_[c].name + "': " + std::to_string(nan_[c]) +
                        " NaN values stored as NULL (SQLite has no NaN)");
    }
    return notes;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw OutputError(what + " in " + output_.destination().string() + ": " +
                      (db_ ? sqlite3_errmsg(db_.get()) : "out of memory"));
  }

  void exec(const std::string& sql) {
    if (sqlite3_exec(db_.get(), sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
      fail("cannot run \"" + sql.substr(0, 40) + "\"");
  }

  std::string create_table_sql(const std::string& table) const {
    std::string sql = "CREATE TABLE " + detail::quote_identifier(table) + " (";
    for (std::size_t c = 0; c < schema_.size(); ++c) {
      sql += (c == 0 ? "" : ", ") + detail::quote_identifier(schema_[c].name) + " " +
             sql_type(schema_[c].type);
    }
    return sql + ")";
  }

  void prepare_insert(const std::string& table) {
    std::string sql = "INSERT INTO " + detail::quote_identifier(table) + " VALUES (";
    for (std::size_t c = 0; c < schema_.size(); ++c) sql += c == 0 ? "?" : ", ?";
    sql += ")";
    sqlite3_stmt* raw = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &raw, nullptr) != SQLITE_OK)
      fail("cannot prepare the insert");
    insert_.reset(raw);
  }

  void bind(sqlite3_stmt* stmt, int index, const Column& column, std::int64_t r, std::size_t c) {
    if (column.is_null(r)) {
      sqlite3_bind_null(stmt, index);
      return;
    }
    const auto row = static_cast<std::size_t>(r);
    switch (column.type()) {
      case ColumnType::kInt64:
        sqlite3_bind_int64(stmt, index, column.int64_values()[row]);
        return;
      case ColumnType::kFloat64: {
        const double value = column.float64_values()[row];
        if (std::isnan(value)) ++nan_[c];
        sqlite3_bind_double(stmt, index, value);
        return;
      }
      case ColumnType::kBool:
        sqlite3_bind_int(stmt, index, column.bool_value(r) ? 1 : 0);
        return;
      case ColumnType::kTimestamp: {
        std::string text;
        detail::append_timestamp(text, column.int64_values()[row], texts_[c]);
        sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT);
        return;
      }
      case ColumnType::kString: {
        const std::string_view text = column.string_value(r);
        sqlite3_bind_text64(stmt, index, text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
        return;
      }
    }
  }

  Schema schema_;
  detail::AtomicOutput output_;
  detail::Database db_;
  detail::Statement insert_;
  std::vector<std::uint64_t> nan_;
  //! Per column: how its timestamps are written (SinkOptions::timestamp_texts).
  std::vector<TimestampText> texts_;
  std::uint64_t rows_ = 0;
};

}  // namespace

std::unique_ptr<Sink> make_sqlite_sink(const std::filesystem::path& destination, Schema schema,
                                       SinkOptions options) {
  return std::make_unique<SqliteSink>(destination, std::move(schema), std::move(options));
}

}  // namespace quarry::io
