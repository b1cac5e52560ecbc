// ts_forecast against statsmodels 0.13.5 on the fixed-seed fixture.
// Holt–Winters (ExponentialSmoothing(...).fit(): level, trend, damped trend, additive and
// multiplicative seasons): both fits minimise the same SSE by numerical optimisation, so the
// plugin's SSE must be at most statsmodels' (+1e-7 relative), the smoothing parameters agree
// within 1e-3 absolute and the 24 forecasts within 5e-3 relative (the SSE is nearly flat along
// some initial-state directions: SSEs 2.5e-6 apart give forecasts 0.2% apart 24 steps ahead).
// The interval formula reproduces statsmodels ETSModel's analytic intervals at 1e-9.
// ARIMA (ARIMA(...).fit(), exact likelihood): log-likelihood within 1e-5 relative and never
// below statsmodels', parameters within 2e-4 absolute, forecasts and 95% intervals within 1e-3
// relative (+1e-4 absolute near 0); for ARIMA(0,2,1) of a random walk (over-differenced: the MA
// root sits on the unit circle, where statsmodels stops at -0.99968 and the plugin goes on to
// -1 with a higher likelihood) only the likelihood and the forecasts.
// Also: the interval formula of simple smoothing, forecast times, chunk-size independence, the
// budget, pictures, ARIMA diagnostic notes, bad input. Reference values:
// fixtures/ts_reference.json, written by make_fixtures.py (each names the statsmodels call).

#include <gtest/gtest.h>

#include "ts/arima.hpp"
#include "ts/holt_winters.hpp"
#include "ts/roots.hpp"
#include "ts_test_support.hpp"

using namespace ts_test;

namespace {

RunOptions chunked(std::int64_t rows, std::uint64_t budget = 0) {
  return {rows, 1, MergeOrder::left, 0, budget};
}

// A column of the result's forecast rows ("mean", "lower", "upper").
json forecast_column(const json& data, const std::string& key) {
  json out = json::array();
  for (const auto& f : data["forecast"]) out.push_back(f[key]);
  return out;
}

struct HwCase {
  std::string name;
  json args;
};

TEST(TsForecast, HoltWintersMatchesStatsmodels) {
  const std::vector<HwCase> cases = {
      {"hw_pos_add_mul24",
       {{"column", "pos"}, {"trend", "add"}, {"seasonal", "mul"}, {"seasonal_periods", 24}}},
      {"hw_pos_addd_add24",
       {{"column", "pos"},
        {"trend", "add"},
        {"damped", true},
        {"seasonal", "add"},
        {"seasonal_periods", 24}}},
      {"hw_walk_add", {{"column", "walk"}, {"trend", "add"}}},
      {"hw_walk_ses", {{"column", "walk"}}},
      {"hw_pos_mul", {{"column", "pos"}, {"trend", "mul"}}},
  };
  for (const HwCase& c : cases) {
    SCOPED_TRACE(c.name);
    json args = c.args;
    args["horizon"] = 24;
    const Outcome o = run_ok("ts_forecast", args, ts_fixture(), chunked(100));
    ASSERT_EQ(o.status, QUARRY_OK) << o.error;
    const json& ref = reference(c.name).at("values");
    const double sse = o.data()["metrics"]["sse"].get<double>();
    EXPECT_LE(sse, ref["sse"].get<double>() * (1 + 1e-7))
        << reference(c.name).at("call").get<std::string>();
    for (const char* key :
         {"smoothing_level", "smoothing_trend", "smoothing_seasonal", "damping_trend"}) {
      if (ref[key].is_null()) continue;
      EXPECT_NEAR(o.data()["parameters"][key].get<double>(), ref[key].get<double>(), 1e-3) << key;
    }
    EXPECT_TRUE(matches_ref(forecast_column(o.data(), "mean"), c.name, "forecast", 5e-3));
  }
}

TEST(TsForecast, ArimaMatchesStatsmodels) {
  for (const auto& [column, order] :
       std::vector<std::pair<std::string, std::vector<int>>>{{"ar2", {2, 0, 0}},
                                                             {"ar2", {1, 0, 1}},
                                                             {"walk", {0, 1, 1}},
                                                             {"walk", {2, 1, 0}},
                                                             {"walk", {0, 2, 1}}}) {
    const std::string name = "arima_" + column + "_" + std::to_string(order[0]) +
                             std::to_string(order[1]) + std::to_string(order[2]);
    SCOPED_TRACE(name);
    const Outcome o =
        run_ok("ts_forecast", {{"column", column}, {"method", "arima"}, {"order", order}},
               ts_fixture(), chunked(64));
    ASSERT_EQ(o.status, QUARRY_OK) << o.error;
    const json& ref = reference(name).at("values");
    const json& params = o.data()["parameters"];
    const double llf = ref["llf"].get<double>();
    const double loglik = o.data()["metrics"]["loglik"].get<double>();
    EXPECT_GE(loglik, llf - 1e-6 * std::fabs(llf));
    EXPECT_NEAR(loglik, llf, 1e-5 * std::fabs(llf));
    EXPECT_NEAR(o.data()["metrics"]["aic"].get<double>(), ref["aic"].get<double>(),
                1e-5 * std::fabs(llf));
    if (order[1] == 2) {  // the unit-root MA: see the top of the file
      EXPECT_TRUE(matches_ref(forecast_column(o.data(), "mean"), name, "mean", 1e-3, 1e-4));
      continue;
    }
    if (!ref["const"].is_null()) {
      EXPECT_NEAR(params["const"].get<double>(), ref["const"].get<double>(), 2e-4);
    }
    for (const char* key : {"ar", "ma"}) {
      ASSERT_EQ(params[key].size(), ref[key].size()) << key;
      for (std::size_t i = 0; i < ref[key].size(); ++i) {
        EXPECT_NEAR(params[key][i].get<double>(), ref[key][i].get<double>(), 2e-4) << key << i;
      }
    }
    EXPECT_NEAR(params["sigma2"].get<double>(), ref["sigma2"].get<double>(), 2e-4);
    for (const char* key : {"mean", "lower", "upper"}) {
      EXPECT_TRUE(matches_ref(forecast_column(o.data(), key), name, key, 1e-3, 1e-4));
    }
  }
}

TEST(TsForecast, ArimaFiveOneFiveFitsAsWellAsStatsmodelsWithoutTakingMinutes) {
  // ARIMA(5,1,5) took 15 s on 1,000 values (Nelder–Mead in ten dimensions). On 2,000 values of
  // an ARIMA(5,1,5) process (fixtures/ts_arma.csv) the likelihood and forecasts agree with
  // statsmodels' converged fit (2000 iterations: with its default 500 it stops at log L
  // −2816.60, below the optimum −2815.68); the fit says what it used.
  const Outcome o =
      run_ok("ts_forecast", {{"column", "y"}, {"method", "arima"}, {"order", {5, 1, 5}}},
             ts_fixture("ts_arma.csv"), chunked(500));
  ASSERT_EQ(o.status, QUARRY_OK) << o.error;
  const json& ref = reference("arima_arma_515").at("values");
  const double llf = ref["llf"].get<double>();
  EXPECT_NEAR(o.data()["metrics"]["loglik"].get<double>(), llf, 1e-6 * std::fabs(llf));
  EXPECT_TRUE(matches_ref(forecast_column(o.data(), "mean"), "arima_arma_515", "mean", 1e-3));
  EXPECT_EQ(o.data()["fit"]["values_used"], 1999);
  EXPECT_EQ(o.data()["fit"]["converged"], true);
}

TEST(TsForecast, ArimaEffortIsBounded) {
  // The parameters fitted on the most recent values only, an iteration limit, and progress
  // that only grows and can stop the fit (a deterministic wiggly walk of 3,000 values).
  std::vector<double> series;
  double level = 0;
  for (int t = 0; t < 3000; ++t) {
    series.push_back(level += std::sin(0.7 * t) + 0.3 * std::cos(2.9 * t * t));
  }
  quarry::ts::ArimaEffort effort;
  effort.start_values = 500, effort.fit_values = 1000;
  std::vector<double> done;
  const auto fit = quarry::ts::arima_fit(
      series, 1, 1, 1, [&](double d, const std::string&) { done.push_back(d); }, effort);
  EXPECT_EQ(fit.fit_values, 1000);
  EXPECT_EQ(fit.nobs, 2999);
  EXPECT_EQ(fit.innovation.size(), 2999U);  // the likelihood and residuals use every value
  ASSERT_FALSE(done.empty());
  EXPECT_TRUE(std::is_sorted(done.begin(), done.end()));
  EXPECT_GE(done.front(), 0.0);
  EXPECT_LE(done.back(), 1.0);
  effort.iterations = 2;
  EXPECT_FALSE(quarry::ts::arima_fit(series, 2, 1, 2, {}, effort).converged);
  EXPECT_THROW(
      (void)quarry::ts::arima_fit(
          series, 1, 1, 1, [](double, const std::string&) { throw std::runtime_error("stop"); }),
      std::runtime_error);
}

TEST(TsForecast, SimpleSmoothingIntervalsFollowTheClosedForm) {
  // ETS(A,N,N): σ_h² = σ²(1 + (h − 1)α²), σ² = SSE/n; 90% intervals.
  const Outcome o =
      run_ok("ts_forecast", {{"column", "ar2"}, {"horizon", 6}, {"level", 0.9}}, ts_fixture());
  ASSERT_EQ(o.status, QUARRY_OK) << o.error;
  const double alpha = o.data()["parameters"]["smoothing_level"].get<double>();
  const double sigma2 = o.data()["metrics"]["sse"].get<double>() / 720;
  const double z = 1.6448536269514722;  // scipy.stats.norm.ppf(0.95)
  int h = 0;
  for (const auto& f : o.data()["forecast"]) {
    ++h;
    const double half = z * std::sqrt(sigma2 * (1 + (h - 1) * alpha * alpha));
    EXPECT_NEAR(f["upper"].get<double>() - f["mean"].get<double>(), half, 1e-9 * half);
    EXPECT_NEAR(f["mean"].get<double>() - f["lower"].get<double>(), half, 1e-9 * half);
  }
}

TEST(TsForecast, TimesSeasonFromTheStepAndChunkIndependence) {
  const json args = {{"column", "pos"},
                     {"time_column", "time"},
                     {"trend", "add"},
                     {"seasonal", "add"},
                     {"horizon", 3}};
  const Outcome whole = run_ok("ts_forecast", args, ts_fixture());
  ASSERT_EQ(whole.status, QUARRY_OK) << whole.error;
  EXPECT_EQ(whole.data()["seasonal_periods"], 24);  // implied by the hourly step
  EXPECT_EQ(whole.data()["forecast"][0]["time"], "2023-01-31T00:00:00Z");
  EXPECT_EQ(whole.data()["forecast"][2]["time"], "2023-01-31T02:00:00Z");
  for (std::int64_t rows : {1, 7, 100}) {
    const Outcome o = run_ok("ts_forecast", args, ts_fixture(), chunked(rows));
    EXPECT_EQ(o.data(), whole.data()) << rows << "-row chunks";
  }
}

TEST(TsForecast, PictureShowsTheForecastAndBand) {
  const Outcome o =
      run_ok("ts_forecast",
             {{"column", "walk"}, {"method", "arima"}, {"order", {1, 1, 0}}, {"picture", "svg"}},
             ts_fixture());
  ASSERT_EQ(o.status, QUARRY_OK) << o.error;
  const std::string dump = o.result.dump();
  EXPECT_NE(dump.find("E45756"), std::string::npos);            // the forecast line
  EXPECT_NE(dump.find("stroke-dasharray"), std::string::npos);  // the interval band
  EXPECT_LT(dump.size(), 30000U);
}

TEST(TsForecast, BudgetIsNamed) {
  const Outcome o = run("ts_forecast", {{"column", "walk"}}, ts_fixture(), chunked(100, 4096));
  EXPECT_EQ(o.status, QUARRY_OUT_OF_MEMORY) << o.error;
  EXPECT_NE(o.error.find("memory.budget_mb"), std::string::npos) << o.error;
}

TEST(TsForecast, BadInputGetsClearErrors) {
  const std::vector<std::pair<json, std::string>> cases = {
      {{{"column", "walk"}, {"horizon", 0}}, "horizon"},
      {{{"column", "walk"}, {"trend", "add"}, {"seasonal", "add"}, {"seasonal_periods", 400}},
       "two full cycles"},
      {{{"column", "walk"}, {"seasonal", "add"}}, "seasonal_periods"},
      {{{"column", "const"}}, "constant"},
      {{{"column", "const"}, {"method", "arima"}, {"order", {1, 0, 0}}}, "constant"},
      {{{"column", "walk"}, {"seasonal", "mul"}, {"seasonal_periods", 24}}, "positive values"},
      {{{"column", "walk"}, {"method", "arima"}}, "order"},
      {{{"column", "walk"}, {"method", "arima"}, {"order", {1, 3, 0}}}, "d (differences)"},
      {{{"column", "walk"}, {"damped", true}}, "damped needs a trend"},
      {{{"column", "walk"}, {"order", {1, 0, 0}}}, "method: \"arima\""},
      {{{"column", "walk"}, {"seasonal_periods", 12}}, "needs a seasonal component"},
      {{{"column", "nope"}}, "walk"},
  };
  for (const auto& [args, needle] : cases) {
    const Outcome o = run("ts_forecast", args, ts_fixture());
    EXPECT_NE(o.status, QUARRY_OK) << args.dump();
    EXPECT_NE(o.error.find(needle), std::string::npos) << args.dump() << ": " << o.error;
  }
}

TEST(TsForecast, TooFewValuesAndTextGetClearErrors) {
  const std::vector<std::pair<std::vector<double>, std::pair<json, std::string>>> cases = {
      {{}, {{{"column", "x"}}, "at least 3 values"}},
      {{1, 2}, {{{"column", "x"}}, "at least 3 values"}},
      {{1, 3, 2, 5, 4}, {{{"column", "x"}, {"trend", "add"}}, "at least 10 values"}},
      {{1, 3, 2, 5, 4},
       {{{"column", "x"}, {"method", "arima"}, {"order", {2, 0, 2}}}, "needs more values"}},
  };
  for (const auto& [values, c] : cases) {
    const Outcome o = run("ts_forecast", c.first, make_table({float_column("x", values)}));
    EXPECT_NE(o.status, QUARRY_OK) << c.first.dump();
    EXPECT_NE(o.error.find(c.second), std::string::npos) << c.first.dump() << ": " << o.error;
  }
  const Table words = make_table({TextColumn{"w", {"1", "two", "3"}, sdk::ColumnType::utf8}});
  const Outcome o = run("ts_forecast", {{"column", "w"}}, words);
  EXPECT_NE(o.error.find("two"), std::string::npos) << o.error;  // shows the offending text
}

TEST(TsForecast, PolynomialRoots) {
  // 1 − 1.5z + 0.5z² = (1 − z)(1 − 0.5z); 1 + z² has roots ±i.
  auto roots = quarry::ts::polynomial_roots({-1.5, 0.5});
  std::sort(roots.begin(), roots.end(),
            [](const auto& a, const auto& b) { return a.real() < b.real(); });
  ASSERT_EQ(roots.size(), 2U);
  EXPECT_NEAR(roots[0].real(), 1.0, 1e-12);
  EXPECT_NEAR(roots[1].real(), 2.0, 1e-12);
  EXPECT_NEAR(std::abs(roots[0].imag()) + std::abs(roots[1].imag()), 0.0, 1e-12);
  for (const auto& r : quarry::ts::polynomial_roots({0.0, 1.0})) {
    EXPECT_NEAR(std::abs(r), 1.0, 1e-12);
    EXPECT_NEAR(r.real(), 0.0, 1e-12);
  }
  EXPECT_TRUE(quarry::ts::polynomial_roots({}).empty());
}

TEST(TsForecast, ArimaDiagnosticNotes) {
  const std::vector<std::pair<std::vector<int>, std::string>> cases = {
      {{1, 1, 1}, "cancel"},            // AR −0.958 against MA 0.972 on a random walk
      {{0, 2, 1}, "over-differenced"},  // MA → −1
      {{1, 0, 0}, "unit circle"},       // AR → 0.998
  };
  for (const auto& [order, needle] : cases) {
    const Outcome o = run_ok(
        "ts_forecast", {{"column", "walk"}, {"method", "arima"}, {"order", order}}, ts_fixture());
    ASSERT_EQ(o.status, QUARRY_OK) << o.error;
    EXPECT_NE(o.data()["notes"].dump().find(needle), std::string::npos) << o.data()["notes"];
  }
  const Outcome ok = run_ok(
      "ts_forecast", {{"column", "ar2"}, {"method", "arima"}, {"order", {2, 0, 0}}}, ts_fixture());
  EXPECT_EQ(ok.data()["notes"], json::array());
}

TEST(TsForecast, HoltWintersIntervalsMatchStatsmodelsEts) {
  // The interval formula on statsmodels ETSModel's own fitted parameters (error form: the
  // component-form β is smoothing_trend / α) and σ² = its mse.
  for (const auto& [name, season] :
       std::vector<std::pair<std::string, bool>>{{"ets_pos_AAdA", true}, {"ets_walk_AAN", false}}) {
    SCOPED_TRACE(name);
    const json& v = reference(name).at("values");
    quarry::ts::HwFit fit;
    fit.spec.trend = quarry::ts::Component::add;
    fit.spec.season = season ? quarry::ts::Component::add : quarry::ts::Component::none;
    fit.spec.damped = v["phi"].get<double>() != 1.0;
    fit.spec.m = season ? 24 : 0;
    fit.params.alpha = v["alpha"].get<double>();
    fit.params.beta = v["beta"].get<double>() / fit.params.alpha;
    fit.params.gamma = v["gamma"].get<double>();
    fit.params.phi = v["phi"].get<double>();
    fit.n = 720;
    fit.sse = v["mse"].get<double>() * 720;
    const std::vector<double> var = quarry::ts::hw_variances(fit, 30);
    json half = json::array();
    for (double x : var) half.push_back(1.959963984540054 * std::sqrt(x));  // norm.ppf(0.975)
    EXPECT_TRUE(matches_ref(half, name, "half_width"));
  }
}

TEST(TsForecast, SeasonalHoltWintersFitsTheSeriesWithItsGapsInterpolated) {
  // Missing days as empty values and as skipped dates give the fit of the pandas-interpolated
  // series (ts_gaps.csv's `filled` = y.interpolate()); in-sample errors leave the filled days
  // out.
  const json args = {
      {"time_column", "time"}, {"trend", "add"}, {"seasonal", "add"}, {"horizon", 7}};
  json with = args, filled = args;
  with["column"] = "y";
  filled["column"] = "filled";
  const Outcome reference = run_ok("ts_forecast", filled, ts_fixture("ts_gaps.csv"));
  ASSERT_EQ(reference.status, QUARRY_OK) << reference.error;
  EXPECT_EQ(reference.data()["seasonal_periods"], 7);
  for (const char* file : {"ts_gaps.csv", "ts_gaps_absent.csv"}) {
    SCOPED_TRACE(file);
    const Outcome o = run_ok("ts_forecast", with, ts_fixture(file), chunked(100));
    ASSERT_EQ(o.status, QUARRY_OK) << o.error;
    EXPECT_EQ(o.data()["filling"]["filled"], 11);
    EXPECT_EQ(o.data()["parameters"], reference.data()["parameters"]);
    EXPECT_EQ(o.data()["forecast"], reference.data()["forecast"]);
    EXPECT_EQ(o.data()["metrics"]["residuals"], 199);
    EXPECT_NE(o.data()["notes"].dump().find("filled 11 of 210"), std::string::npos);
  }
}

TEST(TsForecast, IrregularTimesAndMissingValuesAreReported) {
  const Outcome o =
      run_ok("ts_forecast", {{"column", "value"}, {"time_column", "time"}, {"horizon", 2}},
             ts_fixture("ts_events.csv"), chunked(100));
  ASSERT_EQ(o.status, QUARRY_OK) << o.error;
  const std::string notes = o.data()["notes"].dump();
  EXPECT_NE(notes.find("30 rows without a usable value"), std::string::npos) << notes;
  EXPECT_NE(notes.find("numbered by step, not timed"), std::string::npos) << notes;
  EXPECT_FALSE(o.data()["forecast"][0].contains("time"));
  EXPECT_EQ(o.data()["time_order"]["duplicates"], 15);
  EXPECT_EQ(o.data()["values"], 1470);
}

}  // namespace
