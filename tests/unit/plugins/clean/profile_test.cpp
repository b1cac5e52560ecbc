// clean_profile against pandas 1.5 (fixtures/expected.json, made by make_fixtures.py; each
// reference names its pandas call): nulls, distinct counts, min/max, coercible values and
// memory_usage(deep=True) for the current and the suggested dtypes.

#include "profile.hpp"
#include "clean_test_support.hpp"
#include "normalize.hpp"

using namespace clean_test;
using quarry::clean::NormalizeStage;
using quarry::clean::ProfileStage;

namespace {

json column(const Output& out, const std::string& name) {
  for (const auto& c : out.data["columns"]) {
    if (c["name"] == name) return c;
  }
  throw std::runtime_error("no column " + name);
}

}  // namespace

TEST(CleanProfile, CountsAndRangesMatchPandas) {
  const json& ref = expected().at("profile");
  for (const RunOptions& o : splits()) {
    const Output out = run_stage<ProfileStage>(fixture(), json::object(), o);
    EXPECT_EQ(output_errors("clean_profile", out.data), "");
    for (const auto& [name, r] : ref.items()) {
      SCOPED_TRACE(name);
      const json c = column(out, name);
      EXPECT_EQ(c["null_count"], r["null_count"]["value"]);  // df.<name>.isna().sum()
      EXPECT_EQ(c["distinct"], r["distinct"]["value"]);      // df.<name>.nunique()
      if (r.contains("min")) {
        EXPECT_EQ(c["min"].get<double>(), r["min"]["value"].get<double>());  // df.<name>.min()
        EXPECT_EQ(c["max"].get<double>(), r["max"]["value"].get<double>());
      }
    }
  }
}

TEST(CleanProfile, MemoryModelMatchesPandasMemoryUsage) {
  const json& ref = expected().at("profile");
  const Output out = run_stage<ProfileStage>(fixture(), json::object());
  for (const char* name : {"id", "g", "a", "b", "c", "flag", "amount"}) {
    SCOPED_TRACE(name);
    // df.<name>.memory_usage(deep=True, index=False)
    EXPECT_EQ(column(out, name)["storage"]["current_bytes"], ref[name]["memory"]["value"]);
  }
  // b (ints with nulls) -> Int8: df.b.astype('Int8').memory_usage(deep=True, index=False)
  EXPECT_EQ(column(out, "b")["storage"]["smallest"], "Int8");
  EXPECT_EQ(column(out, "b")["storage"]["smallest_bytes"], ref["b"]["downcast"]["value"]);
  // g (4 labels) -> category: int8 codes plus the four label strs and their pointers. pandas'
  // df.g.astype('category').memory_usage(deep=True, index=False) also counts the hash table
  // it builds over the categories (172 bytes here), which the estimate leaves out.
  const json g = column(out, "g")["storage"];
  EXPECT_EQ(g["smallest"], "category");
  EXPECT_EQ(g["smallest_bytes"], fixture().rows * 1 + (54 + 53 + 54 + 52) + 4 * 8);
  EXPECT_LE(g["smallest_bytes"].get<std::int64_t>(),
            ref["g"]["category"]["value"].get<std::int64_t>());
  EXPECT_GE(g["smallest_bytes"].get<std::int64_t>(),
            ref["g"]["category"]["value"].get<std::int64_t>() * 8 / 10);
  const json& memory = out.data["memory"];
  EXPECT_EQ(
      memory["saving_bytes"].get<std::int64_t>(),
      memory["current_bytes"].get<std::int64_t>() - memory["optimized_bytes"].get<std::int64_t>());
}

TEST(CleanProfile, TextThatIsNumbersIsDetectedWithItsBadValues) {
  const json& ref = expected().at("profile")["amount"];
  const Output out = run_stage<ProfileStage>(fixture(), {{"columns", {"amount"}}});
  const json c = out.data["columns"][0];
  EXPECT_EQ(c["inferred_type"], "float64");
  // pd.to_numeric(df.amount, errors='coerce').notna().sum()
  EXPECT_EQ(c["coercible"]["count"], ref["coercible"]["value"]);
  // Everything else is bad ("n/a" twice: its row is duplicated), and no cell is empty.
  EXPECT_EQ(c["bad_values"]["count"].get<std::int64_t>(),
            fixture().rows - ref["coercible"]["value"].get<std::int64_t>());
  EXPECT_EQ(c["bad_values"]["examples"], json::array({"-", "12;5", "?"}));  // the smallest three
  EXPECT_EQ(c["min"].get<double>(), ref["min"]["value"].get<double>());
  EXPECT_EQ(c["max"].get<double>(), ref["max"]["value"].get<double>());
}

TEST(CleanProfile, SmallestTypesAndDates) {
  const Table t =
      make_table({{"small", {"1", "-5", "100"}, sdk::ColumnType::int64},
                  {"wide", {"1", "70000", "3"}, sdk::ColumnType::int64},
                  {"halves", {"0.5", "1.25", std::nullopt}, sdk::ColumnType::float64},
                  {"thirds", {"0.1", "1.25", "2"}, sdk::ColumnType::float64},
                  {"whole", {"1", "2", "3"}, sdk::ColumnType::float64},
                  {"days", {"2024-01-31", "2024-02-29T10:00:00Z", "bad"}, sdk::ColumnType::utf8}});
  const Output out = run_stage<ProfileStage>(t, json::object());
  EXPECT_EQ(column(out, "small")["storage"]["smallest"], "int8");
  EXPECT_EQ(column(out, "wide")["storage"]["smallest"], "int32");
  EXPECT_EQ(column(out, "halves")["storage"]["smallest"], "float32");  // exact in float32
  EXPECT_EQ(column(out, "thirds")["storage"]["smallest"], "float64");  // 0.1 is not
  EXPECT_EQ(column(out, "whole")["inferred_type"], "int64");
  EXPECT_EQ(column(out, "whole")["storage"]["smallest"], "int8");
  const json days = column(out, "days");
  EXPECT_EQ(days["inferred_type"], "timestamp");
  EXPECT_EQ(days["min"], "2024-01-31T00:00:00Z");
  EXPECT_EQ(days["max"], "2024-02-29T10:00:00Z");
  EXPECT_EQ(days["bad_values"]["examples"], json::array({"bad"}));
}

TEST(CleanProfile, TextThatCleanNormalizeWouldParseGetsTheArgumentThatDoes) {
  const Table t = make_table(
      {{"price", {"$1,234.50", "(12)", "99", "\u20ac3"}, sdk::ColumnType::utf8},
       {"wert", {"1.234,5", "2,25", "7", std::nullopt}, sdk::ColumnType::utf8},
       {"preis", {"12,5", "-3", "0,25", std::nullopt}, sdk::ColumnType::utf8},
       {"tag", {"1,5", "a", "b", "c"}, sdk::ColumnType::utf8},  // "1,5" is not 15: a bad group
       {"day_first", {"01/02/2024", "15/03/2024", "31/12/2023", "x"}, sdk::ColumnType::utf8},
       {"mixed", {"2024-01-05", "March 3, 2024", "03.02.2024", "?"}, sdk::ColumnType::utf8},
       {"word", {"alpha", "beta", "gamma", "delta"}, sdk::ColumnType::utf8}});
  const Output out = run_stage<ProfileStage>(t, json::object(), {1, 2, 0});
  const json price = column(out, "price")["suggestion"];
  EXPECT_EQ(price["tool"], "clean_normalize");
  EXPECT_EQ(price["columns"], (json{{"price", {{"parse", "number"}}}}));
  EXPECT_EQ(price["parses"], 4);
  EXPECT_EQ(column(out, "wert")["suggestion"]["columns"]["wert"],
            (json{{"parse", "number"}, {"thousands", "."}, {"decimal", ","}}));
  EXPECT_EQ(column(out, "wert")["suggestion"]["of"], 3);
  // "1.234,5" needs clean_normalize; a column of plain decimal-comma numbers can instead be
  // read as numbers with the input argument decimal ",".
  EXPECT_FALSE(column(out, "wert")["suggestion"].contains("read_with"));
  EXPECT_EQ(column(out, "preis")["suggestion"]["read_with"], (json{{"decimal", ","}}));
  EXPECT_NE(out.text.find("preis: clean_normalize with columns"), std::string::npos);
  EXPECT_NE(out.text.find("or read the input with {\"decimal\":\",\"}"), std::string::npos)
      << out.text;
  EXPECT_FALSE(column(out, "tag").contains("suggestion"));
  EXPECT_FALSE(column(out, "word").contains("suggestion"));
  // One format for the whole column when one reads most of it: day-first, since 15/03 and
  // 31/12 cannot be month-first; 01/02/2024 is then 1 February, like the others.
  const json day_first = column(out, "day_first")["suggestion"];
  EXPECT_EQ(day_first["columns"]["day_first"],
            (json{{"parse", "date"}, {"formats", {"%d/%m/%Y"}}}));
  EXPECT_EQ(day_first["parses"], 3);
  // Three formats, none for most: the detected formats, value by value.
  EXPECT_EQ(column(out, "mixed")["suggestion"]["columns"]["mixed"], (json{{"parse", "date"}}));
  EXPECT_EQ(column(out, "mixed")["suggestion"]["parses"], 3);

  // The suggested arguments do what they say.
  const Output normalized = run_stage<NormalizeStage>(
      t, {{"columns",
           {{"day_first", day_first["columns"]["day_first"]},
            {"wert", column(out, "wert")["suggestion"]["columns"]["wert"]}}}});
  EXPECT_EQ(normalized.column("day_first"),
            (std::vector<std::optional<std::string>>{"2024-02-01", "2024-03-15", "2023-12-31",
                                                     std::nullopt}));
  EXPECT_EQ(normalized.column("wert"),
            (std::vector<std::optional<std::string>>{"1234.5", "2.25", "7", std::nullopt}));
  EXPECT_NE(out.text.find("day_first: clean_normalize with columns"), std::string::npos)
      << out.text;
}

// Zip codes and phone numbers: text that parses as numbers, but a number type would drop a
// leading zero or the '+'; so no number type is suggested (pandas' to_numeric would make
// 02134 2134), and the text says why. One such value is enough.
TEST(CleanProfile, NumbersWrittenAsIdentifiersAreNotSuggestedANumberType) {
  const Table t =
      make_table({{"zip", {"10001", "02134", "94105", std::nullopt}, sdk::ColumnType::utf8},
                  {"phone",
                   {"+15551234567", "+442071234567", "+15550001111", "+15550001111"},
                   sdk::ColumnType::utf8},
                  {"count", {"10", "0", "-3", "+4"}, sdk::ColumnType::utf8}});
  for (const RunOptions& o : splits()) {
    const Output out = run_stage<ProfileStage>(t, json::object(), o);
    EXPECT_EQ(output_errors("clean_profile", out.data), "");
    const json zip = column(out, "zip");
    EXPECT_EQ(zip["inferred_type"], "utf8");
    EXPECT_EQ(zip["identifier_numbers"], (json{{"count", 1}, {"examples", {"02134"}}}));
    EXPECT_FALSE(zip.contains("suggestion"));
    EXPECT_EQ(column(out, "phone")["inferred_type"], "utf8");
    EXPECT_EQ(column(out, "phone")["identifier_numbers"]["count"], 4);
    EXPECT_EQ(column(out, "count")["inferred_type"], "int64");
    EXPECT_FALSE(column(out, "count").contains("identifier_numbers"));
    EXPECT_NE(out.text.find("zip: 1 number written as an identifier (e.g. 02134"),
              std::string::npos)
        << out.text;
  }
}

TEST(CleanProfile, EmptyInputAndUnknownColumns) {
  const Table empty = make_table({{"x", {}, sdk::ColumnType::float64}});
  const Output out = run_stage<ProfileStage>(empty, json::object());
  EXPECT_EQ(out.data["rows"], 0);
  EXPECT_EQ(output_errors("clean_profile", out.data), "");
  EXPECT_NE(run_error<ProfileStage>(fixture(), {{"columns", {"zz"}}}).find("available columns"),
            std::string::npos);
}
