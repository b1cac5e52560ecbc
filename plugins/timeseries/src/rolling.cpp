//! \file
//! ts_rolling: rolling mean, sum, std, var, min, max and median over the last N rows or a time
//! span, and exponentially weighted means, added as new columns to every row. An ordered
//! transforming stage: the window carries across chunks, so results do not depend on the
//! chunk size.

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "detail/categories.hpp"
#include "detail/format.hpp"
#include "quarry/sdk.hpp"
#include "quarry/sdk/text_table.hpp"
#include "ts/frequency.hpp"
#include "ts/order.hpp"
#include "ts/passthrough.hpp"
#include "ts/schema.hpp"
#include "ts/series.hpp"
#include "ts/time.hpp"
#include "ts/window.hpp"

namespace quarry::ts {
namespace {

constexpr const char* kInputSchema =
    R"({"type":"object","x-quarry-reads":["column","time_column","group_column"],"required":["column"],"properties":{)" QUARRY_TS_COLUMN
    R"(,)"
    R"("group_column":{"type":"string","description":"Roll within each value of this column )"
    R"((pandas groupby(group).rolling(...), ewm per group): every )"
    R"(group has its own window, and for time windows its rows must be in time order (the )"
    R"(groups may interleave). Rows with no group get nulls."},)"
    R"("window":{"anyOf":[{"type":"integer","minimum":1,"maximum":10000000},)"
    R"({"type":"string","pattern":"^[0-9]*[a-zA-Z]+$"}],"description":"The window: a number )"
    R"(of rows (e.g. 60), or a time span (e.g. \"60s\", \"5min\", \"1h\", \"1D\") over )"
    R"(time_column, meaning the rows with time in (t - span, t] as pandas' rolling(\"60s\")."},)"
    R"("statistics":{"type":"array","minItems":1,"uniqueItems":true,"items":{"type":"string",)"
    R"("enum":["mean","sum","std","var","min","max","median"]},"default":["mean"],)"
    R"("description":"Rolling statistics to add, each as column <column>_rolling_<stat>_<window>."},)"
    R"("min_periods":{"type":"integer","minimum":0,"description":"Values needed in the window )"
    R"(for a result (else null). Default as pandas: the window size for row windows, 1 for )"
    R"(time spans."},)"
    R"("ewm":{"type":"object","description":"Also add an exponentially weighted mean )"
    R"((pandas ewm(...).mean()) as <column>_ewm_mean_<param><value>; give exactly one of span, )"
    R"(alpha, com, halflife.","properties":{"span":{"type":"number","minimum":1},)"
    R"("alpha":{"type":"number","exclusiveMinimum":0,"maximum":1},)"
    R"("com":{"type":"number","minimum":0},"halflife":{"type":"number","exclusiveMinimum":0},)"
    R"("adjust":{"type":"boolean","default":true},"ignore_na":{"type":"boolean","default":false},)"
    R"("min_periods":{"type":"integer","minimum":0,"default":0}},"additionalProperties":false},)" QUARRY_TS_TIME_COLUMN(
        "Needed for time-span windows (rows must then be in time order); otherwise only "
        "checked and reported (unsorted, duplicates, gaps).") R"(}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["column","rows","outputs","notes"],"properties":{)"
    R"("column":{"type":"string"},"rows":{"type":"integer"},)"
    R"("window":{"type":["integer","string","null"]},"min_periods":{"type":["integer","null"]},)"
    R"("input_missing":{"type":"integer"},"groups":{"type":"integer"},)"
    R"("outputs":{"type":"array","items":{"type":"object","required":["name","statistic",)"
    R"("values","nulls"],"properties":{"name":{"type":"string"},"statistic":{"type":"string"},)"
    R"("values":{"type":"integer"},"nulls":{"type":"integer"},"last":)" QUARRY_TS_NUM
    R"(}}},)" QUARRY_TS_ORDER_OUT R"(,"notes":)" QUARRY_TS_NOTES R"(}})";

constexpr const char* kDescription =
    "Rolling statistics of a numeric column, added as new columns to every row (pandas "
    "Series.rolling(window).mean()/sum()/std()/var()/min()/max()/median() and "
    "ewm(span|alpha|com|halflife).mean(), same results to 1e-9). The window is N rows or a time "
    "span over a time column. Streams in order with the window carried across chunks; writes "
    "the rows with the added columns when called with output, otherwise reports per added "
    "column how many values and nulls it produced. Nulls/NaN in the input count as missing "
    "(as pandas); a result needs min_periods values in the window. With group_column, each "
    "group (e.g. each sensor of a file of many) rolls on its own, as pandas "
    "groupby(group).rolling(...).";

enum class Stat { mean, sum, std, var, min, max, median };

Stat parse_stat(const std::string& s) {
  if (s == "mean") return Stat::mean;
  if (s == "sum") return Stat::sum;
  if (s == "std") return Stat::std;
  if (s == "var") return Stat::var;
  if (s == "min") return Stat::min;
  if (s == "max") return Stat::max;
  if (s == "median") return Stat::median;
  throw sdk::Error::invalid_argument("unknown statistic '" + s +
                                     "'; use mean, sum, std, var, min, max, median");
}

//! One added column and what it produced.
struct Output {
  std::string name;
  std::string statistic;
  std::optional<Stat> stat;  // none: the EWMA
  std::int64_t values = 0, nulls = 0;
  double last = std::numeric_limits<double>::quiet_NaN();
};

//! The text of a number for a column name ("20", "0.3").
std::string name_number(double v) {
  return stats::exact_text(v);
}

//! The running state of one series: the whole input, or one group of it.
struct Series {
  SlidingWindow window;
  std::optional<Ewma> ewma;
  std::optional<std::int64_t> last_time;  // for the time-order check of time windows
};

class RollingStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::ordered;

  RollingStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : value_(input, args.get<std::string>("column")),
        series_{SlidingWindow(WindowNeeds{}), std::nullopt, std::nullopt},
        budget_bytes_(call.memory_budget_bytes()) {
    if (args.has("time_column")) time_.emplace(input, args.get<std::string>("time_column"));
    if (args.has("group_column")) group_.emplace(input, args.get<std::string>("group_column"));
    parse_window(args);
    parse_ewm(args);
    if (outputs_.empty()) {
      throw sdk::Error::invalid_argument(
          "nothing to compute: give a window (rows, e.g. 60, or a span, e.g. \"5min\") and/or "
          "ewm (e.g. {\"span\": 20})");
    }
    passed_ = add_input_columns(builder_, input);
    for (const Output& o : outputs_) {
      if (input.find(o.name)) {
        throw sdk::Error::invalid_argument("the input already has a column named '" + o.name +
                                           "'; rename it or drop it first");
      }
      builder_.add_float64(o.name);
    }
  }

  sdk::OwnedChunk transform(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    value_.read(chunk, values_);
    if (time_) time_->read(chunk, times_);
    std::optional<stats::LabelReader> groups;
    if (group_) groups.emplace(group_->reader(chunk));
    copy_input_columns(builder_, chunk, passed_);
    const std::size_t n = values_.size();
    std::vector<sdk::Float64Builder*> outs;
    for (std::size_t k = 0; k < outputs_.size(); ++k) {
      auto& b = static_cast<sdk::Float64Builder&>(
          builder_.column(passed_ + static_cast<std::int64_t>(k)));
      b.reserve(static_cast<std::int64_t>(n));
      outs.push_back(&b);
    }
    for (std::size_t i = 0; i < n; ++i) {
      const double x = values_[i];
      const std::int64_t row = rows_ + static_cast<std::int64_t>(i);
      Series* series = &series_;
      const std::string* group = nullptr;  // the row's group, for messages
      if (groups) {
        const auto row_in_chunk = static_cast<std::int64_t>(i);
        if (groups->valid(row_in_chunk)) {
          auto& [key, state] = group_series(groups->label(row_in_chunk));
          group = &key;
          series = &state;
        } else {
          series = nullptr;
          ++no_group_;
        }
      }
      bool in_window = series != nullptr;
      if (time_) {
        const auto& t = times_[i];
        if (t) order_.add(*t);
        if (span_ > 0 && series != nullptr) {
          if (!t) {
            in_window = false;
            ++no_time_;
          } else {
            require_sorted(*series, *t, row, group);
            series->window.drop_until(*t - span_);
            series->window.push(*t, x);
          }
        }
      }
      if (rows_window_ > 0 && series != nullptr) {
        series->window.push(0, x);
        series->window.keep_last(static_cast<std::size_t>(rows_window_));
      }
      for (std::size_t k = 0; k < outputs_.size(); ++k) {
        Output& o = outputs_[k];
        double r = std::numeric_limits<double>::quiet_NaN();
        if (series == nullptr) {
          // no group: null, as pandas leaves rows of a NaN group out
        } else if (!o.stat) {
          r = series->ewma->next(x);
        } else if (in_window) {
          r = statistic(series->window, *o.stat);
        }
        if (std::isnan(r)) {
          outs[k]->append_null();
          ++o.nulls;
        } else {
          outs[k]->append(r);
          ++o.values;
        }
        o.last = r;
      }
    }
    rows_ += static_cast<std::int64_t>(n);
    return builder_.finish();
  }

  sdk::Result finish(sdk::Call&) {
    value_.check();
    if (time_) time_->check();
    json outputs = json::array();
    for (const Output& o : outputs_) {
      outputs.push_back({{"name", o.name},
                         {"statistic", o.statistic},
                         {"values", o.values},
                         {"nulls", o.nulls},
                         {"last", stats::num(o.last)}});
    }
    json notes = json::array();
    if (value_.missing() > 0) {
      notes.push_back(std::to_string(value_.missing()) + " rows of '" + value_.ref().name +
                      "' had no usable value (null, NaN, infinite or text); they count as "
                      "missing inside windows, as pandas treats NaN");
    }
    if (no_group_ > 0) {
      notes.push_back(std::to_string(no_group_) + " rows had no '" + group_->name() +
                      "' (null) and got null rolling values");
    }
    if (no_time_ > 0) {
      notes.push_back(std::to_string(no_time_) +
                      " rows without a time got null rolling values and were left out of the "
                      "time windows");
    }
    if (rows_window_ > 0 && rows_ > 0 && rows_ < rows_window_ && !group_) {
      notes.push_back("the window (" + std::to_string(rows_window_) +
                      " rows) is larger than the series (" + std::to_string(rows_) +
                      " rows): every rolling value is null");
    }
    json out = {{"column", value_.ref().name},
                {"rows", rows_},
                {"window", window_json_},
                {"min_periods", has_window_ ? json(min_periods_) : json(nullptr)},
                {"input_missing", value_.missing()},
                {"outputs", outputs},
                {"notes", notes}};
    if (group_) out["groups"] = groups_.size();
    if (time_) {
      out["time_order"] = order_.to_json(
          span_ > 0 ? "time windows need rows in time order (the run fails otherwise); "
                      "duplicates share windows; gaps shorten the windows they fall in"
                    : "row windows ignore the times; reported only");
      const std::string sentence = order_.sentence();
      if (!sentence.empty()) out["notes"].push_back(sentence);
    }
    return sdk::Result::structured(out, render(out));
  }

 private:
  void parse_window(const sdk::Args& args) {
    if (!args.has("window")) {
      if (args.has("statistics")) {
        throw sdk::Error::invalid_argument("statistics need a window (rows or a time span)");
      }
      return;
    }
    has_window_ = true;
    const json& w = args.json().at("window");
    std::string label;
    if (w.is_number_integer()) {
      rows_window_ = w.get<std::int64_t>();
      if (rows_window_ < 1) throw sdk::Error::invalid_argument("window must be at least 1 row");
      min_periods_ = args.get_or<std::int64_t>("min_periods", rows_window_);
      if (min_periods_ > rows_window_) {
        throw sdk::Error::invalid_argument("min_periods " + std::to_string(min_periods_) +
                                           " must be <= window " + std::to_string(rows_window_));
      }
      label = std::to_string(rows_window_);
      window_json_ = rows_window_;
    } else {
      const Frequency f = parse_frequency(w.get<std::string>(), "window", false);
      if (!time_) {
        throw sdk::Error::invalid_argument("window \"" + f.text +
                                           "\" is a time span: give time_column (a timestamp "
                                           "or ISO 8601 text column), or a window in rows");
      }
      span_ = f.micros;
      min_periods_ = args.get_or<std::int64_t>("min_periods", 1);
      label = f.text;
      window_json_ = f.text;
    }
    WindowNeeds needs;
    for (const auto& s : args.get_or<std::vector<std::string>>("statistics", {"mean"})) {
      const Stat stat = parse_stat(s);
      needs.sums = needs.sums || stat == Stat::mean || stat == Stat::sum || stat == Stat::std ||
                   stat == Stat::var;
      needs.squares = needs.squares || stat == Stat::std || stat == Stat::var;
      needs.min = needs.min || stat == Stat::min;
      needs.max = needs.max || stat == Stat::max;
      needs.median = needs.median || stat == Stat::median;
      outputs_.push_back({value_.ref().name + "_rolling_" + s + "_" + label, s, stat});
    }
    series_.window = SlidingWindow(needs);
  }

  void parse_ewm(const sdk::Args& args) {
    if (!args.has("ewm")) return;
    const sdk::Args ewm(args.json().at("ewm"));
    // pandas turns span/halflife/alpha into a centre of mass, then alpha = 1 / (1 + com);
    // the same steps give the same rounding.
    double com = 0;
    std::string label;
    int given = 0;
    if (auto span = ewm.find<double>("span")) {
      if (*span < 1) throw sdk::Error::invalid_argument("ewm span must be >= 1");
      com = (*span - 1) / 2.0;
      label = "span" + name_number(*span);
      ++given;
    }
    if (auto c = ewm.find<double>("com")) {
      if (*c < 0) throw sdk::Error::invalid_argument("ewm com must be >= 0");
      com = *c;
      label = "com" + name_number(*c);
      ++given;
    }
    if (auto h = ewm.find<double>("halflife")) {
      if (*h <= 0) throw sdk::Error::invalid_argument("ewm halflife must be > 0");
      com = 1.0 / (1.0 - std::exp(std::log(0.5) / *h)) - 1.0;
      label = "halflife" + name_number(*h);
      ++given;
    }
    if (auto a = ewm.find<double>("alpha")) {
      if (*a <= 0 || *a > 1) throw sdk::Error::invalid_argument("ewm alpha must be in (0, 1]");
      com = (1.0 - *a) / *a;
      label = "alpha" + name_number(*a);
      ++given;
    }
    if (given != 1) {
      throw sdk::Error::invalid_argument(
          "ewm needs exactly one of span, alpha, com, halflife (got " + std::to_string(given) +
          ")");
    }
    series_.ewma.emplace(1.0 / (1.0 + com), ewm.get_or("adjust", true),
                         ewm.get_or("ignore_na", false),
                         ewm.get_or<std::int64_t>("min_periods", 0));
    outputs_.push_back({value_.ref().name + "_ewm_mean_" + label, "ewm_mean", std::nullopt});
  }

  void require_sorted(Series& series, std::int64_t t, std::int64_t row, const std::string* group) {
    if (series.last_time && t < *series.last_time) {
      const std::string rows_of =
          group ? "rows of " + group_->name() + " '" + *group + "'" : "rows";
      throw sdk::Error::invalid_argument(
          "time windows need " + rows_of + " sorted by '" + time_->ref().name + "', but row " +
          std::to_string(row + 1) + " steps back from " + iso_text(*series.last_time) + " to " +
          iso_text(t) + "; sort the file by time first, or use a window in rows");
    }
    series.last_time = t;
  }

  //! Group `key` and its running state, made (a copy of the empty series) on its first row.
  std::pair<const std::string, Series>& group_series(std::string_view key) {
    if (auto it = groups_.find(key); it != groups_.end()) return *it;
    // Each group keeps a window: a bound on how many, from the budget, instead of running
    // out of memory on a column of row ids.
    const std::size_t per_group =
        kGroupOverheadBytes + key.size() +
        (rows_window_ > 0 ? static_cast<std::size_t>(rows_window_) * kWindowBytesPerValue : 0);
    if (budget_bytes_ > 0 && (groups_.size() + 1) * per_group > budget_bytes_) {
      throw sdk::Error::out_of_memory(
          "ts_rolling: " + std::to_string(groups_.size() + 1) + " groups of '" + group_->name() +
          "' with a window each need more than this call's memory budget (" +
          std::to_string(budget_bytes_ >> 20) +
          " MiB); group by a coarser column, filter the rows (where), or raise "
          "memory.budget_mb");
    }
    return *groups_.emplace(std::string(key), series_).first;
  }

  double statistic(const SlidingWindow& window, Stat stat) const {
    const std::int64_t n = window.count();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (n < min_periods_) return nan;
    switch (stat) {
      case Stat::sum:
        return window.sum();  // pandas: 0 for an empty window when min_periods is 0
      case Stat::mean:
        return window.mean();
      case Stat::var:
        return window.var();
      case Stat::std:
        return std::sqrt(window.var());
      case Stat::min:
        return window.min();
      case Stat::max:
        return window.max();
      default:
        return window.median();
    }
  }

  std::string render(const json& out) const {
    std::string text =
        "ts_rolling of '" + value_.ref().name + "' over " + std::to_string(rows_) + " rows";
    if (has_window_) {
      text += ", window " + window_json_.dump() + ", min_periods " + std::to_string(min_periods_);
    }
    text += "\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& o : out["outputs"]) {
      rows.push_back({o["name"].get<std::string>(), std::to_string(o["values"].get<std::int64_t>()),
                      std::to_string(o["nulls"].get<std::int64_t>()),
                      o["last"].is_null() ? "-" : stats::value_text(o["last"].get<double>())});
    }
    text += sdk::text_table({"added column", "values", "nulls", "last"}, rows);
    for (const auto& note : out["notes"]) text += "note: " + note.get<std::string>() + "\n";
    return text;
  }

  // Bytes a group costs besides its window's values (hash node, window rings, Ewma), and a
  // window value (the value and its time, with the ring's slack).
  static constexpr std::size_t kGroupOverheadBytes = 512;
  static constexpr std::size_t kWindowBytesPerValue = 32;

  ValueColumn value_;
  std::optional<TimeColumn> time_;
  std::optional<GroupColumn> group_;
  Series series_;  // the whole input's; without group_column the only one, else each group's start
  // (looked up by the row's label as it is: no string made per row)
  std::unordered_map<std::string, Series, stats::StringHash, std::equal_to<>> groups_;
  std::uint64_t budget_bytes_;
  std::vector<Output> outputs_;
  bool has_window_ = false;
  std::int64_t rows_window_ = 0;  // > 0: a window of rows
  std::int64_t span_ = 0;         // > 0: a time span in microseconds
  std::int64_t min_periods_ = 0;
  json window_json_ = nullptr;
  sdk::ChunkBuilder builder_;
  std::int64_t passed_ = 0;
  OrderCheck order_;
  std::int64_t rows_ = 0, no_time_ = 0, no_group_ = 0;
  std::vector<double> values_;
  std::vector<std::optional<std::int64_t>> times_;
};

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(rolling, "ts_rolling", "Rolling statistics", kDescription, kInputSchema,
                            kOutputSchema, QUARRY_TS_ANNOTATIONS, RollingStage);

}  // namespace quarry::ts
