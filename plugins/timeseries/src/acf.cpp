//! \file
//! ts_acf and ts_pacf: autocorrelation and partial autocorrelation of a column up to a lag,
//! with confidence bounds and (ACF) Ljung–Box statistics, as statsmodels 0.13 computes them.
//! One ordered streaming pass: the lag products are summed as the rows go by, carrying the
//! last lags values across chunks (see ts/autocov.hpp), so memory does not grow with the file.

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "detail/distributions.hpp"
#include "detail/format.hpp"
#include "quarry/sdk.hpp"
#include "quarry/sdk/text_table.hpp"
#include "ts/autocov.hpp"
#include "ts/normal.hpp"
#include "ts/order.hpp"
#include "ts/plot.hpp"
#include "ts/schema.hpp"
#include "ts/series.hpp"
#include "ts/time.hpp"

namespace quarry::ts {
namespace {

//! Lags kept when nlags is not given: statsmodels' default 10 log10(nobs) stays below this
//! for series of up to 10^10 values.
constexpr std::int64_t kDefaultCapacity = 100;

#define QUARRY_TS_ACF_COMMON                                                                   \
  R"("nlags":{"type":"integer","minimum":1,"maximum":10000,"description":"The largest lag. )"  \
  R"(Default as statsmodels: min(10 log10(n), n - 1) for the ACF, min(10 log10(n), n/2 - 1) )" \
  R"(for the PACF."},)"                                                                        \
  R"("alpha":{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1,"default":0.05,)"      \
  R"("description":"Confidence intervals at level 1 - alpha."},)" QUARRY_TS_MISSING            \
  R"(,)" QUARRY_TS_PICTURE R"(,)" QUARRY_TS_TIME_COLUMN(                                       \
      "Optional: checked for order (the series is taken in row order, so unsorted rows fail) " \
      "and reported (duplicates, gaps).")

constexpr const char* kAcfInput =
    R"({"type":"object","x-quarry-reads":["column","time_column"],"required":["column"],"properties":{)" QUARRY_TS_COLUMN
    R"(,)" QUARRY_TS_ACF_COMMON R"(,)"
    R"("qstat":{"type":"boolean","default":true,"description":"Add Ljung–Box Q statistics and )"
    R"(p-values for lags 1..nlags."}}})";

constexpr const char* kPacfInput =
    R"({"type":"object","x-quarry-reads":["column","time_column"],"required":["column"],"properties":{)" QUARRY_TS_COLUMN
    R"(,)" QUARRY_TS_ACF_COMMON R"(,)"
    R"("method":{"type":"string","enum":["ywadjusted","yw","ywa","ywm","ywmle","ldadjusted",)"
    R"("ld","ldbiased","ldb"],"default":"ywadjusted","description":"Yule–Walker with )"
    R"(autocovariances over n - k (ywadjusted, statsmodels 0.13's default; ld/ldadjusted is )"
    R"(the same estimate) or over n (ywm; ldb/ldbiased is the same)."}}})";

#define QUARRY_TS_ACF_OUT_COMMON                                                            \
  R"("column":{"type":"string"},"nobs":{"type":"integer"},"values":{"type":"integer"},)"    \
  R"("missing":{"type":"integer"},"mean":)" QUARRY_TS_NUM R"(,"nlags":{"type":"integer"},)" \
  R"("alpha":{"type":"number"},"lags":{"type":"array","items":{"type":"integer"}},)"        \
  R"("confint_lower":)" QUARRY_TS_NUMS R"(,"confint_upper":)" QUARRY_TS_NUMS R"(,)"         \
  R"("bound":)" QUARRY_TS_NUMS                                                              \
  R"(,"significant_lags":{"type":"array","items":{"type":"integer"}},)" QUARRY_TS_ORDER_OUT \
  R"(,"notes":)" QUARRY_TS_NOTES

constexpr const char* kAcfOutput =
    R"({"type":"object","required":["column","nobs","nlags","lags","acf","notes"],)"
    R"("properties":{)" QUARRY_TS_ACF_OUT_COMMON R"(,"acf":)" QUARRY_TS_NUMS
    R"(,"qstat":)" QUARRY_TS_NUMS R"(,"pvalues":)" QUARRY_TS_NUMS R"(}})";

constexpr const char* kPacfOutput =
    R"({"type":"object","required":["column","nobs","nlags","lags","pacf","notes"],)"
    R"("properties":{)" QUARRY_TS_ACF_OUT_COMMON R"(,"pacf":)" QUARRY_TS_NUMS
    R"(,"method":{"type":"string"}}})";

constexpr const char* kAcfDescription =
    "Autocorrelation function of a numeric column for lags 0..nlags (statsmodels 0.13 "
    "tsa.stattools.acf, adjusted=False), with Bartlett confidence intervals, the lags outside "
    "them, and Ljung–Box Q statistics with p-values. Exact, in one streaming pass (memory "
    "independent of the file size). Rows are taken in file order; missing values are dropped "
    "(statsmodels missing='drop') or refused.";

constexpr const char* kPacfDescription =
    "Partial autocorrelation function of a numeric column for lags 0..nlags (statsmodels 0.13 "
    "tsa.stattools.pacf, Yule–Walker 'ywadjusted' by default, or 'ywm'), with confidence "
    "intervals ±z/sqrt(n) and the lags outside them. Exact, in one streaming pass; nlags must "
    "be below half the series length.";

enum class Kind { acf, pacf };

template <Kind kind>
class AutocorrelationStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::ordered;

  AutocorrelationStage(sdk::Call&, const sdk::Args& args, const sdk::SchemaView& input)
      : value_(input, args.get<std::string>("column")),
        requested_(args.find<std::int64_t>("nlags")),
        alpha_(args.get_or<double>("alpha", 0.05)),
        drop_(args.get_or("missing", "drop") == "drop"),
        qstat_(args.get_or("qstat", true)),
        picture_(args.get_or("picture", "none")),
        sums_(requested_ ? *requested_ : kDefaultCapacity) {
    if (requested_ && *requested_ < 1) throw sdk::Error::invalid_argument("nlags must be >= 1");
    if (!(alpha_ > 0 && alpha_ < 1)) throw sdk::Error::invalid_argument("alpha must be in (0, 1)");
    if (args.has("time_column")) time_.emplace(input, args.get<std::string>("time_column"));
    if constexpr (kind == Kind::pacf) {
      method_ = args.get_or("method", "ywadjusted");
      if (method_ == "yw" || method_ == "ywa" || method_ == "ld" || method_ == "ldadjusted") {
        method_ = "ywadjusted";
      } else if (method_ == "ywmle" || method_ == "ldb" || method_ == "ldbiased") {
        method_ = "ywm";
      }
      if (method_ != "ywadjusted" && method_ != "ywm") {
        throw sdk::Error::invalid_argument("method must be ywadjusted (yw, ld) or ywm (ldb)");
      }
    }
  }

  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    value_.read(chunk, values_);
    if (time_) {
      time_->read(chunk, times_);
      for (const auto& t : times_) {
        if (t) order_.add(*t);
      }
    }
    kept_.clear();
    for (double x : values_) {
      if (!std::isnan(x)) kept_.push_back(x);
    }
    if (!drop_ && kept_.size() != values_.size()) {
      throw sdk::Error::invalid_argument(
          "column '" + value_.ref().name + "' has missing values (null, NaN, infinite or text) " +
          "and missing is \"error\"; pass \"missing\": \"drop\" to leave them out, or clean the "
          "column first");
    }
    sums_.add(kept_.data(), kept_.size());
  }

  sdk::Result finish(sdk::Call&) {
    value_.check();
    if (time_) {
      time_->check();
      if (order_.unsorted() > 0) {
        throw sdk::Error::invalid_argument(
            "the rows are not in time order ('" + time_->ref().name + "' steps back " +
            std::to_string(order_.unsorted()) + " times, first at row " +
            std::to_string(*order_.first_unsorted() + 1) +
            "); the autocorrelation follows row order, so sort the file by time first");
      }
    }
    const std::int64_t n = sums_.count();
    const std::int64_t rows = value_.counts().rows;
    // statsmodels' acf counts nobs before dropping NaN (x.shape[0]); pacf has no missing
    // handling, so its n is the values used.
    const std::int64_t nobs = kind == Kind::acf ? rows : n;
    const std::int64_t nlags = choose_lags(n, nobs);
    const std::vector<double> centred = sums_.centred(nlags);
    if (!(centred[0] > 0)) {
      throw sdk::Error::invalid_argument("column '" + value_.ref().name +
                                         "' is constant: its autocorrelation is undefined (zero "
                                         "variance)");
    }
    const double z = normal_ppf(1.0 - alpha_ / 2.0);
    json out = {{"column", value_.ref().name},
                {"nobs", nobs},
                {"values", n},
                {"missing", rows - n},
                {"mean", stats::num(sums_.mean())},
                {"nlags", nlags},
                {"alpha", alpha_}};
    std::vector<std::int64_t> lags;
    for (std::int64_t k = 0; k <= nlags; ++k) lags.push_back(k);
    out["lags"] = lags;
    std::vector<double> coefficients, widths;
    if constexpr (kind == Kind::acf) {
      coefficients = autocorrelations(centred);
      widths = bartlett_widths(coefficients, static_cast<double>(nobs), z);
      out["acf"] = stats::nums(coefficients);
      if (qstat_) {
        const std::vector<double> q = ljung_box(coefficients, static_cast<double>(nobs));
        std::vector<double> p;
        for (std::size_t k = 0; k < q.size(); ++k) {
          p.push_back(
              stats::dist::incomplete_gamma(static_cast<double>(k + 1) / 2.0, q[k] / 2.0).second);
        }
        out["qstat"] = stats::nums(q);
        out["pvalues"] = stats::nums(p);
      }
    } else {
      std::vector<double> r(centred.size());
      for (std::size_t k = 0; k < r.size(); ++k) {
        r[k] = centred[k] /
               static_cast<double>(method_ == "ywadjusted" ? n - static_cast<std::int64_t>(k) : n);
      }
      coefficients = levinson_durbin_pacf(r);
      widths.assign(coefficients.size(), z * std::sqrt(1.0 / static_cast<double>(n)));
      widths[0] = 0;
      out["pacf"] = stats::nums(coefficients);
      out["method"] = method_;
    }
    std::vector<double> lower, upper;
    std::vector<std::int64_t> significant;
    for (std::size_t k = 0; k < coefficients.size(); ++k) {
      lower.push_back(coefficients[k] - widths[k]);
      upper.push_back(coefficients[k] + widths[k]);
      if (k > 0 && std::fabs(coefficients[k]) > widths[k]) {
        significant.push_back(static_cast<std::int64_t>(k));
      }
    }
    out["confint_lower"] = stats::nums(lower);
    out["confint_upper"] = stats::nums(upper);
    out["bound"] = stats::nums(widths);
    out["significant_lags"] = significant;
    json notes = json::array();
    if (rows > n) {
      notes.push_back(std::to_string(rows - n) + " rows without a usable value were dropped" +
                      (kind == Kind::acf ? " (the bounds use nobs = all rows, as statsmodels' "
                                           "acf with missing='drop' does)"
                                         : ""));
    }
    if (time_) {
      out["time_order"] = order_.to_json(
          "row order used (checked to be time order); duplicates and gaps are not filled: "
          "resample first for a regular series");
      const std::string sentence = order_.sentence();
      if (!sentence.empty()) notes.push_back(sentence);
    }
    out["notes"] = notes;
    sdk::Result result = sdk::Result::structured(out, render(out, coefficients, widths));
    if (picture_ != "none") add_picture(result, coefficients, widths);
    return result;
  }

 private:
  std::int64_t choose_lags(std::int64_t n, std::int64_t nobs) const {
    const char* tool = kind == Kind::acf ? "ts_acf" : "ts_pacf";
    if (n < 2) {
      throw sdk::Error::invalid_argument(std::string(tool) + " needs at least " +
                                         (kind == Kind::acf ? "2" : "4") + " values; column '" +
                                         value_.ref().name + "' has " + std::to_string(n));
    }
    std::int64_t nlags = 0;
    if (requested_) {
      nlags = *requested_;
    } else {
      const auto scaled = static_cast<std::int64_t>(10 * std::log10(static_cast<double>(nobs)));
      nlags = kind == Kind::acf ? std::min<std::int64_t>(scaled, nobs - 1)
                                : std::min<std::int64_t>(scaled, nobs / 2 - 1);
      nlags = std::min(nlags, sums_.max_lag());
    }
    if constexpr (kind == Kind::acf) {
      if (nlags > n - 1) {
        throw sdk::Error::invalid_argument("nlags " + std::to_string(nlags) + " needs at least " +
                                           std::to_string(nlags + 1) + " values; column '" +
                                           value_.ref().name + "' has " + std::to_string(n) +
                                           ": lower nlags to at most " + std::to_string(n - 1));
      }
    } else {
      if (nlags >= n / 2 || nlags < 1) {
        throw sdk::Error::invalid_argument(
            "partial autocorrelations need nlags below half the series (statsmodels' rule): "
            "column '" +
            value_.ref().name + "' has " + std::to_string(n) + " values, so nlags must be < " +
            std::to_string(n / 2) + " (got " + std::to_string(nlags) + ")");
      }
    }
    return nlags;
  }

  std::string render(const json& out, const std::vector<double>& c,
                     const std::vector<double>& widths) const {
    const bool acf = kind == Kind::acf;
    std::string text = std::string(acf ? "ts_acf" : "ts_pacf") + " of '" + value_.ref().name +
                       "': " + std::to_string(out["values"].get<std::int64_t>()) + " values, " +
                       std::to_string(out["nlags"].get<std::int64_t>()) + " lags, " +
                       stats::short_text(100 * (1 - alpha_)) + "% bounds\n";
    std::vector<std::vector<std::string>> rows;
    const std::size_t shown = std::min<std::size_t>(c.size(), 41);
    for (std::size_t k = 1; k < shown; ++k) {
      std::vector<std::string> row = {std::to_string(k), stats::short_text(c[k]),
                                      "±" + stats::short_text(widths[k]),
                                      std::fabs(c[k]) > widths[k] ? "*" : ""};
      if (acf && out.contains("qstat")) {
        row.push_back(stats::short_text(out["qstat"][k - 1].get<double>()));
        row.push_back(stats::p_text(
            out["pvalues"][k - 1].is_null() ? 0.0 : out["pvalues"][k - 1].get<double>()));
      }
      rows.push_back(row);
    }
    std::vector<std::string> header = {"lag", acf ? "acf" : "pacf", "bound", "sig"};
    if (acf && out.contains("qstat")) {
      header.push_back("Q");
      header.push_back("p");
    }
    text += sdk::text_table(header, rows);
    if (shown < c.size()) {
      text += "(" + std::to_string(c.size() - shown) + " more lags not shown)\n";
    }
    for (const auto& note : out["notes"]) text += "note: " + note.get<std::string>() + "\n";
    return text;
  }

  void add_picture(sdk::Result& result, const std::vector<double>& c,
                   const std::vector<double>& widths) const {
    const std::string title =
        std::string(kind == Kind::acf ? "ACF" : "PACF") + " of " + value_.ref().name;
    const std::string svg = correlogram_svg(title, c, widths);
    attach_svg(result, svg, picture_,
               std::string("quarry://timeseries/") + (kind == Kind::acf ? "acf/" : "pacf/") +
                   value_.ref().name + ".svg");
  }

  ValueColumn value_;
  std::optional<std::int64_t> requested_;
  double alpha_;
  bool drop_;
  bool qstat_;
  std::string picture_;
  std::string method_;
  std::optional<TimeColumn> time_;
  OrderCheck order_;
  LagSums sums_;
  std::vector<double> values_, kept_;
  std::vector<std::optional<std::int64_t>> times_;
};

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(acf, "ts_acf", "Autocorrelation", kAcfDescription, kAcfInput,
                            kAcfOutput, QUARRY_TS_ANNOTATIONS, AutocorrelationStage<Kind::acf>);
QUARRY_STAGE_TOOL_ANNOTATED(pacf, "ts_pacf", "Partial autocorrelation", kPacfDescription,
                            kPacfInput, kPacfOutput, QUARRY_TS_ANNOTATIONS,
                            AutocorrelationStage<Kind::pacf>);

}  // namespace quarry::ts
