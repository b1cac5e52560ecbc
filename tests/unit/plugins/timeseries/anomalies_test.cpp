// ts_anomalies against pandas 1.5 / SciPy 1.10 on the fixed-seed spike fixture: rolling
// z-scores (previous-window mean and std, two window/min_periods settings), robust residual
// scores against a centred rolling median (odd and even windows) and against statsmodels'
// seasonal_decompose; capping with true totals; chunk-size independence; bad input.
// Reference values: fixtures/ts_reference.json, written by make_fixtures.py (each names the
// Python call).

#include <gtest/gtest.h>

#include "ts_test_support.hpp"

using namespace ts_test;

namespace {

RunOptions chunked(std::int64_t rows) {
  return {rows, 1, MergeOrder::left, 0, 0};
}

const Table& spikes() {
  return ts_fixture("ts_spikes.csv");
}

// Every anomaly of reference `name` is reported (row, value, expected, score at 1e-9), and
// the totals agree.
void expect_anomalies(const json& data, const std::string& name) {
  const json& r = reference(name);
  const json& v = r.at("values");
  SCOPED_TRACE(r.at("call").get<std::string>());
  EXPECT_EQ(data["scored"], v["scored"]);
  ASSERT_EQ(data["anomalies_total"].get<std::size_t>(), v["row"].size());
  ASSERT_EQ(data["anomalies"].size(), v["row"].size());
  json rows = json::array(), values = json::array(), expected = json::array(),
       scores = json::array();
  std::int64_t high = 0;
  for (const auto& a : data["anomalies"]) {
    rows.push_back(a["row"]);
    values.push_back(a["value"]);
    expected.push_back(a["expected"]);
    scores.push_back(a["score"]);
    high += a["score"].get<double>() > 0;
  }
  EXPECT_EQ(rows, v["row"]);
  EXPECT_EQ(data["high"], high);
  EXPECT_TRUE(matches(values_of(values), v["value"], name + " value"));
  EXPECT_TRUE(matches(values_of(expected), v["expected"], name + " expected"));
  EXPECT_TRUE(matches(values_of(scores), v["score"], name + " score"));
}

TEST(TsAnomalies, RollingZscoreMatchesPandas) {
  for (std::int64_t chunk : {0, 7, 100}) {
    SCOPED_TRACE(chunk);
    Outcome o = run_ok("ts_anomalies", {{"column", "y"}, {"max_anomalies", 1000}}, spikes(),
                       chunked(chunk));
    ASSERT_EQ(o.status, QUARRY_OK) << o.error;
    expect_anomalies(o.data(), "anomalies_zscore_30_30");
    o = run_ok("ts_anomalies",
               {{"column", "y"}, {"window", 20}, {"min_periods", 5}, {"time_column", "time"}},
               spikes(), chunked(chunk));
    ASSERT_EQ(o.status, QUARRY_OK) << o.error;
    expect_anomalies(o.data(), "anomalies_zscore_20_5");
    EXPECT_EQ(o.data()["anomalies"][0]["time"], "2023-05-03T08:00:00Z");  // row 56 = 2 days + 8 h
  }
}

TEST(TsAnomalies, ResidualFromRollingMedianMatchesScipyMad) {
  for (int w : {7, 8}) {
    const Outcome o =
        run_ok("ts_anomalies",
               {{"column", "y"}, {"method", "residual"}, {"window", w}, {"max_anomalies", 1000}},
               spikes(), chunked(64));
    ASSERT_EQ(o.status, QUARRY_OK) << o.error;
    expect_anomalies(o.data(), "anomalies_median_" + std::to_string(w));
  }
}

TEST(TsAnomalies, ResidualFromDecompositionMatchesStatsmodels) {
  // The period comes from the hourly time step (24), as the reference's explicit period.
  const Outcome o = run_ok(
      "ts_anomalies",
      {{"column", "y"}, {"time_column", "time"}, {"method", "residual"}, {"baseline", "decompose"}},
      spikes(), chunked(50));
  ASSERT_EQ(o.status, QUARRY_OK) << o.error;
  EXPECT_EQ(o.data()["period"], 24);
  expect_anomalies(o.data(), "anomalies_decompose_24");
}

TEST(TsAnomalies, DecompositionBaselineFillsGapsAndNeverFlagsAFilledValue) {
  // 11 missing days as empty values (ts_gaps.csv) and as skipped dates (ts_gaps_absent.csv):
  // the same three spikes, scored against statsmodels' decomposition of the interpolated
  // series, with the filled days left out of the scores and the MAD.
  const json args = {
      {"column", "y"}, {"time_column", "time"}, {"method", "residual"}, {"baseline", "decompose"}};
  const Outcome nan = run_ok("ts_anomalies", args, ts_fixture("ts_gaps.csv"), chunked(7));
  ASSERT_EQ(nan.status, QUARRY_OK) << nan.error;
  EXPECT_EQ(nan.data()["period"], 7);
  EXPECT_EQ(nan.data()["values"], 199);
  EXPECT_EQ(nan.data()["filling"]["filled"], 11);
  expect_anomalies(nan.data(), "anomalies_gaps_decompose_7");
  const Outcome absent = run_ok("ts_anomalies", args, ts_fixture("ts_gaps_absent.csv"));
  ASSERT_EQ(absent.status, QUARRY_OK) << absent.error;
  EXPECT_EQ(absent.data()["filling"]["absent_timestamps"], 11);
  ASSERT_EQ(absent.data()["anomalies"].size(), nan.data()["anomalies"].size());
  for (std::size_t i = 0; i < nan.data()["anomalies"].size(); ++i) {
    json a = absent.data()["anomalies"][i], b = nan.data()["anomalies"][i];
    a.erase("row"), b.erase("row");  // the absent file has fewer rows before each spike
    EXPECT_EQ(a, b);
  }
  EXPECT_EQ(absent.data()["scored"], nan.data()["scored"]);
}

TEST(TsAnomalies, CapKeepsTheMostExtremeWithTrueTotals) {
  const json& v = reference("anomalies_median_8").at("values");
  const Outcome o = run_ok(
      "ts_anomalies",
      {{"column", "y"}, {"method", "residual"}, {"window", 8}, {"max_anomalies", 3}}, spikes());
  ASSERT_EQ(o.status, QUARRY_OK) << o.error;
  EXPECT_EQ(o.data()["anomalies_total"].get<std::size_t>(), v["row"].size());
  ASSERT_EQ(o.data()["anomalies"].size(), 3U);
  std::vector<double> all;
  for (const auto& s : v["score"]) all.push_back(std::fabs(s.get<double>()));
  std::sort(all.rbegin(), all.rend());
  for (const auto& a : o.data()["anomalies"]) {
    EXPECT_GE(std::fabs(a["score"].get<double>()), all[2]);
  }
  EXPECT_NE(o.text().find("most extreme"), std::string::npos) << o.text();
}

TEST(TsAnomalies, PictureMarksTheAnomalies) {
  const Outcome o = run_ok("ts_anomalies", {{"column", "y"}, {"picture", "svg"}}, spikes());
  ASSERT_EQ(o.status, QUARRY_OK) << o.error;
  const std::string dump = o.result.dump();
  EXPECT_NE(dump.find("<circle"), std::string::npos);
  EXPECT_LT(dump.size(), 30000U);
}

TEST(TsAnomalies, BadInputGetsClearErrors) {
  Outcome o = run("ts_anomalies", {{"column", "nope"}}, spikes());
  EXPECT_NE(o.error.find("y"), std::string::npos) << o.error;  // lists the columns
  o = run("ts_anomalies", {{"column", "y"}, {"window", 5}, {"min_periods", 6}}, spikes());
  EXPECT_NE(o.error.find("min_periods"), std::string::npos) << o.error;
  o = run("ts_anomalies",
          {{"column", "y"}, {"method", "residual"}, {"baseline", "decompose"}, {"period", 400}},
          spikes());
  EXPECT_NE(o.error.find("two complete cycles"), std::string::npos) << o.error;
  o = run("ts_anomalies", {{"column", "y"}, {"period", 24}}, spikes());
  EXPECT_NE(o.error.find("baseline: \"decompose\""), std::string::npos) << o.error;
  o = run("ts_anomalies", {{"column", "y"}, {"baseline", "decompose"}}, spikes());
  EXPECT_NE(o.error.find("method=residual"), std::string::npos) << o.error;
  // A constant series: nothing can be scored, and the result says why.
  const Outcome c =
      run_ok("ts_anomalies", {{"column", "const"}, {"method", "residual"}}, ts_fixture());
  ASSERT_EQ(c.status, QUARRY_OK) << c.error;
  EXPECT_EQ(c.data()["anomalies_total"], 0);
  EXPECT_NE(c.text().find("MAD is 0"), std::string::npos) << c.text();
}

TEST(TsAnomalies, EmptyAndTinySeries) {
  for (const std::vector<double>& values :
       {std::vector<double>{}, std::vector<double>{4.0}, std::vector<double>{1, 2, 3}}) {
    const Table table = make_table({float_column("x", values)});
    for (const char* method : {"zscore", "residual"}) {
      const Outcome o = run_ok("ts_anomalies", {{"column", "x"}, {"method", method}}, table);
      ASSERT_EQ(o.status, QUARRY_OK) << o.error;
      EXPECT_EQ(o.data()["values"], values.size());
      EXPECT_EQ(o.data()["anomalies_total"], 0);
    }
  }
}

TEST(TsAnomalies, UnscoredFirstValuesAreSaidAndLowerMinPeriodsScoresThem) {
  // A spike at row 5 of a gently varying series: with the default min_periods (= window, 30)
  // it is among the first 30 values, which have too few previous values to be scored.
  std::vector<double> values;
  for (int i = 0; i < 200; ++i) values.push_back(i == 5 ? 1e6 : 10.0 + (i % 4));
  const Table table = make_table({float_column("x", values)});
  Outcome o = run_ok("ts_anomalies", {{"column", "x"}}, table);
  ASSERT_EQ(o.status, QUARRY_OK) << o.error;
  EXPECT_EQ(o.data()["scored"], 170);
  EXPECT_EQ(o.data()["anomalies_total"], 0);
  EXPECT_NE(o.data()["notes"].dump().find("the first 30 values were not scored"), std::string::npos)
      << o.data()["notes"].dump();
  EXPECT_NE(o.data()["notes"].dump().find("set a lower min_periods"), std::string::npos);
  // The fix the note gives: four previous values (10, 11, 12, 13) are enough to flag it.
  o = run_ok("ts_anomalies", {{"column", "x"}, {"min_periods", 4}}, table);
  ASSERT_EQ(o.status, QUARRY_OK) << o.error;
  ASSERT_GE(o.data()["anomalies_total"], 1) << o.data().dump();
  EXPECT_EQ(o.data()["anomalies"][0]["row"], 5);
  EXPECT_NE(o.data()["notes"].dump().find("the first 4 values were not scored"), std::string::npos);
}

TEST(TsAnomalies, UnsortedTimesKeepTheirRowNumbers) {
  // 40 hourly values given in reverse order; the spike at 10:00 is input row 29.
  TextColumn time{"time", {}, sdk::ColumnType::utf8};
  std::vector<double> values;
  for (int h = 39; h >= 0; --h) {
    char text[32];
    std::snprintf(text, sizeof text, "2024-01-0%dT%02d:00:00Z", 1 + h / 24, h % 24);
    time.cells.emplace_back(text);
    values.push_back(h == 10 ? 50.0 : 10.0 + (h % 3));
  }
  const Table table = make_table({time, float_column("x", values)});
  const Outcome o =
      run_ok("ts_anomalies",
             {{"column", "x"}, {"time_column", "time"}, {"method", "residual"}, {"window", 5}},
             table, chunked(7));
  ASSERT_EQ(o.status, QUARRY_OK) << o.error;
  ASSERT_EQ(o.data()["anomalies_total"], 1) << o.data().dump();
  EXPECT_EQ(o.data()["anomalies"][0]["row"], 29);
  EXPECT_EQ(o.data()["anomalies"][0]["time"], "2024-01-01T10:00:00Z");
  EXPECT_NE(o.data()["notes"].dump().find("sorted by time"), std::string::npos);
}

}  // namespace
