// ts_stationarity against statsmodels 0.13.5 (tsa.stattools.adfuller with autolag="AIC" and
// kpss with nlags="auto" or a given count) on the fixed-seed fixture: a random walk, an AR(2),
// a trending seasonal series with regression "ct", and a column with nulls (dropped first).
// The ADF statistic comes from an OLS fit (QR here, pinv in statsmodels): compared to 1e-9.
// Reference values: fixtures/ts_reference.json, written by make_fixtures.py.

#include <gtest/gtest.h>

#include "ts_test_support.hpp"

using namespace ts_test;

namespace {

RunOptions chunked(std::int64_t rows) {
  return {rows, 1, MergeOrder::left, 0, 0};
}

void check_adf(const json& adf, const std::string& name) {
  const json& r = reference(name)["values"];
  const std::string call = reference(name)["call"];
  EXPECT_TRUE(near_rel(adf["statistic"], r["statistic"].get<double>())) << call;
  EXPECT_TRUE(near_rel(adf["pvalue"], r["pvalue"].get<double>())) << call;
  EXPECT_TRUE(near_rel(adf["ic_best"], r["ic_best"].get<double>())) << call;
  EXPECT_EQ(adf["used_lag"], r["used_lag"]) << call;
  EXPECT_EQ(adf["nobs"], r["nobs"]) << call;
  EXPECT_TRUE(near_rel(adf["critical_values"]["1%"], r["crit"][0].get<double>())) << call;
  EXPECT_TRUE(near_rel(adf["critical_values"]["5%"], r["crit"][1].get<double>())) << call;
  EXPECT_TRUE(near_rel(adf["critical_values"]["10%"], r["crit"][2].get<double>())) << call;
}

void check_kpss(const json& kpss, const std::string& name) {
  const json& r = reference(name)["values"];
  const std::string call = reference(name)["call"];
  EXPECT_TRUE(near_rel(kpss["statistic"], r["statistic"].get<double>())) << call;
  EXPECT_TRUE(near_rel(kpss["pvalue"], r["pvalue"].get<double>())) << call;
  EXPECT_EQ(kpss["lags"], r["lags"]) << call;
}

TEST(TsStationarity, MatchesStatsmodels) {
  const std::pair<std::string, std::string> cases[] = {
      {"walk", "c"}, {"ar2", "c"}, {"pos", "ct"}, {"value", "c"}};
  for (const auto& [column, regression] : cases) {
    SCOPED_TRACE(column);
    const Outcome out =
        run_ok("ts_stationarity",
               {{"column", column}, {"regression", regression}, {"time_column", "time"}},
               ts_fixture(), chunked(97));
    ASSERT_EQ(out.status, QUARRY_OK) << out.error;
    check_adf(out.data()["adf"], "adf_" + column + "_" + regression);
    check_kpss(out.data()["kpss"], "kpss_" + column + "_" + regression);
  }
  const Outcome walk = run_ok("ts_stationarity", {{"column", "walk"}}, ts_fixture());
  EXPECT_FALSE(walk.data()["adf"]["stationary_at_5pct"].get<bool>());
  const Outcome ar2 = run_ok("ts_stationarity", {{"column", "ar2"}}, ts_fixture());
  EXPECT_TRUE(ar2.data()["adf"]["stationary_at_5pct"].get<bool>());
  EXPECT_EQ(ar2.data()["conclusion"], "both tests indicate stationarity");
}

TEST(TsStationarity, GivenLags) {
  const Outcome out = run_ok(
      "ts_stationarity", {{"column", "ar2"}, {"kpss_lags", 5}, {"tests", {"kpss"}}}, ts_fixture());
  check_kpss(out.data()["kpss"], "kpss_ar2_5");
  EXPECT_FALSE(out.data().contains("adf"));
  const Outcome adf = run_ok(
      "ts_stationarity",
      {{"column", "ar2"}, {"maxlag", 4}, {"regression", "ct"}, {"tests", {"adf"}}}, ts_fixture());
  check_adf(adf.data()["adf"], "adf_ar2_ct_max4");
}

TEST(TsStationarity, BadInputGetsClearErrors) {
  Outcome o = run("ts_stationarity", {{"column", "const"}}, ts_fixture());
  EXPECT_NE(o.error.find("constant"), std::string::npos) << o.error;
  const Table tiny = make_table({float_column("x", {1, 2, 3, 5})});
  o = run("ts_stationarity", {{"column", "x"}}, tiny);
  EXPECT_NE(o.error.find("at least 10 values"), std::string::npos) << o.error;
  o = run("ts_stationarity", {{"column", "walk"}, {"maxlag", 400}}, ts_fixture());
  EXPECT_NE(o.error.find("maxlag must be below"), std::string::npos) << o.error;
  o = run("ts_stationarity", {{"column", "walk"}}, ts_fixture(), {0, 1, MergeOrder::left, 0, 4096});
  EXPECT_EQ(o.status, QUARRY_OUT_OF_MEMORY);
  EXPECT_NE(o.error.find("memory.budget_mb"), std::string::npos) << o.error;
  EXPECT_NE(o.error.find("ts_resample"), std::string::npos) << o.error;
}

}  // namespace
