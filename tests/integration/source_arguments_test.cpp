// The arguments every data tool accepts for reading its input (pipeline/source_arguments.cpp),
// through the real binary over MCP: what the reader's error messages tell users to pass is an
// argument the tools accept, and passing it reads the file. Expected values are the rows the
// test writes.

#include "mcp_process.hpp"

#include <fstream>

#include <gtest/gtest.h>

namespace quarry::testing {
namespace {

using nlohmann::json;

const std::string kPlugins = QUARRY_TEST_BINARY_DIR "/plugins";

class SourceArgumentsTest : public ::testing::Test {
 protected:
  void write(const std::string& name, const std::string& text) {
    std::ofstream(data_.path() / name) << text;
  }

  std::unique_ptr<McpProcess> serve() {
    return serve_with_plugins(kPlugins, data_.path(), out_.path(), home_.path());
  }

  static json call(McpProcess& server, const std::string& tool, const json& arguments) {
    return server.request("tools/call", {{"name", tool}, {"arguments", arguments}})["result"];
  }

  static std::string text_of(const json& result) { return result["content"][0]["text"]; }

  TempDir data_;
  TempDir out_;
  TempDir home_;
};

TEST_F(SourceArgumentsTest, StrayQuotesReadAsTextWithTheQuoteTheErrorNames) {
  // Inch marks: quotes in the middle of unquoted fields.
  write("screens.csv", "item,size\nTV,55\" screen\nPhone,6\" screen\nWatch,2\" face\n");
  auto server = serve();
  const json failed = call(*server, "stats_describe", {{"path", "screens.csv"}});
  EXPECT_TRUE(failed.value("isError", false)) << failed.dump();
  EXPECT_NE(text_of(failed).find("screens.csv:2: a quote"), std::string::npos) << text_of(failed);
  EXPECT_NE(text_of(failed).find("pass quote \"\""), std::string::npos) << text_of(failed);

  // A typographic quote is one character to the schema but three bytes to the reader.
  const json curly =
      call(*server, "stats_describe", {{"path", "screens.csv"}, {"quote", "\u201c"}});
  EXPECT_TRUE(curly.value("isError", false)) << curly.dump();
  EXPECT_NE(text_of(curly).find("is not a single-byte character"), std::string::npos)
      << text_of(curly);

  const json read = call(*server, "stats_describe",
                         {{"path", "screens.csv"}, {"quote", ""}, {"columns", {"size"}}});
  ASSERT_FALSE(read.value("isError", false)) << read.dump();
  const json& size = read["structuredContent"]["columns"][0];
  EXPECT_EQ(size["count"], 3);
  EXPECT_EQ(size["distinct"], 3);
  EXPECT_EQ(size["max_length"], 10);  // 55" screen
}

TEST_F(SourceArgumentsTest, EuropeanNumbersReadWithDecimalCommaAndTheFilesNullSpellings) {
  write(
      "preise.csv",
      "ort;preis;menge\nBerlin;12,5;3\nM\u00fcnchen;-1234,75;4\nHamburg;-;5\nK\u00f6ln;0,001;n/a\n"
      "Bonn;7,25;7\n");
  auto server = serve();
  const json as_text = call(*server, "stats_describe", {{"path", "preise.csv"}});
  ASSERT_FALSE(as_text.value("isError", false)) << as_text.dump();
  EXPECT_EQ(as_text["structuredContent"]["columns"].size(), 3U);  // ';' found, preis is text

  const json read = call(*server, "stats_describe",
                         {{"path", "preise.csv"},
                          {"decimal", ","},
                          {"null_values", {"-", "n/a"}},
                          {"columns", {"preis", "menge"}}});
  ASSERT_FALSE(read.value("isError", false)) << read.dump();
  // pandas 1.5: read_csv(sep=";", decimal=",", na_values=["-", "n/a"],
  // keep_default_na=False) gives preis mean -303.74975, std 620.687987236945, count 4;
  // menge mean 4.75, count 4.
  const json& preis = read["structuredContent"]["columns"][0];
  EXPECT_EQ(preis["name"], "preis");
  EXPECT_EQ(preis["count"], 4);
  EXPECT_EQ(preis["null_count"], 1);
  EXPECT_NEAR(preis["mean"].get<double>(), -303.74975, 1e-9);
  EXPECT_NEAR(preis["std"].get<double>(), 620.687987236945, 1e-9);
  const json& menge = read["structuredContent"]["columns"][1];
  EXPECT_EQ(menge["count"], 4);
  EXPECT_NEAR(menge["mean"].get<double>(), 4.75, 1e-12);

  const json clash = call(*server, "stats_describe",
                          {{"path", "preise.csv"}, {"decimal", ","}, {"delimiter", ","}});
  EXPECT_TRUE(clash.value("isError", false)) << clash.dump();
  EXPECT_NE(text_of(clash).find("also the decimal separator"), std::string::npos) << text_of(clash);
}

TEST_F(SourceArgumentsTest, DecimalCommaNumbersReadWithTheDefaultPointCarryAHintInTheText) {
  write("preise.csv", "artikel;preis\nBrot;2,49\nMilch;1,19\n");
  auto server = serve();
  const json result = call(*server, "stats_describe", {{"path", "preise.csv"}});
  ASSERT_FALSE(result.value("isError", false)) << result.dump();
  const std::string text = result["content"].back()["text"];
  EXPECT_NE(text.find("column 'preis': every value looks like a number written with a decimal "
                      "comma (first on line 2)"),
            std::string::npos)
      << text;
  const json read = call(*server, "stats_describe", {{"path", "preise.csv"}, {"decimal", ","}});
  // (2.49 + 1.19) / 2, the numbers of the file read with decimal ","
  EXPECT_NEAR(read["structuredContent"]["columns"][1].value("mean", 0.0), 1.84, 1e-12)
      << read.dump();
}

TEST_F(SourceArgumentsTest, RaggedRowsReadWithTheOnBadRowsTheErrorNames) {
  write("ragged.csv", "x,y\n1,2\n3\n4,5\n");
  auto server = serve();
  const json failed = call(*server, "stats_describe", {{"path", "ragged.csv"}});
  EXPECT_TRUE(failed.value("isError", false)) << failed.dump();
  EXPECT_NE(text_of(failed).find("pass on_bad_rows \"skip\""), std::string::npos)
      << text_of(failed);
  const json skipped =
      call(*server, "stats_describe", {{"path", "ragged.csv"}, {"on_bad_rows", "skip"}});
  ASSERT_FALSE(skipped.value("isError", false)) << skipped.dump();
  EXPECT_EQ(skipped["structuredContent"]["columns"][0]["count"], 2);  // x: 1 and 4
  // A client that shows the model only the text still learns that a row was dropped.
  const json& last_text = skipped["content"].back();
  EXPECT_NE(last_text["text"].get<std::string>().find("Input notes:\n- 1 malformed row skipped"),
            std::string::npos)
      << skipped.dump();
  const json padded =
      call(*server, "stats_describe", {{"path", "ragged.csv"}, {"on_bad_rows", "pad"}});
  ASSERT_FALSE(padded.value("isError", false)) << padded.dump();
  EXPECT_EQ(padded["structuredContent"]["columns"][0]["count"], 3);       // x: 1, 3, 4
  EXPECT_EQ(padded["structuredContent"]["columns"][1]["null_count"], 1);  // y of the short row
}

// "Unicode text" from a spreadsheet (UTF-16LE with a byte-order mark, TAB-separated) is read
// through a UTF-8 copy, which is gone once the call is answered; the input notes say so.
TEST_F(SourceArgumentsTest, Utf16SpreadsheetTextIsReadThroughACopy) {
  const std::u16string text = u"city\tvalue\nM\u00FCnchen\t1.5\nK\u00F6ln\t2.5\n";
  std::string bytes = "\xFF\xFE";
  for (const char16_t unit : text) {
    bytes += static_cast<char>(unit & 0xFF);
    bytes += static_cast<char>(unit >> 8);
  }
  write("export.txt", bytes);
  auto server = serve();
  const json read = call(*server, "stats_describe", {{"path", "export.txt"}});
  ASSERT_FALSE(read.value("isError", false)) << read.dump();
  const json& columns = read["structuredContent"]["columns"];
  EXPECT_EQ(columns[0]["name"], "city");
  EXPECT_EQ(columns[0]["max_length"], 7);  // München
  EXPECT_EQ(columns[1]["mean"], 2.0);
  EXPECT_NE(read.dump().find("UTF-16LE text; it was read from a UTF-8 copy"), std::string::npos)
      << read.dump();
  std::size_t left = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(home_.path())) {
    left += entry.path().filename().string().starts_with("quarry-utf8-") ? 1 : 0;
  }
  EXPECT_EQ(left, 0U);
}

// An argument the input's format does not read is refused, naming the format the file is read
// as and the fix, instead of being ignored as if it had applied.
TEST_F(SourceArgumentsTest, ArgumentsOfAnotherFormatAreRefusedNotIgnored) {
  write("events.jsonl", "{\"x\": 1}\n{\"x\": 2}\n");
  write("semi.txt", "x;y\n1;2\n3;4\n");
  auto server = serve();
  const json delimiter =
      call(*server, "stats_describe", {{"path", "events.jsonl"}, {"delimiter", ";"}});
  EXPECT_TRUE(delimiter.value("isError", false)) << delimiter.dump();
  EXPECT_NE(text_of(delimiter).find("delimiter applies to CSV input, but events.jsonl is read as "
                                    "JSON Lines"),
            std::string::npos)
      << text_of(delimiter);
  const json table = call(*server, "stats_describe", {{"path", "semi.txt"}, {"table", "t"}});
  EXPECT_TRUE(table.value("isError", false)) << table.dump();
  EXPECT_NE(text_of(table).find("table applies to SQLite input"), std::string::npos)
      << text_of(table);
  // The arguments of the file's own format still read it.
  const json read = call(*server, "stats_describe", {{"path", "semi.txt"}, {"delimiter", ";"}});
  ASSERT_FALSE(read.value("isError", false)) << read.dump();
  EXPECT_EQ(read["structuredContent"]["columns"].size(), 2U);
  const json jsonl = call(*server, "stats_describe", {{"path", "events.jsonl"}});
  ASSERT_FALSE(jsonl.value("isError", false)) << jsonl.dump();
  EXPECT_EQ(jsonl["structuredContent"]["columns"][0]["count"], 2);
}

TEST_F(SourceArgumentsTest, AFileAToolWroteIsTheNextCallsInputByItsRelativePath) {
  write("dups.csv", "k,v\n1,10\n1,10\n2,20\n");
  auto server = serve();
  const json written =
      call(*server, "clean_dedup", {{"path", "dups.csv"}, {"output", {{"path", "w/dedup.csv"}}}});
  ASSERT_FALSE(written.value("isError", false)) << written.dump();
  const json read = call(*server, "stats_describe", {{"path", "w/dedup.csv"}, {"columns", {"v"}}});
  ASSERT_FALSE(read.value("isError", false)) << read.dump();
  EXPECT_EQ(read["structuredContent"]["columns"][0]["count"], 2);

  const json missing = call(*server, "stats_describe", {{"path", "w/nothing.csv"}});
  EXPECT_TRUE(missing.value("isError", false)) << missing.dump();
  EXPECT_NE(text_of(missing).find((out_.path() / "w/nothing.csv").string()), std::string::npos)
      << text_of(missing);
}

}  // namespace
}  // namespace quarry::testing
