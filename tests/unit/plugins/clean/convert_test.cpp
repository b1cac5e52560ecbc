// clean_convert: the narrowest types (against pandas 1.5's to_numeric for the fixture's
// text column of numbers, fixtures/expected.json) and the conversion itself.

#include "convert.hpp"
#include "clean_test_support.hpp"

using namespace clean_test;
using quarry::clean::ConvertStage;

TEST(CleanConvert, TextColumnsGetTheirNarrowestTypes) {
  const Table t =
      make_table({{"i", {"1", " 2", std::nullopt, "-7"}, sdk::ColumnType::utf8},
                  {"f", {"1.5", "2", "x", "3e2"}, sdk::ColumnType::utf8},
                  {"b", {"yes", "No", "TRUE", std::nullopt}, sdk::ColumnType::utf8},
                  {"d",
                   {"2024-01-31", "2024-02-01T10:00:00Z", std::nullopt, "2024-03-01 12:30"},
                   sdk::ColumnType::utf8},
                  {"w", {"1", "2.0", "-3", std::nullopt}, sdk::ColumnType::float64},
                  {"s", {"a", "b", "1", "2"}, sdk::ColumnType::utf8}});
  for (const RunOptions& o : {RunOptions{0, 1, 0}, RunOptions{1, 3, 0}}) {
    const Output out = run_stage<ConvertStage>(t, json::object(), o);
    EXPECT_EQ(out.types,
              (std::vector<sdk::ColumnType>{sdk::ColumnType::int64, sdk::ColumnType::utf8,
                                            sdk::ColumnType::boolean, sdk::ColumnType::timestamp,
                                            sdk::ColumnType::int64, sdk::ColumnType::utf8}));
    EXPECT_EQ(out.column("i")[1], "2");
    EXPECT_EQ(out.column("b")[1], "false");
    EXPECT_EQ(out.column("d")[1], "1706781600000000");  // 2024-02-01T10:00:00Z in microseconds
    EXPECT_EQ(out.column("w")[2], "-3");
    EXPECT_EQ(output_errors("clean_convert", out.data), "");
  }
  // With min_share 0.75, "f" becomes float64 and "x" becomes null (counted).
  const Output loose = run_stage<ConvertStage>(t, {{"min_share", 0.75}});
  EXPECT_EQ(loose.types[1], sdk::ColumnType::float64);
  EXPECT_FALSE(loose.column("f")[2].has_value());
  EXPECT_EQ(loose.data["columns"][1]["coerced_to_null"], 1);
  // Below 1, the type keeping the most values wins: "1.5, 2, x3, 7" with min_share 0.5 fits
  // int64 twice but float64 three times, as pd.to_numeric(errors="coerce") gives 1.5, 2, NaN, 7.
  const Table mixed =
      make_table({{"num", {"1.5", "2", "x3", std::nullopt, "7"}, sdk::ColumnType::utf8}});
  const Output kept = run_stage<ConvertStage>(mixed, {{"min_share", 0.5}});
  EXPECT_EQ(kept.types[0], sdk::ColumnType::float64);
  EXPECT_EQ(kept.column("num")[0], "1.5");
  EXPECT_EQ(kept.data["columns"][0]["coerced_to_null"], 1);
}

// Zip codes and phone numbers stay text (pandas' to_numeric would make 02134 2134 and drop the
// '+'), with a note naming the way to convert them anyway: naming the column.
TEST(CleanConvert, NumbersWrittenAsIdentifiersStayTextUnlessNamed) {
  const Table t =
      make_table({{"zip", {"10001", "02134", std::nullopt}, sdk::ColumnType::utf8},
                  {"phone", {"+15551234567", "+442071234567", std::nullopt}, sdk::ColumnType::utf8},
                  {"n", {"10", "+4", "-0"}, sdk::ColumnType::utf8}});
  for (const RunOptions& o : splits()) {
    const Output out = run_stage<ConvertStage>(t, json::object(), o);
    EXPECT_EQ(out.types, (std::vector<sdk::ColumnType>{sdk::ColumnType::utf8, sdk::ColumnType::utf8,
                                                       sdk::ColumnType::int64}));
    EXPECT_EQ(out.column("zip")[1], "02134");
    EXPECT_EQ(out.column("phone")[0], "+15551234567");
    EXPECT_EQ(output_errors("clean_convert", out.data), "");
    const std::string note = out.data["columns"][0]["note"].get<std::string>();
    EXPECT_NE(note.find("kept as text: 1 number written as identifiers (e.g. 02134"),
              std::string::npos)
        << note;
    EXPECT_NE(out.text.find("phone: kept as text: 2 numbers"), std::string::npos) << out.text;
    EXPECT_FALSE(out.data["columns"][2].contains("note"));
  }
  const Output named = run_stage<ConvertStage>(t, {{"columns", {"zip"}}});
  EXPECT_EQ(named.types[0], sdk::ColumnType::int64);
  EXPECT_EQ(named.column("zip")[1], "2134");
}

TEST(CleanConvert, FixtureAmountsMatchPandasToNumeric) {
  const json& ref = expected()["profile"]["amount"];
  const Output out = run_stage<ConvertStage>(
      fixture(), {{"columns", {"amount"}}, {"min_share", 0.99}}, {64, 3, 0});
  EXPECT_EQ(out.types[6], sdk::ColumnType::float64);
  // pd.to_numeric(df.amount, errors='coerce').notna().sum() values survive, the rest are null.
  std::int64_t kept = 0;
  for (const auto& cell : out.column("amount")) kept += cell ? 1 : 0;
  EXPECT_EQ(kept, ref["coercible"]["value"].get<std::int64_t>());
  EXPECT_EQ(out.data["columns"][0]["coerced_to_null"].get<std::int64_t>(), fixture().rows - kept);
}

TEST(CleanConvert, BadArguments) {
  EXPECT_NE(run_error<ConvertStage>(fixture(), {{"columns", {"zz"}}}).find("available columns"),
            std::string::npos);
  EXPECT_NE(run_error<ConvertStage>(fixture(), {{"min_share", 0}}).find("min_share"),
            std::string::npos);
}
