// ts_rolling against pandas 1.5 (Series.rolling(...).mean/sum/std/var/min/max/median,
// rolling("5min", on="time") and ewm(...).mean()) on the fixed-seed fixtures, in chunks of
// 1, 7, 100 rows and as one chunk (windows straddle chunk boundaries), plus bad input.
// Reference values: fixtures/ts_reference.json, written by make_fixtures.py (each entry names
// the pandas call that produced it).

#include <gtest/gtest.h>

#include "ts_test_support.hpp"

using namespace ts_test;

namespace {

const std::int64_t kChunks[] = {0, 1, 7, 100};

TEST(TsRolling, RowWindowMatchesPandas) {
  const json args = {{"column", "value"},
                     {"window", 24},
                     {"statistics", {"mean", "sum", "std", "var", "min", "max", "median"}}};
  for (std::int64_t chunk : kChunks) {
    SCOPED_TRACE("chunk rows " + std::to_string(chunk));
    const TransformOutcome out = run_transform("ts_rolling", args, ts_fixture(), chunk);
    ASSERT_EQ(out.outcome.status, QUARRY_OK) << out.outcome.error;
    EXPECT_EQ(out.rows, 720);
    for (const std::string stat : {"mean", "sum", "std", "var", "min", "max", "median"}) {
      const json& r = reference("rolling24_" + stat);
      EXPECT_TRUE(
          matches(out.float_columns.at("value_rolling_" + stat + "_24"), r["values"], r["call"]));
    }
    const json& data = out.outcome.data();
    EXPECT_EQ(data["rows"], 720);
    EXPECT_EQ(data["input_missing"], 15);
    EXPECT_EQ(data["min_periods"], 24);
    EXPECT_EQ(data["outputs"].size(), 7U);
  }
}

TEST(TsRolling, MinPeriodsOneMatchesPandas) {
  const json args = {{"column", "value"},
                     {"window", 5},
                     {"min_periods", 1},
                     {"statistics", {"mean", "std", "median"}}};
  for (std::int64_t chunk : kChunks) {
    const TransformOutcome out = run_transform("ts_rolling", args, ts_fixture(), chunk);
    ASSERT_EQ(out.outcome.status, QUARRY_OK) << out.outcome.error;
    for (const std::string stat : {"mean", "std", "median"}) {
      const json& r = reference("rolling5_mp1_" + stat);
      EXPECT_TRUE(
          matches(out.float_columns.at("value_rolling_" + stat + "_5"), r["values"], r["call"]));
    }
  }
}

TEST(TsRolling, EwmMatchesPandas) {
  struct Case {
    json ewm;
    std::string column, ref;
  };
  const Case cases[] = {
      {{{"span", 12}}, "value_ewm_mean_span12", "ewm_span12"},
      {{{"alpha", 0.3}, {"adjust", false}}, "value_ewm_mean_alpha0.3", "ewm_alpha03_noadjust"},
      {{{"halflife", 5}, {"ignore_na", true}},
       "value_ewm_mean_halflife5",
       "ewm_halflife5_ignore_na"},
      {{{"com", 2}, {"min_periods", 3}}, "value_ewm_mean_com2", "ewm_com2_mp3"},
  };
  for (const Case& c : cases) {
    for (std::int64_t chunk : kChunks) {
      const TransformOutcome out =
          run_transform("ts_rolling", {{"column", "value"}, {"ewm", c.ewm}}, ts_fixture(), chunk);
      ASSERT_EQ(out.outcome.status, QUARRY_OK) << out.outcome.error;
      const json& r = reference(c.ref);
      EXPECT_TRUE(matches(out.float_columns.at(c.column), r["values"], r["call"]));
    }
  }
}

TEST(TsRolling, TimeWindowMatchesPandas) {
  const json args = {{"column", "value"},
                     {"window", "5min"},
                     {"time_column", "time"},
                     {"statistics", {"mean", "sum", "std", "min", "max", "median"}}};
  for (std::int64_t chunk : kChunks) {
    SCOPED_TRACE("chunk rows " + std::to_string(chunk));
    const TransformOutcome out =
        run_transform("ts_rolling", args, ts_fixture("ts_events.csv"), chunk);
    ASSERT_EQ(out.outcome.status, QUARRY_OK) << out.outcome.error;
    for (const std::string stat : {"mean", "sum", "std", "min", "max", "median"}) {
      const json& r = reference("events_5min_" + stat);
      EXPECT_TRUE(
          matches(out.float_columns.at("value_rolling_" + stat + "_5min"), r["values"], r["call"]));
    }
    const json& order = out.outcome.data()["time_order"];
    EXPECT_GT(order["duplicates"].get<int>(), 0);
    EXPECT_EQ(order["unsorted"], 0);
    EXPECT_EQ(order["regular"], false);  // steps of 0..119 s: more than 64 distinct steps
    EXPECT_TRUE(order["step_seconds"].is_null());
  }
}

TEST(TsRolling, PassesInputColumnsThrough) {
  const TransformOutcome out =
      run_transform("ts_rolling", {{"column", "walk"}, {"window", 3}}, ts_fixture(), 50);
  ASSERT_EQ(out.outcome.status, QUARRY_OK) << out.outcome.error;
  const std::vector<std::string> expected = {
      "time", "value", "walk", "ar2", "pos", "const", "walk_rolling_mean_3"};
  EXPECT_EQ(out.names, expected);
  EXPECT_EQ(out.float_columns.at("walk").size(), 720U);
  EXPECT_FALSE(out.float_columns.at("walk_rolling_mean_3")[1].has_value());
  EXPECT_TRUE(out.float_columns.at("walk_rolling_mean_3")[2].has_value());
}

TEST(TsRolling, LargeOffsetsKeepTheirDigits) {
  // 1e9 + small noise: a naive running sum of squares would lose the variance entirely.
  std::vector<double> v;
  for (int i = 0; i < 300; ++i) v.push_back(1e9 + (i % 7) * 0.001 + (i % 3) * 0.0001);
  const Table table = make_table({float_column("x", v)});
  const TransformOutcome out = run_transform(
      "ts_rolling", {{"column", "x"}, {"window", 10}, {"statistics", {"std"}}}, table, 13);
  ASSERT_EQ(out.outcome.status, QUARRY_OK) << out.outcome.error;
  const Values& s = out.float_columns.at("x_rolling_std_10");
  for (std::size_t i = 9; i < v.size(); ++i) {
    double mean = 0, ss = 0;
    for (std::size_t j = i - 9; j <= i; ++j) mean += (v[j] - 1e9) / 10;
    for (std::size_t j = i - 9; j <= i; ++j) ss += (v[j] - 1e9 - mean) * (v[j] - 1e9 - mean);
    EXPECT_NEAR(*s[i], std::sqrt(ss / 9), 1e-9 * std::sqrt(ss / 9) + 1e-12) << i;
  }
}

TEST(TsRolling, GroupsRollOnTheirOwnAsPandasGroupbyRolling) {
  // ts_events.csv interleaves three sensors in one time-sorted file.
  const json rows3 = {{"column", "value"},
                      {"window", 3},
                      {"statistics", {"mean", "std", "median"}},
                      {"group_column", "sensor"}};
  const json span = {{"column", "value"},
                     {"window", "5min"},
                     {"time_column", "time"},
                     {"statistics", {"mean", "max"}},
                     {"group_column", "sensor"}};
  const json ewm = {{"column", "value"}, {"ewm", {{"span", 5}}}, {"group_column", "sensor"}};
  struct Case {
    const json& args;
    std::string reference_prefix, column_suffix;
    std::vector<std::string> stats;
  };
  const Case cases[] = {{rows3, "events_by_sensor_rows3_", "_3", {"mean", "std", "median"}},
                        {span, "events_by_sensor_5min_", "_5min", {"mean", "max"}}};
  for (std::int64_t chunk : kChunks) {
    SCOPED_TRACE("chunk rows " + std::to_string(chunk));
    for (const Case& c : cases) {
      const TransformOutcome out =
          run_transform("ts_rolling", c.args, ts_fixture("ts_events.csv"), chunk);
      ASSERT_EQ(out.outcome.status, QUARRY_OK) << out.outcome.error;
      EXPECT_EQ(out.outcome.data()["groups"], 3);
      for (const std::string& stat : c.stats) {
        const json& r = reference(c.reference_prefix + stat);
        EXPECT_TRUE(matches(out.float_columns.at("value_rolling_" + stat + c.column_suffix),
                            r["values"], r["call"]));
      }
    }
    const TransformOutcome by_ewm =
        run_transform("ts_rolling", ewm, ts_fixture("ts_events.csv"), chunk);
    ASSERT_EQ(by_ewm.outcome.status, QUARRY_OK) << by_ewm.outcome.error;
    const json& r = reference("events_by_sensor_ewm_span5");
    EXPECT_TRUE(matches(by_ewm.float_columns.at("value_ewm_mean_span5"), r["values"], r["call"]));
  }
}

TEST(TsRolling, GroupsNeedTimeOrderOnlyWithinThemselvesAndTheirNumberIsBounded) {
  // Sensor b's rows come before a's in time, but each sensor is in order: allowed. A row
  // without a sensor gets nulls; a step back within one sensor fails naming it.
  const Table interleaved = make_table(
      {text_column("time", {"2024-01-01T00:00:05Z", "2024-01-01T00:00:01Z", "2024-01-01T00:00:06Z",
                            "2024-01-01T00:00:02Z", "2024-01-01T00:00:07Z"}),
       text_column("sensor", {"a", "b", "a", std::nullopt, "b"}),
       float_column("v", {1, 10, 2, 99, 30})});
  const json args = {{"column", "v"},
                     {"window", "10s"},
                     {"time_column", "time"},
                     {"statistics", {"sum"}},
                     {"group_column", "sensor"}};
  const TransformOutcome ok = run_transform("ts_rolling", args, interleaved);
  ASSERT_EQ(ok.outcome.status, QUARRY_OK) << ok.outcome.error;
  EXPECT_EQ(ok.float_columns.at("v_rolling_sum_10s"), (Values{1, 10, 3, std::nullopt, 40}));
  EXPECT_EQ(ok.outcome.data()["groups"], 2);
  EXPECT_NE(ok.outcome.data()["notes"].dump().find("1 rows had no 'sensor'"), std::string::npos)
      << ok.outcome.data()["notes"].dump();

  const Table stepping_back =
      make_table({text_column("time", {"2024-01-01T00:00:05Z", "2024-01-01T00:00:09Z",
                                       "2024-01-01T00:00:04Z"}),
                  text_column("sensor", {"a", "b", "a"}), float_column("v", {1, 2, 3})});
  const Outcome back = run_transform("ts_rolling", args, stepping_back).outcome;
  EXPECT_EQ(back.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(back.error.find("rows of sensor 'a' sorted by 'time', but row 3 steps back"),
            std::string::npos)
      << back.error;

  // A group per row and a long window each: refused within the budget, naming what to do.
  std::vector<std::optional<std::string>> ids;
  std::vector<double> values;
  for (int i = 0; i < 5000; ++i) {
    ids.push_back("row-" + std::to_string(i));
    values.push_back(i);
  }
  const Table ids_table = make_table({text_column("id", ids), float_column("v", values)});
  const Outcome too_many =
      run_transform("ts_rolling", {{"column", "v"}, {"window", 1000}, {"group_column", "id"}},
                    ids_table, 0, 64ULL << 20)
          .outcome;
  EXPECT_EQ(too_many.status, QUARRY_OUT_OF_MEMORY) << too_many.error;
  EXPECT_NE(too_many.error.find("groups of 'id'"), std::string::npos) << too_many.error;
  EXPECT_NE(too_many.error.find("memory.budget_mb"), std::string::npos) << too_many.error;
}

TEST(TsRolling, BadInputGetsClearErrors) {
  const Table& t = ts_fixture();
  auto error_of = [&](const json& args) { return run_transform("ts_rolling", args, t).outcome; };
  Outcome o = error_of({{"column", "nope"}, {"window", 3}});
  EXPECT_EQ(o.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(o.error.find("available columns"), std::string::npos) << o.error;
  o = error_of({{"column", "value"}, {"window", "5min"}});
  EXPECT_NE(o.error.find("time_column"), std::string::npos) << o.error;
  o = error_of({{"column", "value"}, {"window", "5parsecs"}, {"time_column", "time"}});
  EXPECT_NE(o.error.find("5min"), std::string::npos) << o.error;
  o = error_of({{"column", "value"}, {"window", 3}, {"min_periods", 4}});
  EXPECT_NE(o.error.find("min_periods"), std::string::npos) << o.error;
  o = error_of({{"column", "value"}, {"ewm", {{"span", 3}, {"alpha", 0.5}}}});
  EXPECT_NE(o.error.find("exactly one"), std::string::npos) << o.error;
  o = error_of({{"column", "value"}, {"window", 3}, {"time_column", "value"}});
  EXPECT_NE(o.error.find("timestamps"), std::string::npos) << o.error;
  o = error_of({{"column", "value"}});
  EXPECT_NE(o.error.find("nothing to compute"), std::string::npos) << o.error;

  // A window larger than the series: all null, and said so.
  const TransformOutcome big =
      run_transform("ts_rolling", {{"column", "value"}, {"window", 1000}}, t);
  ASSERT_EQ(big.outcome.status, QUARRY_OK);
  EXPECT_EQ(big.outcome.data()["outputs"][0]["values"], 0);
  EXPECT_NE(big.outcome.data()["notes"].dump().find("larger than the series"), std::string::npos);

  // Unsorted times with a time window fail naming the row; unparseable times are counted.
  const Table unsorted =
      make_table({text_column("time", {"2024-01-01T00:00:03Z", "2024-01-01T00:00:01Z"}),
                  float_column("v", {1, 2})});
  o = run_transform("ts_rolling", {{"column", "v"}, {"window", "2s"}, {"time_column", "time"}},
                    unsorted)
          .outcome;
  EXPECT_NE(o.error.find("row 2 steps back"), std::string::npos) << o.error;
  const Table garbled = make_table(
      {text_column("time", {"2024-01-01", "yesterday", "soon"}), float_column("v", {1, 2, 3})});
  o = run_transform("ts_rolling", {{"column", "v"}, {"window", 2}, {"time_column", "time"}},
                    garbled)
          .outcome;
  EXPECT_NE(o.error.find("2 values are not ISO 8601"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("\"yesterday\""), std::string::npos) << o.error;
}

TEST(TsRolling, EmptyInputGivesAnEmptyReport) {
  const Table empty = make_table({float_column("x", {})});
  const TransformOutcome out = run_transform("ts_rolling", {{"column", "x"}, {"window", 3}}, empty);
  ASSERT_EQ(out.outcome.status, QUARRY_OK) << out.outcome.error;
  EXPECT_EQ(out.outcome.data()["rows"], 0);
}

}  // namespace
