//! \file
//! ts_anomalies: values far from what their neighbourhood predicts. Two detectors: a rolling
//! z-score against the previous N values (mean and sample std), and a robust score
//! (median/MAD) of the residual from a baseline — a centred rolling median or a classical
//! decomposition's trend + season. Needs the whole series (the residual baseline looks both
//! ways, and the most extreme anomalies are kept): an accumulate stage within the budget.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "detail/format.hpp"
#include "quarry/sdk.hpp"
#include "ts/anomaly.hpp"
#include "ts/plot.hpp"
#include "ts/schema.hpp"
#include "ts/seasonal.hpp"
#include "ts/series.hpp"

namespace quarry::ts {
namespace {

constexpr const char* kInputSchema =
    R"({"type":"object","x-quarry-reads":["column","time_column"],"required":["column"],"properties":{)" QUARRY_TS_COLUMN
    R"(,)" QUARRY_TS_TIME_COLUMN(
        "Optional: rows are put in time order first (stable sort) "
        "and anomalies are reported "
        "with their time; without it, with their 0-based row "
        "number.") R"(,"method":{"type":"string","enum":["zscore","residual"],"default":"zscore",)"
                   R"("description":"zscore: (x - mean) / std of the previous `window` values. residual: robust )"
                   R"(score (x_resid - median) / (1.4826 MAD) of the residual from `baseline`."},)"
                   R"("window":{"type":"integer","minimum":2,"maximum":100000,"default":30,"description":")"
                   R"(zscore: how many previous values form the reference window; residual with baseline )"
                   R"(median: the centred rolling median's width."},)"
                   R"("min_periods":{"type":"integer","minimum":2,"description":"zscore: previous values )"
                   R"(needed before a value is scored (default: window)."},)"
                   R"("baseline":{"type":"string","enum":["median","decompose"],"default":"median",)"
                   R"("description":"residual: a centred rolling median of `window` values, or an additive )"
                   R"(classical decomposition's trend + season (`period`)."},)"
                   R"("period":{"type":"integer","minimum":2,"description":"baseline decompose: season length )"
                   R"(in rows. Default: implied by a regular time step (h → 24, D → 7, …), else the highest ACF )"
                   R"(peak."},)"
                   R"("threshold":{"type":"number","exclusiveMinimum":0,"description":"|score| above which a )"
                   R"(value is an anomaly. Default 3 (zscore) or 3.5 (residual, Iglewicz–Hoaglin)."},)"
                   R"("max_anomalies":{"type":"integer","minimum":0,"maximum":10000,"default":100,)"
                   R"("description":"Return at most this many anomalies (the most extreme; totals are always )"
                   R"(complete)."},)" QUARRY_TS_PICTURE R"(}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["column","method","threshold","values","scored",)"
    R"("anomalies_total","high","low","anomalies","notes"],"properties":{)"
    R"("column":{"type":"string"},"method":{"type":"string"},"baseline":{"type":"string"},)"
    R"("window":{"type":"integer"},"min_periods":{"type":"integer"},"period":{"type":"integer"},)"
    R"("period_source":{"type":"string"},"threshold":{"type":"number"},)"
    R"("residual_median":)" QUARRY_TS_NUM R"(,"residual_scale":)" QUARRY_TS_NUM
    R"(,"values":{"type":"integer"},"scored":{"type":"integer"},)"
    R"("anomalies_total":{"type":"integer"},"high":{"type":"integer"},"low":{"type":"integer"},)"
    R"("returned":{"type":"integer"},"anomalies":{"type":"array","items":{"type":"object",)"
    R"("required":["row","value","expected","score"],"properties":{"row":{"type":"integer"},)"
    R"("time":{"type":"string"},"value":{"type":"number"},"expected":)" QUARRY_TS_NUM
    R"(,"score":{"type":"number"}}}},)" QUARRY_TS_FILLING_OUT R"(,)" QUARRY_TS_ORDER_OUT
    R"(,"notes":)" QUARRY_TS_NOTES R"(}})";

constexpr const char* kDescription =
    "Finds anomalous values in a numeric series. method=zscore scores each value against the "
    "mean and standard deviation of the previous `window` values; method=residual scores the "
    "residual from a centred rolling median (baseline=median) or a classical decomposition "
    "(baseline=decompose, seasonal data) with the robust median/MAD score. Returns the "
    "anomalies (time or row number, value, expected value, score), the most extreme first up to "
    "max_anomalies, with complete counts. Holds the series in memory (refused past the "
    "budget: resample first).";

class AnomaliesStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::accumulate;

  AnomaliesStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : store_(call, input, "ts_anomalies", args.get<std::string>("column"),
               args.find<std::string>("time_column"), /*keep_rows=*/true),
        residual_(args.get_or("method", "zscore") == "residual"),
        decompose_(args.get_or("baseline", "median") == "decompose"),
        window_(args.get_or<std::int64_t>("window", 30)),
        min_periods_(args.get_or<std::int64_t>("min_periods", window_)),
        period_(args.find<std::int64_t>("period")),
        threshold_(args.get_or<double>("threshold", residual_ ? 3.5 : 3.0)),
        cap_(args.get_or<std::int64_t>("max_anomalies", 100)),
        picture_(args.get_or("picture", "none")) {
    if (!residual_ && min_periods_ > window_) {
      throw sdk::Error::invalid_argument("min_periods (" + std::to_string(min_periods_) +
                                         ") cannot exceed window (" + std::to_string(window_) +
                                         ")");
    }
    if (period_ && !decompose_) {
      throw sdk::Error::invalid_argument(
          "period applies to baseline: \"decompose\" (with method: \"residual\"); the other "
          "detectors use window");
    }
    if (!residual_ && args.find<std::string>("baseline")) {
      throw sdk::Error::invalid_argument(
          "baseline applies to method=residual; for method=zscore the baseline is the mean of "
          "the previous `window` values");
    }
  }

  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    store_.add(chunk);
  }

  sdk::Result finish(sdk::Call& call) {
    // The decomposition counts its period in steps, so it needs every step in place; the
    // other detectors compare values in order and simply skip missing ones.
    const bool slots = residual_ && decompose_;
    json notes = slots ? store_.prepare_slots() : store_.prepare();
    const std::vector<double>& x = store_.values();
    // The series and its row numbers, plus scores, baselines, residuals and their deviations.
    SeriesBudget(call).check(x.size() * 8 * 6, static_cast<std::int64_t>(x.size()), "ts_anomalies");
    const std::string& name = store_.value().ref().name;
    json out = {{"column", name},
                {"method", residual_ ? "residual" : "zscore"},
                {"threshold", threshold_},
                {"values", static_cast<std::int64_t>(x.size()) - store_.filling().filled()}};
    if (slots) out["filling"] = store_.filling().to_json();
    Scores s = residual_ ? residual_scores(x, out, notes) : zscores(x, out, notes);
    call.throw_if_cancelled();
    const Flagged f = flag(s.score, threshold_, static_cast<std::size_t>(cap_));
    out["scored"] = f.scored;
    out["anomalies_total"] = f.total;
    out["high"] = f.high;
    out["low"] = f.low;
    out["returned"] = static_cast<std::int64_t>(f.kept.size());
    json list = json::array();
    for (std::size_t t : f.kept) {
      json a = {{"row", store_.rows()[t]},
                {"value", x[t]},
                {"expected", stats::num(s.expected[t])},
                {"score", s.score[t]}};
      if (store_.timed()) a["time"] = iso_text(store_.times()[t]);
      list.push_back(std::move(a));
    }
    out["anomalies"] = std::move(list);
    if (f.total > static_cast<std::int64_t>(f.kept.size())) {
      notes.push_back("showing the " + std::to_string(f.kept.size()) + " most extreme of " +
                      std::to_string(f.total) + " anomalies (raise max_anomalies for more)");
    }
    if (f.scored == 0 && !x.empty()) {
      notes.push_back("no value could be scored (too few values for the window, or no spread)");
    }
    if (store_.timed()) {
      out["time_order"] = store_.order().to_json(
          slots ? time_treatment(store_.filling())
                : "values taken in time order (stably sorted when needed); gaps are not filled");
    }
    out["notes"] = notes;
    sdk::Result result = sdk::Result::structured(out, render(out));
    if (picture_ != "none") {
      LineChart chart;
      chart.title = name + ": " + std::to_string(f.total) + " anomalies (" +
                    out["method"].get<std::string>() + ")";
      chart.values = x;
      chart.marked = f.kept;
      if (store_.timed() && !x.empty()) {
        chart.first_label = iso_text(store_.times().front());
        chart.last_label = iso_text(store_.times().back());
      }
      attach_svg(result, line_svg(chart), picture_,
                 "quarry://timeseries/anomalies/" + name + ".svg");
    }
    return result;
  }

 private:
  Scores zscores(const std::vector<double>& x, json& out, json& notes) const {
    out["window"] = window_;
    out["min_periods"] = min_periods_;
    // A spike among the first values would otherwise pass unseen without a word.
    const auto unscored = std::min<std::size_t>(static_cast<std::size_t>(min_periods_), x.size());
    if (unscored > 0) {
      notes.push_back(
          "the first " + std::to_string(unscored) +
          " values were not scored: each value is compared with at least min_periods (" +
          std::to_string(min_periods_) +
          ") previous ones; set a lower min_periods (2 or more) to score earlier values");
    }
    return rolling_zscores(x, static_cast<std::size_t>(window_), min_periods_);
  }

  Scores residual_scores(const std::vector<double>& x, json& out, json& notes) const {
    const std::string& name = store_.value().ref().name;
    Scores s;
    std::vector<double> resid(x.size());
    if (decompose_) {
      out["baseline"] = "decompose";
      std::string source = "given";
      std::int64_t period =
          period_ ? *period_ : (store_.timed() ? implied_period(store_.order(), source) : 0);
      if (period == 0) period = acf_period(x, source);
      store_.require_gaps_within(period, "the period");
      if (static_cast<std::int64_t>(x.size()) < 2 * period) {
        throw sdk::Error::invalid_argument(
            "baseline decompose with period " + std::to_string(period) +
            " needs two complete cycles (" + std::to_string(2 * period) + " values); column '" +
            name + "' has " + std::to_string(x.size()) +
            ": give a shorter period, more data, or baseline=median");
      }
      out["period"] = period;
      out["period_source"] = source;
      const Decomposition d = decompose(x, static_cast<std::size_t>(period), false);
      s.expected.resize(x.size());
      for (std::size_t t = 0; t < x.size(); ++t) s.expected[t] = d.trend[t] + d.seasonal[t];
      resid = d.resid;
      // A filled slot is the baseline's own guess: it is neither scored nor part of the MAD.
      for (std::size_t t = 0; t < x.size(); ++t) {
        if (store_.filled(t)) resid[t] = std::numeric_limits<double>::quiet_NaN();
      }
      notes.push_back("the first and last " + std::to_string(period / 2) +
                      " values have no centred trend and are not scored");
    } else {
      out["baseline"] = "median";
      out["window"] = window_;
      s.expected = centred_median(x, static_cast<std::size_t>(window_));
      for (std::size_t t = 0; t < x.size(); ++t) resid[t] = x[t] - s.expected[t];
    }
    const double scale = robust_scores(resid, s.score);
    out["residual_median"] = stats::num(median_of(resid));
    out["residual_scale"] = stats::num(scale);
    if (!(scale > 0) && !x.empty()) {
      notes.push_back(
          "the residuals' MAD is 0 (over half of them are equal): robust scores are undefined, "
          "so nothing was scored; try method=zscore");
    }
    return s;
  }

  static std::string render(const json& out) {
    std::string text = "ts_anomalies of '" + out["column"].get<std::string>() + "' (" +
                       out["method"].get<std::string>();
    if (out.contains("baseline")) text += ", baseline " + out["baseline"].get<std::string>();
    if (out.contains("period")) text += ", period " + std::to_string(out["period"].get<int>());
    if (out.contains("window")) text += ", window " + std::to_string(out["window"].get<int>());
    text += ", |score| > " + stats::short_text(out["threshold"].get<double>()) +
            "): " + std::to_string(out["anomalies_total"].get<std::int64_t>()) + " anomalies (" +
            std::to_string(out["high"].get<std::int64_t>()) + " high, " +
            std::to_string(out["low"].get<std::int64_t>()) + " low) among " +
            std::to_string(out["scored"].get<std::int64_t>()) + " scored of " +
            std::to_string(out["values"].get<std::int64_t>()) + " values\n";
    std::size_t shown = 0;
    for (const auto& a : out["anomalies"]) {
      if (++shown > 20) {
        text += "…\n";
        break;
      }
      text += "  " + (a.contains("time") ? a["time"].get<std::string>()
                                         : "row " + std::to_string(a["row"].get<std::int64_t>()));
      text += ": " + stats::short_text(a["value"].get<double>()) + " (expected " +
              (a["expected"].is_null() ? std::string("-")
                                       : stats::short_text(a["expected"].get<double>())) +
              ", score " + stats::short_text(a["score"].get<double>()) + ")\n";
    }
    for (const auto& note : out["notes"]) text += "note: " + note.get<std::string>() + "\n";
    return text;
  }

  SeriesStore store_;
  bool residual_;
  bool decompose_;
  std::int64_t window_;
  std::int64_t min_periods_;
  std::optional<std::int64_t> period_;
  double threshold_;
  std::int64_t cap_;
  std::string picture_;
};

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(anomalies, "ts_anomalies", "Anomalies", kDescription, kInputSchema,
                            kOutputSchema, QUARRY_TS_ANNOTATIONS, AnomaliesStage);

}  // namespace quarry::ts
