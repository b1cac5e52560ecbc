// ts_resample against pandas 1.5 (DataFrame.resample(freq, on="time") with agg/ohlc, grouped
// resample, a +05:30 offset, Monday weeks) on the fixed-seed fixtures, streamed in chunks of
// 1, 7, 100 rows and as one chunk, plus unsorted input and bad arguments. Reference values:
// fixtures/ts_reference.json, written by make_fixtures.py (each names the pandas call).

#include <gtest/gtest.h>

#include "ts_test_support.hpp"

using namespace ts_test;

namespace {

const std::int64_t kChunks[] = {0, 1, 7, 100};

RunOptions chunked(std::int64_t rows) {
  return {rows, 1, MergeOrder::left, 0, 0};
}

//! Field `key` of every output row.
json field(const json& rows, const std::string& key) {
  json out = json::array();
  for (const auto& r : rows) out.push_back(r.at(key));
  return out;
}

std::vector<std::string> strings(const json& array) {
  std::vector<std::string> out;
  for (const auto& v : array) out.push_back(v.get<std::string>());
  return out;
}

TEST(TsResample, FifteenMinutesMatchPandas) {
  const json args = {
      {"time_column", "time"},
      {"frequency", "15min"},
      {"columns", {"value"}},
      {"aggregations", {"mean", "sum", "min", "max", "count", "first", "last", "std", "ohlc"}}};
  const json& ref = reference("resample_15min")["values"];
  for (std::int64_t chunk : kChunks) {
    const Outcome out = run_ok("ts_resample", args, ts_fixture("ts_events.csv"), chunked(chunk));
    ASSERT_EQ(out.status, QUARRY_OK) << out.error;
    const json& rows = out.data()["rows"];
    EXPECT_EQ(strings(field(rows, "time")), strings(ref["time"]));
    for (const std::string a : {"mean", "sum", "min", "max", "count", "first", "last", "std"}) {
      EXPECT_TRUE(matches_ref(field(rows, "value_" + a), "resample_15min", a));
    }
    for (const std::string k : {"open", "high", "low", "close"}) {
      EXPECT_TRUE(matches_ref(field(rows, "value_" + k), "resample_15min", k));
    }
    EXPECT_GT(out.data()["empty_buckets"].get<int>(), 0);  // the half-hour gaps
    EXPECT_EQ(out.data()["time_order"]["unsorted"], 0);
  }
}

TEST(TsResample, GroupsMatchPandas) {
  const json args = {{"time_column", "time"},
                     {"frequency", "1h"},
                     {"columns", {"value"}},
                     {"group_column", "sensor"},
                     {"aggregations", {"mean", "count", "sum"}}};
  const json& ref = reference("resample_group_1h")["values"];
  for (std::int64_t chunk : kChunks) {
    const Outcome out = run_ok("ts_resample", args, ts_fixture("ts_events.csv"), chunked(chunk));
    ASSERT_EQ(out.status, QUARRY_OK) << out.error;
    const json& rows = out.data()["rows"];
    EXPECT_EQ(strings(field(rows, "group")), strings(ref["group"]));
    EXPECT_EQ(strings(field(rows, "time")), strings(ref["time"]));
    for (const std::string a : {"mean", "count", "sum"}) {
      EXPECT_TRUE(matches_ref(field(rows, "value_" + a), "resample_group_1h", a));
    }
    EXPECT_EQ(out.data()["groups"], 3);
  }
}

TEST(TsResample, FixedOffsetDaysMatchPandas) {
  const json args = {{"time_column", "time"},
                     {"frequency", "1D"},
                     {"timezone", "+05:30"},
                     {"columns", {"pos", "value"}},
                     {"aggregations", {"mean", "max"}}};
  const Outcome out = run_ok("ts_resample", args, ts_fixture(), chunked(50));
  ASSERT_EQ(out.status, QUARRY_OK) << out.error;
  const json& rows = out.data()["rows"];
  EXPECT_EQ(strings(field(rows, "time")),
            strings(reference("resample_1d_plus0530")["values"]["time"]));
  EXPECT_TRUE(matches_ref(field(rows, "pos_mean"), "resample_1d_plus0530", "pos_mean"));
  EXPECT_TRUE(matches_ref(field(rows, "pos_max"), "resample_1d_plus0530", "pos_max"));
  EXPECT_TRUE(matches_ref(field(rows, "value_mean"), "resample_1d_plus0530", "value_mean"));
}

TEST(TsResample, MondayWeeksMatchPandas) {
  const json args = {{"time_column", "time"},
                     {"frequency", "1W"},
                     {"columns", {"walk"}},
                     {"aggregations", {"mean", "last"}}};
  const Outcome out = run_ok("ts_resample", args, ts_fixture(), chunked(100));
  ASSERT_EQ(out.status, QUARRY_OK) << out.error;
  const json& rows = out.data()["rows"];
  EXPECT_EQ(strings(field(rows, "time")), strings(reference("resample_week")["values"]["time"]));
  EXPECT_TRUE(matches_ref(field(rows, "walk_mean"), "resample_week", "mean"));
  EXPECT_TRUE(matches_ref(field(rows, "walk_last"), "resample_week", "last"));
}

TEST(TsResample, UnsortedRowsAreBucketedAndReported) {
  const Table t = make_table(
      {text_column("time", {"2024-02-10T10:00:00Z", "2024-01-05T00:00:00Z", "2024-01-05T00:00:00Z",
                            "2024-03-31T23:59:59Z", std::nullopt}),
       float_column("v", {1, 2, 4, 8, 16})});
  const Outcome out = run_ok("ts_resample",
                             {{"time_column", "time"},
                              {"frequency", "1M"},
                              {"columns", {"v"}},
                              {"aggregations", {"sum", "first", "count"}}},
                             t, chunked(2));
  ASSERT_EQ(out.status, QUARRY_OK) << out.error;
  const json& rows = out.data()["rows"];
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0]["time"], "2024-01-01T00:00:00Z");
  EXPECT_EQ(rows[0]["v_sum"], 6.0);
  EXPECT_EQ(rows[0]["v_first"], 2.0);
  EXPECT_EQ(rows[1]["v_sum"], 1.0);
  EXPECT_EQ(rows[2]["time"], "2024-03-01T00:00:00Z");
  EXPECT_EQ(out.data()["time_order"]["unsorted"], 1);
  EXPECT_EQ(out.data()["time_order"]["duplicates"], 1);
  EXPECT_EQ(out.data()["dropped"]["no_time"], 1);
}

TEST(TsResample, AStepLongerThanTheUsualOneIsReportedInWords) {
  // Steps of 30, 30, 40 and 90 minutes: the usual step is 30 minutes; the 40-minute step skips
  // no whole step, the 90-minute one skips two.
  const Table t = make_table(
      {text_column("time", {"2024-01-05T10:00:00Z", "2024-01-05T10:30:00Z", "2024-01-05T11:00:00Z",
                            "2024-01-05T11:40:00Z", "2024-01-05T13:10:00Z"}),
       float_column("v", {1, 2, 3, 4, 5})});
  const Outcome out =
      run_ok("ts_resample", {{"time_column", "time"}, {"frequency", "1h"}, {"columns", {"v"}}}, t);
  ASSERT_EQ(out.status, QUARRY_OK) << out.error;
  EXPECT_EQ(out.data()["time_order"]["gaps"], 2);
  EXPECT_EQ(out.data()["time_order"]["missing_steps"], 2);
  EXPECT_NE(out.text().find("2 steps longer than the usual 00:30:00 (2 whole steps missing)"),
            std::string::npos)
      << out.text();
}

TEST(TsResample, MixedDateFormatsPointToCleanNormalize) {
  // Text in several date formats: the error names clean_normalize's date parsing, and says
  // that column_types {"when": "timestamp"} would make the other formats null.
  const Table mixed = make_table({text_column("when", {"2024-01-05", "01/06/2024", "Jan 7, 2024"}),
                                  float_column("v", {1, 2, 3})});
  const Outcome o =
      run("ts_resample", {{"time_column", "when"}, {"frequency", "1D"}, {"columns", {"v"}}}, mixed);
  EXPECT_NE(o.error.find("2 values are not ISO 8601"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("clean_normalize {\"columns\": {\"when\": {\"parse\": \"date\"}}"),
            std::string::npos)
      << o.error;
  EXPECT_NE(o.error.find("values not in ISO 8601 become null"), std::string::npos) << o.error;
  // What column_types timestamp gives: those values arrive as nulls; the note says so.
  const Table nulled = make_table({TextColumn{"when",
                                              {"2024-01-05T00:00:00Z", std::nullopt, std::nullopt},
                                              sdk::ColumnType::timestamp},
                                   float_column("v", {1, 2, 3})});
  const Outcome n = run_ok(
      "ts_resample", {{"time_column", "when"}, {"frequency", "1D"}, {"columns", {"v"}}}, nulled);
  ASSERT_EQ(n.status, QUARRY_OK) << n.error;
  const std::string notes = n.data()["notes"].dump();
  EXPECT_NE(notes.find("2 rows without a time (null or empty) were left out"), std::string::npos)
      << notes;
  EXPECT_NE(notes.find("clean_normalize"), std::string::npos) << notes;
}

TEST(TsResample, BadInputGetsClearErrors) {
  const Table& t = ts_fixture();
  Outcome o =
      run("ts_resample", {{"time_column", "time"}, {"frequency", "1D"}, {"columns", {"x"}}}, t);
  EXPECT_NE(o.error.find("available columns"), std::string::npos) << o.error;
  o = run("ts_resample",
          {{"time_column", "time"},
           {"frequency", "1D"},
           {"columns", {"value"}},
           {"timezone", "Europe/Paris"}},
          t);
  EXPECT_NE(o.error.find("fixed UTC offset"), std::string::npos) << o.error;
  o = run("ts_resample",
          {{"time_column", "time"}, {"frequency", "1fortnight"}, {"columns", {"value"}}}, t);
  EXPECT_NE(o.error.find("not a frequency"), std::string::npos) << o.error;
  o = run("ts_resample", {{"time_column", "time"}, {"frequency", "1us"}, {"columns", {"value"}}},
          t);
  EXPECT_NE(o.error.find("coarser frequency"), std::string::npos) << o.error;
  // A budget too small for the buckets names the budget and the fixes.
  o = run("ts_resample", {{"time_column", "time"}, {"frequency", "1s"}, {"columns", {"value"}}},
          ts_fixture("ts_events.csv"), {0, 1, MergeOrder::left, 0, 64 * 1024});
  EXPECT_EQ(o.status, QUARRY_OUT_OF_MEMORY);
  EXPECT_NE(o.error.find("memory.budget_mb"), std::string::npos) << o.error;
}

}  // namespace
