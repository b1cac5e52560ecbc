// clean_validate: rule results checked against pandas 1.5 counts computed in make_fixtures.py
// (fixtures/expected.json "validate"; each reference names its pandas call), and bad rules.

#include "validate.hpp"
#include "clean_test_support.hpp"

#include <set>

using namespace clean_test;
using quarry::clean::ValidateStage;

namespace {

const json& ref() {
  return expected().at("validate");
}

json rule(const Output& out, const std::string& name) {
  for (const auto& r : out.data["rules"]) {
    if (r["rule"] == name) return r;
  }
  throw std::runtime_error("no rule " + name);
}

}  // namespace

TEST(CleanValidate, ViolationsMatchPandas) {
  const json rules =
      json::array({{{"column", "a"}, {"check", "not_null"}},
                   {{"column", "id"}, {"check", "unique"}},
                   {{"column", "c"}, {"check", "range"}, {"min", -3}, {"max", 3}},
                   {{"column", "g"}, {"check", "allowed"}, {"values", {"red", "green", "blue"}}},
                   {{"column", "amount"}, {"check", "regex"}, {"pattern", "[0-9]+\\.[0-9]{2}"}},
                   {{"column", "amount"}, {"check", "type"}, {"type", "float64"}}});
  for (const RunOptions& o : splits()) {
    const Output out =
        run_stage<ValidateStage>(fixture(), {{"rules", rules}, {"max_rows", 1000}}, o);
    EXPECT_EQ(output_errors("clean_validate", out.data), "");
    for (const auto& [name, r] : ref().items()) {
      SCOPED_TRACE(name);
      const json got = rule(out, name);
      EXPECT_EQ(got["violations"], r["count"]);  // see r["call"]
      EXPECT_EQ(got["rows"], r["rows"]);
    }
    // The failing rows are the output, each naming its rules.
    EXPECT_EQ(out.data["failing_rows"].get<std::size_t>(), out.rows.size());
    EXPECT_EQ(out.names.back(), "failed_rules");
    // … and its data row: the rows the rules list, each once, in file order.
    std::set<std::int64_t> listed;
    for (const auto& r : out.data["rules"]) {
      for (const auto& row : r["rows"]) listed.insert(row.get<std::int64_t>());
    }
    std::vector<std::optional<std::string>> expected_rows;
    for (const std::int64_t row : listed) expected_rows.emplace_back(std::to_string(row));
    EXPECT_EQ(out.column("row"), expected_rows);
  }
}

TEST(CleanValidate, RowListsAreCappedButTotalsAreTrue) {
  const Output out = run_stage<ValidateStage>(
      fixture(), {{"rules", {{{"column", "a"}, {"check", "not_null"}}}}, {"max_rows", 3}});
  const json r = out.data["rules"][0];
  EXPECT_EQ(r["violations"], ref()["a.not_null"]["count"]);
  EXPECT_EQ(r["rows"], json::array({0, 1, 2}));
  EXPECT_TRUE(r["rows_truncated"].get<bool>());
}

TEST(CleanValidate, BadRulesAreRefusedBeforeReading) {
  auto error = [](json rules) { return run_error<ValidateStage>(fixture(), {{"rules", rules}}); };
  EXPECT_NE(error({{{"column", "zz"}, {"check", "not_null"}}}).find("available columns"),
            std::string::npos);
  EXPECT_NE(
      error({{{"column", "g"}, {"check", "regex"}, {"pattern", "([a-z"}}}).find("invalid regex"),
      std::string::npos);
  EXPECT_NE(
      error({{{"column", "g"}, {"check", "range"}, {"min", 0}}}).find("needs a numeric column"),
      std::string::npos);
  EXPECT_NE(error({{{"column", "c"}, {"check", "range"}}}).find("min"), std::string::npos);
}

// -0.0 is the value 0.0 for `unique` and `allowed`, as pandas compares floats:
// pd.Series([0.0, -0.0, 0.0, -0.0, 1.5]).duplicated(keep=False) marks rows 0-3 (keep="first":
// rows 1, 2, 3) and .isin([0, 1.5]) holds everywhere.
TEST(CleanValidate, NegativeZeroIsTheValueZero) {
  const Table table =
      make_table({{"k", {"0.0", "-0.0", "0", "-0", "1.5"}, sdk::ColumnType::float64}});
  const json rules =
      json::array({{{"column", "k"}, {"check", "unique"}},
                   {{"column", "k"}, {"check", "allowed"}, {"values", {0, 1.5}}},
                   {{"column", "k"}, {"check", "allowed"}, {"values", {-0.0}}, {"name", "minus"}}});
  const Output out = run_stage<ValidateStage>(table, {{"rules", rules}});
  EXPECT_EQ(out.data["rules"][0]["rows"], json::array({1, 2, 3}));
  EXPECT_EQ(out.data["rules"][1]["violations"], 0);
  EXPECT_EQ(out.data["rules"][2]["violations"], 1);  // only 1.5 is not zero
}
