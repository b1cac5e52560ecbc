// ts_acf and ts_pacf against statsmodels 0.13.5 (tsa.stattools.acf with alpha/qstat/missing,
// pacf 'ywadjusted' and 'ywm') on the fixed-seed fixture, streamed in chunks of 1, 7, 100 rows
// and as one chunk, plus bad input. Reference values: fixtures/ts_reference.json, written by
// make_fixtures.py (each entry names the statsmodels call that produced it).

#include <gtest/gtest.h>

#include "ts_test_support.hpp"

using namespace ts_test;

namespace {

const std::int64_t kChunks[] = {0, 1, 7, 100};

RunOptions chunked(std::int64_t rows) {
  return {rows, 1, MergeOrder::left, 0, 0};
}

TEST(TsAcf, MatchesStatsmodelsWithBoundsAndLjungBox) {
  for (std::int64_t chunk : kChunks) {
    const Outcome out =
        run_ok("ts_acf", {{"column", "walk"}, {"nlags", 20}}, ts_fixture(), chunked(chunk));
    ASSERT_EQ(out.status, QUARRY_OK) << out.error;
    const json& d = out.data();
    EXPECT_TRUE(matches_ref(d["acf"], "acf_walk20", "acf"));
    EXPECT_TRUE(matches_ref(d["confint_lower"], "acf_walk20", "lower"));
    EXPECT_TRUE(matches_ref(d["confint_upper"], "acf_walk20", "upper"));
    EXPECT_TRUE(matches_ref(d["qstat"], "acf_walk20", "qstat"));
    EXPECT_TRUE(matches_ref(d["pvalues"], "acf_walk20", "pvalues", 1e-9, 1e-300));
    EXPECT_EQ(d["nobs"], 720);
    EXPECT_EQ(d["significant_lags"].size(), 20U);  // a random walk: every lag
  }
}

TEST(TsAcf, DropsMissingValuesLikeStatsmodels) {
  for (std::int64_t chunk : kChunks) {
    const Outcome out =
        run_ok("ts_acf", {{"column", "value"}, {"nlags", 30}}, ts_fixture(), chunked(chunk));
    ASSERT_EQ(out.status, QUARRY_OK) << out.error;
    EXPECT_TRUE(matches_ref(out.data()["acf"], "acf_value30_drop", "acf"));
    EXPECT_TRUE(matches_ref(out.data()["confint_lower"], "acf_value30_drop", "lower"));
    EXPECT_TRUE(matches_ref(out.data()["confint_upper"], "acf_value30_drop", "upper"));
    EXPECT_EQ(out.data()["missing"], 15);
  }
  const Outcome refused = run("ts_acf", {{"column", "value"}, {"missing", "error"}}, ts_fixture());
  EXPECT_EQ(refused.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(refused.error.find("missing values"), std::string::npos) << refused.error;
}

TEST(TsAcf, DefaultLagsAndAlpha) {
  const Outcome out =
      run_ok("ts_acf", {{"column", "ar2"}, {"alpha", 0.01}}, ts_fixture(), chunked(64));
  ASSERT_EQ(out.status, QUARRY_OK) << out.error;
  EXPECT_EQ(out.data()["nlags"], 28);  // int(min(10 log10(720), 719))
  EXPECT_TRUE(matches_ref(out.data()["acf"], "acf_ar2_default", "acf"));
  EXPECT_TRUE(matches_ref(out.data()["confint_upper"], "acf_ar2_default", "upper"));
}

TEST(TsPacf, MatchesStatsmodelsYuleWalker) {
  for (std::int64_t chunk : kChunks) {
    const Outcome out =
        run_ok("ts_pacf", {{"column", "ar2"}, {"nlags", 20}}, ts_fixture(), chunked(chunk));
    ASSERT_EQ(out.status, QUARRY_OK) << out.error;
    EXPECT_TRUE(matches_ref(out.data()["pacf"], "pacf_ar2_20", "pacf"));
    EXPECT_TRUE(matches_ref(out.data()["confint_lower"], "pacf_ar2_20", "lower"));
    EXPECT_TRUE(matches_ref(out.data()["confint_upper"], "pacf_ar2_20", "upper"));
    // An AR(2): the first two partial autocorrelations stand out.
    EXPECT_EQ(out.data()["significant_lags"][0], 1);
    EXPECT_EQ(out.data()["significant_lags"][1], 2);
  }
  const Outcome ywm =
      run_ok("ts_pacf", {{"column", "ar2"}, {"nlags", 15}, {"method", "ywm"}, {"alpha", 0.1}},
             ts_fixture(), chunked(33));
  EXPECT_TRUE(matches_ref(ywm.data()["pacf"], "pacf_ar2_ywm15", "pacf"));
  EXPECT_TRUE(matches_ref(ywm.data()["confint_lower"], "pacf_ar2_ywm15", "lower"));
  const Outcome walk = run_ok("ts_pacf", {{"column", "walk"}}, ts_fixture());
  EXPECT_TRUE(matches_ref(walk.data()["pacf"], "pacf_walk_default", "pacf"));
}

TEST(TsAcf, BadInputGetsClearErrors) {
  const Table& t = ts_fixture();
  Outcome o = run("ts_acf", {{"column", "const"}}, t);
  EXPECT_EQ(o.status, QUARRY_INVALID_ARGUMENT);
  EXPECT_NE(o.error.find("constant"), std::string::npos) << o.error;
  o = run("ts_acf", {{"column", "walk"}, {"nlags", 720}}, t);
  EXPECT_NE(o.error.find("lower nlags to at most 719"), std::string::npos) << o.error;
  o = run("ts_pacf", {{"column", "walk"}, {"nlags", 360}}, t);
  EXPECT_NE(o.error.find("must be < 360"), std::string::npos) << o.error;
  o = run("ts_acf", {{"column", "time"}}, t);
  EXPECT_NE(o.error.find("not numbers"), std::string::npos) << o.error;
  const Table one = make_table({float_column("x", {1.5})});
  o = run("ts_acf", {{"column", "x"}}, one);
  EXPECT_NE(o.error.find("at least 2 values"), std::string::npos) << o.error;
  const Table unsorted =
      make_table({text_column("time", {"2024-01-01T00:00:03Z", "2024-01-01T00:00:01Z",
                                       "2024-01-01T00:00:02Z"}),
                  float_column("v", {1, 2, 4})});
  o = run("ts_acf", {{"column", "v"}, {"nlags", 1}, {"time_column", "time"}}, unsorted);
  EXPECT_NE(o.error.find("sort the file by time"), std::string::npos) << o.error;
}

TEST(TsAcf, PictureIsASmallSvg) {
  const Outcome out =
      run_ok("ts_acf", {{"column", "ar2"}, {"nlags", 20}, {"picture", "svg"}}, ts_fixture());
  ASSERT_EQ(out.status, QUARRY_OK) << out.error;
  const json& block = out.result["content"][1];
  EXPECT_EQ(block["type"], "resource");
  const std::string svg = block["resource"]["text"];
  EXPECT_EQ(svg.rfind("<svg", 0), 0U);
  EXPECT_LT(svg.size(), 20000U);
}

}  // namespace
