// clean_outliers against pandas 1.5 (fixtures/expected.json, made by make_fixtures.py; each
// reference names its pandas call).

#include <set>

#include "clean_test_support.hpp"
#include "outliers.hpp"

using namespace clean_test;
using quarry::clean::OutlierStage;

namespace {

const json& ref() {
  return expected().at("outliers");
}

// The file rows flagged in column c_outlier.
std::vector<std::int64_t> flagged(const Output& out) {
  std::vector<std::int64_t> rows;
  const auto flags = out.column("c_outlier");
  for (std::size_t i = 0; i < flags.size(); ++i) {
    if (flags[i] == "true") rows.push_back(static_cast<std::int64_t>(i));
  }
  return rows;
}

std::vector<std::int64_t> rows_of(const json& j) {
  return j.get<std::vector<std::int64_t>>();
}

}  // namespace

TEST(CleanOutliers, ZScoreMatchesPandas) {
  for (const RunOptions& o : splits()) {
    const Output out = run_stage<OutlierStage>(fixture(), {{"columns", {"c"}}}, o);
    const json& c = out.data["columns"][0];
    EXPECT_TRUE(near_rel(c["mean"].get<double>(), ref()["mean"]["value"].get<double>(),
                         1e-13));  // df.c.mean()
    EXPECT_TRUE(near_rel(c["std"].get<double>(), ref()["std"]["value"].get<double>(),
                         1e-13));  // df.c.std()
    EXPECT_EQ(flagged(out), rows_of(ref()["zscore_rows"]["rows"]));
    EXPECT_EQ(output_errors("clean_outliers", out.data), "");
  }
}

TEST(CleanOutliers, ModifiedZScoreAndIqrMatchPandasInMemoryAndSpilled) {
  std::vector<RunOptions> runs = splits();
  for (RunOptions o : splits()) {
    o.budget = 4096;  // a quarter, 1 KiB, per state: the values go to the scratch directory
    runs.push_back(o);
  }
  for (const RunOptions& o : runs) {
    SCOPED_TRACE(testing::Message() << o.chunk_rows << " rows a chunk, budget " << o.budget);
    const Output m =
        run_stage<OutlierStage>(fixture(), {{"columns", {"c"}}, {"method", "modified_zscore"}}, o);
    EXPECT_EQ(m.data["columns"][0]["median"].get<double>(),
              ref()["median"]["value"].get<double>());  // df.c.median()
    EXPECT_EQ(m.data["columns"][0]["mad"].get<double>(), ref()["mad"]["value"].get<double>());
    EXPECT_EQ(flagged(m), rows_of(ref()["modified_rows"]["rows"]));
    const Output q = run_stage<OutlierStage>(fixture(), {{"columns", {"c"}}, {"method", "iqr"}}, o);
    EXPECT_EQ(q.data["columns"][0]["q1"].get<double>(),
              ref()["q1"]["value"].get<double>());  // df.c.quantile(0.25)
    EXPECT_EQ(q.data["columns"][0]["q3"].get<double>(),
              ref()["q3"]["value"].get<double>());  // df.c.quantile(0.75)
    EXPECT_EQ(flagged(q), rows_of(ref()["iqr_rows"]["rows"]));
  }
}

TEST(CleanOutliers, ClipAndDropMatchPandas) {
  const Output clip = run_stage<OutlierStage>(
      fixture(), {{"columns", {"c"}}, {"method", "iqr"}, {"action", "clip"}}, {64, 3, 0});
  EXPECT_TRUE(same_numbers(clip.column("c"), ref()["clip_iqr"]["values"]));  // df.c.clip(lo, hi)
  const Output drop = run_stage<OutlierStage>(
      fixture(), {{"columns", {"c"}}, {"method", "iqr"}, {"action", "drop"}}, {64, 3, 0});
  EXPECT_EQ(drop.data["rows_dropped"].get<std::size_t>(), ref()["iqr_rows"]["rows"].size());
  EXPECT_EQ(drop.rows.size(), fixture().columns[0].cells.size() - ref()["iqr_rows"]["rows"].size());
}

// pandas keeps int64 through Series.clip unless a value moves to a fractional bound. IQR
// fences of [1, 2, 3, 400]: q1 1.75, q3 102.25, so -149 and 253 (whole):
// s.clip(-149.0, 253.0) -> [1, 2, 3, 253], int64; of [1, 2, 3, 4, 5, 100] with threshold 1:
// q1 2.25, q3 4.75, fences -0.25 and 7.25: s.clip(-0.25, 7.25) -> [1.0, ..., 7.25], float64.
TEST(CleanOutliers, ClippingKeepsIntegersUnlessAValueMovesToAFraction) {
  const Table t = make_table({{"still", {"1", "2", "3", "4"}, sdk::ColumnType::int64},
                              {"moved", {"1", "2", "3", "400"}, sdk::ColumnType::int64}});
  for (const RunOptions& o : splits()) {
    const Output out = run_stage<OutlierStage>(t, {{"method", "iqr"}, {"action", "clip"}}, o);
    EXPECT_EQ(out.types,
              (std::vector<sdk::ColumnType>{sdk::ColumnType::int64, sdk::ColumnType::int64}));
    EXPECT_EQ(out.column("still")[3], "4");
    EXPECT_EQ(out.column("moved")[3], "253");
  }
  const Table f = make_table({{"x", {"1", "2", "3", "4", "5", "100"}, sdk::ColumnType::int64}});
  const Output out =
      run_stage<OutlierStage>(f, {{"method", "iqr"}, {"action", "clip"}, {"threshold", 1}});
  EXPECT_EQ(out.types, (std::vector<sdk::ColumnType>{sdk::ColumnType::float64}));
  EXPECT_TRUE(same_numbers(out.column("x"), json::array({1.0, 2.0, 3.0, 4.0, 5.0, 7.25})));
}

TEST(CleanOutliers, SameBytesWhateverTheChunkingAndWorkers) {
  const json args = {{"method", "zscore"}, {"action", "clip"}, {"threshold", 2}};
  const std::string reference = run_stage<OutlierStage>(fixture(), args).csv();
  for (const RunOptions& o : splits())
    EXPECT_EQ(run_stage<OutlierStage>(fixture(), args, o).csv(), reference);
}

TEST(CleanOutliers, BadArgumentsAndDegenerateColumns) {
  EXPECT_NE(run_error<OutlierStage>(fixture(), {{"columns", {"g"}}}).find("outliers need numbers"),
            std::string::npos);
  EXPECT_NE(run_error<OutlierStage>(fixture(), {{"columns", {"zz"}}}).find("available columns"),
            std::string::npos);
  const Table constant = make_table({{"x", {"1", "1", "1"}, sdk::ColumnType::int64}});
  const Output out = run_stage<OutlierStage>(constant, json::object());
  EXPECT_EQ(out.data["columns"][0]["outliers"], 0);
  EXPECT_EQ(out.data["notes"].size(), 1u);
}
