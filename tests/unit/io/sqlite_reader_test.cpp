//! Unit tests for quarry/io/sqlite_reader.hpp on databases built in a temporary directory.

#include "quarry/io/sqlite_reader.hpp"

#include "table_text.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <string>
#include <vector>

namespace quarry::io {
namespace {

using testing::names_of;
using testing::read_rows;
using testing::TempDir;
using testing::types_of;
using Rows = std::vector<std::vector<std::string>>;
using enum ColumnType;

class SqliteReaderTest : public ::testing::Test {
 protected:
  TempDir dir;
  std::filesystem::path db_path = dir.path() / "data.db";

  void SetUp() override {
    make_database(
        db_path,
        "CREATE TABLE people (id INTEGER, score REAL, active BOOLEAN, name TEXT, born DATE, misc);"
        "INSERT INTO people VALUES (1, 1.5, 1, 'ann', '1990-01-02', 5);"
        "INSERT INTO people VALUES (2, 2, 0, 'bob', '1991-02-03', 'five');"
        "INSERT INTO people VALUES (3, NULL, NULL, NULL, NULL, x'00ff');"
        "CREATE TABLE empty (n INTEGER, r REAL, t TEXT);");
  }

  //! Creates the database `path` by running `sql` in it.
  static void make_database(const std::filesystem::path& path, const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }

  std::string error_of(SqliteOptions options) {
    try {
      SqliteReader reader(db_path, std::move(options));
      read_rows(reader);
    } catch (const InputError& error) {
      return error.what();
    }
    return "";
  }
};

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST_F(SqliteReaderTest, ReadsATableWithTypesFromTheValues) {
  SqliteOptions options;
  options.table = "people";
  SqliteReader reader(db_path, options);
  EXPECT_EQ(names_of(reader.schema()),
            (std::vector<std::string>{"id", "score", "active", "name", "born", "misc"}));
  EXPECT_EQ(types_of(reader.schema()),
            (std::vector{kInt64, kFloat64, kBool, kString, kTimestamp, kString}));
  EXPECT_EQ(read_rows(reader), (Rows{{"1", "1.5", "true", "ann", "631238400000000", "5"},
                                     {"2", "2", "false", "bob", "665539200000000", "five"},
                                     {"3", "∅", "∅", "∅", "∅", "x'00ff'"}}));
  EXPECT_EQ(reader.row_count(), 3U);
  // born holds dates alone, so writers write them as dates again
  EXPECT_EQ(reader.report().column("born")->timestamp_text, TimestampText::kDate);
}

// As the CSV and JSON Lines readers do: a column of numbers read as text because of one value
// names the value, its row and the column_types fix.
TEST_F(SqliteReaderTest, AColumnOfNumbersReadAsTextForOneValueNamesIt) {
  const auto mixed = dir.path() / "mixed.db";
  std::string sql = "CREATE TABLE t (amount INTEGER, word TEXT);";
  for (int r = 0; r < 8; ++r) {
    sql += "INSERT INTO t VALUES (" + std::string(r == 6 ? "'n/a'" : std::to_string(r)) + ", 'w');";
  }
  make_database(mixed, sql);
  SqliteReader reader(mixed, SqliteOptions{});
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kString, kString}));
  const ReadReport report = reader.report();
  const auto& notes = report.column("amount")->notes;
  ASSERT_EQ(notes.size(), 1U);
  EXPECT_TRUE(contains(notes[0],
                       "value 'n/a' in row 6 (0-based) is not a number, though the 6 "
                       "values before it were"))
      << notes[0];
  EXPECT_TRUE(contains(notes[0], "column_types {\"amount\": \"float64\"}")) << notes[0];
  EXPECT_TRUE(report.column("word")->notes.empty());
}

TEST_F(SqliteReaderTest, ADatabaseOfOneTableNeedsNoTableName) {
  const auto single = dir.path() / "single.db";
  make_database(single,
                "CREATE TABLE data (t TIMESTAMP, n INTEGER);"
                "INSERT INTO data VALUES ('2024-01-05T10:00:00Z', 1);");
  SqliteReader reader(single, SqliteOptions{});
  EXPECT_EQ(read_rows(reader), (Rows{{"1704448800000000", "1"}}));
  EXPECT_EQ(reader.report().notes,
            (std::vector<std::string>{"read table 'data', the database's only one"}));
  EXPECT_EQ(reader.report().column("t")->timestamp_text, TimestampText::kUtc);

  // SQLite's own tables (sqlite_sequence, made for AUTOINCREMENT) are not the user's.
  const auto counted = dir.path() / "counted.db";
  make_database(counted,
                "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v REAL);"
                "CREATE INDEX iv ON t (v); INSERT INTO t (v) VALUES (1.5);");
  SqliteReader auto_increment(counted, SqliteOptions{});
  EXPECT_EQ(read_rows(auto_increment), (Rows{{"1", "1.5"}}));
}

TEST_F(SqliteReaderTest, EmptyTableTakesDeclaredTypes) {
  SqliteOptions options;
  options.table = "EMPTY";  // table names are case-insensitive
  SqliteReader reader(db_path, options);
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kInt64, kFloat64, kString}));
  EXPECT_TRUE(read_rows(reader).empty());
}

TEST_F(SqliteReaderTest, RunsOneReadOnlySelect) {
  SqliteOptions options;
  options.query =
      "  -- people over one\n WITH p AS (SELECT * FROM people) SELECT id, id * 2 AS twice, name "
      "FROM p WHERE id > 1;  ";
  options.chunk_rows = 1;
  SqliteReader reader(db_path, options);
  std::size_t chunks = 0;
  EXPECT_EQ(read_rows(reader, &chunks), (Rows{{"2", "4", "bob"}, {"3", "6", "∅"}}));
  EXPECT_EQ(chunks, 2U);
}

TEST_F(SqliteReaderTest, RefusesWritesAndMultipleStatements) {
  SqliteOptions two;
  two.query = "SELECT 1; DROP TABLE people";
  EXPECT_TRUE(contains(error_of(two), "more than one statement"));
  SqliteOptions write;
  write.query = "DELETE FROM people";
  EXPECT_TRUE(contains(error_of(write), "SELECT or WITH"));
  SqliteOptions sneaky;
  sneaky.query = "WITH x AS (SELECT 1) DELETE FROM people";
  const std::string error = error_of(sneaky);
  EXPECT_FALSE(error.empty());
  SqliteOptions people;
  people.table = "people";
  SqliteReader still(db_path, people);
  EXPECT_EQ(still.row_count(), 3U);
}

TEST_F(SqliteReaderTest, UnknownTableListsTheTables) {
  SqliteOptions options;
  options.table = "nope";
  const std::string error = error_of(options);
  EXPECT_TRUE(contains(error, "'nope'")) << error;
  EXPECT_TRUE(contains(error, "empty, people")) << error;
  EXPECT_TRUE(contains(error_of(SqliteOptions{}), "neither a table nor a query"));
}

TEST_F(SqliteReaderTest, NotADatabaseIsAClearError) {
  const auto fake =
      dir.write("fake.db", "this is not a database, just text that is long enough.......");
  SqliteOptions options;
  options.table = "people";
  try {
    SqliteReader reader(fake, options);
    FAIL();
  } catch (const InputError& error) {
    EXPECT_TRUE(contains(error.what(), "not a SQLite database")) << error.what();
  }
}

TEST_F(SqliteReaderTest, ForcedTypesCoerceAndReport) {
  SqliteOptions options;
  options.query = "SELECT misc FROM people";
  options.column_types = {{"misc", kInt64}};
  SqliteReader reader(db_path, options);
  EXPECT_EQ(read_rows(reader), (Rows{{"5"}, {"∅"}, {"∅"}}));
  const ReadReport report = reader.report();
  EXPECT_EQ(report.column("misc")->coerced_to_null, 2U);
  EXPECT_EQ(report.column("misc")->examples.at(0).reason, "value 'five' is not an integer");
}

TEST_F(SqliteReaderTest, OnlyColumnsNarrowsATableButNotAQuery) {
  SqliteOptions options;
  options.table = "people";
  options.only_columns = {"name", "id"};
  SqliteReader table(db_path, options);
  EXPECT_EQ(names_of(table.schema()), (std::vector<std::string>{"id", "name"}));
  EXPECT_EQ(read_rows(table), (Rows{{"1", "ann"}, {"2", "bob"}, {"3", "∅"}}));
  EXPECT_TRUE(table.report().notes.empty());
  EXPECT_EQ(table.report().projection,
            "read 2 of the 6 columns (those the tools use); the others were not read");

  options.only_columns = {"score"};
  options.column_types = {{"id", kFloat64}};  // a typed column is read too
  SqliteReader typed(db_path, options);
  EXPECT_EQ(names_of(typed.schema()), (std::vector<std::string>{"id", "score"}));
  EXPECT_EQ(read_rows(typed), (Rows{{"1", "1.5"}, {"2", "2"}, {"3", "∅"}}));

  // A query keeps its columns: wrapping it could lose its ORDER BY's order.
  options.table.clear();
  options.query = "SELECT id, name FROM people ORDER BY id DESC";
  options.only_columns = {"name"};
  options.column_types.clear();
  SqliteReader query(db_path, options);
  EXPECT_EQ(names_of(query.schema()), (std::vector<std::string>{"id", "name"}));
}

TEST_F(SqliteReaderTest, OnlyColumnsNamingAnUnknownColumnReadsEveryColumn) {
  SqliteOptions options;
  options.table = "people";
  options.only_columns = {"id", "nope"};
  SqliteReader reader(db_path, options);
  EXPECT_EQ(reader.schema().size(), 6u);
}

}  // namespace
}  // namespace quarry::io
