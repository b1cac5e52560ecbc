// clean_fill_missing against pandas 1.5 (fixtures/expected.json, made by make_fixtures.py:
// each reference names the pandas call that produced it).

#include "fill_missing.hpp"
#include "clean_test_support.hpp"

using namespace clean_test;
using quarry::clean::FillStage;

namespace {

const json& ref() {
  return expected().at("fill");
}

// The report entry of column `name`.
json entry(const Output& out, const std::string& name) {
  for (const auto& c : out.data.at("columns")) {
    if (c.at("name") == name) return c;
  }
  throw std::runtime_error("no report for column " + name);
}

std::vector<double> numbers_of(const std::vector<std::optional<std::string>>& cells) {
  std::vector<double> out;
  for (const auto& c : cells) {
    double v = std::nan("");
    if (c) parse_double(*c, v);
    out.push_back(v);
  }
  return out;
}

}  // namespace

TEST(CleanFillMissing, MeanAndMedianMatchPandas) {
  const Output out = run_stage<FillStage>(fixture(), {{"fill", {{"a", "mean"}, {"b", "median"}}}});
  // df.a.mean(), df.b.median(); with a 4 KiB budget the values for the median go to the
  // scratch directory and the median is selected from there.
  const Output spilled =
      run_stage<FillStage>(fixture(), {{"fill", {{"b", "median"}}}}, {0, 1, 4096});
  EXPECT_TRUE(near_rel(entry(spilled, "b").at("value").get<double>(),
                       ref()["b_median"]["value"].get<double>(), 1e-15));
  EXPECT_TRUE(near_rel(entry(out, "a").at("value").get<double>(),
                       ref()["a_mean"]["value"].get<double>(), 1e-15));
  EXPECT_TRUE(near_rel(entry(out, "b").at("value").get<double>(),
                       ref()["b_median"]["value"].get<double>(), 1e-15));
  // Every missing a is now the mean; df.a.isna().sum() cells were filled.
  EXPECT_EQ(entry(out, "a").at("filled"), ref()["a_isna"]["count"]);
  EXPECT_EQ(entry(out, "a").at("still_missing"), 0);
  const auto a = numbers_of(out.column("a"));
  for (double v : a) EXPECT_FALSE(std::isnan(v));
  // An int64 column filled with a median becomes float64, as in pandas.
  EXPECT_EQ(out.types[3], sdk::ColumnType::float64);
  EXPECT_EQ(output_errors("clean_fill_missing", out.data), "");
}

TEST(CleanFillMissing, MeanOfIntegersAndModesMatchPandas) {
  const Output out = run_stage<FillStage>(fixture(), {{"fill", {{"b", "mean"}, {"g", "mode"}}}});
  // df.b.mean()
  EXPECT_TRUE(near_rel(entry(out, "b")["value"].get<double>(),
                       ref()["b_mean"]["value"].get<double>(), 1e-15));
  // df.g.mode()[0]
  EXPECT_EQ(entry(out, "g")["value"], ref()["g_mode"]["value"]);
  const Output mode = run_stage<FillStage>(fixture(), {{"fill", {{"b", "mode"}}}});
  // df.b.mode()[0]; an int64 column filled with its mode stays int64.
  EXPECT_EQ(mode.data["columns"][0]["value"].get<double>(), ref()["b_mode"]["value"].get<double>());
  EXPECT_EQ(mode.types[3], sdk::ColumnType::int64);
}

TEST(CleanFillMissing, OrderedFillsMatchPandasWhateverTheChunking) {
  for (const RunOptions& o : splits()) {
    SCOPED_TRACE(o.chunk_rows);
    const Output ff =
        run_stage<FillStage>(fixture(), {{"fill", {{"a", "ffill"}, {"g", "ffill"}}}}, o);
    EXPECT_TRUE(same_numbers(ff.column("a"), ref()["a_ffill"]["values"]));  // df.a.ffill()
    const json& g = ref()["g_ffill"]["values"];                             // df.g.ffill()
    const auto cells = ff.column("g");
    for (std::size_t i = 0; i < cells.size(); ++i) {
      ASSERT_EQ(cells[i].has_value(), !g[i].is_null()) << i;
      if (cells[i]) {
        EXPECT_EQ(*cells[i], g[i].get<std::string>()) << i;
      }
    }
    EXPECT_EQ(entry(ff, "a")["still_missing"], 3);  // the leading run
    const Output bf =
        run_stage<FillStage>(fixture(), {{"fill", {{"a", "bfill"}, {"g", "bfill"}}}}, o);
    EXPECT_TRUE(same_numbers(bf.column("a"), ref()["a_bfill"]["values"]));  // df.a.bfill()
    const json& gb = ref()["g_bfill"]["values"];                            // df.g.bfill()
    const auto gcells = bf.column("g");
    for (std::size_t i = 0; i < gcells.size(); ++i) {
      ASSERT_EQ(gcells[i].has_value(), !gb[i].is_null()) << i;
      if (gcells[i]) {
        EXPECT_EQ(*gcells[i], gb[i].get<std::string>()) << i;
      }
    }
    const Output in = run_stage<FillStage>(
        fixture(), {{"fill", {{"a", "interpolate"}, {"b", "interpolate"}}}}, o);
    EXPECT_TRUE(
        same_numbers(in.column("a"), ref()["a_interpolate"]["values"]));  // df.a.interpolate()
    EXPECT_TRUE(
        same_numbers(in.column("b"), ref()["b_interpolate"]["values"]));  // df.b.interpolate()
  }
}

TEST(CleanFillMissing, DropThenFillMatchesPandas) {
  for (const RunOptions& o : splits()) {
    const Output out = run_stage<FillStage>(
        fixture(),
        {{"drop", {{"how", "any"}, {"columns", {"a", "g"}}}}, {"fill", {{"a", "bfill"}}}}, o);
    // df.dropna(subset=['a','g']).a.bfill()
    EXPECT_TRUE(same_numbers(out.column("a"), ref()["drop_any_a_g_then_a_bfill"]["values"]));
    EXPECT_EQ(out.data["rows_out"].get<std::size_t>(),
              ref()["drop_any_a_g_then_a_bfill"]["values"].size());
  }
  const Output all =
      run_stage<FillStage>(fixture(), {{"drop", {{"how", "all"}, {"columns", {"a", "c"}}}}});
  // len(df.dropna(how='all', subset=['a','c']))
  EXPECT_EQ(all.data["rows_out"], ref()["drop_all_a_c"]["rows"]);
  EXPECT_EQ(all.data["rows_dropped"].get<std::int64_t>(),
            fixture().rows - ref()["drop_all_a_c"]["rows"].get<std::int64_t>());
}

TEST(CleanFillMissing, ConstantFillsKeepOrWidenTypes) {
  const Output out =
      run_stage<FillStage>(fixture(), {{"fill",
                                        {{"b", {{"method", "constant"}, {"value", -1}}},
                                         {"c", {{"method", "constant"}, {"value", 0.5}}},
                                         {"g", {{"method", "constant"}, {"value", "unknown"}}}}}});
  EXPECT_EQ(out.types[3], sdk::ColumnType::int64);
  for (const auto& cell : out.column("b")) ASSERT_TRUE(cell.has_value());
  for (const auto& cell : out.column("g")) ASSERT_TRUE(cell.has_value());
  EXPECT_EQ(entry(out, "g")["value"], "unknown");
  const Output widened = run_stage<FillStage>(
      fixture(), {{"fill", {{"b", {{"method", "constant"}, {"value", 2.5}}}}}});
  EXPECT_EQ(widened.types[3], sdk::ColumnType::float64);  // pandas: fillna(2.5) makes b float
}

TEST(CleanFillMissing, IntegerColumnsWithNothingToFillStayIntegers) {
  // pandas: an int64 column holds no NaN, so s.fillna(s.mean()), s.fillna(s.median()) and
  // s.interpolate() leave it int64; a column with a missing value is float64 there and here.
  const Table t = make_table({{"qty", {"81", "5", "7"}, sdk::ColumnType::int64},
                              {"w", {"3", "4", std::nullopt}, sdk::ColumnType::int64}});
  for (const char* method : {"mean", "median", "interpolate"}) {
    const Output out = run_stage<FillStage>(t, {{"fill", {{"qty", method}, {"w", method}}}});
    EXPECT_EQ(out.types[0], sdk::ColumnType::int64) << method;
    EXPECT_EQ(entry(out, "qty").at("output_type"), "int64") << method;
    EXPECT_EQ(out.column("qty")[0], "81") << method;
    EXPECT_EQ(out.types[1], sdk::ColumnType::float64) << method;
  }
}

TEST(CleanFillMissing, SameBytesWhateverTheChunkingAndWorkers) {
  const json args = {
      {"drop", {{"how", "all"}, {"columns", {"a", "c"}}}},
      {"fill", {{"a", "mean"}, {"b", "interpolate"}, {"c", "median"}, {"g", "bfill"}}}};
  const std::string reference = run_stage<FillStage>(fixture(), args).csv();
  for (const RunOptions& o : splits())
    EXPECT_EQ(run_stage<FillStage>(fixture(), args, o).csv(), reference);
}

TEST(CleanFillMissing, RefusesImpossibleFillsWithClearMessages) {
  EXPECT_NE(run_error<FillStage>(fixture(), {{"fill", {{"g", "mean"}}}})
                .find("impossible fill: the mean of column 'g' (utf8)"),
            std::string::npos);
  EXPECT_NE(run_error<FillStage>(fixture(), {{"fill", {{"nope", "ffill"}}}})
                .find("available columns: id (int64), g (utf8)"),
            std::string::npos);
  EXPECT_NE(
      run_error<FillStage>(fixture(), {{"fill", {{"b", {{"method", "constant"}, {"value", "x"}}}}}})
          .find("holds int64; give a number"),
      std::string::npos);
  EXPECT_NE(run_error<FillStage>(fixture(), {{"fill", {{"a", "average"}}}})
                .find("unknown method \"average\""),
            std::string::npos);
  EXPECT_NE(run_error<FillStage>(fixture(), json::object()).find("nothing to do"),
            std::string::npos);
  // Past the budget with no scratch directory to spill the values to.
  EXPECT_NE(run_error<FillStage>(fixture(), {{"fill", {{"a", "median"}}}},
                                 {0, 1, 4096, /*scratch_directory=*/""})
                .find("memory.budget_mb"),
            std::string::npos);
}

TEST(CleanFillMissing, EmptyAndAllMissingInputs) {
  const Table empty = make_table({{"x", {}, sdk::ColumnType::float64}});
  const Output out = run_stage<FillStage>(empty, {{"fill", {{"x", "mean"}}}});
  EXPECT_EQ(out.data["rows_out"], 0);
  EXPECT_TRUE(out.data["columns"][0]["value"].is_null());
  const Table missing = make_table({{"x", {std::nullopt, std::nullopt}, sdk::ColumnType::float64}});
  const Output none = run_stage<FillStage>(missing, {{"fill", {{"x", "median"}}}});
  EXPECT_EQ(none.data["columns"][0]["still_missing"], 2);  // no values: nothing to fill with
}
