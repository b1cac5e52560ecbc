// Cutting text content to a byte budget (pipeline/detail/text_cut.hpp): sizes as JSON writes
// them, cuts at the end of a line, and a budget shared among blocks, the largest cut first.

#include "pipeline/detail/text_cut.hpp"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

namespace quarry::pipeline::detail {
namespace {

std::size_t dumped_size(const std::string& text) {
  return nlohmann::json(text).dump().size() - 2;  // without the quotes
}

TEST(TextCut, JsonStringSizeIsWhatDumpWrites) {
  for (const std::string text :
       {"plain", "tab\tnew\nline", "quote \" and \\", "\x01\x1f", "caf\xc3\xa9 \xe2\x86\x92"}) {
    EXPECT_EQ(json_string_size(text), dumped_size(text)) << text;
  }
}

TEST(TextCut, CutsAfterTheLastWholeLineThatFits) {
  const std::string text = "first\nsecond\nthird\nfourth";
  const auto cut = cut_at_line(text, json_string_size("first\nsecond\nthi"));
  EXPECT_EQ(cut.kept, "first\nsecond\n");
  EXPECT_EQ(cut.lines_cut, 2u);
  EXPECT_EQ(cut.bytes_cut, std::string("third\nfourth").size());
}

TEST(TextCut, ATextThatFitsIsKeptWhole) {
  const auto cut = cut_at_line("a\nb\n", 100);
  EXPECT_EQ(cut.kept, "a\nb\n");
  EXPECT_EQ(cut.lines_cut, 0u);
  EXPECT_EQ(cut.bytes_cut, 0u);
}

TEST(TextCut, AFirstLineLongerThanTheBudgetIsCutBetweenCharacters) {
  const std::string text = "\xe2\x86\x92\xe2\x86\x92\xe2\x86\x92 long line\nnext";  // →→→
  const auto cut = cut_at_line(text, 4);
  EXPECT_EQ(cut.kept, "\xe2\x86\x92");
  EXPECT_EQ(cut.lines_cut, 2u);
}

TEST(TextCut, TheBudgetIsSharedTheLargestBlocksCutToACommonCap) {
  EXPECT_EQ(share_budget({10, 500, 300}, 410), (std::vector<std::size_t>{10, 200, 200}));
  EXPECT_EQ(share_budget({10, 500, 100}, 410), (std::vector<std::size_t>{10, 300, 100}));
  EXPECT_EQ(share_budget({10, 20}, 1000), (std::vector<std::size_t>{10, 20}));
  EXPECT_TRUE(share_budget({}, 10).empty());
}

}  // namespace
}  // namespace quarry::pipeline::detail
