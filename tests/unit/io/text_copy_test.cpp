//! Unit tests for io/detail/text_copy.hpp and open_source's reading of UTF-16 and UTF-32 text
//! files ("Unicode text" as spreadsheets save it) and of files whose lines end with a bare CR
//! through a UTF-8 copy. Expected texts are the characters the test encodes (the Unicode code
//! charts define the encodings).

#include "io/detail/text_copy.hpp"
#include "quarry/io/error.hpp"
#include "quarry/io/open_source.hpp"

#include "table_text.hpp"
#include "test_files.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace quarry::io {
namespace {

using testing::read_rows;
using testing::TempDir;
using Rows = std::vector<std::vector<std::string>>;

//! `text` as UTF-16 code units (surrogate pairs for characters beyond U+FFFF), in bytes.
std::string utf16(const std::u32string& text, bool little_endian) {
  std::vector<char16_t> units;
  for (const char32_t cp : text) {
    if (cp >= 0x10000) {
      units.push_back(static_cast<char16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      units.push_back(static_cast<char16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      units.push_back(static_cast<char16_t>(cp));
    }
  }
  std::string bytes;
  for (const char16_t unit : units) {
    const char high = static_cast<char>(unit >> 8);
    const char low = static_cast<char>(unit & 0xFF);
    bytes += little_endian ? std::string{low, high} : std::string{high, low};
  }
  return bytes;
}

std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

class TextCopyTest : public ::testing::Test {
 protected:
  TempDir dir;
  TempDir scratch;

  SourceOptions with_scratch() const {
    SourceOptions options;
    options.scratch_directory = scratch.path();
    return options;
  }
};

// The copy holds the same characters in UTF-8, a character beyond the BMP (a surrogate pair)
// included, without the byte-order mark; broken units become U+FFFD and are counted.
TEST_F(TextCopyTest, CopiesKeepEveryCharacterAndReplaceBrokenUnits) {
  const std::u32string text = U"name\tnote\nZ\u00FCrich\t\u20AC 5 \U0001F600\n";
  const std::string utf8 = "name\tnote\nZ\u00FCrich\t\u20AC 5 \U0001F600\n";
  for (const bool little : {true, false}) {
    const std::string bom = little ? "\xFF\xFE" : "\xFE\xFF";
    const auto path = dir.write("u16.txt", bom + utf16(text, little));
    const detail::TextCopy copy =
        detail::copy_as_utf8(path, little ? "UTF-16LE" : "UTF-16BE", scratch.path());
    EXPECT_EQ(file_text(copy.path), utf8);
    EXPECT_EQ(copy.replaced, 0U);
  }
  // A lone low surrogate, a high one followed by a letter, and an odd byte at the end.
  const std::string broken = utf16(U"a", true) + std::string("\x00\xDC", 2) +
                             std::string("\x00\xD8", 2) + utf16(U"b", true) + "\x41";
  const detail::TextCopy copy =
      detail::copy_as_utf8(dir.write("broken.txt", broken), "UTF-16LE", scratch.path());
  EXPECT_EQ(file_text(copy.path), "a\uFFFD\uFFFDb\uFFFD");
  EXPECT_EQ(copy.replaced, 3U);
  // UTF-32LE with its mark.
  std::string utf32 = std::string("\xFF\xFE\0\0", 4);
  for (const char32_t cp : std::u32string(U"x\U0001F600")) {
    for (int i = 0; i < 4; ++i) utf32 += static_cast<char>((cp >> (8 * i)) & 0xFF);
  }
  EXPECT_EQ(
      file_text(detail::copy_as_utf8(dir.write("u32.txt", utf32), "UTF-32LE", scratch.path()).path),
      "x\U0001F600");
}

// With a scratch directory, open_source reads a UTF-16 TSV (as Excel saves "Unicode text")
// like its UTF-8 twin, says so in the report, names the original file in messages and leaves
// no copy behind; without one the file is refused as before.
TEST_F(TextCopyTest, OpenSourceReadsWideTextThroughACopyItRemoves) {
  const std::u32string text = U"city\tvalue\nM\u00FCnchen\t1.5\nK\u00F6ln\t2.5\n";
  const auto path = dir.write("export.txt", "\xFF\xFE" + utf16(text, true));
  auto source = open_source(path, with_scratch());
  EXPECT_EQ(read_rows(*source), (Rows{{"M\u00FCnchen", "1.5"}, {"K\u00F6ln", "2.5"}}));
  EXPECT_EQ(source->report().notes.front(),
            "the file is UTF-16LE text; it was read from a UTF-8 copy");
  EXPECT_TRUE(std::filesystem::is_empty(scratch.path()));
  source->rewind();  // a second pass reads the copy the reader still holds open
  EXPECT_EQ(read_rows(*source).size(), 2U);
  // A single-byte encoding asked for a file whose byte order mark says UTF-16 is not applied
  // to the UTF-8 copy (it read "MÃ¼nchen"), and the note says so.
  SourceOptions windows = with_scratch();
  windows.csv.encoding = TextEncoding::kWindows1252;
  auto told = open_source(path, windows);
  EXPECT_EQ(read_rows(*told), (Rows{{"M\u00FCnchen", "1.5"}, {"K\u00F6ln", "2.5"}}));
  EXPECT_NE(told->report().notes.front().find(
                "the encoding argument \"windows-1252\" was not applied, as the file says it is "
                "UTF-16LE"),
            std::string::npos)
      << told->report().notes.front();

  const auto ragged = dir.write("ragged.txt", "\xFF\xFE" + utf16(U"a\tb\n1\t2\n3\n", true));
  try {
    auto bad = open_source(ragged, with_scratch());
    (void)read_rows(*bad);
    FAIL() << "a ragged row should fail";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find(ragged.string() + ":3"), std::string::npos)
        << error.what();
  }
  EXPECT_THROW((void)open_source(path), InputError);  // no scratch directory
}

// Lines ending with a bare CR (classic Mac OS, Excel's "CSV (Macintosh)") are read like their
// LF twin: a CR inside a quoted field becomes a line break of the field, line numbers in
// messages are the original file's, and the note says what happened. CRLF and LF files are
// read in place.
TEST_F(TextCopyTest, OpenSourceReadsBareCrLinesThroughACopy) {
  const auto path = dir.write("mac.csv", "id,note\r1,\"two\rlines\"\r2,plain\r");
  auto source = open_source(path, with_scratch());
  EXPECT_EQ(read_rows(*source), (Rows{{"1", "two\nlines"}, {"2", "plain"}}));
  EXPECT_EQ(source->report().notes.front(),
            "the file's lines end with a bare CR (classic Mac line endings); it was read from a "
            "UTF-8 copy with LF line endings");
  EXPECT_TRUE(std::filesystem::is_empty(scratch.path()));

  const auto ragged = dir.write("ragged.csv", "a,b\r1,2\r3\r");
  try {
    auto bad = open_source(ragged, with_scratch());
    (void)read_rows(*bad);
    FAIL() << "a ragged row should fail";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find(ragged.string() + ":3"), std::string::npos)
        << error.what();
  }

  auto crlf = open_source(dir.write("dos.csv", "id,note\r\n1,x\r\n"), with_scratch());
  EXPECT_EQ(read_rows(*crlf), (Rows{{"1", "x"}}));
  EXPECT_TRUE(crlf->report().notes.empty());

  SourceOptions jsonl = with_scratch();
  auto lines = open_source(dir.write("mac.jsonl", "{\"a\": 1}\r{\"a\": 2}\r"), jsonl);
  EXPECT_EQ(read_rows(*lines), (Rows{{"1"}, {"2"}}));
  EXPECT_THROW((void)open_source(path), InputError);  // no scratch directory: refused
}

// A UTF-16 file with bare CR line breaks gets both conversions, and one note naming both.
TEST_F(TextCopyTest, WideTextWithBareCrLinesIsConvertedOnce) {
  const auto path = dir.write("mac16.txt", "\xFF\xFE" + utf16(U"k\tv\rA\t1\rB\t2\r", true));
  auto source = open_source(path, with_scratch());
  EXPECT_EQ(read_rows(*source), (Rows{{"A", "1"}, {"B", "2"}}));
  EXPECT_EQ(source->report().notes.front(),
            "the file is UTF-16LE text whose lines end with a bare CR (classic Mac line "
            "endings); it was read from a UTF-8 copy with LF line endings");
}

// A copy decides on CR line breaks from the head of the text alone; one CR is not enough.
TEST_F(TextCopyTest, OnlyCrLineBreaksNeedTwoCrsAndNoLf) {
  EXPECT_TRUE(detail::has_only_cr_line_breaks("a\rb\r"));
  EXPECT_FALSE(detail::has_only_cr_line_breaks("a\rb"));
  EXPECT_FALSE(detail::has_only_cr_line_breaks("a\rb\r\n"));
  const auto crlf = dir.write("crlf.csv", "a\r\nb\r\n");
  const detail::TextCopy copy = detail::copy_as_utf8(crlf, "", scratch.path());
  EXPECT_FALSE(copy.cr_line_breaks);
  EXPECT_EQ(file_text(copy.path), "a\r\nb\r\n");
}

// A .json file holding an array of records, pretty-printed as pandas' to_json(orient="records",
// indent=2) writes it, reads like the JSON Lines it holds; each record sits on the copy's line
// where it starts in the file, so a bad value is reported on the line an editor shows.
TEST_F(TextCopyTest, JsonArraysAreReadAsJsonLinesKeepingTheirLines) {
  const auto path = dir.write("rows.json",
                              "[\n"
                              "  {\n"
                              "    \"city\": \"Oslo [north]\",\n"
                              "    \"temp\": 3.5\n"
                              "  },\n"
                              "  {\"city\": \"Rome, \\\"the\\\" city\", \"temp\": 18},"
                              "{\"city\": \"Lima\", \"temp\": null}\n"
                              "]\n");
  auto source = open_source(path, with_scratch());
  EXPECT_EQ(read_rows(*source),
            (Rows{{"Oslo [north]", "3.5"}, {"Rome, \"the\" city", "18"}, {"Lima", "\u2205"}}));
  EXPECT_EQ(source->report().notes.front(),
            "the file is a JSON array of 3 records; it was read as JSON Lines from a copy");
  EXPECT_TRUE(std::filesystem::is_empty(scratch.path()));

  const detail::JsonLinesCopy copy =
      detail::copy_json_as_lines(path, scratch.path(), path.string());
  EXPECT_EQ(file_text(copy.path),
            "\n{\"city\":\"Oslo [north]\",\"temp\":3.5}\n\n\n\n"
            "{\"city\":\"Rome, \\\"the\\\" city\",\"temp\":18}\n"
            "{\"city\":\"Lima\",\"temp\":null}\n");

  const auto bad = dir.write("bad.json", "[\n  {\"a\": 1},\n  {\"a\": 2,},\n  {\"a\": 3}\n]");
  try {
    (void)read_rows(*open_source(bad, with_scratch()));
    FAIL() << "a record with a trailing comma should fail";
  } catch (const InputError& error) {
    EXPECT_EQ(error.where().line, 3U) << error.what();
  }
}

// Objects one after another (JSON Lines saved as .json, or pretty-printed) are records too; an
// empty array has none.
TEST_F(TextCopyTest, JsonValuesOneAfterAnotherAreRecords) {
  auto source =
      open_source(dir.write("stream.json", "{\"a\": 1}\n{\n \"a\": 2\n}\n"), with_scratch());
  EXPECT_EQ(read_rows(*source), (Rows{{"1"}, {"2"}}));
  EXPECT_EQ(source->report().notes.front(),
            "the file holds 2 JSON values one after another; it was read as JSON Lines from a "
            "copy");
  try {
    (void)open_source(dir.write("empty.json", " [ ] "), with_scratch());
    FAIL() << "an empty array has no records";
  } catch (const InputError& error) {
    EXPECT_NE(std::string(error.what()).find("an empty JSON array ([]): it has no records"),
              std::string::npos)
        << error.what();
  }
  EXPECT_TRUE(std::filesystem::is_empty(scratch.path()));
}

// What is not an array of records is refused naming the line and the fix; pandas' default
// to_json layout (orient="columns") is recognised and the orient that works is named.
TEST_F(TextCopyTest, JsonThatIsNotRecordsIsRefusedWithTheFix) {
  const auto message = [&](const std::string& name, const std::string& text) {
    try {
      (void)read_rows(*open_source(dir.write(name, text), with_scratch()));
    } catch (const InputError& error) {
      EXPECT_TRUE(std::filesystem::is_empty(scratch.path()));
      return std::string(error.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message("columns.json", "{\"a\": {\"0\": 1, \"1\": 2}, \"b\": {\"0\": 3}}")
                .find("orient=\"records\""),
            std::string::npos);
  EXPECT_NE(message("open.json", "[\n{\"a\": 1},\n{\"a\": 2}\n").find("open.json:4: "),
            std::string::npos);
  EXPECT_NE(message("after.json", "[{\"a\": 1}]\n[{\"a\": 2}]").find("after.json:2: text after"),
            std::string::npos);
  EXPECT_NE(message("csv.json", "a,b\n1,2\n").find("does not start with a JSON array"),
            std::string::npos);
  EXPECT_NE(message("comma.json", "[{\"a\": 1} {\"a\": 2}]").find("expected ',' or ']'"),
            std::string::npos);
  EXPECT_NE(message("unclosed.json", "[{\"a\": \"x}]").find("in a string"), std::string::npos);
}

}  // namespace
}  // namespace quarry::io
