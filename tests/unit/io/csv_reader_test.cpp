//! Unit tests for quarry/io/csv_reader.hpp on a corpus of awkward files written into a
//! temporary directory: quoting, line endings, BOM, ragged rows, limits, type inference over
//! the whole file, chunking and reports.

#include "quarry/io/csv_reader.hpp"

#include "table_text.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <fast_float/fast_float.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace quarry::io {
namespace {

using testing::names_of;
using testing::read_rows;
using testing::TempDir;
using testing::types_of;
using Rows = std::vector<std::vector<std::string>>;
using enum ColumnType;

//! The InputError message of reading `path`, or "" when it reads fine.
std::string error_of(const std::filesystem::path& path, CsvOptions options = {}) {
  try {
    CsvReader reader(path, std::move(options));
    read_rows(reader);
  } catch (const InputError& error) {
    return error.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class CsvReaderTest : public ::testing::Test {
 protected:
  TempDir dir;
};

TEST_F(CsvReaderTest, InfersEveryTypeOverTheWholeFile) {
  const auto path = dir.write("t.csv",
                              "i,f,b,s,t\n"
                              "1,1.5,true,x,2024-01-31\n"
                              "-2,3,FALSE,y z,2024-01-31T12:34:56\n");
  CsvReader reader(path);
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kInt64, kFloat64, kBool, kString, kTimestamp}));
  EXPECT_EQ(read_rows(reader), (Rows{{"1", "1.5", "true", "x", "1706659200000000"},
                                     {"-2", "3", "false", "y z", "1706704496000000"}}));
}

TEST_F(CsvReaderTest, QuotedFieldsKeepDelimitersDoubledQuotesAndLineBreaks) {
  const auto path = dir.write("q.csv",
                              "a,b\n"
                              "\"x,y\",\"say \"\"hi\"\"\"\n"
                              "\"line1\nline2\",\"cr\rinside\"\n"
                              "\"crlf\r\ninside\",plain\n");
  CsvReader reader(path);
  EXPECT_EQ(
      read_rows(reader),
      (Rows{{"x,y", "say \"hi\""}, {"line1\nline2", "cr\rinside"}, {"crlf\r\ninside", "plain"}}));
}

TEST_F(CsvReaderTest, ErrorsNamePhysicalLinesAfterQuotedLineBreaks) {
  const auto path = dir.write("lines.csv", "a,b\n\"1\n2\n3\",x\n4,y\n5\n");
  const std::string error = error_of(path);
  EXPECT_TRUE(contains(error, "lines.csv:6:")) << error;
  EXPECT_TRUE(contains(error, "1 fields, expected 2")) << error;
}

TEST_F(CsvReaderTest, ReadsCrlfFilesWithABomAndNoFinalNewline) {
  const auto path = dir.write("crlf.csv", "\xEF\xBB\xBFid,name\r\n1,ann\r\n2,bob");
  CsvReader reader(path);
  EXPECT_EQ(names_of(reader.schema()), (std::vector<std::string>{"id", "name"}));
  EXPECT_EQ(read_rows(reader), (Rows{{"1", "ann"}, {"2", "bob"}}));
}

TEST_F(CsvReaderTest, IgnoresBlankTrailingLines) {
  const auto path = dir.write("blank.csv", "a,b\n1,2\n\n3,4\n\n\r\n\n");
  CsvReader reader(path);
  EXPECT_EQ(read_rows(reader), (Rows{{"1", "2"}, {"3", "4"}}));
}

TEST_F(CsvReaderTest, RaggedRowIsAnErrorNamingTheLineAndBothCounts) {
  const auto path = dir.write("ragged.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n");
  const std::string error = error_of(path);
  EXPECT_TRUE(contains(error, "ragged.csv:3:")) << error;
  EXPECT_TRUE(contains(error, "2 fields, expected 3")) << error;
  // The fix names the tool argument (source_arguments.cpp), not the reader's option.
  EXPECT_TRUE(contains(error, "Fix: fix the row, or pass on_bad_rows \"skip\"")) << error;
}

TEST_F(CsvReaderTest, AnEmptyExtraFieldIsNamedAsATrailingDelimiterThatPadReads) {
  const auto path = dir.write("trailing.csv", "a,b\n1,2,\n3,4,\n");
  const std::string error = error_of(path);
  EXPECT_TRUE(contains(error,
                       "trailing.csv:2: the row has 3 fields, expected 2 (as in the "
                       "header); the extra field is empty: the line ends with a delimiter"))
      << error;
  CsvOptions pad;
  pad.on_ragged_row = RaggedRowPolicy::kPadOrTruncate;
  CsvReader reader(path, pad);
  EXPECT_EQ(read_rows(reader), (Rows{{"1", "2"}, {"3", "4"}}));
  // A non-empty extra field is only counted.
  const std::string other = error_of(dir.write("extra.csv", "a,b\n1,2,x\n"));
  EXPECT_TRUE(contains(other, "3 fields, expected 2")) << other;
  EXPECT_FALSE(contains(other, "extra field is empty")) << other;
}

TEST_F(CsvReaderTest, SkipLinesPassesOverAPreambleAndKeepsPhysicalLineNumbers) {
  // A title and export notes above the header, as bank and instrument exports write them;
  // the notes have commas and semicolons that must not sway the delimiter.
  const auto path = dir.write("export.csv",
                              "\xEF\xBB\xBF"
                              "Account statement; exported 2024-05-01\nnote: a, b, c, d\n\n"
                              "date;amount\n2024-04-01;12.5\n2024-04-02;x\n");
  CsvOptions options;
  options.skip_lines = 3;
  CsvReader reader(path, options);
  EXPECT_EQ(names_of(reader.schema()), (std::vector<std::string>{"date", "amount"}));
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kTimestamp, kString}));
  EXPECT_EQ(read_rows(reader).size(), 2U);
  CsvOptions typed = options;
  typed.column_types = {{"amount", kFloat64}};
  CsvReader coerced(path, typed);
  read_rows(coerced);
  ASSERT_EQ(coerced.report().column("amount")->examples.size(), 1U);
  EXPECT_EQ(coerced.report().column("amount")->examples[0].line, 6U);  // physical line

  // Without skip_lines, a one-field title read as the header gets the hint.
  const std::string titled = error_of(dir.write("titled.csv", "Sales 2024\nregion,units\nEU,3\n"));
  EXPECT_TRUE(contains(titled, "if a title or note comes before the real header, pass skip_lines"))
      << titled;

  for (const std::uint32_t too_many : {6U, 9U}) {  // the file has six lines
    options.skip_lines = too_many;
    const std::string error = error_of(path, options);
    EXPECT_TRUE(contains(error, "skip_lines " + std::to_string(too_many) +
                                    " passes over every line of the file (it has 6)"))
        << error;
  }
}

TEST_F(CsvReaderTest, RaggedRowsCanBeSkippedAndCounted) {
  const auto path = dir.write("ragged.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n");
  CsvOptions options;
  options.on_ragged_row = RaggedRowPolicy::kSkip;
  CsvReader reader(path, options);
  EXPECT_EQ(read_rows(reader), (Rows{{"1", "2", "3"}, {"6", "7", "8"}}));
  EXPECT_EQ(reader.report().malformed_rows_skipped, 2U);
  EXPECT_EQ(reader.report().rows_read, 2U);
  EXPECT_TRUE(contains(reader.report().notes.at(0), "line 3")) << reader.report().notes.at(0);
}

TEST_F(CsvReaderTest, RaggedRowsCanBePaddedOrTruncated) {
  const auto path = dir.write("ragged.csv", "a,b,c\n1,2\n4,5,6,7\n");
  CsvOptions options;
  options.on_ragged_row = RaggedRowPolicy::kPadOrTruncate;
  CsvReader reader(path, options);
  EXPECT_EQ(read_rows(reader), (Rows{{"1", "2", "∅"}, {"4", "5", "6"}}));
  EXPECT_EQ(reader.report().rows_padded_or_truncated, 2U);
}

TEST_F(CsvReaderTest, ATruncatedRowMayHaveOneFieldMoreThanTheColumnLimitButNoMore) {
  // The scanner takes limits.max_columns + 1 fields a record (so a row one field too long
  // can still be truncated) and stops at the next one, wherever its buffers' sizes are.
  CsvOptions options;
  options.on_ragged_row = RaggedRowPolicy::kPadOrTruncate;
  options.limits.max_columns = 3;
  CsvReader one_more(dir.write("one_more.csv", "a,b,c\n1,2,3,4\n"), options);
  EXPECT_EQ(read_rows(one_more), (Rows{{"1", "2", "3"}}));
  const std::string error = error_of(dir.write("two_more.csv", "a,b,c\n1,2,3,4,5\n"), options);
  EXPECT_TRUE(contains(error, "limits.max_columns (3)")) << error;
  EXPECT_TRUE(contains(error, ":2:")) << error;
}

TEST_F(CsvReaderTest, DecimalCommaFileReadsTheValuesOfItsDecimalPointTwin) {
  // The same random table written twice: "," between fields and "." in numbers, and ";"
  // between fields and "," in numbers. Both must read to the same rows and types, whether
  // typed by a full scan or from a sample; a time's fractional second keeps its '.'.
  std::mt19937 random(11);
  std::uniform_real_distribution<double> real(-5000, 5000);
  std::string point = "id,price,ratio,big,at\n";
  std::string comma = "id;price;ratio;big;at\n";
  for (int r = 0; r < 3000; ++r) {
    char price[32], ratio[32], big[32];
    std::snprintf(price, sizeof price, "%.2f", real(random));
    std::snprintf(ratio, sizeof ratio, "%.6f", real(random) / 5000);
    std::snprintf(big, sizeof big, "%.3e", real(random) * 1e6);
    const std::string at = "2024-03-0" + std::to_string(1 + r % 9) + " 10:00:0" +
                           std::to_string(r % 10) + "." + std::to_string(r % 7);
    std::string fields[] = {std::to_string(r), price, ratio, r % 97 == 5 ? "NA" : big, at};
    for (int f = 0; f < 5; ++f) {
      point += fields[f] + (f < 4 ? "," : "\n");
      std::replace(fields[f].begin(), fields[f].end(), '.', f < 4 ? ',' : '.');
      comma += fields[f] + (f < 4 ? ";" : "\n");
    }
  }
  const auto point_path = dir.write("point.csv", point);
  const auto comma_path = dir.write("comma.csv", comma);
  CsvReader expected_reader(point_path);
  const Rows expected = read_rows(expected_reader);
  ASSERT_EQ(expected.size(), 3000U);
  for (const std::uint64_t sample_from : {std::uint64_t{0}, std::uint64_t{1}}) {
    CsvOptions options;
    options.decimal = ',';
    options.sample_typing_min_bytes = sample_from;
    options.chunk_bytes = 16 << 10;
    CsvReader reader(comma_path, options);
    EXPECT_EQ(reader.scanned_on_open(), sample_from == 0);
    EXPECT_EQ(testing::types_of(reader.schema()),
              (std::vector{ColumnType::kInt64, ColumnType::kFloat64, ColumnType::kFloat64,
                           ColumnType::kFloat64, ColumnType::kTimestamp}));
    EXPECT_EQ(read_rows(reader), expected) << sample_from;
  }
}

TEST_F(CsvReaderTest, WithDecimalCommaADotIsNoDecimalPointAndCommaIsNoDelimiter) {
  const auto path = dir.write("dots.csv", "a;b;c\n1.234;1,5;x,y\n2.5;-0,25;z\n");
  CsvOptions options;
  options.decimal = ',';
  CsvReader reader(path, options);
  EXPECT_EQ(testing::types_of(reader.schema()),
            (std::vector{ColumnType::kString, ColumnType::kFloat64, ColumnType::kString}));
  EXPECT_EQ(read_rows(reader), (Rows{{"1.234", "1.5", "x,y"}, {"2.5", "-0.25", "z"}}));

  options.delimiter = ',';
  const std::string clash = error_of(path, options);
  EXPECT_TRUE(contains(clash, "also the decimal separator")) << clash;
  options.delimiter.reset();
  options.decimal = ';';
  const std::string odd = error_of(path, options);
  EXPECT_TRUE(contains(odd, "decimal separator ';' is not supported")) << odd;
}

// pandas: read_csv(sep=";", decimal=",", thousands=".") reads these numbers alike (it also
// reads "1.5" as 15 and "12.34.5" as 12345; here only groups of three are separators, so
// such a column stays text).
TEST_F(CsvReaderTest, ThousandsSeparatorsGroupedInThreesAreRead) {
  const auto european = dir.write("thousands.csv",
                                  "amount;count\n1.234.567,5;1.000\n-2.500,5;12\n0,75;3.456\n"
                                  "999;-7.000\n");
  CsvOptions options;
  options.decimal = ',';
  options.thousands = '.';
  for (const std::uint64_t sample_from : {std::uint64_t{0}, std::uint64_t{1}}) {
    options.sample_typing_min_bytes = sample_from;
    CsvReader reader(european, options);
    EXPECT_EQ(types_of(reader.schema()), (std::vector{kFloat64, kInt64}));
    EXPECT_EQ(read_rows(reader),
              (Rows{{"1234567.5", "1000"}, {"-2500.5", "12"}, {"0.75", "3456"}, {"999", "-7000"}}));
  }
  CsvOptions english;
  english.thousands = ',';
  CsvReader quoted(dir.write("english.csv", "x,y\n\"1,234.5\",2\n\"12,345\",3\n7.25,4\n"), english);
  EXPECT_EQ(types_of(quoted.schema()), (std::vector{kFloat64, kInt64}));
  EXPECT_EQ(read_rows(quoted), (Rows{{"1234.5", "2"}, {"12345", "3"}, {"7.25", "4"}}));
  // Not grouped in threes: not a number.
  options.sample_typing_min_bytes = 0;  // (the schema is final before the rows are read)
  for (const char* odd : {"1.5", "12.34.5", "1.2345", ".123", "1..234"}) {
    CsvReader reader(dir.write("odd.csv", std::string("v;w\n1.000;a\n") + odd + ";b\n"), options);
    EXPECT_EQ(types_of(reader.schema()), (std::vector{kString, kString})) << odd;
  }
  options.thousands = ',';
  const std::string clash = error_of(european, options);
  EXPECT_TRUE(contains(clash, "thousands separator ','")) << clash;
}

TEST_F(CsvReaderTest, AColumnOfDecimalCommaNumbersReadWithDecimalPointGetsAHint) {
  // Wide enough for the sample-typed path as well as the whole-file scan.
  std::string text = "price;label;ratio;count\n";
  for (int r = 0; r < 4000; ++r) {
    text += std::to_string(r) + "," + std::to_string(r % 10) + ";name" + std::to_string(r) + ";" +
            std::to_string(r) + ".5;" + std::to_string(r) + "\n";
  }
  const auto path = dir.write("semicolon.csv", text);
  for (const std::uint64_t sample_from : {std::uint64_t{0}, std::uint64_t{1}}) {
    CsvOptions options;
    options.sample_typing_min_bytes = sample_from;
    options.chunk_bytes = 8 << 10;
    CsvReader reader(path, options);
    EXPECT_EQ(testing::types_of(reader.schema()),
              (std::vector{ColumnType::kString, ColumnType::kString, ColumnType::kFloat64,
                           ColumnType::kInt64}));
    const ReadReport report = reader.report();
    const auto& notes = report.column("price")->notes;
    ASSERT_EQ(notes.size(), 1U) << sample_from;
    EXPECT_TRUE(contains(notes[0], "decimal comma (first on line 2)")) << notes[0];
    EXPECT_TRUE(contains(notes[0], "pass decimal \",\"")) << notes[0];
    for (const char* other : {"label", "ratio", "count"}) {
      EXPECT_TRUE(report.column(other)->notes.empty()) << other;
    }
  }
}

TEST_F(CsvReaderTest, NoDecimalCommaHintForMixedTextOrWhereTheDelimiterIsAComma) {
  // A later value that is not such a number rules the hint out; so does a comma delimiter
  // (decimal "," would clash with it), even for quoted "1,5".
  const auto mixed = dir.write("mixed.csv", "a;b\n1,5;x\n2,5;y\n3 apples;z\n");
  CsvReader mixed_reader(mixed);
  EXPECT_TRUE(mixed_reader.report().column("a")->notes.empty());
  const auto quoted = dir.write("quoted.csv", "a,b\n\"1,5\",x\n\"2,5\",y\n");
  CsvReader quoted_reader(quoted);
  EXPECT_TRUE(quoted_reader.report().column("a")->notes.empty());
}

TEST_F(CsvReaderTest, WideUnicodeFilesAreRefusedNamingTheEncodingAndTheConversion) {
  const std::u16string text = u"name\tvalue\nA\t1.5\nB\t2.5\n";
  std::string little;  // UTF-16LE, as spreadsheets save "Unicode text"
  std::string big;
  for (const char16_t unit : text) {
    little += static_cast<char>(unit & 0xFF);
    little += static_cast<char>(unit >> 8);
    big += static_cast<char>(unit >> 8);
    big += static_cast<char>(unit & 0xFF);
  }
  const struct {
    std::string name, bytes, encoding;
  } cases[] = {{"bom_le.txt", "\xFF\xFE" + little, "UTF-16LE"},
               {"bare_le.txt", little, "UTF-16LE"},
               {"bom_be.txt", "\xFE\xFF" + big, "UTF-16BE"},
               {"bare_be.txt", big, "UTF-16BE"},
               {"utf32.txt", std::string("\xFF\xFE\0\0a\0\0\0", 8), "UTF-32LE"}};
  for (const auto& c : cases) {
    const std::string error = error_of(dir.write(c.name, c.bytes));
    EXPECT_TRUE(contains(error, "encoded as " + c.encoding)) << c.name << ": " << error;
    EXPECT_TRUE(contains(error, "iconv -f " + c.encoding + " -t UTF-8")) << error;
  }
  // Latin-1 text is not mistaken for a wide encoding: it is read, with replacements.
  CsvReader latin(dir.write("latin1.csv", "stadt,wert\nM\xFCnchen,1\nK\xF6ln,2\n"));
  EXPECT_EQ(read_rows(latin).size(), 2U);
}

TEST_F(CsvReaderTest, EmptyFileIsAClearError) {
  const std::string error = error_of(dir.write("empty.csv", ""));
  EXPECT_TRUE(contains(error, "empty.csv")) << error;
  EXPECT_TRUE(contains(error, "empty")) << error;
  const std::string blank = error_of(dir.write("blank.csv", "\n\r\n\n"));
  EXPECT_TRUE(contains(blank, "no header")) << blank;
}

TEST_F(CsvReaderTest, MissingFileIsAClearError) {
  const std::string error = error_of(dir.path() / "nope.csv");
  EXPECT_TRUE(contains(error, "does not exist")) << error;
}

TEST_F(CsvReaderTest, HeaderOnlyGivesZeroRowsAndStringColumns) {
  CsvReader reader(dir.write("header.csv", "a,b,c\n"));
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kString, kString, kString}));
  std::size_t chunks = 99;
  EXPECT_TRUE(read_rows(reader, &chunks).empty());
  EXPECT_EQ(chunks, 0U);
  EXPECT_EQ(reader.bytes_read(), *reader.total_bytes());
}

TEST_F(CsvReaderTest, OneColumnFileKeepsBlankLinesAsNullsExceptAtTheEnd) {
  CsvReader reader(dir.write("one.csv", "x\n1\n\n3\n\n\n"));
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kInt64}));
  EXPECT_EQ(read_rows(reader), (Rows{{"1"}, {"∅"}, {"3"}}));
}

TEST_F(CsvReaderTest, ReadsTenThousandColumns) {
  std::string text;
  for (int c = 0; c < 10'000; ++c) text += (c ? ",c" : "c") + std::to_string(c);
  text += '\n';
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 10'000; ++c) text += (c ? "," : "") + std::to_string(r * c);
    text += '\n';
  }
  CsvReader reader(dir.write("wide.csv", text));
  ASSERT_EQ(reader.schema().size(), 10'000U);
  EXPECT_EQ(reader.schema()[9'999].name, "c9999");
  const Rows rows = read_rows(reader);
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[2][9'999], "19998");
}

TEST_F(CsvReaderTest, InvalidUtf8IsReplacedAndCounted) {
  CsvReader reader(dir.write("bad.csv", "name,n\nok,1\nbad\xff\xfe,2\n\"q\xc3\",3\n"));
  EXPECT_EQ(read_rows(reader), (Rows{{"ok", "1"}, {"bad\uFFFD\uFFFD", "2"}, {"q\uFFFD", "3"}}));
  EXPECT_EQ(reader.report().column("name")->invalid_utf8_replaced, 3U);
}

// Excel's "ANSI" CSV on Western Windows: é, ö and ü as one byte, € as 0x80, a curly quote as
// 0x93. Read as windows-1252 every text field and column name becomes the same text in UTF-8,
// nothing is replaced; latin-1 differs only in 0x80-0x9F (C1 controls there). Expected texts:
// the characters each byte is in the Windows-1252 and ISO-8859-1 code charts.
TEST_F(CsvReaderTest, SingleByteEncodedFilesDecodeToUtf8) {
  const auto path = dir.write(
      "ansi.csv", "caf\xE9,preis\nM\xFCnchen,\x80 12\n\"K\xF6ln \x93quoted\x94\",NA\nplain,x\n");
  CsvOptions windows;
  windows.encoding = TextEncoding::kWindows1252;
  CsvReader reader(path, windows);
  EXPECT_EQ(reader.schema()[0].name, "caf\u00E9");
  EXPECT_EQ(read_rows(reader), (Rows{{"M\u00FCnchen", "\u20AC 12"},
                                     {"K\u00F6ln \u201Cquoted\u201D", "\u2205"},
                                     {"plain", "x"}}));
  EXPECT_EQ(reader.report().column("caf\u00E9")->invalid_utf8_replaced, 0U);
  CsvOptions latin;
  latin.encoding = TextEncoding::kLatin1;
  CsvReader latin_reader(path, latin);
  EXPECT_EQ(read_rows(latin_reader)[0][1], "\u0080 12");  // U+0080, a C1 control
  // As UTF-8 (the default) the same bytes are invalid: replaced and counted.
  CsvReader utf8(path);
  EXPECT_EQ(read_rows(utf8)[0][0], "M\uFFFDnchen");
  EXPECT_EQ(utf8.report().column("caf\uFFFD")->invalid_utf8_replaced, 4U);  // FC; F6 93 94
}

TEST_F(CsvReaderTest, ATypeChangeInTheLastRowMakesTheWholeColumnStringWithoutLosingRows) {
  std::string text = "n,m\n";
  for (int i = 0; i < 1000; ++i) text += std::to_string(i) + "," + std::to_string(i) + "\n";
  text += "x,5\n";
  CsvOptions options;
  options.chunk_rows = 100;
  CsvReader reader(dir.write("late.csv", text), options);
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kString, kInt64}));
  const Rows rows = read_rows(reader);
  ASSERT_EQ(rows.size(), 1001U);
  EXPECT_EQ(rows[0][0], "0");
  EXPECT_EQ(rows[999][0], "999");
  EXPECT_EQ(rows[1000][0], "x");
  EXPECT_EQ(reader.report().column("n")->coerced_to_null, 0U);
}

TEST_F(CsvReaderTest, HugeIntegersStayExactUpToInt64AndWidenToFloatBeyond) {
  CsvReader reader(dir.write(
      "big.csv", "a,b\n9223372036854775807,1\n-9223372036854775808,9223372036854775808\n"));
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kInt64, kFloat64}));
  EXPECT_EQ(read_rows(reader), (Rows{{"9223372036854775807", "1"},
                                     {"-9223372036854775808", "9.2233720368547758e+18"}}));
  const ReadReport report = reader.report();
  const ColumnReport* b = report.column("b");
  ASSERT_EQ(b->notes.size(), 1U);
  EXPECT_TRUE(contains(b->notes[0], "line 3")) << b->notes[0];
}

TEST_F(CsvReaderTest, ShortDecimalsParseExactlyAsFastFloatDoes) {
  std::mt19937_64 random(7);
  std::vector<std::string> texts;
  for (int i = 0; i < 20'000; ++i) {
    const int fraction = static_cast<int>(random() % 9);
    const int whole = static_cast<int>(random() % (fraction == 0 ? 17 : 9));
    std::string text = random() % 2 ? "-" : (random() % 4 ? "" : "+");
    for (int d = 0; d < whole; ++d) {  // (no leading zero: "012.5" is text)
      text += static_cast<char>(d == 0 && whole > 1 ? '1' + random() % 9 : '0' + random() % 10);
    }
    if (fraction > 0 || whole == 0) text += '.';
    for (int d = 0; d < fraction || (whole == 0 && d == 0); ++d)
      text += static_cast<char>('0' + random() % 10);
    // ('+' and 8 or more digits is a phone number, text)
    if (text.front() == '+' && text.find('.') == std::string::npos && text.size() >= 9) {
      text.erase(0, 1);
    }
    texts.push_back(text);
  }
  std::string csv = "x\n";
  for (const std::string& text : texts) csv += text + "\n";
  CsvReader reader(dir.write("exact.csv", csv));
  ASSERT_EQ(reader.schema()[0].type, kFloat64);
  std::size_t row = 0;
  while (auto chunk = reader.next()) {
    for (std::int64_t r = 0; r < chunk->num_rows(); ++r, ++row) {
      std::string_view text = texts[row];
      if (text.front() == '+') text.remove_prefix(1);
      double expected = 0;
      fast_float::from_chars(text.data(), text.data() + text.size(), expected);
      const double actual = chunk->column(0).float64_values()[static_cast<std::size_t>(r)];
      ASSERT_EQ(std::memcmp(&actual, &expected, sizeof actual), 0) << texts[row];
    }
  }
  EXPECT_EQ(row, texts.size());
}

TEST_F(CsvReaderTest, NumericNullSpellingsAreHonoured) {
  CsvOptions options;
  options.null_values = {"-999"};
  CsvReader reader(dir.write("sentinel.csv", "v,w\n1,1.5\n-999,-999\n"), options);
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kInt64, kFloat64}));
  EXPECT_EQ(read_rows(reader), (Rows{{"1", "1.5"}, {"∅", "∅"}}));
}

TEST_F(CsvReaderTest, NanAndInfinitySpellingsAreFloatValuesNotNulls) {
  CsvReader reader(dir.write("nan.csv", "x\n1.5\nNaN\nnan\ninf\n-inf\nInfinity\n+2\n1e400\n"));
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kFloat64}));
  EXPECT_EQ(read_rows(reader),
            (Rows{{"1.5"}, {"nan"}, {"nan"}, {"inf"}, {"-inf"}, {"inf"}, {"2"}, {"inf"}}));
}

// A quoted empty field is missing, as in pandas 1.5 (read_csv of this text gives s = ['a', nan,
// ' NULL ', nan, nan]); a quoted null spelling stays text, unlike pandas' last nan: "NA" may be
// Namibia's code, and Quarry's CSV writer quotes such strings so that they read back.
TEST_F(CsvReaderTest, QuotedEmptyFieldsAreNullsQuotedSpellingsText) {
  CsvReader reader(dir.write("null.csv", "n,s\n1,a\nNA,\"\"\n, NULL \nnull,N/A\n 4 ,\"NA\"\n"));
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kInt64, kString}));
  EXPECT_EQ(read_rows(reader),
            (Rows{{"1", "a"}, {"∅", "∅"}, {"∅", " NULL "}, {"∅", "∅"}, {"4", "NA"}}));
  // Every field quoted, as Python's csv.QUOTE_ALL and many database exports write.
  CsvReader quoted(dir.write("all.csv", "\"n\",\"s\"\n\"1\",\"a\"\n\"\",\"\"\n\"2\",\"b\"\n"));
  EXPECT_EQ(types_of(quoted.schema()), (std::vector{kInt64, kString}));
  EXPECT_EQ(read_rows(quoted), (Rows{{"1", "a"}, {"∅", "∅"}, {"2", "b"}}));
}

// pandas' default spellings of missing (but for those of NaN, which are float values).
TEST_F(CsvReaderTest, PandasSpellingsOfMissingAreNullsByDefault) {
  CsvReader reader(dir.write("spellings.csv", "x,s\n1.5,a\nn/a,#N/A\n<NA>,None\nNone,b\n"));
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kFloat64, kString}));
  EXPECT_EQ(read_rows(reader), (Rows{{"1.5", "a"}, {"∅", "∅"}, {"∅", "∅"}, {"∅", "b"}}));
}

// A column of numbers read as text because of one stray value says which value, where, and
// how to read the numbers; the same on one thread or several, and from a sample or the
// whole file. A column that is text from its first values says nothing.
TEST_F(CsvReaderTest, AColumnOfNumbersReadAsTextForOneValueNamesItAndTheFix) {
  std::string text = "id,w,code\n";
  for (int r = 1; r <= 6000; ++r) {
    text += std::to_string(r) + "," +
            (r == 4321 ? std::string("oops") : std::to_string(r) + ".25") + "," +
            (r % 2 == 0 ? "A" : "7") + "\n";
  }
  const auto path = dir.write("stray.csv", text);
  for (const unsigned threads : {1U, 3U}) {
    for (const std::uint64_t sample_from : {std::uint64_t{0}, std::uint64_t{1}}) {
      CsvOptions options;
      options.threads = threads;
      options.chunk_bytes = 4096;
      options.sample_typing_min_bytes = sample_from;
      CsvReader reader(path, options);
      EXPECT_EQ(types_of(reader.schema()), (std::vector{kInt64, kString, kString}));
      const ReadReport report = reader.report();
      const auto& notes = report.column("w")->notes;
      ASSERT_EQ(notes.size(), 1U) << threads << " " << sample_from;
      // (line 4322: the header is line 1)
      EXPECT_TRUE(contains(notes[0],
                           "value 'oops' on line 4322 is not a number, though the 4320 "
                           "values before it were"))
          << notes[0];
      EXPECT_TRUE(contains(notes[0], "column_types {\"w\": \"float64\"}")) << notes[0];
      EXPECT_TRUE(report.column("code")->notes.empty()) << report.column("code")->notes.at(0);
    }
  }
}

// Zip codes, IDs and phone numbers written with leading zeros stay text (pandas reads 02134
// as 2134, and a cleaning tool would then write 2134 back): the note names the value, its
// line and the column_types way to numbers. The same from a sample, from the whole file,
// and on several threads, where the value comes long after a sample of plain numbers.
TEST_F(CsvReaderTest, NumbersWithLeadingZerosAreTextWithANote) {
  std::string text = "zip,n,x,code\n";
  for (int r = 1; r <= 6000; ++r) {
    text += (r == 5000 ? std::string("02134") : std::to_string(10000 + r)) + "," +
            std::to_string(r % 3 == 0 ? 0 : r) + "," + (r % 2 ? "0.5" : "-0.25") + "," +
            (r == 1 ? "007" : "12") + "\n";
  }
  const auto path = dir.write("zips.csv", text);
  for (const unsigned threads : {1U, 3U}) {
    for (const std::uint64_t sample_from : {std::uint64_t{0}, std::uint64_t{1}}) {
      CsvOptions options;
      options.threads = threads;
      options.chunk_bytes = 4096;
      options.sample_typing_min_bytes = sample_from;
      CsvReader reader(path, options);
      EXPECT_EQ(types_of(reader.schema()), (std::vector{kString, kInt64, kFloat64, kString}));
      const Rows rows = read_rows(reader);
      EXPECT_EQ(rows.at(4999).at(0), "02134");
      EXPECT_EQ(rows.at(0).at(3), "007");
      const ReadReport report = reader.report();
      const auto& notes = report.column("zip")->notes;
      ASSERT_EQ(notes.size(), 1U) << threads << " " << sample_from;
      EXPECT_TRUE(contains(notes[0],
                           "value '02134' on line 5001 is a number written as an "
                           "identifier (a leading zero"))
          << notes[0];
      EXPECT_TRUE(contains(notes[0], "column_types {\"zip\": \"int64\"}")) << notes[0];
      EXPECT_EQ(report.column("code")->notes.size(), 1U);
    }
  }
  CsvOptions forced;
  forced.column_types = {{"zip", ColumnType::kInt64}};
  CsvReader numbers(path, forced);
  EXPECT_EQ(read_rows(numbers).at(4999).at(0), "2134");
}

TEST_F(CsvReaderTest, ALoneZeroBeforeThePointIsNoLeadingZero) {
  CsvReader reader(dir.write("zeros.csv", "a,b,c,d,e\n0,0.5,-0,0e3,00\n-0,-0.75,+0,1,1\n"));
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kInt64, kFloat64, kInt64, kFloat64, kString}));
  // Text that starts with a zero but is no number is plain text: no identifier note (whose
  // column_types advice would null the column).
  CsvReader words(dir.write("words.csv", "a,b,c\n007 Bond,02/03/2024,01:30\n00-11,x,y\n"));
  for (const char* column : {"a", "b", "c"}) {
    const ReadReport report = words.report();
    EXPECT_TRUE(report.column(column)->notes.empty()) << report.column(column)->notes.at(0);
  }
}

// A phone number in international form keeps its '+' (pandas reads +15551234567 as an
// integer); a signed count of up to 7 digits stays a number.
TEST_F(CsvReaderTest, PlusAndEightOrMoreDigitsIsAPhoneNumberAndText) {
  for (const std::uint64_t sample_from : {std::uint64_t{0}, std::uint64_t{1}}) {
    CsvOptions options;
    options.sample_typing_min_bytes = sample_from;
    CsvReader reader(dir.write("phones.csv",
                               "phone,change,long\n+15551234567,+1234567,+12345678.5\n"
                               "+442071234567,-3,2\n"),
                     options);
    EXPECT_EQ(types_of(reader.schema()), (std::vector{kString, kInt64, kFloat64}));
    EXPECT_EQ(read_rows(reader),
              (Rows{{"+15551234567", "1234567", "12345678.5"}, {"+442071234567", "-3", "2"}}));
    EXPECT_TRUE(contains(reader.report().column("phone")->notes.at(0), "'+' and 8 or more"));
  }
}

// How a timestamp column was written is kept so that writers write it so again: dates alone,
// local times (no value has a UTC designator or offset), or UTC (one has); one value decides,
// on one thread or several (from a sample: csv_type_guess_test).
TEST_F(CsvReaderTest, TimestampColumnsKeepHowTheyWereWritten) {
  using enum TimestampText;
  std::string text = "day,at,late,offset\n";
  for (int r = 0; r < 6000; ++r) {
    const std::string day = "2024-0" + std::to_string(1 + r % 9) + "-1" + std::to_string(r % 10);
    text += day + "," + day + " 10:0" + std::to_string(r % 10) + "," +
            (r == 5000 ? day + "T12:00:00Z" : day) + "," +
            (r == 4000 ? day + "T12:00:00-05:00" : day + "T12:00:00") + "\n";
  }
  const auto path = dir.write("days.csv", text);
  for (const unsigned threads : {1U, 3U}) {
    CsvOptions options;
    options.threads = threads;
    options.chunk_bytes = 4096;
    options.sample_typing_min_bytes = 0;
    CsvReader reader(path, options);
    const ReadReport report = reader.report();
    EXPECT_EQ(report.column("day")->timestamp_text, kDate) << threads;
    EXPECT_EQ(report.column("at")->timestamp_text, kLocal);
    EXPECT_EQ(report.column("late")->timestamp_text, kUtc);
    EXPECT_EQ(report.column("offset")->timestamp_text, kUtc);
    // Its local times are taken as UTC, and a note says so (the first is on line 2).
    ASSERT_EQ(report.column("offset")->notes.size(), 1U);
    EXPECT_TRUE(contains(report.column("offset")->notes[0],
                         "times without a UTC offset (first on line 2) were taken as UTC"))
        << report.column("offset")->notes[0];
    EXPECT_TRUE(report.column("late")->notes.empty());  // (dates are no times of day)
  }
  CsvOptions forced;
  forced.column_types = {{"day", kTimestamp}};
  CsvReader typed(path, forced);
  EXPECT_EQ(typed.report().column("day")->timestamp_text, kUtc);  // (not classified)
}

TEST_F(CsvReaderTest, BoolNeedsTrueFalseSpellings) {
  CsvReader reader(dir.write("bool.csv", "a,b,c\ntrue,0,True\nFALSE,1,yes\n"));
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kBool, kInt64, kString}));
}

TEST_F(CsvReaderTest, TimestampsAcceptIsoVariantsAndOffsets) {
  CsvReader reader(dir.write("ts.csv",
                             "t\n1970-01-01\n1970-01-01T00:00:01Z\n1970-01-01 00:00:01.5\n"
                             "1970-01-01T01:00:00+01:00\n1970-01-01T00:00:00.1234567-00:30\n"));
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kTimestamp}));
  EXPECT_EQ(read_rows(reader), (Rows{{"0"}, {"1000000"}, {"1500000"}, {"0"}, {"1800123456"}}));
}

TEST_F(CsvReaderTest, ChunkSizeDoesNotChangeTheValues) {
  std::string text = "id,v,s\n";
  for (int i = 0; i < 200; ++i) {
    text += std::to_string(i) + "," + std::to_string(i * 0.25) + ",\"s" + std::to_string(i) +
            (i % 17 == 0 ? "\nmore\"" : "\"") + "\n";
    if (i % 13 == 0) text += "\n";
  }
  const auto path = dir.write("chunks.csv", text);
  CsvReader whole(path);
  std::size_t default_chunks = 0;
  const Rows expected = read_rows(whole, &default_chunks);
  ASSERT_EQ(expected.size(), 200U);
  EXPECT_EQ(default_chunks, 1U);
  for (const std::int64_t rows : {1, 7}) {
    CsvOptions options;
    options.chunk_rows = rows;
    CsvReader reader(path, options);
    std::size_t chunks = 0;
    EXPECT_EQ(read_rows(reader, &chunks), expected) << rows;
    EXPECT_EQ(chunks, static_cast<std::size_t>((200 + rows - 1) / rows));
  }
  CsvOptions by_bytes;
  by_bytes.chunk_bytes = 100;
  CsvReader small(path, by_bytes);
  EXPECT_EQ(read_rows(small), expected);
}

TEST_F(CsvReaderTest, ChunksCanBeParsedConcurrently) {
  std::string text = "a,b\n";
  for (int i = 0; i < 5000; ++i) text += std::to_string(i) + ",\"x" + std::to_string(i) + "\"\n";
  CsvOptions options;
  options.chunk_rows = 100;
  const auto path = dir.write("par.csv", text);
  CsvReader reader(path, options);
  ASSERT_EQ(reader.chunk_count(), 50U);
  std::vector<std::shared_ptr<const Chunk>> chunks(50);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = static_cast<std::size_t>(t); i < 50; i += 4)
        chunks[i] = reader.read_chunk(i);
    });
  }
  for (auto& thread : threads) thread.join();
  for (std::size_t i = 0; i < 50; ++i) {
    EXPECT_EQ(chunks[i]->sequence(), i);
    EXPECT_EQ(chunks[i]->column(0).int64_values()[0], static_cast<std::int64_t>(i * 100));
  }
  EXPECT_EQ(reader.report().rows_read, 5000U);
  EXPECT_EQ(reader.bytes_read(), *reader.total_bytes());
}

TEST_F(CsvReaderTest, DetectsTheDelimiter) {
  CsvReader semicolon(dir.write("semi.csv", "a;b\n1,5;2\n3,5;4\n"));
  EXPECT_EQ(semicolon.delimiter(), ';');
  EXPECT_EQ(read_rows(semicolon), (Rows{{"1,5", "2"}, {"3,5", "4"}}));
  CsvReader tab(dir.write("tab.txt", "a\tb\tc\n1\t2\t3\n"));
  EXPECT_EQ(tab.delimiter(), '\t');
  CsvReader pipe(dir.write("pipe.csv", "a|b\n1|2\n"));
  EXPECT_EQ(pipe.delimiter(), '|');
  CsvReader single(dir.write("single.csv", "only\n1\n2\n"));
  EXPECT_EQ(single.delimiter(), ',');
  EXPECT_EQ(single.schema().size(), 1U);
}

TEST_F(CsvReaderTest, UnterminatedQuoteNamesTheLineWhereItOpened) {
  const std::string error = error_of(dir.write("open.csv", "a,b\n1,2\n3,\"oops\n4,5\n6,7\n"));
  EXPECT_TRUE(contains(error, "open.csv:3:")) << error;
  EXPECT_TRUE(contains(error, "opened on line 3")) << error;
}

TEST_F(CsvReaderTest, AQuoteInTheMiddleOfAFieldIsAnErrorNotTwoLinesMerged) {
  // Two inch marks pair up by quote parity: without the check the lines between them were
  // read as one field, and the file as one row fewer, without a word.
  const std::string error =
      error_of(dir.write("inches.csv", "item,size\nTV,55\" screen\nPhone,6\" screen\n"));
  EXPECT_TRUE(contains(error, "inches.csv:2:")) << error;
  EXPECT_TRUE(contains(error, "in the middle of a field")) << error;
  EXPECT_TRUE(contains(error, "pass quote \"\"")) << error;
  // Past a 64-byte block boundary and on a later line, the line is still the quote's.
  const std::string late = error_of(dir.write(
      "late.csv", "a,b\n" + std::string(70, 'x') + ",1\n" + std::string(30, 'y') + ",2\"\n"));
  EXPECT_TRUE(contains(late, "late.csv:3:")) << late;
  // A stray quote at the last byte of a 64-byte block, its line break in the next block; and
  // a region that closes within its field across a block boundary.
  const std::string edge =
      error_of(dir.write("edge.csv", "a,b\n" + std::string(57, 'x') + ",1\"\n3,4\n"));
  EXPECT_TRUE(contains(edge, "edge.csv:2:")) << edge;
  CsvReader across(dir.write("across.csv", "a,b\n" + std::string(57, 'x') + ",=\"01\"\n3,4\n"));
  EXPECT_EQ(read_rows(across).size(), 2u);
  // On one line too, when the region takes in a delimiter.
  const std::string one_line = error_of(dir.write("one_line.csv", "a,b,c\n5\" x,7\" y,z\n"));
  EXPECT_TRUE(contains(one_line, "one_line.csv:2:")) << one_line;
  // A region that closes within its field swallows nothing: read as before, quotes and all.
  CsvReader excel(dir.write("excel.csv", "id,code\n1,=\"0123\"\n2,=\"0456\"\n"));
  EXPECT_EQ(read_rows(excel), (Rows{{"1", "=\"0123\""}, {"2", "=\"0456\""}}));
  // With quoting off the quotes are text.
  CsvOptions no_quotes;
  no_quotes.quote = '\0';
  CsvReader reader(dir.path() / "inches.csv", no_quotes);
  EXPECT_EQ(read_rows(reader), (Rows{{"TV", "55\" screen"}, {"Phone", "6\" screen"}}));
}

TEST_F(CsvReaderTest, QuotesThatOpenFieldsAreNotStray) {
  // At a line start, after the delimiter (also TAB), after blanks, a doubled quote inside a
  // quoted field, an empty quoted field, a quoted line break, and after CRLF.
  CsvReader reader(dir.write(
      "quotes.csv", "a,b,c\n\"x\",1, \"p,q\"\n\"say \"\"hi\"\"\",\"\",\"l1\nl2\"\r\n\"r\",2,3\n"));
  EXPECT_EQ(read_rows(reader),
            (Rows{{"x", "1", " \"p,q\""}, {"say \"hi\"", "∅", "l1\nl2"}, {"r", "2", "3"}}));
  CsvOptions tabs;
  tabs.delimiter = '\t';
  CsvReader tabbed(dir.write("quotes.tsv", "a\tb\n1\t\"t\"\n"), tabs);
  EXPECT_EQ(read_rows(tabbed), (Rows{{"1", "t"}}));
}

TEST_F(CsvReaderTest, EmptyAndDuplicateHeaderNamesAreMadeUniqueAndReported) {
  CsvReader reader(dir.write("names.csv", "a,,a,b,a\n1,2,3,4,5\n"));
  EXPECT_EQ(names_of(reader.schema()), (std::vector<std::string>{"a", "col_2", "a_2", "b", "a_3"}));
  EXPECT_EQ(reader.report().notes.size(), 3U);
}

TEST_F(CsvReaderTest, NoHeaderNamesColumnsByPosition) {
  CsvOptions options;
  options.header = false;
  CsvReader reader(dir.write("nohead.csv", "1,x\n2,y\n"), options);
  EXPECT_EQ(names_of(reader.schema()), (std::vector<std::string>{"col_1", "col_2"}));
  EXPECT_EQ(read_rows(reader), (Rows{{"1", "x"}, {"2", "y"}}));
}

TEST_F(CsvReaderTest, ForcedTypesCoerceMisfitsToNullWithExamples) {
  CsvOptions options;
  options.column_types = {{"n", kInt64}, {"when", kTimestamp}};
  CsvReader reader(dir.write("forced.csv", "n,when\n1,2024-01-01\nabc,never\n1.5,2024-02-30\n"),
                   options);
  EXPECT_EQ(read_rows(reader), (Rows{{"1", "1704067200000000"}, {"∅", "∅"}, {"∅", "∅"}}));
  const ReadReport report = reader.report();
  const ColumnReport* n = report.column("n");
  EXPECT_EQ(n->coerced_to_null, 2U);
  ASSERT_EQ(n->examples.size(), 2U);
  EXPECT_EQ(n->examples[0].row, 1);
  EXPECT_EQ(n->examples[0].line, 3U);
  EXPECT_EQ(n->examples[0].reason, "value 'abc' is not an integer");
  EXPECT_EQ(report.column("when")->coerced_to_null, 2U);
}

TEST_F(CsvReaderTest, ForcedTypeForAnUnknownColumnIsAnError) {
  CsvOptions options;
  options.column_types = {{"missing", kInt64}};
  EXPECT_TRUE(contains(error_of(dir.write("f.csv", "a\n1\n"), options), "'missing'"));
}

TEST_F(CsvReaderTest, LimitsAreEnforcedWithClearErrors) {
  const auto path = dir.write("limits.csv", "a,b,c\n1,2,3\n4,5,6\n7,8,\"long cell\"\n");
  CsvOptions columns;
  columns.limits.max_columns = 2;
  EXPECT_TRUE(contains(error_of(path, columns), "limits.max_columns"));
  CsvOptions rows;
  rows.limits.max_rows = 2;
  EXPECT_TRUE(contains(error_of(path, rows), "limits.max_rows"));
  CsvOptions cell;
  cell.limits.max_cell_bytes = 5;
  const std::string cell_error = error_of(path, cell);
  EXPECT_TRUE(contains(cell_error, "limits.max_cell_bytes")) << cell_error;
  EXPECT_TRUE(contains(cell_error, ":4:")) << cell_error;
  EXPECT_TRUE(contains(cell_error, "column 'c'")) << cell_error;
  CsvOptions file;
  file.limits.max_file_bytes = 10;
  EXPECT_TRUE(contains(error_of(path, file), "limits.max_file_mb"));  // the config key
}

TEST_F(CsvReaderTest, RecordsSpanningScanBuffersAreReadWhole) {
  // Larger than the 4 MiB scan buffer, with quoted line breaks throughout.
  std::string text = "k,v\n";
  std::string big(3000, 'z');
  int rows = 0;
  while (text.size() < (6U << 20)) {
    text += std::to_string(rows) + ",\"" + big + "\n" + std::to_string(rows) + "\"\n";
    ++rows;
  }
  CsvReader reader(dir.write("spans.csv", text));
  const Rows read = read_rows(reader);
  ASSERT_EQ(read.size(), static_cast<std::size_t>(rows));
  EXPECT_EQ(read.back()[1], big + "\n" + std::to_string(rows - 1));
}

TEST_F(CsvReaderTest, CancellationStopsTheInferencePass) {
  CsvOptions options;
  options.hooks.is_cancelled = [] { return true; };
  EXPECT_THROW(CsvReader(dir.write("c.csv", "a\n1\n"), options), Cancelled);
}

TEST_F(CsvReaderTest, ReportsProgressDuringInference) {
  std::uint64_t last = 0;
  CsvOptions options;
  options.hooks.on_scan_progress = [&](std::uint64_t done, std::uint64_t total) {
    EXPECT_LE(done, total);
    last = done;
  };
  CsvReader reader(dir.write("p.csv", "a\n1\n2\n"), options);
  EXPECT_EQ(last, 6U);  // the file size
}

}  // namespace
}  // namespace quarry::io

namespace quarry::io {
namespace {

//! A file that exercises every layout rule at scale: quoted fields with delimiters, doubled
//! quotes and line breaks (so some segment guesses its first record wrong), CRLF rows, short
//! rows, "NA" nulls, a forced column with bad values and a type change on the last row.
std::string awkward_rows(std::size_t rows) {
  std::mt19937_64 random(7);
  std::string out = "id,amount,note,code,late\n";
  for (std::size_t r = 0; r < rows; ++r) {
    out += std::to_string(r) + ",";
    out += random() % 10 == 0 ? "NA" : std::to_string(static_cast<double>(random() % 10000) / 8);
    out += ",\"line one, with comma\nline \"\"two\"\"\n" + std::string(random() % 200, 'x') + "\",";
    out += random() % 97 == 0 ? "bad" : std::to_string(random() % 50);
    if (random() % 211 == 0) {
      out += "\n";  // a short row: no `late` field
      continue;
    }
    out += ",";
    out += r + 1 == rows ? "2.5" : std::to_string(random() % 3);
    out += random() % 2 == 0 ? "\r\n" : "\n";
  }
  return out;
}

struct WholeRead {
  std::vector<ColumnType> types;
  Rows rows;
  ReadReport report;
};

WholeRead read_whole(const std::filesystem::path& path, CsvOptions options) {
  CsvReader reader(path, std::move(options));
  WholeRead out{types_of(reader.schema()), read_rows(reader), {}};
  out.report = reader.report();
  return out;
}

TEST_F(CsvReaderTest, InferenceOnSeveralThreadsReadsExactlyWhatOneThreadReads) {
  const auto path = dir.write("awkward.csv", awkward_rows(4000));
  CsvOptions options;
  options.chunk_bytes = 4096;  // segments of at least 64 KiB: about ten of them
  options.on_ragged_row = RaggedRowPolicy::kPadOrTruncate;
  options.column_types = {{"code", kInt64}};
  const WholeRead serial = read_whole(path, options);
  options.threads = 3;
  const WholeRead parallel = read_whole(path, options);
  EXPECT_EQ(serial.types, (std::vector{kInt64, kFloat64, kString, kInt64, kFloat64}));
  EXPECT_EQ(parallel.types, serial.types);
  EXPECT_EQ(parallel.rows.size(), 4000u);
  EXPECT_EQ(parallel.rows, serial.rows);
  EXPECT_EQ(parallel.report.notes, serial.report.notes);
  EXPECT_GT(serial.report.rows_padded_or_truncated, 5u);
  EXPECT_EQ(parallel.report.rows_padded_or_truncated, serial.report.rows_padded_or_truncated);
  const ColumnReport* serial_code = serial.report.column("code");
  const ColumnReport* parallel_code = parallel.report.column("code");
  ASSERT_TRUE(serial_code != nullptr && parallel_code != nullptr);
  EXPECT_GT(serial_code->coerced_to_null, 0u);
  EXPECT_EQ(parallel_code->coerced_to_null, serial_code->coerced_to_null);
  ASSERT_EQ(parallel_code->examples.size(), serial_code->examples.size());
  for (std::size_t i = 0; i < serial_code->examples.size(); ++i) {
    EXPECT_EQ(parallel_code->examples[i].row, serial_code->examples[i].row);
    EXPECT_EQ(parallel_code->examples[i].line, serial_code->examples[i].line);  // line numbers
  }
}

TEST_F(CsvReaderTest, InferenceOnSeveralThreadsMatchesOneThreadWhateverTheOptions) {
  const std::string rows = awkward_rows(3000);
  const auto with_bom = dir.write("bom.csv", "\xEF\xBB\xBF" + rows);
  const auto headerless = dir.write("headerless.csv", rows.substr(rows.find('\n') + 1));
  struct Variant {
    std::filesystem::path path;
    bool header;
    RaggedRowPolicy policy;
    std::vector<std::string> only;
  };
  const std::vector<Variant> variants = {
      {with_bom, true, RaggedRowPolicy::kSkip, {}},
      {headerless, false, RaggedRowPolicy::kPadOrTruncate, {}},
      {with_bom, true, RaggedRowPolicy::kPadOrTruncate, {"late", "note"}},
  };
  for (const Variant& variant : variants) {
    SCOPED_TRACE(variant.path.filename().string() + (variant.header ? " header" : " no header"));
    CsvOptions options;
    options.chunk_bytes = 2048;
    options.header = variant.header;
    options.on_ragged_row = variant.policy;
    options.only_columns = variant.only;
    const WholeRead serial = read_whole(variant.path, options);
    options.threads = 2;
    const WholeRead parallel = read_whole(variant.path, options);
    EXPECT_GT(serial.rows.size(), 2900u);
    EXPECT_EQ(parallel.types, serial.types);
    EXPECT_EQ(parallel.rows, serial.rows);
    EXPECT_EQ(parallel.report.notes, serial.report.notes);
    EXPECT_EQ(parallel.report.malformed_rows_skipped, serial.report.malformed_rows_skipped);
  }
}

//! A random file: quoted fields full of delimiters, quotes and line breaks (LF and CRLF),
//! blank lines, NA and empty fields, numbers of every shape, short and long rows.
std::string random_csv(std::uint64_t seed, std::size_t rows) {
  std::mt19937_64 random(seed);
  auto pick = [&](std::size_t n) { return static_cast<std::size_t>(random() % n); };
  const char* pieces[] = {"a", ",", "\"\"", "\n", "\r\n", " ", "x y", "12", "-3.5e2"};
  std::string out = "c1,c2,c3,c4\n";
  for (std::size_t r = 0; r < rows; ++r) {
    if (pick(50) == 0) out += pick(2) == 0 ? "\n" : "\r\n";  // a blank line
    const std::size_t fields = pick(40) == 0 ? 1 + pick(6) : 4;
    for (std::size_t f = 0; f < fields; ++f) {
      if (f != 0) out += ',';
      switch (pick(6)) {
        case 0:
          out += std::to_string(static_cast<std::int64_t>(random() % 2000) - 1000);
          break;
        case 1:
          out += std::to_string(static_cast<double>(random() % 100000) / 64);
          break;
        case 2:
          out += pick(2) == 0 ? "NA" : "";
          break;
        case 3: {
          out += '"';
          for (std::size_t k = pick(12); k > 0; --k) out += pieces[pick(std::size(pieces))];
          out += '"';
          break;
        }
        default:
          out += "w" + std::to_string(pick(1000));
          break;
      }
    }
    out += pick(3) == 0 ? "\r\n" : "\n";
  }
  return out;
}

TEST_F(CsvReaderTest, InferenceOnSeveralThreadsMatchesOneThreadOnRandomFiles) {
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::string text = random_csv(seed, 6000);
    if (seed % 4 == 0) text.insert(text.size() * 3 / 4, "\"");  // an unterminated quote
    const auto path = dir.write("random.csv", text);
    CsvOptions options;
    options.chunk_bytes = 1024;
    options.on_ragged_row =
        seed % 2 == 0 ? RaggedRowPolicy::kPadOrTruncate : RaggedRowPolicy::kSkip;
    std::string serial_error;
    WholeRead serial;
    try {
      serial = read_whole(path, options);
    } catch (const InputError& error) {
      serial_error = error.what();
    }
    options.threads = 3;
    if (!serial_error.empty()) {
      EXPECT_EQ(error_of(path, options), serial_error);
      continue;
    }
    const WholeRead parallel = read_whole(path, options);
    EXPECT_GT(serial.rows.size(), 5000u);
    EXPECT_EQ(parallel.types, serial.types);
    EXPECT_EQ(parallel.rows, serial.rows);
    EXPECT_EQ(parallel.report.notes, serial.report.notes);
    EXPECT_EQ(parallel.report.malformed_rows_skipped, serial.report.malformed_rows_skipped);
    EXPECT_EQ(parallel.report.rows_padded_or_truncated, serial.report.rows_padded_or_truncated);
  }
}

TEST_F(CsvReaderTest, InferenceOnSeveralThreadsReportsTheFirstProblemLikeOneThread) {
  std::string text = awkward_rows(3000);
  text += "1,2,\"x\",3\n";  // short, and the policy is to refuse
  const auto path = dir.write("ragged_late.csv", text);
  CsvOptions options;
  options.chunk_bytes = 4096;
  options.on_ragged_row = RaggedRowPolicy::kError;
  const std::string serial = error_of(path, options);
  options.threads = 2;
  EXPECT_EQ(error_of(path, options), serial);
  EXPECT_TRUE(contains(serial, "the row has 4 fields, expected 5")) << serial;
}

TEST_F(CsvReaderTest, OnlyColumnsReadsJustThoseInFileOrder) {
  const auto path = dir.write("wide.csv",
                              "a,b,c,d\n"
                              "1,x,2024-01-31,1.5\n"
                              "2,y,not a date,2.5\n");
  CsvOptions options;
  options.only_columns = {"d", "a"};
  CsvReader reader(path, options);
  EXPECT_EQ(names_of(reader.schema()), (std::vector<std::string>{"a", "d"}));
  EXPECT_EQ(types_of(reader.schema()), (std::vector{kInt64, kFloat64}));
  EXPECT_EQ(read_rows(reader), (Rows{{"1", "1.5"}, {"2", "2.5"}}));
  EXPECT_EQ(reader.report().columns.size(), 2u);
  EXPECT_TRUE(reader.report().notes.empty());
  EXPECT_EQ(reader.report().projection,
            "read 2 of the 4 columns (those the tools use); the others were not typed or parsed");
}

TEST_F(CsvReaderTest, OnlyColumnsStillChecksEveryRecordsShape) {
  const auto path = dir.write("short.csv", "a,b,c\n1,2,3\n4,5\n");
  CsvOptions options;
  options.only_columns = {"a"};
  EXPECT_TRUE(contains(error_of(path, options), "the row has 2 fields, expected 3"));
}

TEST_F(CsvReaderTest, OnlyColumnsNamingAnUnknownColumnReadsEveryColumn) {
  const auto path = dir.write("abc.csv", "a,b,c\n1,2,3\n");
  CsvOptions options;
  options.only_columns = {"a", "zz"};
  CsvReader reader(path, options);
  EXPECT_EQ(names_of(reader.schema()), (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace quarry::io
