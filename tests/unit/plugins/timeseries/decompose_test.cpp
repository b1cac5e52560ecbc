// ts_decompose against statsmodels 0.13.5 (tsa.seasonal.seasonal_decompose, additive and
// multiplicative, even and odd periods) on the fixed-seed fixture, the period implied by the
// hourly time step, and bad input. Reference values: fixtures/ts_reference.json, written by
// make_fixtures.py (each names the statsmodels call).

#include <gtest/gtest.h>

#include "ts_test_support.hpp"

using namespace ts_test;

namespace {

RunOptions chunked(std::int64_t rows) {
  return {rows, 1, MergeOrder::left, 0, 0};
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
