//! Unit tests for quarry/io/jsonl_reader.hpp and quarry/io/open_source.hpp.

#include "quarry/io/jsonl_reader.hpp"
#include "quarry/io/open_source.hpp"

#include "table_text.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

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

std::string error_of(const std::filesystem::path& path, JsonlOptions options = {}) {
  try {
    JsonlReader reader(path, std::move(options));
    read_rows(reader);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class JsonlReaderTest : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(JsonlReaderTest, UnionOfKeysInFirstSeenOrderWithTypesOverTheWholeFile) {
  JsonlReader reader(dir.write("a.jsonl",
                               "{\"b\":1,\"a\":\"x\"}\n"
                               "{\"c\":true,\"b\":2.5}\n"
                               "{\"d\":\"2024-01-31\",\"a\":null}\n"));
  EXPECT_EQ(names_of(reader.schema()), (std::vector<std::string>{"b", "a", "c", "d"}));
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kFloat64, kString, kBool, kTimestamp}));
  EXPECT_EQ(
      read_rows(reader),
      (Rows{{"1", "x", "∅", "∅"}, {"2.5", "∅", "true", "∅"}, {"∅", "∅", "∅", "1706659200000000"}}));
}

TEST_F(JsonlReaderTest, OnlyColumnsReadsThoseKeysInFileOrderAndSaysSo) {
  const auto path = dir.write("a.jsonl",
                              "{\"b\":1,\"a\":\"x\"}\n"
                              "{\"c\":true,\"b\":2.5}\n"
                              "{\"d\":\"2024-01-31\",\"a\":null}\n");
  JsonlOptions options;
  options.only_columns = {"d", "b"};
  JsonlReader reader(path, options);
  EXPECT_EQ(names_of(reader.schema()), (std::vector<std::string>{"b", "d"}));
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kFloat64, kTimestamp}));
  EXPECT_EQ(read_rows(reader), (Rows{{"1", "∅"}, {"2.5", "∅"}, {"∅", "1706659200000000"}}));
  const ReadReport report = reader.report();
  ASSERT_EQ(report.columns.size(), 2u);
  EXPECT_TRUE(contains(report.projection, "read 2 of the 4 columns")) << report.projection;
}

TEST_F(JsonlReaderTest, AnUnknownOnlyColumnReadsEveryKeySoTheCallerCanNameIt) {
  JsonlOptions options;
  options.only_columns = {"b", "nope"};
  JsonlReader reader(dir.write("a.jsonl", "{\"b\":1,\"a\":\"x\"}\n"), options);
  EXPECT_EQ(names_of(reader.schema()), (std::vector<std::string>{"b", "a"}));
}

TEST_F(JsonlReaderTest, NestedValuesAndMixedKindsBecomeJsonText) {
  JsonlReader reader(dir.write("n.jsonl",
                               "{\"o\":{\"k\":[1,2]},\"m\":1}\n"
                               "{\"o\":[true],\"m\":\"one\"}\n"));
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kString, kString}));
  EXPECT_EQ(read_rows(reader), (Rows{{"{\"k\":[1,2]}", "1"}, {"[true]", "one"}}));
}

TEST_F(JsonlReaderTest, ATypeChangeInTheLastLineKeepsEveryRow) {
  std::string text;
  for (int i = 0; i < 500; ++i) text += "{\"n\":" + std::to_string(i) + "}\n";
  text += "{\"n\":\"x\"}\n";
  JsonlOptions options;
  options.chunk_rows = 64;
  JsonlReader reader(dir.write("late.jsonl", text), options);
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kString}));
  const Rows rows = read_rows(reader);
  ASSERT_EQ(rows.size(), 501U);
  EXPECT_EQ(rows[499][0], "499");
  EXPECT_EQ(rows[500][0], "x");
}

TEST_F(JsonlReaderTest, IntegersBeyondInt64WidenToFloatWithANote) {
  JsonlReader reader(
      dir.write("big.jsonl", "{\"v\":9223372036854775807}\n{\"v\":18446744073709551615}\n"));
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kFloat64}));
  EXPECT_EQ(reader.report().column("v")->notes.size(), 1U);
}

// One quoted number among numbers makes the key text: the note names the value, its line and
// the fix, and the fix reads it (the quoted number included) as numbers. A key that is text
// from its first values says nothing.
TEST_F(JsonlReaderTest, AKeyOfNumbersReadAsTextForOneValueNamesItAndTheFix) {
  std::string text;
  for (int r = 1; r <= 9; ++r) {
    text += "{\"v\": " + (r == 7 ? std::string("\"0.125\"") : std::to_string(r) + ".5") +
            ", \"s\": \"" + (r == 1 ? "x" : std::to_string(r)) + "\"}\n";
  }
  const auto path = dir.write("mixed.jsonl", text);
  JsonlReader reader(path);
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kString, kString}));
  const auto notes = reader.report().column("v")->notes;
  ASSERT_EQ(notes.size(), 1U);
  EXPECT_TRUE(contains(notes[0],
                       "value \"0.125\" on line 7 is not a JSON number, though the 6 "
                       "values before it were; to read the column as numbers pass "
                       "column_types {\"v\": \"float64\"}"))
      << notes[0];
  EXPECT_TRUE(reader.report().column("s")->notes.empty());
  JsonlOptions fixed;
  fixed.column_types = {{"v", kFloat64}};
  JsonlReader numbers(path, fixed);
  EXPECT_EQ(read_rows(numbers)[6][0], "0.125");
}

// As in CSV: dates alone, local times and UTC times are kept apart for the writers, and a key
// mixing local times with offsets says the local ones were taken as UTC.
TEST_F(JsonlReaderTest, TimestampKeysKeepHowTheyWereWritten) {
  JsonlReader reader(
      dir.write("t.jsonl",
                "{\"d\":\"2024-01-05\",\"l\":\"2024-01-05T10:00:00\",\"m\":\"2024-01-05T10:00\"}\n"
                "{\"d\":\"2024-01-06\",\"l\":\"2024-01-06 11:00\",\"m\":\"2024-01-06T10:00Z\"}\n"));
  const ReadReport report = reader.report();
  EXPECT_EQ(report.column("d")->timestamp_text, TimestampText::kDate);
  EXPECT_EQ(report.column("l")->timestamp_text, TimestampText::kLocal);
  EXPECT_EQ(report.column("m")->timestamp_text, TimestampText::kUtc);
  ASSERT_EQ(report.column("m")->notes.size(), 1U);
  EXPECT_NE(report.column("m")->notes[0].find("times without a UTC offset (first on line 1)"),
            std::string::npos)
      << report.column("m")->notes[0];
  EXPECT_TRUE(report.column("l")->notes.empty());
}

TEST_F(JsonlReaderTest, AUtf16FileIsRefusedNamingTheEncoding) {
  std::string wide = "\xFF\xFE";
  for (const char c : std::string("{\"a\": 1}\n{\"a\": 2}\n")) {
    wide += c;
    wide += '\0';
  }
  const std::string error = error_of(dir.write("wide.jsonl", wide));
  EXPECT_TRUE(contains(error, "encoded as UTF-16LE")) << error;
}

TEST_F(JsonlReaderTest, ALineThatIsNotAnObjectIsAnErrorNamingTheLine) {
  const auto path = dir.write("bad.jsonl", "{\"a\":1}\n\n[1,2]\n{\"a\":2}\n");
  const std::string error = error_of(path);
  EXPECT_TRUE(contains(error, "bad.jsonl:3:")) << error;
  EXPECT_TRUE(contains(error, "array")) << error;
  const std::string broken = error_of(dir.write("broken.jsonl", "{\"a\":1}\n{\"a\":\n"));
  EXPECT_TRUE(contains(broken, "broken.jsonl:2:")) << broken;
  EXPECT_TRUE(contains(broken, "not valid JSON")) << broken;
}

TEST_F(JsonlReaderTest, MalformedLinesCanBeSkippedAndCounted) {
  JsonlOptions options;
  options.on_malformed_line = MalformedLinePolicy::kSkip;
  JsonlReader reader(dir.write("skip.jsonl", "{\"a\":1}\n42\n{oops\n{\"a\":2}"), options);
  EXPECT_EQ(read_rows(reader), (Rows{{"1"}, {"2"}}));
  EXPECT_EQ(reader.report().malformed_rows_skipped, 2U);
}

TEST_F(JsonlReaderTest, HandlesCrlfBomBlankLinesAndInvalidUtf8) {
  JsonlReader reader(
      dir.write("crlf.jsonl", "\xEF\xBB\xBF{\"s\":\"a\"}\r\n\r\n{\"s\":\"b\xff\"}\r\n\n"));
  EXPECT_EQ(read_rows(reader), (Rows{{"a"}, {"b\uFFFD"}}));
  EXPECT_EQ(reader.report().notes.size(), 1U);
}

TEST_F(JsonlReaderTest, EmptyAndBlankFilesAreClearErrors) {
  EXPECT_TRUE(contains(error_of(dir.write("e.jsonl", "")), "empty"));
  EXPECT_TRUE(contains(error_of(dir.write("b.jsonl", "\n\n")), "no JSON objects"));
}

TEST_F(JsonlReaderTest, ForcedTypesCoerceAndReport) {
  JsonlOptions options;
  options.column_types = {{"n", kInt64}};
  JsonlReader reader(dir.write("f.jsonl", "{\"n\":\"12\"}\n{\"n\":1.5}\n{\"n\":\"x\"}\n"), options);
  EXPECT_EQ(read_rows(reader), (Rows{{"12"}, {"∅"}, {"∅"}}));
  const ReadReport report = reader.report();
  EXPECT_EQ(report.column("n")->coerced_to_null, 2U);
  EXPECT_EQ(report.column("n")->examples.at(0).line, 2U);
}

TEST_F(JsonlReaderTest, ChunkSizeDoesNotChangeTheValues) {
  std::string text;
  for (int i = 0; i < 100; ++i)
    text += "{\"i\":" + std::to_string(i) + ",\"s\":\"v" + std::to_string(i) + "\"}\n";
  const auto path = dir.write("c.jsonl", text);
  JsonlReader whole(path);
  const Rows expected = read_rows(whole);
  for (const std::int64_t rows : {1, 7}) {
    JsonlOptions options;
    options.chunk_rows = rows;
    JsonlReader reader(path, options);
    std::size_t chunks = 0;
    EXPECT_EQ(read_rows(reader, &chunks), expected);
    EXPECT_EQ(chunks, static_cast<std::size_t>((100 + rows - 1) / rows));
  }
}

// ---- open_source --------------------------------------------------------------------------

TEST_F(JsonlReaderTest, OpenSourceChoosesTheReaderByExtension) {
  auto csv = open_source(dir.write("x.CSV", "a,b\n1,2\n"));
  EXPECT_EQ(csv->schema().size(), 2U);
  auto tsv = open_source(dir.write("x.tsv", "a,b\tc\n1,2\t3\n"));
  EXPECT_EQ(names_of(tsv->schema()), (std::vector<std::string>{"a,b", "c"}));
  auto jsonl = open_source(dir.write("x.ndjson", "{\"k\":1}\n"));
  EXPECT_EQ(names_of(jsonl->schema()), (std::vector<std::string>{"k"}));
}

TEST_F(JsonlReaderTest, OpenSourceRefusesUnknownMissingAndEmptyFiles) {
  try {
    (void)open_source(dir.write("x.parquet", "PAR1"));
    FAIL();
  } catch (const InputError& error) {
    EXPECT_TRUE(contains(error.what(), "'.parquet'")) << error.what();
  }
  EXPECT_THROW((void)open_source(dir.path() / "missing.csv"), InputError);
  EXPECT_THROW((void)open_source(dir.write("empty.jsonl", "")), InputError);
  EXPECT_THROW((void)open_source(dir.path()), InputError);
}

}  // namespace
}  // namespace quarry::io
