// ts_decompose against statsmodels 0.13.5 (tsa.seasonal.seasonal_decompose, additive and
// multiplicative, even and odd periods) on the fixed-seed fixture, the period implied by the
// hourly time step, and bad input. Missing values and skipped dates (fixtures/ts_gaps.csv and
// ts_gaps_absent.csv) against seasonal_decompose of the pandas-interpolated series
// (Series.interpolate()), and the limits of filling. Reference values:
// fixtures/ts_reference.json, written by make_fixtures.py (each names the statsmodels call).

#include <gtest/gtest.h>

#include <chrono>
#include <set>

#include "ts_test_support.hpp"

using namespace ts_test;

namespace {

RunOptions chunked(std::int64_t rows) {
  return {rows, 1, MergeOrder::left, 0, 0};
}

// Daily times from 2024-01-01 and values, skipping the days in `absent` and leaving the value
// of the days in `missing` empty.
Table daily(const std::vector<double>& values, const std::set<std::size_t>& missing,
            const std::set<std::size_t>& absent = {}) {
  std::vector<std::optional<std::string>> times;
  std::vector<double> kept;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (absent.count(i) > 0) continue;
    using namespace std::chrono;
    const year_month_day date{sys_days{2024y / January / 1} + days{i}};
    char text[32];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT00:00:00Z", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()));
    times.emplace_back(text);
    kept.push_back(missing.count(i) > 0 ? std::nan("") : values[i]);
  }
  return make_table({text_column("time", times), float_column("y", kept)});
}

// The tester's series: 100 + [0, 5, 10, 5, 0, -5, -10][i % 7], i < 140.
std::vector<double> weekly() {
  const double week[] = {0, 5, 10, 5, 0, -5, -10};
  std::vector<double> y;
  for (int i = 0; i < 140; ++i) y.push_back(100 + week[i % 7]);
  return y;
}

TEST(TsDecompose, MatchesStatsmodels) {
  struct Case {
    std::string column, model;
    int period;
  };
  for (const Case& c : {Case{"pos", "multiplicative", 24}, Case{"pos", "additive", 24},
                        Case{"walk", "additive", 13}}) {
    const std::string name =
        "decompose_" + c.column + "_" + c.model + "_" + std::to_string(c.period);
    SCOPED_TRACE(name);
    const Outcome out =
        run_ok("ts_decompose", {{"column", c.column}, {"model", c.model}, {"period", c.period}},
               ts_fixture(), chunked(100));
    ASSERT_EQ(out.status, QUARRY_OK) << out.error;
    EXPECT_TRUE(matches_ref(out.data()["trend"], name, "trend"));
    EXPECT_TRUE(matches_ref(out.data()["seasonal"], name, "seasonal"));
    EXPECT_TRUE(matches_ref(out.data()["resid"], name, "resid"));
  }
}

TEST(TsDecompose, PeriodFromTheTimeStepOrTheAcf) {
  const Outcome timed = run_ok("ts_decompose", {{"column", "pos"}, {"time_column", "time"}},
                               ts_fixture(), chunked(64));
  ASSERT_EQ(timed.status, QUARRY_OK) << timed.error;
  EXPECT_EQ(timed.data()["period"], 24);
  EXPECT_TRUE(matches_ref(timed.data()["seasonal"], "decompose_pos_additive_24", "seasonal"));
  const Outcome detected = run_ok("ts_decompose", {{"column", "pos"}}, ts_fixture());
  EXPECT_EQ(detected.data()["period"], 24);
  EXPECT_NE(detected.data()["period_source"].get<std::string>().find("ACF"), std::string::npos);
  EXPECT_GT(detected.data()["strength_seasonal"].get<double>(), 0.9);
}

TEST(TsDecompose, MissingValuesAndSkippedDatesAreFilledByInterpolation) {
  // The same 11 days missing as empty values (ts_gaps.csv) and as absent rows
  // (ts_gaps_absent.csv); the daily step implies period 7 and places the values by date.
  for (const char* file : {"ts_gaps.csv", "ts_gaps_absent.csv"}) {
    for (std::int64_t rows : {1, 7, 100}) {
      SCOPED_TRACE(std::string(file) + ", chunks of " + std::to_string(rows));
      const Outcome o = run_ok("ts_decompose", {{"column", "y"}, {"time_column", "time"}},
                               ts_fixture(file), chunked(rows));
      ASSERT_EQ(o.status, QUARRY_OK) << o.error;
      EXPECT_EQ(o.data()["period"], 7);
      EXPECT_EQ(o.data()["values"], 210);
      for (const char* key : {"trend", "seasonal", "resid"}) {
        EXPECT_TRUE(matches_ref(o.data()[key], "decompose_gaps_7", key));
      }
      const json& filling = o.data()["filling"];
      EXPECT_EQ(filling["filled"], 11);
      EXPECT_EQ(filling["longest_gap"], 5);
      const bool absent = std::string(file) == "ts_gaps_absent.csv";
      EXPECT_EQ(filling["absent_timestamps"], absent ? 11 : 0);
      EXPECT_EQ(filling["missing_values"], absent ? 0 : 11);
      EXPECT_NE(o.data()["notes"].dump().find("filled 11 of 210 slots"), std::string::npos)
          << o.data()["notes"];
    }
  }
  // Without a time column the empty values are slots in row order, filled the same way.
  const Outcome rows =
      run_ok("ts_decompose", {{"column", "y"}, {"period", 7}}, ts_fixture("ts_gaps.csv"));
  ASSERT_EQ(rows.status, QUARRY_OK) << rows.error;
  EXPECT_TRUE(matches_ref(rows.data()["seasonal"], "decompose_gaps_7", "seasonal"));
  EXPECT_TRUE(matches_ref(rows.data()["resid"], "decompose_gaps_7", "resid"));
}

TEST(TsDecompose, AWeeklyPatternKeepsItsPhaseAcrossThreeMissingDays) {
  // Dropping days 60-62 used to shift the phase (pattern 2.13 1.46 0.82 …, seasonal strength
  // 0.09); filled, the pattern is statsmodels' on the interpolated series.
  const std::set<std::size_t> gap = {60, 61, 62};
  for (const Table& table : {daily(weekly(), gap), daily(weekly(), {}, gap)}) {
    const Outcome o = run_ok("ts_decompose", {{"column", "y"}, {"time_column", "time"}}, table);
    ASSERT_EQ(o.status, QUARRY_OK) << o.error;
    EXPECT_EQ(o.data()["period"], 7);
    EXPECT_TRUE(
        matches_ref(o.data()["seasonal_pattern"], "decompose_weekly_gap_60_62", "seasonal"));
    EXPECT_TRUE(matches_ref(o.data()["trend"], "decompose_weekly_gap_60_62", "trend"));
    EXPECT_GT(o.data()["strength_seasonal"].get<double>(), 0.95);
    EXPECT_EQ(o.data()["filling"]["filled"], 3);
  }
}

TEST(TsDecompose, FillingHasLimits) {
  // More than half the slots missing (as empty values, or as absent days): refused, naming
  // the count and the fixes.
  std::set<std::size_t> most;
  for (std::size_t i = 10; i <= 80; ++i) most.insert(i);
  for (const Table& table : {daily(weekly(), most), daily(weekly(), {}, most)}) {
    const Outcome o = run("ts_decompose", {{"column", "y"}, {"time_column", "time"}}, table);
    EXPECT_NE(o.error.find("71 of 140 slots"), std::string::npos) << o.error;
    EXPECT_NE(o.error.find("more than half"), std::string::npos) << o.error;
  }
  // A gap longer than the period would invent a whole season.
  const Outcome o = run("ts_decompose", {{"column", "y"}, {"time_column", "time"}},
                        daily(weekly(), {}, {50, 51, 52, 53, 54, 55, 56, 57}));
  EXPECT_NE(o.error.find("gap of 8 consecutive"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("from 2024-02-20T00:00:00Z to 2024-02-27T00:00:00Z"), std::string::npos)
      << o.error;
  EXPECT_NE(o.error.find("longer than the period (7)"), std::string::npos) << o.error;
  // Empty values at the ends have nothing to interpolate from: left out and said.
  const Outcome ends =
      run_ok("ts_decompose", {{"column", "y"}, {"period", 7}}, daily(weekly(), {0, 1, 139}));
  ASSERT_EQ(ends.status, QUARRY_OK) << ends.error;
  EXPECT_EQ(ends.data()["values"], 137);
  EXPECT_EQ(ends.data()["filling"]["trimmed_ends"], 3);
  EXPECT_EQ(ends.data()["filling"]["filled"], 0);
  EXPECT_NE(ends.data()["notes"].dump().find("3 missing values at the start or end"),
            std::string::npos);
}

TEST(TsDecompose, TimesOffTheGridAreTakenInOrderAndSaid) {
  // A repeated day has no slot of its own: the values stay in time order, and the result says
  // that absent days could not be detected.
  const Table repeated = make_table(
      {text_column("time", {"2024-01-01", "2024-01-02", "2024-01-02", "2024-01-03", "2024-01-04",
                            "2024-01-05", "2024-01-06", "2024-01-07", "2024-01-08"}),
       float_column("y", {1, 2, 3, 1, 2, 3, 1, 2, 3})});
  const Outcome o =
      run_ok("ts_decompose", {{"column", "y"}, {"time_column", "time"}, {"period", 3}}, repeated);
  ASSERT_EQ(o.status, QUARRY_OK) << o.error;
  EXPECT_NE(o.data()["notes"].dump().find("1 repeated timestamps"), std::string::npos)
      << o.data()["notes"];
  EXPECT_NE(o.data()["filling"]["placement"].get<std::string>().find("without a time grid"),
            std::string::npos);
}

TEST(TsDecompose, BadInputGetsClearErrors) {
  Outcome o = run("ts_decompose", {{"column", "walk"}, {"period", 400}}, ts_fixture());
  EXPECT_NE(o.error.find("two complete cycles"), std::string::npos) << o.error;
  o = run("ts_decompose", {{"column", "walk"}, {"model", "multiplicative"}, {"period", 12}},
          ts_fixture());
  EXPECT_NE(o.error.find("positive values"), std::string::npos) << o.error;
  o = run("ts_decompose", {{"column", "const"}}, ts_fixture());
  EXPECT_NE(o.error.find("constant"), std::string::npos) << o.error;
}

}  // namespace
