//! \file
//! ts_forecast: Holt–Winters exponential smoothing (statsmodels 0.13 ExponentialSmoothing:
//! smoothing parameters and initial states by minimum SSE) or ARIMA(p, d, q) by exact maximum
//! likelihood (statsmodels 0.13 ARIMA), with point forecasts, prediction intervals and
//! in-sample error measures. Needs the whole series: an accumulate stage within the budget.

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "detail/format.hpp"
#include "quarry/sdk.hpp"
#include "ts/arima.hpp"
#include "ts/holt_winters.hpp"
#include "ts/normal.hpp"
#include "ts/plot.hpp"
#include "ts/roots.hpp"
#include "ts/schema.hpp"
#include "ts/seasonal.hpp"
#include "ts/series.hpp"

namespace quarry::ts {
namespace {

//! The schema of a Holt–Winters component argument (trend, seasonal).
#define QUARRY_TS_COMPONENT(name, what)                                                       \
  R"(")" name R"(":{"type":"string","enum":["none","add","mul"],"default":"none",)"           \
  R"("description":"Holt–Winters )" what R"(: none, add (additive) or mul (multiplicative, )" \
  R"(positive series only)."})"

constexpr const char* kInputSchema =
    R"({"type":"object","x-quarry-reads":["column","time_column"],"required":["column"],"properties":{)" QUARRY_TS_COLUMN
    R"(,)" QUARRY_TS_TIME_COLUMN(
        "Optional: rows are put in time order first (stable sort); a regular step gives the "
        "forecasts their times and implies seasonal_periods (h → 24, D → 7, …).")
    R"(,"method":{"type":"string","enum":["holt_winters","arima"],"default":"holt_winters",)"
    R"("description":"holt_winters: exponential smoothing (trend, seasonal, damped). arima: )"
    R"(ARIMA(p,d,q) with the given order, exact maximum likelihood."},)"
    R"("horizon":{"type":"integer","minimum":1,"maximum":100000,"default":12,)"
    R"("description":"How many steps to forecast after the last value."},)"
    QUARRY_TS_COMPONENT("trend", "trend") R"(,)" QUARRY_TS_COMPONENT("seasonal", "season")
    R"(,"damped":{"type":"boolean","default":false,"description":"Holt–Winters: damp the )"
    R"(trend (φ in [0.8, 0.995] is fitted); needs a trend."},)"
    R"("seasonal_periods":{"type":"integer","minimum":2,"maximum":10000,"description":)"
    R"("Holt–Winters season length in rows (default: implied by a regular time step)."},)"
    R"("order":{"type":"array","items":{"type":"integer","minimum":0,"maximum":10},)"
    R"("minItems":3,"maxItems":3,"description":"arima: [p, d, q] (AR order, differences )"
    R"((at most 2), MA order), e.g. [1, 1, 1]. With d = 0 a mean is estimated."},)"
    R"("level":{"type":"number","minimum":0.5,"maximum":0.999,"default":0.95,)"
    R"("description":"Coverage of the prediction intervals."},)" QUARRY_TS_PICTURE R"(}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["column","method","model","values","horizon","level",)"
    R"("parameters","forecast","metrics","intervals","notes"],"properties":{)"
    R"("column":{"type":"string"},"method":{"type":"string"},"model":{"type":"string"},)"
    R"("values":{"type":"integer"},"horizon":{"type":"integer"},"level":{"type":"number"},)"
    R"("parameters":{"type":"object","additionalProperties":{"type":["number","array","null"]}},)"
    R"("initial_states":{"type":"object"},)"
    R"("forecast":{"type":"array","items":{"type":"object","required":["step","mean","lower",)"
    R"("upper"],"properties":{"step":{"type":"integer"},"time":{"type":"string"},)"
    R"("mean":)" QUARRY_TS_NUM R"(,"lower":)" QUARRY_TS_NUM R"(,"upper":)" QUARRY_TS_NUM
    R"(}}},"metrics":{"type":"object","properties":{"mae":)" QUARRY_TS_NUM
    R"(,"rmse":)" QUARRY_TS_NUM R"(,"mape":)" QUARRY_TS_NUM R"(,"sse":)" QUARRY_TS_NUM
    R"(,"aic":)" QUARRY_TS_NUM R"(,"bic":)" QUARRY_TS_NUM R"(,"loglik":)" QUARRY_TS_NUM
    R"(,"residuals":{"type":"integer"}}},)"
    R"("intervals":{"type":"string"},"fit":{"type":"object","description":"ARIMA: how the )"
    R"(parameters were fitted.","properties":{"values_used":{"type":"integer"},)"
    R"("iterations":{"type":"integer"},"converged":{"type":"boolean"}}},)" QUARRY_TS_FILLING_OUT
    R"(,)" QUARRY_TS_ORDER_OUT R"(,"notes":)" QUARRY_TS_NOTES R"(}})";

constexpr const char* kDescription =
    "Forecasts a numeric series `horizon` steps ahead. method=holt_winters: exponential "
    "smoothing with optional additive/multiplicative trend (optionally damped) and season, "
    "smoothing parameters and initial states fitted by least squares as statsmodels "
    "ExponentialSmoothing(...).fit(). method=arima: ARIMA(p,d,q) with the given `order`, "
    "exact maximum likelihood as statsmodels ARIMA. Returns the forecasts with prediction "
    "intervals (and their times when the time step is regular), fitted parameters and in-sample "
    "MAE, RMSE, MAPE and AIC. Holds the series in memory (refused past the budget: resample "
    "first).";

Component component(const std::string& text) {
  return text == "add" ? Component::add : (text == "mul" ? Component::mul : Component::none);
}

class ForecastStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::accumulate;

  ForecastStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : store_(call, input, "ts_forecast", args.get<std::string>("column"),
               args.find<std::string>("time_column")),
        budget_(call),
        arima_(args.get_or("method", "holt_winters") == "arima"),
        horizon_(args.get_or<std::int64_t>("horizon", 12)),
        level_(args.get_or<double>("level", 0.95)),
        picture_(args.get_or("picture", "none")) {
    if (horizon_ < 1) {
      throw sdk::Error::invalid_argument("horizon must be at least 1 (steps after the last value)");
    }
    spec_.trend = component(args.get_or("trend", "none"));
    spec_.season = component(args.get_or("seasonal", "none"));
    spec_.damped = args.get_or("damped", false);
    periods_ = args.find<std::int64_t>("seasonal_periods");
    if (arima_) {
      const auto order = args.find<std::vector<std::int64_t>>("order");
      if (!order || order->size() != 3) {
        throw sdk::Error::invalid_argument(
            "method=arima needs order: [p, d, q], e.g. [1, 1, 1] (ts_stationarity tells whether "
            "the series needs differencing, d = 1; ts_pacf suggests p, ts_acf q)");
      }
      order_ = *order;
      if (order_[1] > 2) {
        throw sdk::Error::invalid_argument("order: d (differences) must be 0, 1 or 2");
      }
      if (args.find<std::string>("trend") || args.find<std::string>("seasonal")) {
        throw sdk::Error::invalid_argument(
            "trend and seasonal are Holt–Winters arguments; method=arima takes order [p, d, q]");
      }
    } else if (spec_.damped && spec_.trend == Component::none) {
      throw sdk::Error::invalid_argument("damped needs a trend (trend: add or mul)");
    } else if (args.find<std::vector<std::int64_t>>("order")) {
      throw sdk::Error::invalid_argument(
          "order is an ARIMA argument: add method: \"arima\" (Holt–Winters takes trend, "
          "seasonal, damped and seasonal_periods)");
    } else if (periods_ && spec_.season == Component::none) {
      throw sdk::Error::invalid_argument(
          "seasonal_periods needs a seasonal component: add seasonal: \"add\" or \"mul\"");
    }
  }

  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    store_.add(chunk);
  }

  sdk::Result finish(sdk::Call& call) {
    // A season is counted in steps, so a seasonal model needs every step in place.
    const bool slots = !arima_ && spec_.season != Component::none;
    json notes = slots ? store_.prepare_slots() : store_.prepare();
    const std::vector<double>& y = store_.values();
    // The series (and times), plus the differenced copy or fitted values, the residuals and
    // the actual values they are measured against.
    budget_.check(y.size() * 8 * (store_.timed() ? 6 : 5), static_cast<std::int64_t>(y.size()),
                  "ts_forecast");
    const std::string& name = store_.value().ref().name;
    if (y.size() < 3) {
      throw sdk::Error::invalid_argument("ts_forecast needs at least 3 values; column '" + name +
                                         "' has " + std::to_string(y.size()));
    }
    if (std::all_of(y.begin(), y.end(), [&](double v) { return v == y.front(); })) {
      throw sdk::Error::invalid_argument(
          "column '" + name + "' is constant (" + stats::short_text(y.front()) +
          "): there is nothing to fit, and any sensible forecast is that value");
    }
    const auto h = static_cast<std::size_t>(horizon_);
    json out = {{"column", name},
                {"method", arima_ ? "arima" : "holt_winters"},
                {"values", static_cast<std::int64_t>(y.size())},
                {"horizon", horizon_},
                {"level", level_}};
    if (slots) out["filling"] = store_.filling().to_json();
    std::vector<double> mean, variance, residuals, actual;
    if (arima_) {
      fit_arima(call, y, h, out, notes, mean, variance, residuals, actual);
    } else {
      fit_holt_winters(y, h, out, notes, mean, variance, residuals, actual);
    }
    call.throw_if_cancelled();
    const double z = normal_ppf(0.5 + level_ / 2);
    std::vector<double> lower(h), upper(h);
    json forecast = json::array();
    const auto step = store_.timed() ? store_.order().usual_step() : std::nullopt;
    for (std::size_t j = 0; j < h; ++j) {
      const double half = z * std::sqrt(variance[j]);
      lower[j] = mean[j] - half;
      upper[j] = mean[j] + half;
      json row = {{"step", static_cast<std::int64_t>(j + 1)},
                  {"mean", stats::num(mean[j])},
                  {"lower", stats::num(lower[j])},
                  {"upper", stats::num(upper[j])}};
      if (step && !store_.times().empty()) {
        row["time"] = iso_text(store_.times().back() + static_cast<std::int64_t>(j + 1) * *step);
      }
      forecast.push_back(std::move(row));
    }
    if (store_.timed() && !step) {
      notes.push_back("the time step is irregular: forecasts are numbered by step, not timed");
    }
    out["forecast"] = std::move(forecast);
    add_errors(out["metrics"], residuals, actual, notes);
    out["notes"] = notes;
    if (store_.timed()) {
      out["time_order"] = store_.order().to_json(
          slots ? time_treatment(store_.filling())
                : "values taken in time order (stably sorted when needed); gaps are not filled, "
                  "so resample first when the series has gaps");
    }
    sdk::Result result = sdk::Result::structured(out, render(out));
    if (picture_ != "none") {
      LineChart chart;
      chart.title = name + ": " + out["model"].get<std::string>() + " forecast, " +
                    std::to_string(horizon_) + " steps";
      chart.values = y;
      chart.forecast = mean;
      chart.lower = lower;
      chart.upper = upper;
      if (store_.timed()) {
        chart.first_label = iso_text(store_.times().front());
        const json& last = out["forecast"].back();
        chart.last_label = last.contains("time") ? last["time"].get<std::string>()
                                                 : iso_text(store_.times().back());
      }
      attach_svg(result, line_svg(chart), picture_,
                 "quarry://timeseries/forecast/" + name + ".svg");
    }
    return result;
  }

 private:
  void fit_holt_winters(const std::vector<double>& y, std::size_t h, json& out, json& notes,
                        std::vector<double>& mean, std::vector<double>& variance,
                        std::vector<double>& residuals, std::vector<double>& actual) {
    const std::string& name = store_.value().ref().name;
    if ((spec_.trend == Component::mul || spec_.season == Component::mul) &&
        *std::min_element(y.begin(), y.end()) <= 0) {
      throw sdk::Error::invalid_argument(
          "a multiplicative trend or season needs positive values; column '" + name +
          "' has values <= 0 (use add)");
    }
    if (spec_.season != Component::none) {
      std::string source = "given";
      std::int64_t m = periods_ ? *periods_ : 0;
      if (m == 0 && store_.timed()) m = implied_period(store_.order(), source);
      if (m == 0) {
        throw sdk::Error::invalid_argument(
            "a seasonal model needs seasonal_periods (the season length in rows); no regular "
            "time step implies one (ts_decompose or ts_acf can find it)");
      }
      store_.require_gaps_within(m, "seasonal_periods");
      spec_.m = static_cast<std::size_t>(m);
      out["seasonal_periods"] = m;
      if (source != "given")
        notes.push_back("seasonal_periods " + std::to_string(m) + " from the " + source);
    }
    const HwFit fit = hw_fit(y, spec_, budget_.limit());
    const char* letters[] = {"N", "A", "M"};
    std::string model = std::string("Holt–Winters(trend ") +
                        letters[static_cast<int>(spec_.trend)] + (spec_.damped ? "d" : "") +
                        ", season " + letters[static_cast<int>(spec_.season)] +
                        (spec_.m > 0 ? " m=" + std::to_string(spec_.m) : "") + ")";
    out["model"] = model;
    json params = {{"smoothing_level", fit.params.alpha}};
    if (spec_.trend != Component::none) params["smoothing_trend"] = fit.params.beta;
    if (spec_.season != Component::none) params["smoothing_seasonal"] = fit.params.gamma;
    if (spec_.damped) params["damping_trend"] = fit.params.phi;
    out["parameters"] = params;
    json init = {{"level", fit.initial.level}};
    if (spec_.trend != Component::none) init["trend"] = fit.initial.trend;
    if (spec_.season != Component::none) init["seasonal"] = fit.initial.season;
    out["initial_states"] = init;
    mean = hw_forecast(fit, h);
    variance = hw_variances(fit, h);
    // In-sample errors over the observed values only: a filled slot is not an observation.
    for (std::size_t t = 0; t < y.size(); ++t) {
      if (store_.filled(t)) continue;
      residuals.push_back(y[t] - fit.fitted[t]);
      actual.push_back(y[t]);
    }
    const auto n = static_cast<double>(y.size());
    const double k = static_cast<double>(spec_.m) * (spec_.season != Component::none) +
                     2.0 * (spec_.trend != Component::none) + 2 + (spec_.damped ? 1 : 0);
    out["metrics"] = {{"sse", stats::num(fit.sse)},
                      {"aic", stats::num(n * std::log(fit.sse / n) + 2 * k)},
                      {"bic", stats::num(n * std::log(fit.sse / n) + k * std::log(n))}};
    out["intervals"] = std::string(
                           "mean ± z·σ_h with σ_h² of the additive-error ETS model with these "
                           "parameters (Hyndman et al. 2008, class 1), σ² = SSE/n") +
                       (spec_.trend == Component::mul || spec_.season == Component::mul
                            ? "; approximate for multiplicative components"
                            : "");
  }

  void fit_arima(const sdk::Call& call, const std::vector<double>& y, std::size_t h, json& out,
                 json& notes, std::vector<double>& mean, std::vector<double>& variance,
                 std::vector<double>& residuals, std::vector<double>& actual) {
    const int p = static_cast<int>(order_[0]), d = static_cast<int>(order_[1]),
              q = static_cast<int>(order_[2]);
    const ArimaFit fit = arima_fit(y, p, d, q, fit_progress(call));
    out["fit"] = {{"values_used", fit.fit_values},
                  {"iterations", fit.iterations},
                  {"converged", fit.converged}};
    if (fit.fit_values < fit.nobs) {
      notes.push_back("the parameters were fitted on the most recent " +
                      std::to_string(fit.fit_values) + " of " + std::to_string(fit.nobs) +
                      " values (to bound the time); the log-likelihood, AIC, residuals and "
                      "forecasts use them all");
    }
    if (!fit.converged) {
      notes.push_back("the optimiser stopped at its limit of " +
                      std::to_string(ArimaEffort{}.iterations) +
                      " iterations before converging: the parameters may be slightly off the "
                      "optimum (a flat likelihood: a smaller order may fit as well, compare the "
                      "AIC)");
    }
    out["model"] =
        "ARIMA(" + std::to_string(p) + "," + std::to_string(d) + "," + std::to_string(q) + ")";
    json params = json::object();
    if (fit.has_mean) params["const"] = fit.mean;
    params["ar"] = fit.coef.ar;
    params["ma"] = fit.coef.ma;
    params["sigma2"] = fit.sigma2;
    out["parameters"] = params;
    arima_notes(fit, notes);
    arima_forecast(fit, h, mean, variance);
    residuals = fit.innovation;
    actual.assign(y.begin() + d, y.end());
    const double k = fit.parameters();
    out["metrics"] = {
        {"loglik", stats::num(fit.loglik)},
        {"aic", stats::num(-2 * fit.loglik + 2 * k)},
        {"bic", stats::num(-2 * fit.loglik + k * std::log(static_cast<double>(fit.nobs)))}};
    out["intervals"] =
        "mean ± z·σ_h with σ_h² = σ² Σ_{j<h} ψ_j², the ψ weights of θ(B) / (φ(B)(1 − B)^d) "
        "(parameter uncertainty not included, as statsmodels' get_forecast)";
  }

  // Fitting can take seconds on long series: the client hears how far it is (progress at
  // most five times a second; the host may show only its own read progress, so also an info
  // log line every two seconds once the fit has taken two) and can cancel it.
  static FitProgress fit_progress(const sdk::Call& call) {
    using Clock = std::chrono::steady_clock;
    return [&call, start = Clock::now(), shown = Clock::time_point{}, logged = Clock::now()](
               double done, const std::string& what) mutable {
      call.throw_if_cancelled();
      const auto now = Clock::now();
      if (now - shown >= std::chrono::milliseconds(200)) {
        shown = now;
        call.progress(done, 1.0, what);
      }
      if (now - logged >= std::chrono::seconds(2)) {
        logged = now;
        call.log(sdk::LogLevel::info,
                 what + " (" + std::to_string(static_cast<int>(100 * done)) + "% after " +
                     std::to_string(
                         static_cast<int>(std::chrono::duration<double>(now - start).count())) +
                     " s)");
      }
    };
  }

  // What the roots of the fitted polynomials say: an AR root near an MA root (the factors
  // cancel: a smaller order fits as well), an MA root on the unit circle (over-differenced), an
  // AR root near it (a unit root: difference once more).
  static void arima_notes(const ArimaFit& fit, json& notes) {
    std::vector<double> ar_poly, ma_poly = fit.coef.ma;
    for (double c : fit.coef.ar) ar_poly.push_back(-c);
    const auto ar = polynomial_roots(ar_poly), ma = polynomial_roots(ma_poly);
    bool cancel = false;
    for (const auto& a : ar) {
      for (const auto& m : ma) cancel = cancel || std::abs(a - m) < 0.1 * std::abs(a);
    }
    if (cancel) {
      notes.push_back("an AR root and an MA root nearly coincide: those factors cancel, so ARIMA(" +
                      std::to_string(fit.p - 1) + "," + std::to_string(fit.d) + "," +
                      std::to_string(fit.q - 1) + ") fits about as well (compare the AIC)");
    }
    if (std::any_of(ma.begin(), ma.end(), [](const auto& r) { return std::abs(r) < 1.01; })) {
      notes.push_back(
          "an MA root lies on the unit circle (non-invertible limit): the series may be "
          "over-differenced; try a smaller d");
    }
    if (std::any_of(ar.begin(), ar.end(), [](const auto& r) { return std::abs(r) < 1.01; })) {
      notes.push_back(
          "an AR root lies near the unit circle: the series behaves like a random walk; try d "
          "one higher (ts_stationarity tests this)");
    }
  }

  // MAE, RMSE and MAPE of the one-step residuals (MAPE over non-zero actual values).
  static void add_errors(json& metrics, const std::vector<double>& resid,
                         const std::vector<double>& actual, json& notes) {
    double abs_sum = 0, sq_sum = 0, pct_sum = 0;
    std::int64_t pct_n = 0;
    for (std::size_t t = 0; t < resid.size(); ++t) {
      abs_sum += std::fabs(resid[t]);
      sq_sum += resid[t] * resid[t];
      if (actual[t] != 0) {
        pct_sum += std::fabs(resid[t] / actual[t]);
        ++pct_n;
      }
    }
    const auto n = static_cast<double>(resid.size());
    metrics["residuals"] = static_cast<std::int64_t>(resid.size());
    metrics["mae"] = stats::num(abs_sum / n);
    metrics["rmse"] = stats::num(std::sqrt(sq_sum / n));
    metrics["mape"] =
        pct_n > 0 ? stats::num(100 * pct_sum / static_cast<double>(pct_n)) : json(nullptr);
    if (pct_n < static_cast<std::int64_t>(resid.size())) {
      notes.push_back("MAPE (percent) leaves out " +
                      std::to_string(resid.size() - static_cast<std::size_t>(pct_n)) +
                      " values equal to 0");
    }
  }

  static std::string render(const json& out) {
    auto show = [](const json& v) {
      return v.is_null() ? std::string("-") : stats::short_text(v.get<double>());
    };
    std::string text = "ts_forecast of '" + out["column"].get<std::string>() +
                       "': " + out["model"].get<std::string>() + " on " +
                       std::to_string(out["values"].get<std::int64_t>()) + " values\n";
    text += "parameters:";
    for (const auto& [key, v] : out["parameters"].items()) {
      if (v.is_array()) {
        text += " " + key + " [";
        for (std::size_t i = 0; i < v.size(); ++i) text += (i ? ", " : "") + show(v[i]);
        text += "]";
      } else {
        text += " " + key + " " + show(v);
      }
    }
    const json& m = out["metrics"];
    text += "\nin-sample: MAE " + show(m["mae"]) + ", RMSE " + show(m["rmse"]) + ", MAPE " +
            show(m["mape"]) + "%, AIC " + show(m["aic"]) + "\n";
    text += "forecast (" + stats::short_text(100 * out["level"].get<double>()) + "% interval):\n";
    std::size_t shown = 0;
    for (const auto& f : out["forecast"]) {
      if (++shown > 24) {
        text += "  …\n";
        break;
      }
      text += "  " +
              (f.contains("time") ? f["time"].get<std::string>()
                                  : "+" + std::to_string(f["step"].get<std::int64_t>())) +
              ": " + show(f["mean"]) + " [" + show(f["lower"]) + ", " + show(f["upper"]) + "]\n";
    }
    for (const auto& note : out["notes"]) text += "note: " + note.get<std::string>() + "\n";
    return text;
  }

  SeriesStore store_;
  SeriesBudget budget_;
  bool arima_;
  std::int64_t horizon_;
  double level_;
  std::string picture_;
  HwSpec spec_;
  std::optional<std::int64_t> periods_;
  std::vector<std::int64_t> order_;
};

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(forecast, "ts_forecast", "Forecast", kDescription, kInputSchema,
                            kOutputSchema, QUARRY_TS_ANNOTATIONS, ForecastStage);

}  // namespace quarry::ts
