//! Unit tests for quarry/sdk/text_table.hpp.

#include "quarry/sdk/text_table.hpp"

#include <gtest/gtest.h>

namespace {

TEST(TextTable, AlignsTheFirstColumnLeftAndTheOthersRight) {
  EXPECT_EQ(
      quarry::sdk::text_table({"name", "n", "mean"}, {{"alpha", "3", "1.5"}, {"b", "12", "-0.25"}}),
      "name    n   mean\n"
      "alpha   3    1.5\n"
      "b      12  -0.25\n");
}

TEST(TextTable, PadsShortRowsAndDropsCellsPastTheHeaderWithoutTrailingSpaces) {
  EXPECT_EQ(quarry::sdk::text_table({"key", "value"}, {{"a"}, {"b", "2", "ignored"}}),
            "key  value\n"
            "a\n"
            "b        2\n");
}

// A value holding a line break (a quoted CSV field, a label) would start a new row.
TEST(TextTable, LineBreaksAndTabsInCellsAreShownEscapedOnOneLine) {
  EXPECT_EQ(quarry::sdk::text_table({"label", "n"}, {{"two\nlines", "1"}, {"a\tb\r", "2"}}),
            "label       n\n"
            "two\\nlines  1\n"
            "a\\tb\\r      2\n");
  EXPECT_EQ(quarry::sdk::one_line("plain"), "plain");
}

TEST(TextTable, HeaderAloneWhenThereAreNoRows) {
  EXPECT_EQ(quarry::sdk::text_table({"x", "y"}, {}), "x  y\n");
}

}  // namespace
