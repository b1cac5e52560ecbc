//! \file
//! ts_decompose: classical additive or multiplicative decomposition (statsmodels 0.13
//! seasonal_decompose, two-sided moving-average trend) with a given period, one implied by the
//! time step (hourly → 24, daily → 7, …, as statsmodels' freq_to_period) or the strongest ACF
//! peak. Needs the whole series: an accumulate stage within the memory budget.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "detail/format.hpp"
#include "quarry/sdk.hpp"
#include "quarry/sdk/text_table.hpp"
#include "ts/plot.hpp"
#include "ts/schema.hpp"
#include "ts/seasonal.hpp"
#include "ts/series.hpp"

namespace quarry::ts {
namespace {

constexpr const char* kInputSchema =
    R"({"type":"object","x-quarry-reads":["column","time_column"],"required":["column"],"properties":{)" QUARRY_TS_COLUMN
    R"(,)" QUARRY_TS_TIME_COLUMN(
        "Optional: rows are put in time order first, and a "
        "regular step "
        "implies the period (s/min → 60, h → 24, D → 7, W → 52, "
        "month → 12).") R"(,"model":{"type":"string","enum":["additive","multiplicative"],"default":"additive"},)"
                        R"("period":{"type":"integer","minimum":2,"description":"Season length in rows. Default: )"
                        R"(implied by the time step, else the lag of the highest ACF peak (up to 500)."},)"
                        R"("max_points":{"type":"integer","minimum":0,"maximum":100000,"default":1000,)"
                        R"("description":"Return the trend, seasonal and residual series when the series has at )"
                        R"(most this many values."},)" QUARRY_TS_PICTURE R"(}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["column","values","model","period","seasonal_pattern","notes"],)"
    R"("properties":{"column":{"type":"string"},"values":{"type":"integer"},"model":{"type":"string"},)"
    R"("period":{"type":"integer"},"period_source":{"type":"string"},)"
    R"("seasonal_pattern":)" QUARRY_TS_NUMS R"(,"trend_first":)" QUARRY_TS_NUM
    R"(,"trend_last":)" QUARRY_TS_NUM R"(,"resid_std":)" QUARRY_TS_NUM
    R"(,"strength_trend":)" QUARRY_TS_NUM R"(,"strength_seasonal":)" QUARRY_TS_NUM
    R"(,"trend":)" QUARRY_TS_NUMS R"(,"seasonal":)" QUARRY_TS_NUMS R"(,"resid":)" QUARRY_TS_NUMS
    R"(,)" QUARRY_TS_FILLING_OUT R"(,)" QUARRY_TS_ORDER_OUT R"(,"notes":)" QUARRY_TS_NOTES R"(}})";

constexpr const char* kDescription =
    "Classical seasonal decomposition of a numeric series into trend (centred moving average), "
    "seasonal pattern and residual, additive or multiplicative, as statsmodels 0.13 "
    "seasonal_decompose. The period is given, implied by the time step, or detected from the "
    "ACF. Returns the seasonal pattern, trend endpoints, residual spread, strength of trend and "
    "seasonality (Hyndman), and the component series for short series. Holds the series in "
    "memory (refused past the budget: resample first).";

class DecomposeStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::accumulate;

  DecomposeStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : store_(call, input, "ts_decompose", args.get<std::string>("column"),
               args.find<std::string>("time_column")),
        multiplicative_(args.get_or("model", "additive") == "multiplicative"),
        period_(args.find<std::int64_t>("period")),
        max_points_(args.get_or<std::int64_t>("max_points", 1000)),
        picture_(args.get_or("picture", "none")) {}

  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    store_.add(chunk);
  }

  sdk::Result finish(sdk::Call&) {
    json notes = store_.prepare_slots();
    const std::vector<double>& x = store_.values();
    const auto n = static_cast<std::int64_t>(x.size());
    const std::string& name = store_.value().ref().name;
    if (n < 4) {
      throw sdk::Error::invalid_argument("ts_decompose needs at least 4 values; column '" + name +
                                         "' has " + std::to_string(n));
    }
    if (multiplicative_ && *std::min_element(x.begin(), x.end()) <= 0) {
      throw sdk::Error::invalid_argument(
          "a multiplicative decomposition needs positive values; "
          "column '" +
          name + "' has values <= 0 (use additive)");
    }
    std::string source = "given";
    std::int64_t period =
        period_ ? *period_ : (store_.timed() ? implied_period(store_.order(), source) : 0);
    if (period == 0) period = acf_period(x, source);
    store_.require_gaps_within(period, "the period");
    if (n < 2 * period) {
      throw sdk::Error::invalid_argument(
          "period " + std::to_string(period) + " needs two complete cycles (" +
          std::to_string(2 * period) + " values); column '" + name + "' has " + std::to_string(n) +
          ": give a shorter period or more data");
    }
    const auto p = static_cast<std::size_t>(period);
    const std::size_t half = p / 2;
    const Decomposition d = decompose(x, p, multiplicative_);
    const std::vector<double>&trend = d.trend, &seasonal = d.seasonal, &resid = d.resid,
          &pattern = d.pattern;
    json out = {{"column", name},
                {"values", n},
                {"model", multiplicative_ ? "multiplicative" : "additive"},
                {"period", period},
                {"period_source", source},
                {"seasonal_pattern", stats::nums(pattern)},
                {"trend_first", stats::num(trend[half])},
                {"trend_last", stats::num(trend[x.size() - 1 - half])},
                {"resid_std", stats::num(sample_std(resid))},
                {"filling", store_.filling().to_json()}};
    // Hyndman's strengths, on the additive scale (logs of a multiplicative decomposition).
    std::vector<double> r(x.size()), tr(x.size()), sr(x.size());
    for (std::size_t t = 0; t < x.size(); ++t) {
      const double rr = multiplicative_ ? std::log(resid[t]) : resid[t];
      r[t] = rr;
      tr[t] = (multiplicative_ ? std::log(trend[t]) : trend[t]) + rr;
      sr[t] = (multiplicative_ ? std::log(seasonal[t]) : seasonal[t]) + rr;
    }
    const double vr = sample_var(r);
    out["strength_trend"] = stats::num(std::max(0.0, 1 - vr / sample_var(tr)));
    out["strength_seasonal"] = stats::num(std::max(0.0, 1 - vr / sample_var(sr)));
    if (n <= max_points_) {
      out["trend"] = stats::nums(trend);
      out["seasonal"] = stats::nums(seasonal);
      out["resid"] = stats::nums(resid);
    } else {
      notes.push_back("the component series (" + std::to_string(n) +
                      " values each) are left out above max_points; the seasonal pattern is "
                      "complete");
    }
    if (store_.timed()) {
      out["time_order"] = store_.order().to_json(time_treatment(store_.filling()));
    }
    out["notes"] = notes;
    sdk::Result result = sdk::Result::structured(out, render(out, pattern));
    if (picture_ != "none") {
      LineChart chart;
      chart.title = name + ": series and trend (period " + std::to_string(period) + ")";
      chart.values = x;
      chart.forecast = {};
      attach_svg(result, line_svg(chart), picture_,
                 "quarry://timeseries/decompose/" + name + ".svg");
    }
    return result;
  }

 private:
  static double sample_var(const std::vector<double>& v) {
    double mean = 0, n = 0;
    for (double x : v) {
      if (std::isfinite(x)) mean += x, ++n;
    }
    if (n < 2) return std::numeric_limits<double>::quiet_NaN();
    mean /= n;
    double ss = 0;
    for (double x : v) {
      if (std::isfinite(x)) ss += (x - mean) * (x - mean);
    }
    return ss / (n - 1);
  }
  static double sample_std(const std::vector<double>& v) { return std::sqrt(sample_var(v)); }

  static std::string filled_text(const json& filling) {
    const auto filled = filling["filled"].get<std::int64_t>();
    return filled > 0 ? ", " + std::to_string(filled) + " of them filled" : std::string();
  }

  std::string render(const json& out, const std::vector<double>& pattern) const {
    std::string text = "ts_decompose of '" + out["column"].get<std::string>() + "' (" +
                       out["model"].get<std::string>() + ", period " +
                       std::to_string(out["period"].get<std::int64_t>()) + " from " +
                       out["period_source"].get<std::string>() + ", " +
                       std::to_string(out["values"].get<std::int64_t>()) + " values" +
                       filled_text(out["filling"]) + ")\n";
    auto show = [](const json& v) {
      return v.is_null() ? std::string("-") : stats::short_text(v.get<double>());
    };
    text += "trend " + show(out["trend_first"]) + " → " + show(out["trend_last"]) +
            ", residual std " + show(out["resid_std"]) + ", strength of trend " +
            show(out["strength_trend"]) + ", of seasonality " + show(out["strength_seasonal"]) +
            "\n";
    text += "seasonal pattern:";
    for (std::size_t i = 0; i < pattern.size() && i < 60; ++i)
      text += " " + stats::short_text(pattern[i]);
    text += pattern.size() > 60 ? " …\n" : "\n";
    for (const auto& note : out["notes"]) text += "note: " + note.get<std::string>() + "\n";
    return text;
  }

  SeriesStore store_;
  bool multiplicative_;
  std::optional<std::int64_t> period_;
  std::int64_t max_points_;
  std::string picture_;
};

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(decompose, "ts_decompose", "Seasonal decomposition", kDescription,
                            kInputSchema, kOutputSchema, QUARRY_TS_ANNOTATIONS, DecomposeStage);

}  // namespace quarry::ts
