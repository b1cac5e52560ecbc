#pragma once
//! \file
//! clean_outliers: finds outliers per numeric column by z-score, modified z-score (median
//! and MAD, Iglewicz & Hoaglin) or IQR fences, then flags them (a bool column per checked
//! column), drops their rows, or clips them to the bounds.
//!
//! Two passes run as one pipeline: OutlierStats (mergeable, FirstPass) gathers the exact
//! sums (mean, std) or the values (exact median, MAD, quartiles, like pandas) over the
//! whole input — in memory, or past the memory budget in the host's scratch directory
//! (detail/spillable_values.hpp); OutlierStage then transforms chunks in parallel
//! (row-wise, mergeable only for its counts).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "detail/budget.hpp"
#include "detail/columns.hpp"
#include "detail/copy.hpp"
#include "detail/exact_sum.hpp"
#include "detail/format.hpp"
#include "detail/spillable_values.hpp"
#include "quarry/sdk.hpp"

namespace quarry::clean {

//! How outliers are found.
enum class OutlierMethod { zscore, modified_zscore, iqr };
//! What is done with them.
enum class OutlierAction { flag, drop, clip };

//! The parsed arguments of clean_outliers.
struct OutlierPlan {
  std::vector<ColumnRef> columns;
  OutlierMethod method = OutlierMethod::zscore;
  OutlierAction action = OutlierAction::flag;
  double threshold = 3.0;

  //! Reads columns (default: every numeric column), method, threshold and action.
  OutlierPlan(const sdk::Args& args, const sdk::SchemaView& schema) {
    const std::string m = args.get_or("method", "zscore");
    if (m == "zscore") {
      method = OutlierMethod::zscore;
      threshold = 3.0;
    } else if (m == "modified_zscore") {
      method = OutlierMethod::modified_zscore;
      threshold = 3.5;
    } else if (m == "iqr") {
      method = OutlierMethod::iqr;
      threshold = 1.5;
    } else {
      throw sdk::Error::invalid_argument("method must be zscore, modified_zscore or iqr, got \"" +
                                         m + "\"");
    }
    threshold = args.get_or<double>("threshold", threshold);
    if (!(threshold > 0) || !std::isfinite(threshold)) {
      throw sdk::Error::invalid_argument("threshold must be a positive number");
    }
    const std::string a = args.get_or("action", "flag");
    if (a == "flag") {
      action = OutlierAction::flag;
    } else if (a == "drop") {
      action = OutlierAction::drop;
    } else if (a == "clip") {
      action = OutlierAction::clip;
    } else {
      throw sdk::Error::invalid_argument("action must be flag, drop or clip, got \"" + a + "\"");
    }
    if (args.has("columns")) {
      for (auto& ref : columns_or_all(args, "columns", schema)) {
        if (!is_numeric(ref.type)) {
          throw sdk::Error::invalid_argument(
              "column '" + ref.name + "' has type " + std::string(sdk::type_name(ref.type)) +
              "; outliers need numbers (int64 or float64). Columns: " + list_columns(schema));
        }
        columns.push_back(std::move(ref));
      }
    } else {
      for (std::int64_t i = 0; i < schema.columns(); ++i) {
        if (is_numeric(schema.field(i).type())) columns.push_back(column_ref(schema, i));
      }
      if (columns.empty()) {
        throw sdk::Error::invalid_argument("no numeric columns to check; columns: " +
                                           list_columns(schema));
      }
    }
  }

  //! The argument spelling of the method.
  [[nodiscard]] const char* method_name() const {
    return method == OutlierMethod::zscore ? "zscore"
           : method == OutlierMethod::iqr  ? "iqr"
                                           : "modified_zscore";
  }
  //! The argument spelling of the action.
  [[nodiscard]] const char* action_name() const {
    return action == OutlierAction::flag ? "flag" : action == OutlierAction::drop ? "drop" : "clip";
  }
};

//! The statistics of one column and the rule derived from them.
struct OutlierRule {
  ExactMoments moments;
  SpillableValues values;  // for median / quartiles
  std::int64_t infinite = 0;
  //! The smallest and largest finite values (the outliers, if any, are among the extremes).
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  // Set by finish():
  double center = std::nan("");  // mean or median
  double scale = std::nan("");   // std or MAD
  double q1 = std::nan(""), q3 = std::nan("");
  double low = std::nan(""), high = std::nan("");  // values outside are outliers
  bool defined = false;                            // enough values for the statistics

  //! Outlier test, exactly as the pandas reference computes it.
  [[nodiscard]] bool is_outlier(double x, OutlierMethod method, double t) const {
    if (std::isinf(x)) return true;
    if (!defined) return false;
    switch (method) {
      case OutlierMethod::zscore:
        return std::fabs((x - center) / scale) > t;
      case OutlierMethod::modified_zscore:
        return std::fabs(0.6745 * (x - center) / scale) > t;
      default:
        return x < low || x > high;
    }
  }

  //! True when clipping an integer column moves a value to a bound that is not a whole
  //! number (the extremes are the values that move, min to `low` and max to `high`); pandas'
  //! Series.clip then makes the column float64, and keeps int64 otherwise.
  [[nodiscard]] bool clips_to_a_fraction(OutlierMethod method, double t) const {
    if (!defined || min > max) return false;
    const auto fraction = [](double bound) { return std::trunc(bound) != bound; };
    return (is_outlier(min, method, t) && fraction(low)) ||
           (is_outlier(max, method, t) && fraction(high));
  }
};

//! The first pass of clean_outliers (mergeable, consume-only).
class OutlierStats {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;

  //! Parses the same arguments as the main pass.
  OutlierStats(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : plan_(args, input),
        budget_(call, sdk::StageMode::mergeable),
        scratch_(call.scratch_directory()),
        rules_(plan_.columns.size()) {}

  //! Reads one chunk.
  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    const bool keep_values = plan_.method != OutlierMethod::zscore;
    for (std::size_t c = 0; c < plan_.columns.size(); ++c) {
      const sdk::ColumnView col = chunk.column(plan_.columns[c].index);
      OutlierRule& r = rules_[c];
      for (std::int64_t i = 0; i < col.size(); ++i) {
        const std::optional<double> x = col.number(i);
        if (!x || std::isnan(*x)) continue;
        if (std::isinf(*x)) {
          ++r.infinite;
          continue;
        }
        r.min = std::min(r.min, *x);
        r.max = std::max(r.max, *x);
        if (keep_values) {
          r.values.push_back(*x);
        } else {
          r.moments.add(*x);
        }
      }
    }
    keep_within_budget();
  }

  //! Folds another worker's statistics in.
  void merge(OutlierStats& other, sdk::Call&) {
    for (std::size_t c = 0; c < rules_.size(); ++c) {
      OutlierRule& a = rules_[c];
      OutlierRule& b = other.rules_[c];
      a.moments.merge(b.moments);
      a.values.append(b.values);
      a.infinite += b.infinite;
      a.min = std::min(a.min, b.min);
      a.max = std::max(a.max, b.max);
    }
    keep_within_budget();
  }

  //! Computes every column's rule (selecting ranks of the kept values).
  void finish(sdk::Call&) {
    for (auto& r : rules_) {
      switch (plan_.method) {
        case OutlierMethod::zscore:
          r.center = r.moments.mean();
          r.scale = r.moments.stddev();
          r.defined = std::isfinite(r.scale) && r.scale > 0;
          r.low = r.center - plan_.threshold * r.scale;
          r.high = r.center + plan_.threshold * r.scale;
          break;
        case OutlierMethod::modified_zscore: {
          const std::uint64_t limit = budget_.limit();
          r.center = median_by_rank(r.values.size(),
                                    [&](std::uint64_t k) { return r.values.kth(k, limit); });
          const auto deviation = [center = r.center](double x) { return std::fabs(x - center); };
          r.scale = median_by_rank(
              r.values.size(), [&](std::uint64_t k) { return r.values.kth(k, deviation, limit); });
          r.defined = !r.values.empty() && r.scale > 0;
          r.low = r.center - plan_.threshold * r.scale / 0.6745;
          r.high = r.center + plan_.threshold * r.scale / 0.6745;
          break;
        }
        default: {
          const auto at = [&r, limit = budget_.limit()](std::uint64_t k) {
            return r.values.kth(k, limit);
          };
          r.q1 = quantile_by_rank(r.values.size(), 0.25, at);
          r.q3 = quantile_by_rank(r.values.size(), 0.75, at);
          r.defined = !r.values.empty();
          r.low = r.q1 - plan_.threshold * (r.q3 - r.q1);
          r.high = r.q3 + plan_.threshold * (r.q3 - r.q1);
          break;
        }
      }
      r.values.clear();
    }
  }

  //! The plan.
  [[nodiscard]] const OutlierPlan& plan() const noexcept { return plan_; }

  //! The rule of checked column `c`.
  [[nodiscard]] const OutlierRule& rule(std::size_t c) const { return rules_[c]; }

 private:
  // Past the budget the values move to the scratch directory, or the call fails when the
  // host offers none.
  void keep_within_budget() {
    std::uint64_t bytes = 0;
    for (const OutlierRule& r : rules_) bytes += r.values.memory_bytes();
    if (bytes <= budget_.limit()) return;
    if (!scratch_.empty()) {
      // Buffers in front of the files: half the budget, shared.
      const std::uint64_t buffer = budget_.limit() / 2 / std::max<std::size_t>(1, rules_.size());
      for (OutlierRule& r : rules_) r.values.spill(scratch_, buffer);
      return;
    }
    budget_.check(bytes, "clean_outliers' values for exact medians/quartiles",
                  "check fewer columns at once, or use method zscore (no values kept)");
  }

  OutlierPlan plan_;
  Budget budget_;
  std::string scratch_;  // where values go past the budget; empty: nowhere
  std::vector<OutlierRule> rules_;
};

//! The main pass of clean_outliers: flags, drops or clips (parallel; counts merged).
class OutlierStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;
  using FirstPass = OutlierStats;

  //! Opens with the first pass's rules.
  OutlierStage(sdk::Call&, const sdk::Args&, const sdk::SchemaView& input,
               const OutlierStats& stats)
      : stats_(&stats), counts_(stats.plan().columns.size()) {
    const OutlierPlan& plan = stats.plan();
    checked_.assign(static_cast<std::size_t>(input.columns()), -1);
    for (std::size_t c = 0; c < plan.columns.size(); ++c) {
      checked_[static_cast<std::size_t>(plan.columns[c].index)] = static_cast<int>(c);
    }
    for (std::int64_t i = 0; i < input.columns(); ++i) {
      const sdk::FieldView f = input.field(i);
      const int k = checked_[static_cast<std::size_t>(i)];
      // An integer column stays int64 unless a value is clipped to a fractional bound.
      const bool to_float = plan.action == OutlierAction::clip && k >= 0 &&
                            (f.type() != sdk::ColumnType::int64 ||
                             stats.rule(static_cast<std::size_t>(k))
                                 .clips_to_a_fraction(plan.method, plan.threshold));
      builder_.add_like(f, to_float ? std::optional(sdk::ColumnType::float64) : std::nullopt);
    }
    if (plan.action == OutlierAction::flag) {
      for (const auto& ref : plan.columns) {
        std::string name = ref.name + "_outlier";
        if (input.find(name)) {
          throw sdk::Error::invalid_argument("the flag column '" + name +
                                             "' already exists; rename it or use action drop/clip");
        }
        builder_.add_bool(std::move(name));
      }
    }
  }

  //! Hosts before ABI 1.1 cannot run the first pass every method needs.
  OutlierStage(sdk::Call&, const sdk::Args&, const sdk::SchemaView&) : stats_(nullptr) {
    throw sdk::Error::unsupported(
        "clean_outliers needs a host that runs two-pass stages (plugin ABI 1.1): the "
        "statistics must be known before the first row is judged; update Quarry");
  }

  //! Flags, drops or clips one chunk.
  sdk::OwnedChunk transform(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    const OutlierPlan& plan = stats_->plan();
    const std::int64_t n = chunk.rows();
    rows_in_ += n;
    // Outlier marks per checked column.
    marks_.resize(plan.columns.size());
    std::vector<std::uint8_t> any(static_cast<std::size_t>(n), 0);
    for (std::size_t c = 0; c < plan.columns.size(); ++c) {
      const sdk::ColumnView col = chunk.column(plan.columns[c].index);
      const OutlierRule& rule = stats_->rule(c);
      auto& m = marks_[c];
      m.assign(static_cast<std::size_t>(n), 0);
      for (std::int64_t i = 0; i < n; ++i) {
        const std::optional<double> x = col.number(i);
        if (!x || std::isnan(*x) || !rule.is_outlier(*x, plan.method, plan.threshold)) continue;
        m[i] = 1;
        any[i] = 1;
        ++counts_[c].outliers;
        (*x < rule.low || (std::isnan(rule.low) && *x < 0) ? counts_[c].low : counts_[c].high) += 1;
      }
    }
    kept_.clear();
    for (std::int64_t i = 0; i < n; ++i) {
      if (plan.action != OutlierAction::drop || any[i] == 0) kept_.push_back(i);
    }
    rows_out_ += static_cast<std::int64_t>(kept_.size());
    const RowSelection sel{&kept_, n};
    for (std::int64_t c = 0; c < chunk.columns(); ++c) {
      const int k = checked_[static_cast<std::size_t>(c)];
      if (plan.action == OutlierAction::clip && k >= 0) {
        const OutlierRule& rule = stats_->rule(static_cast<std::size_t>(k));
        const auto& marks = marks_[static_cast<std::size_t>(k)];
        if (auto* floats = dynamic_cast<sdk::Float64Builder*>(&builder_.column(c))) {
          clip_column(*floats, chunk.column(c), rule, marks, sel);
        } else {
          clip_column(dynamic_cast<sdk::Int64Builder&>(builder_.column(c)), chunk.column(c), rule,
                      marks, sel);
        }
      } else {
        copy_column(builder_.column(c), chunk.column(c), sel);
      }
    }
    if (plan.action == OutlierAction::flag) {
      for (std::size_t c = 0; c < plan.columns.size(); ++c) {
        auto& b = dynamic_cast<sdk::BoolBuilder&>(
            builder_.column(chunk.columns() + static_cast<std::int64_t>(c)));
        for (std::int64_t i = 0; i < n; ++i) b.append(marks_[c][i] != 0);
      }
    }
    return builder_.finish();
  }

  //! Folds another worker's counts in.
  void merge(OutlierStage& other, sdk::Call&) {
    rows_in_ += other.rows_in_;
    rows_out_ += other.rows_out_;
    for (std::size_t c = 0; c < counts_.size(); ++c) {
      counts_[c].outliers += other.counts_[c].outliers;
      counts_[c].low += other.counts_[c].low;
      counts_[c].high += other.counts_[c].high;
    }
  }

  //! The report: per column the statistics, the bounds and the outliers found.
  sdk::Result finish(sdk::Call&) const {
    const OutlierPlan& plan = stats_->plan();
    json columns = json::array();
    json notes = json::array();
    std::vector<std::vector<std::string>> table;
    for (std::size_t c = 0; c < plan.columns.size(); ++c) {
      const OutlierRule& r = stats_->rule(c);
      const std::string& name = plan.columns[c].name;
      json e = {{"name", name},
                {"outliers", counts_[c].outliers},
                {"below", counts_[c].low},
                {"above", counts_[c].high},
                {"lower_bound", num(r.low)},
                {"upper_bound", num(r.high)},
                {"infinite", r.infinite}};
      if (plan.method == OutlierMethod::zscore) {
        e["mean"] = num(r.center);
        e["std"] = num(r.scale);
      } else if (plan.method == OutlierMethod::modified_zscore) {
        e["median"] = num(r.center);
        e["mad"] = num(r.scale);
      } else {
        e["q1"] = num(r.q1);
        e["q3"] = num(r.q3);
        e["iqr"] = num(r.q3 - r.q1);
      }
      if (!r.defined) {
        notes.push_back(
            "column '" + name + "': too few values or no spread (" +
            (plan.method == OutlierMethod::iqr ? "no values" : "zero or undefined scale") +
            "), so only infinite values count as outliers");
      }
      table.push_back(
          {name, std::to_string(counts_[c].outliers), short_text(r.low), short_text(r.high)});
      columns.push_back(std::move(e));
    }
    json data = {{"method", plan.method_name()}, {"threshold", plan.threshold},
                 {"action", plan.action_name()}, {"rows_in", rows_in_},
                 {"rows_out", rows_out_},        {"rows_dropped", rows_in_ - rows_out_},
                 {"columns", columns},           {"notes", notes}};
    std::string text = std::string("clean_outliers (") + plan.method_name() + ", threshold " +
                       short_text(plan.threshold) + ", " + plan.action_name() +
                       "): " + std::to_string(rows_in_) + " rows in, " + std::to_string(rows_out_) +
                       " out\n" +
                       sdk::text_table({"column", "outliers", "lower bound", "upper bound"}, table);
    for (const auto& note : notes) text += "note: " + note.get<std::string>() + "\n";
    return sdk::Result::structured(std::move(data), std::move(text));
  }

 private:
  struct Counts {
    std::int64_t outliers = 0, low = 0, high = 0;
  };

  //! Writes the selected rows of `col`, outliers moved to the nearest bound (whole numbers
  //! for an Int64Builder: see OutlierRule::clips_to_a_fraction).
  template <class Builder>
  static void clip_column(Builder& out, const sdk::ColumnView& col, const OutlierRule& rule,
                          const std::vector<std::uint8_t>& marks, const RowSelection& sel) {
    using Value =
        std::conditional_t<std::is_same_v<Builder, sdk::Int64Builder>, std::int64_t, double>;
    for (std::int64_t k = 0; k < sel.size(); ++k) {
      const std::int64_t i = sel.at(k);
      const std::optional<double> x = col.number(i);
      if (!x) {
        out.append_null();
      } else if (marks[i] != 0 && rule.defined) {
        out.append(static_cast<Value>(std::clamp(*x, rule.low, rule.high)));
      } else if constexpr (std::is_same_v<Value, double>) {
        out.append(*x);
      } else {
        out.append(col.int64s()[i]);
      }
    }
  }

  const OutlierStats* stats_;
  std::vector<int> checked_;  // per input column: index into the plan's columns, or -1
  std::vector<Counts> counts_;
  sdk::ChunkBuilder builder_;
  std::vector<std::vector<std::uint8_t>> marks_;
  std::vector<std::int64_t> kept_;
  std::int64_t rows_in_ = 0;
  std::int64_t rows_out_ = 0;
};

}  // namespace quarry::clean
