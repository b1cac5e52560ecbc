//! Unit tests for input_notes_text() (quarry/pipeline/source_arguments.hpp): what a result's
//! text says about how the input was read.

#include "quarry/pipeline/source_arguments.hpp"

#include <gtest/gtest.h>

namespace quarry::pipeline {
namespace {

using nlohmann::json;

TEST(InputNotesText, NothingToSayIsEmpty) {
  EXPECT_EQ(input_notes_text({{"path", "a.csv"}, {"rows", 3}, {"columns", json::array()}}), "");
}

TEST(InputNotesText, SaysWhatWasSkippedRenamedCoercedAndHinted) {
  const json input = {
      {"path", "a.csv"},
      {"rows", 10},
      {"malformed_rows_skipped", 2},
      {"rows_padded_or_truncated", 1},
      {"notes", {"column 3 has an empty name; named 'col_3'"}},
      {"coerced",
       {{{"column", "x"},
         {"coerced_to_null", 4},
         {"invalid_utf8_replaced", 1},
         {"notes", {"every value looks like a number written with a decimal comma"}},
         {"examples",
          {{{"line", 7}, {"value", "abc"}, {"reason", "value 'abc' is not a number"}}}}}}}};
  EXPECT_EQ(input_notes_text(input),
            "Input notes:\n"
            "- 2 malformed rows skipped\n"
            "- 1 row padded or truncated to the header's width\n"
            "- column 3 has an empty name; named 'col_3'\n"
            "- column 'x': 4 values read as null (first: value 'abc' is not a number on line 7)\n"
            "- column 'x': 1 invalid UTF-8 sequence replaced by U+FFFD (for a CSV file in a "
            "single-byte encoding, as Excel's \"ANSI\" CSV is, pass encoding \"windows-1252\" "
            "or \"latin-1\")\n"
            "- column 'x': every value looks like a number written with a decimal comma");
}

TEST(InputNotesText, BeyondTheLimitCountsTheRest) {
  json input = {{"notes", json::array()}};
  for (int i = 0; i < 9; ++i) input["notes"].push_back("note " + std::to_string(i));
  const std::string text = input_notes_text(input, 3);
  EXPECT_EQ(text,
            "Input notes:\n- note 0\n- note 1\n- note 2\n"
            "- … 6 more in the structured result's \"input\"");
}

}  // namespace
}  // namespace quarry::pipeline
