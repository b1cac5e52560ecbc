//! \file
//! ts_stationarity: augmented Dickey–Fuller (lags by AIC) and KPSS tests of a series, with
//! statistics, p-values and critical values as statsmodels 0.13's adfuller and kpss. The tests
//! need the whole series: an accumulate stage holding the values within the memory budget.

#include <cmath>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "detail/format.hpp"
#include "quarry/sdk.hpp"
#include "ts/schema.hpp"
#include "ts/series.hpp"
#include "ts/unit_root.hpp"

namespace quarry::ts {
namespace {

constexpr const char* kInputSchema =
    R"({"type":"object","x-quarry-reads":["column","time_column"],"required":["column"],"properties":{)" QUARRY_TS_COLUMN
    R"(,)" QUARRY_TS_TIME_COLUMN(
        "Optional: rows are put in time order first (stable), and "
        "duplicates and gaps are reported.") R"(,)"
                                             R"("regression":{"type":"string","enum":["c","ct"],"default":"c","description":"Deterministic )"
                                             R"(terms: c = constant (level stationarity for KPSS), ct = constant and trend."},)"
                                             R"("maxlag":{"type":"integer","minimum":0,"description":"ADF: the largest lag tried (AIC picks )"
                                             R"(among 0..maxlag). Default 12 (n/100)^(1/4) as statsmodels."},)"
                                             R"("kpss_lags":{"type":"integer","minimum":0,"description":"KPSS: Newey–West lags. Default )"
                                             R"(automatic (Hobijn et al. 1998, statsmodels nlags='auto')."},)"
                                             R"("tests":{"type":"array","items":{"type":"string","enum":["adf","kpss"]},"minItems":1,)"
                                             R"("default":["adf","kpss"]}}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["column","values","regression","notes"],"properties":{)"
    R"("column":{"type":"string"},"values":{"type":"integer"},"regression":{"type":"string"},)"
    R"("adf":{"type":"object","properties":{"statistic":{"type":"number"},"pvalue":{"type":"number"},)"
    R"("used_lag":{"type":"integer"},"max_lag":{"type":"integer"},"nobs":{"type":"integer"},)"
    R"("ic_best":{"type":"number"},"critical_values":{"type":"object"},"stationary_at_5pct":{"type":"boolean"}}},)"
    R"("kpss":{"type":"object","properties":{"statistic":{"type":"number"},"pvalue":{"type":"number"},)"
    R"("lags":{"type":"integer"},"critical_values":{"type":"object"},"pvalue_clipped":{"type":"boolean"},)"
    R"("stationary_at_5pct":{"type":"boolean"}}},"conclusion":{"type":"string"},)" QUARRY_TS_ORDER_OUT
    R"(,"notes":)" QUARRY_TS_NOTES R"(}})";

constexpr const char* kDescription =
    "Stationarity tests of a numeric series: augmented Dickey–Fuller (H0: unit root; lag "
    "length by AIC; MacKinnon p-value) and KPSS (H0: stationary; automatic bandwidth; "
    "p-value interpolated in the KPSS table, clipped to 0.01..0.10), as statsmodels 0.13 "
    "adfuller/kpss. Holds the series in memory (refused past the budget: resample first).";

class StationarityStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::accumulate;

  StationarityStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : store_(call, input, "ts_stationarity", args.get<std::string>("column"),
               args.find<std::string>("time_column")),
        regression_(args.get_or("regression", "c")),
        maxlag_(args.get_or<std::int64_t>("maxlag", -1)),
        kpss_lags_(args.get_or<std::int64_t>("kpss_lags", -1)),
        tests_(args.get_or<std::vector<std::string>>("tests", {"adf", "kpss"})) {
    if (regression_ != "c" && regression_ != "ct") {
      throw sdk::Error::invalid_argument("regression must be c or ct");
    }
  }

  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    store_.add(chunk);
  }

  sdk::Result finish(sdk::Call&) {
    json notes = store_.prepare();
    const std::vector<double>& x = store_.values();
    const auto n = static_cast<std::int64_t>(x.size());
    const std::string& name = store_.value().ref().name;
    if (n < 10) {
      throw sdk::Error::invalid_argument("ts_stationarity needs at least 10 values; column '" +
                                         name + "' has " + std::to_string(n));
    }
    if (*std::min_element(x.begin(), x.end()) == *std::max_element(x.begin(), x.end())) {
      throw sdk::Error::invalid_argument("column '" + name +
                                         "' is constant: unit-root tests are undefined");
    }
    json out = {{"column", name}, {"values", n}, {"regression", regression_}};
    std::string text = "ts_stationarity of '" + name + "' (" + std::to_string(n) + " values, " +
                       (regression_ == "c" ? "constant" : "constant + trend") + ")\n";
    std::optional<bool> adf_stationary, kpss_stationary;
    if (std::find(tests_.begin(), tests_.end(), "adf") != tests_.end()) {
      const std::int64_t ntrend = regression_ == "c" ? 1 : 2;
      if (maxlag_ > n / 2 - ntrend - 1) {
        throw sdk::Error::invalid_argument(
            "maxlag must be below n/2 - 1 - (deterministic terms) = " +
            std::to_string(n / 2 - ntrend - 1) + " for " + std::to_string(n) + " values");
      }
      AdfResult r;
      try {
        r = adfuller(x, regression_, maxlag_);
      } catch (const std::invalid_argument&) {
        throw sdk::Error::invalid_argument("column '" + name +
                                           "': the ADF regression is singular "
                                           "(too few distinct values for the lags)");
      }
      adf_stationary = r.pvalue < 0.05;
      out["adf"] = {{"statistic", r.statistic},
                    {"pvalue", r.pvalue},
                    {"used_lag", r.used_lag},
                    {"max_lag", r.max_lag},
                    {"nobs", r.nobs},
                    {"ic_best", r.ic_best},
                    {"critical_values",
                     {{"1%", r.critical[0]}, {"5%", r.critical[1]}, {"10%", r.critical[2]}}},
                    {"stationary_at_5pct", *adf_stationary}};
      text += "ADF  statistic " + stats::short_text(r.statistic) + ", p " +
              stats::p_text(r.pvalue) + ", lags " + std::to_string(r.used_lag) +
              " (AIC), 5% critical " + stats::short_text(r.critical[1]) + "\n";
    }
    if (std::find(tests_.begin(), tests_.end(), "kpss") != tests_.end()) {
      if (kpss_lags_ >= n) {
        throw sdk::Error::invalid_argument("kpss_lags must be below the number of values (" +
                                           std::to_string(n) + ")");
      }
      const KpssResult k = kpss(x, regression_, kpss_lags_);
      kpss_stationary = k.pvalue > 0.05;
      out["kpss"] = {{"statistic", k.statistic},
                     {"pvalue", k.pvalue},
                     {"lags", k.lags},
                     {"critical_values",
                      {{"10%", k.critical[0]},
                       {"5%", k.critical[1]},
                       {"2.5%", k.critical[2]},
                       {"1%", k.critical[3]}}},
                     {"pvalue_clipped", k.p_clipped},
                     {"stationary_at_5pct", *kpss_stationary}};
      text += "KPSS statistic " + stats::short_text(k.statistic) + ", p " +
              (k.p_clipped ? (k.pvalue < 0.05 ? "< " : "> ") : "") + stats::p_text(k.pvalue) +
              ", lags " + std::to_string(k.lags) + "\n";
      if (k.p_clipped) {
        notes.push_back("the KPSS statistic is outside its table: the true p-value is " +
                        std::string(k.pvalue < 0.05 ? "smaller" : "larger") + " than reported");
      }
    }
    std::string conclusion;
    if (adf_stationary && kpss_stationary) {
      conclusion = *adf_stationary && *kpss_stationary ? "both tests indicate stationarity"
                   : !*adf_stationary && !*kpss_stationary
                       ? "both tests indicate a unit root / non-stationarity: difference the series"
                   : *adf_stationary ? "ADF rejects a unit root but KPSS rejects stationarity: "
                                       "likely difference-stationary with a trend or breaks"
                                     : "neither test rejects: the data cannot tell (try "
                                       "regression ct or more data)";
    } else if (adf_stationary) {
      conclusion =
          *adf_stationary ? "ADF rejects a unit root at 5%" : "ADF cannot reject a unit root at 5%";
    } else if (kpss_stationary) {
      conclusion = *kpss_stationary ? "KPSS does not reject stationarity at 5%"
                                    : "KPSS rejects stationarity at 5%";
    }
    out["conclusion"] = conclusion;
    text += conclusion + "\n";
    if (store_.timed()) {
      out["time_order"] = store_.order().to_json(
          "values taken in time order (stably sorted when needed); duplicates kept; gaps not "
          "filled (resample first for a regular series)");
    }
    out["notes"] = notes;
    for (const auto& note : notes) text += "note: " + note.get<std::string>() + "\n";
    return sdk::Result::structured(out, text);
  }

 private:
  SeriesStore store_;
  std::string regression_;
  std::int64_t maxlag_, kpss_lags_;
  std::vector<std::string> tests_;
};

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(stationarity, "ts_stationarity", "Stationarity tests", kDescription,
                            kInputSchema, kOutputSchema, QUARRY_TS_ANNOTATIONS, StationarityStage);

}  // namespace quarry::ts
