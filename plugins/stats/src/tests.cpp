//! \file
//! Hypothesis tests: stats_ttest (one-sample, Welch, Student, paired), stats_chi2
//! (contingency table of two columns, with Fisher's exact test for 2x2 tables), stats_anova
//! (one-way) and stats_normality (Shapiro–Wilk, Jarque–Bera, D'Agostino K²). Each reports the
//! statistic, p-value, degrees of freedom and an effect size, computed in one streaming pass;
//! p-values come from detail/distributions.hpp, not tables.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "detail/budget.hpp"
#include "detail/categories.hpp"
#include "detail/columns.hpp"
#include "detail/distributions.hpp"
#include "detail/fisher.hpp"
#include "detail/format.hpp"
#include "detail/labelled.hpp"
#include "detail/moments.hpp"
#include "detail/schema.hpp"
#include "detail/shapiro_wilk.hpp"
#include "quarry/sdk.hpp"
#include "quarry/sdk/text_table.hpp"

namespace quarry::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

//! A sample's summary for results.
json sample_json(const std::string& name, std::int64_t n, double mean, double sd) {
  return {{"name", name}, {"n", n}, {"mean", num(mean)}, {"std", num(sd)}};
}

//! The p-value of t with `df` degrees of freedom under `alternative`.
double t_p_value(double t, double df, const std::string& alternative) {
  if (alternative == "greater") return dist::t_sf(t, df);
  if (alternative == "less") return dist::t_cdf(t, df);
  return dist::t_two_sided(t, df);
}

// ==== stats_ttest ========================================================================

constexpr const char* kTtestInput =
    R"({"type":"object","x-quarry-reads":["column","column_b","by"],"required":["test","column"],"properties":{)"
    R"("test":{"type":"string","enum":["one_sample","welch","student","paired"],)"
    R"("description":"one_sample: mean of column vs mu; welch / student: two independent )"
    R"(samples (unequal / equal variances), either column vs column_b or column split by )"
    R"(the two groups of `by`; paired: column vs column_b row by row."},)"
    R"("column":)" QUARRY_STATS_COLUMN(
        "The (first) sample's numeric column.") R"(,)"
                                                R"("column_b":)" QUARRY_STATS_COLUMN(
                                                    "The second sample's column (welch, student, "
                                                    "paired).") R"(,)"
                                                                R"("by":)" QUARRY_STATS_COLUMN(
                                                                    "A group column splitting "
                                                                    "`column` into two samples "
                                                                    "(welch, student).") R"(,)"
                                                                                         R"("groups":{"type":"array","items":{"type":"string"},"minItems":2,"maxItems":2,)"
                                                                                         R"("description":"The two groups of `by` to compare, as text (e.g. [\"A\", \"B\"]); )"
                                                                                         R"(required when `by` has more than two."},)"
                                                                                         R"("mu":{"type":"number","default":0,"description":"The hypothesised mean (one_sample)."},)"
                                                                                         R"("alternative":{"type":"string","enum":["two-sided","less","greater"],)"
                                                                                         R"("default":"two-sided","description":"The alternative hypothesis, as in SciPy."},)"
                                                                                         R"("non_numeric":)" QUARRY_STATS_NON_NUMERIC
                                                                                         R"(}})";

constexpr const char* kTtestOutput =
    R"({"type":"object","required":["test","alternative","statistic","p_value","df",)"
    R"("cohens_d","samples","notes"],"properties":{"test":{"type":"string"},)"
    R"("alternative":{"type":"string"},"statistic":)" QUARRY_STATS_NUM R"(,)"
    R"("p_value":)" QUARRY_STATS_NUM R"(,"df":)" QUARRY_STATS_NUM R"(,)"
    R"("cohens_d":)" QUARRY_STATS_NUM R"(,"effect_size":{"type":"string"},)"
    R"("mean_difference":)" QUARRY_STATS_NUM R"(,"mu":{"type":"number"},)"
    R"("samples":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},)"
    R"("n":{"type":"integer"},"mean":)" QUARRY_STATS_NUM R"(,"std":)" QUARRY_STATS_NUM R"(}}},)"
    R"("notes":)" QUARRY_STATS_NOTES R"(}})";

constexpr const char* kTtestDescription =
    "Student's t-tests: one-sample (mean vs mu), Welch's (unequal variances) or Student's "
    "two-sample test (two columns, or one column split by a two-group column), and the paired "
    "test (row by row). Returns t, the p-value (two-sided, less or greater), degrees of "
    "freedom, the mean difference and Cohen's d, as scipy.stats.ttest_1samp / ttest_ind / "
    "ttest_rel with missing values left out.";

class TtestStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;

  TtestStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : budget_(call),
        test_(args.get<std::string>("test")),
        alternative_(args.get_or("alternative", "two-sided")),
        mu_(args.get_or("mu", 0.0)),
        skip_non_numeric_(args.get_or("non_numeric", "error") == "skip") {
    a_ = require_column(input, args.get<std::string>("column"), Need::number, "column");
    const bool has_b = args.has("column_b"), has_by = args.has("by");
    if (test_ == "one_sample" && (has_b || has_by)) {
      throw sdk::Error::invalid_argument("a one_sample test takes only 'column' (and 'mu')");
    }
    if (test_ == "paired" && (!has_b || has_by)) {
      throw sdk::Error::invalid_argument("a paired test needs 'column' and 'column_b'");
    }
    if ((test_ == "welch" || test_ == "student") && has_b == has_by) {
      throw sdk::Error::invalid_argument(
          "a " + test_ +
          " test needs either 'column_b' (two columns) or 'by' (a two-group "
          "column), not both");
    }
    if (has_b)
      b_ = require_column(input, args.get<std::string>("column_b"), Need::number, "column_b");
    if (has_by) {
      by_ = require_column(input, args.get<std::string>("by"), Need::category, "by");
      groups_ = args.get_or<std::vector<std::string>>("groups", {});
      if (groups_.size() == 2 && groups_[0] == groups_[1]) {
        throw sdk::Error::invalid_argument("'groups' must name two different groups");
      }
    }
  }

  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    if (by_) {
      add_labelled(chunk, a_, *by_, xa_, counts_a_, labelled_, groups_);
      labelled_.check(budget_, by_->name);
      return;
    }
    if (!b_) {
      const std::span<const double> kept = finite_numbers(chunk.column(a_.index), xa_, counts_a_);
      ma_.add(kept.data(), kept.size());
      return;
    }
    read_numbers(chunk.column(a_.index), xa_, counts_a_);
    read_numbers(chunk.column(b_->index), xb_, counts_b_);
    if (test_ == "paired") {
      kept_.clear();
      for (std::size_t i = 0; i < xa_.size(); ++i) {
        if (!std::isnan(xa_[i]) && !std::isnan(xb_[i])) kept_.push_back(xa_[i] - xb_[i]);
      }
      ma_.add(kept_.data(), kept_.size());
      return;
    }
    keep_finite(xa_, kept_);
    ma_.add(kept_.data(), kept_.size());
    keep_finite(xb_, kept_);
    mb_.add(kept_.data(), kept_.size());
  }

  void merge(TtestStage& other, sdk::Call&) {
    counts_a_.merge(other.counts_a_);
    counts_b_.merge(other.counts_b_);
    ma_.merge(other.ma_);
    mb_.merge(other.mb_);
    labelled_.merge(other.labelled_);
    if (by_) labelled_.check(budget_, by_->name);
  }

  sdk::Result finish(sdk::Call&) {
    check_numeric(a_.name, counts_a_, skip_non_numeric_);
    if (b_) check_numeric(b_->name, counts_b_, skip_non_numeric_);
    json notes = json::array();
    for (const auto* c : {&a_, b_ ? &*b_ : nullptr}) {
      if (c == nullptr) continue;
      const std::string note = infinity_note(c->name, c == &a_ ? counts_a_ : counts_b_);
      if (!note.empty()) notes.push_back(note);
    }
    json out = test_ == "one_sample" ? one_sample() : test_ == "paired" ? paired() : two_sample();
    for (const auto& n : out["notes"]) notes.push_back(n);
    out["notes"] = notes;
    out["alternative"] = alternative_;
    return sdk::Result::structured(out, render(out));
  }

 private:
  // Fails unless a sample has at least two values.
  static void need_two(const std::string& what, std::int64_t n) {
    if (n >= 2) return;
    throw sdk::Error::invalid_argument(what + " has " + std::to_string(n) +
                                       " value(s); a t-test needs at least 2");
  }

  // statistic, p, notes for t = diff / se.
  json finish_t(double diff, double se, double df, json base) const {
    json notes = json::array();
    double t = diff / se;
    if (!(se > 0)) {
      t = kNaN;
      notes.push_back("the values do not vary (standard error 0): t and p are undefined");
    }
    base["statistic"] = num(t);
    base["p_value"] = num(std::isnan(t) ? kNaN : t_p_value(t, df, alternative_));
    base["df"] = num(df);
    base["mean_difference"] = num(diff);
    base["notes"] = notes;
    return base;
  }

  json one_sample() const {
    need_two("column '" + a_.name + "'", ma_.count());
    const double n = static_cast<double>(ma_.count());
    const double sd = ma_.stddev();
    json base = {{"test", test_},
                 {"mu", mu_},
                 {"cohens_d", num(ma_.mean_from(mu_) / sd)},
                 {"effect_size", "Cohen's d = (mean - mu) / std (ddof=1)"},
                 {"samples", json::array({sample_json(a_.name, ma_.count(), ma_.mean(), sd)})}};
    // mean_from: the data's digits below the mean's rounding step (0.125 at 1e15) count.
    return finish_t(ma_.mean_from(mu_), sd / std::sqrt(n), n - 1, base);
  }

  json paired() const {
    need_two("the pairs of '" + a_.name + "' and '" + b_->name + "'", ma_.count());
    const double n = static_cast<double>(ma_.count());
    const double sd = ma_.stddev();
    json base = {
        {"test", test_},
        {"cohens_d", num(ma_.mean() / sd)},
        {"effect_size", "Cohen's d_z = mean(a - b) / std(a - b) (ddof=1)"},
        {"samples",
         json::array({sample_json(a_.name + " - " + b_->name, ma_.count(), ma_.mean(), sd)})}};
    return finish_t(ma_.mean(), sd / std::sqrt(n), n - 1, base);
  }

  // The two samples: from column/column_b, or the two groups of `by`.
  struct Sample {
    std::string name;
    double n = 0, mean = kNaN, var = kNaN, mean_from_b = kNaN;
  };

  std::pair<Sample, Sample> samples() const {
    if (!by_) {
      const double ref = mb_.shift();
      return {{a_.name, static_cast<double>(ma_.count()), ma_.mean(), ma_.variance(),
               ma_.mean_from(ref)},
              {b_->name, static_cast<double>(mb_.count()), mb_.mean(), mb_.variance(),
               mb_.mean_from(ref)}};
    }
    std::vector<std::string> names = groups_;
    if (names.empty()) {
      const auto sorted = labelled_.sorted(by_->type);
      if (sorted.size() != 2) {
        std::string seen;
        for (std::size_t i = 0; i < sorted.size() && i < 20; ++i) {
          seen += (i ? ", " : "") + json(sorted[i].first).dump();
        }
        throw sdk::Error::invalid_argument(
            "column '" + by_->name + "' has " + std::to_string(sorted.size()) +
            " groups with values (" + (seen.empty() ? "none" : seen) +
            (sorted.size() > 20 ? ", ..." : "") + "); name the two to compare in 'groups'");
      }
      names = {sorted[0].first, sorted[1].first};
    }
    std::pair<Sample, Sample> out;
    Sample* dst[2] = {&out.first, &out.second};
    const RunningMoments* b = labelled_.find(names[1]);
    for (int i = 0; i < 2; ++i) {
      const RunningMoments* m = labelled_.find(names[static_cast<std::size_t>(i)]);
      dst[i]->name = names[static_cast<std::size_t>(i)];
      if (m == nullptr) {
        throw sdk::Error::invalid_argument("group " + json(dst[i]->name).dump() + " of '" +
                                           by_->name + "' has no values of '" + a_.name + "'");
      }
      dst[i]->n = static_cast<double>(m->count());
      dst[i]->mean = m->mean();
      dst[i]->var = m->variance();
      dst[i]->mean_from_b = b != nullptr ? m->mean_from(b->shift()) : kNaN;
    }
    return out;
  }

  json two_sample() const {
    const auto [a, b] = samples();
    need_two("sample '" + a.name + "'", static_cast<std::int64_t>(a.n));
    need_two("sample '" + b.name + "'", static_cast<std::int64_t>(b.n));
    // Means relative to one reference keep their digits for data far from zero.
    const double diff = std::isnan(a.mean_from_b) ? a.mean - b.mean : a.mean_from_b - b.mean_from_b;
    const double pooled = ((a.n - 1) * a.var + (b.n - 1) * b.var) / (a.n + b.n - 2);
    json base = {
        {"test", test_},
        {"cohens_d", num(diff / std::sqrt(pooled))},
        {"effect_size", "Cohen's d = (mean_a - mean_b) / pooled std (ddof=1)"},
        {"samples",
         json::array(
             {sample_json(a.name, static_cast<std::int64_t>(a.n), a.mean, std::sqrt(a.var)),
              sample_json(b.name, static_cast<std::int64_t>(b.n), b.mean, std::sqrt(b.var))})}};
    if (test_ == "student") {
      return finish_t(diff, std::sqrt(pooled * (1 / a.n + 1 / b.n)), a.n + b.n - 2, base);
    }
    const double va = a.var / a.n, vb = b.var / b.n;
    const double df = (va + vb) * (va + vb) / (va * va / (a.n - 1) + vb * vb / (b.n - 1));
    return finish_t(diff, std::sqrt(va + vb), df, base);
  }

  std::string render(const json& out) const {
    static const std::map<std::string, std::string> titles = {
        {"one_sample", "One-sample t-test"},
        {"welch", "Welch's two-sample t-test"},
        {"student", "Student's two-sample t-test"},
        {"paired", "Paired t-test"}};
    std::string text = titles.at(test_) + " of '" + a_.name + "'";
    if (b_) text += " vs '" + b_->name + "'";
    if (by_) text += " by '" + by_->name + "'";
    if (test_ == "one_sample") text += " (mu = " + short_text(mu_) + ")";
    text +=
        ": t = " + short_text(out["statistic"].is_null() ? kNaN : out["statistic"].get<double>()) +
        ", df = " + short_text(out["df"].is_null() ? kNaN : out["df"].get<double>()) +
        ", p = " + p_text(out["p_value"].is_null() ? kNaN : out["p_value"].get<double>()) + " (" +
        alternative_ + "), Cohen's d = " +
        short_text(out["cohens_d"].is_null() ? kNaN : out["cohens_d"].get<double>()) + "\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& s : out["samples"]) {
      rows.push_back({s["name"].get<std::string>(), std::to_string(s["n"].get<std::int64_t>()),
                      s["mean"].is_null() ? "-" : short_text(s["mean"].get<double>()),
                      s["std"].is_null() ? "-" : short_text(s["std"].get<double>())});
    }
    text += sdk::text_table({"sample", "n", "mean", "std"}, rows);
    for (const auto& note : out["notes"]) text += "note: " + note.get<std::string>() + "\n";
    return text;
  }

  Budget budget_;
  std::string test_;
  std::string alternative_;
  double mu_;
  bool skip_non_numeric_;
  ColumnRef a_;
  std::optional<ColumnRef> b_;
  std::optional<ColumnRef> by_;
  std::vector<std::string> groups_;
  ValueCounts counts_a_, counts_b_;
  Moments ma_, mb_;  // a (or a - b when paired), b
  LabelledMoments labelled_;
  std::vector<double> xa_, xb_, kept_;  // scratch
};

// ==== stats_chi2 =========================================================================

constexpr const char* kChi2Input =
    R"({"type":"object","x-quarry-reads":["column","by"],"required":["column","by"],"properties":{)"
    R"("column":)" QUARRY_STATS_COLUMN(
        "The rows' category column.") R"(,)"
                                      R"("by":)" QUARRY_STATS_COLUMN(
                                          "The columns' category column.") R"(,)"
                                                                           R"("correction":{"type":"boolean","default":true,"description":"Yates' continuity )"
                                                                           R"(correction for 2x2 tables (as scipy.stats.chi2_contingency)."}}})";

constexpr const char* kChi2Output =
    R"({"type":"object","required":["column","by","n","statistic","p_value","dof",)"
    R"("cramers_v","notes"],"properties":{"column":{"type":"string"},"by":{"type":"string"},)"
    R"("n":{"type":"integer"},"statistic":)" QUARRY_STATS_NUM R"(,"p_value":)" QUARRY_STATS_NUM
    R"(,)"
    R"("dof":{"type":"integer"},"correction_applied":{"type":"boolean"},)"
    R"("cramers_v":)" QUARRY_STATS_NUM
    R"(,"row_levels":{"type":"array","items":{"type":"string"}},)"
    R"("column_levels":{"type":"array","items":{"type":"string"}},)"
    R"("observed":{"type":"array","items":{"type":"array","items":{"type":"integer"}}},)"
    R"("expected_min":)" QUARRY_STATS_NUM R"(,"low_expected_cells":{"type":"integer"},)"
    R"("fisher_exact":{"type":"object","required":["odds_ratio","p_value","alternative"],)"
    R"("description":"2x2 tables only: Fisher's exact test (scipy.stats.fisher_exact).",)"
    R"("properties":{"odds_ratio":{"type":["number","null"],"description":"The sample odds )"
    R"(ratio (a d) / (b c) of observed [[a, b], [c, d]]; null when infinite (b c = 0) or )"
    R"(undefined, with a note."},"p_value":{"type":"number"},)"
    R"("alternative":{"const":"two-sided"}}},)"
    R"("notes":)" QUARRY_STATS_NOTES R"(}})";

constexpr const char* kChi2Description =
    "Chi-square test of independence of two category columns from their contingency table "
    "(rows with both values present): statistic, p-value, degrees of freedom and Cramér's V, "
    "with Yates' correction for 2x2 tables by default, as scipy.stats.chi2_contingency and "
    "scipy.stats.contingency.association(method='cramer'). A 2x2 table also gets Fisher's "
    "exact test (two-sided p-value and sample odds ratio, as scipy.stats.fisher_exact), which "
    "holds however small the counts. Also returns the table (up to 400 cells) and warns when "
    "expected counts are below 5.";

//! Labels of one side of a contingency table, numbered in order of appearance.
struct Levels {
  CountTable index;  // label -> id
  std::vector<std::string> names;
  std::size_t bytes = 0;

  std::uint32_t id(std::string_view label) {
    if (auto it = index.find(label); it != index.end())
      return static_cast<std::uint32_t>(it->second);
    const auto id = static_cast<std::uint32_t>(names.size());
    index.emplace(std::string(label), id);
    names.emplace_back(label);
    bytes += 2 * label.size() + kEntryOverhead;
    return id;
  }
};

class Chi2Stage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;

  Chi2Stage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : budget_(call),
        row_(require_column(input, args.get<std::string>("column"), Need::category, "column")),
        col_(require_column(input, args.get<std::string>("by"), Need::category, "by")),
        correction_(args.get_or("correction", true)) {}

  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    LabelReader rows(chunk, row_), cols(chunk, col_);
    for (std::int64_t i = 0; i < chunk.rows(); ++i) {
      if (!rows.valid(i) || !cols.valid(i)) {
        ++dropped_;
        continue;
      }
      const std::uint32_t r = row_levels_.id(rows.label(i));
      const std::uint32_t c = col_levels_.id(cols.label(i));
      ++cells_[cell(r, c)];
    }
    check_budget();
  }

  void merge(Chi2Stage& other, sdk::Call&) {
    dropped_ += other.dropped_;
    for (const auto& [key, count] : other.cells_) {
      const std::uint32_t r = row_levels_.id(other.row_levels_.names[key >> 32]);
      const std::uint32_t c = col_levels_.id(other.col_levels_.names[key & 0xffffffffU]);
      cells_[cell(r, c)] += count;
    }
    check_budget();
  }

  sdk::Result finish(sdk::Call&) {
    if (cells_.empty()) {
      throw sdk::Error::invalid_argument(
          "no row has a value in both '" + row_.name + "' and '" + col_.name + "' (" +
          std::to_string(dropped_) +
          " rows, each missing one or both): a contingency table needs rows with both; check "
          "that neither column is empty, or the where filter");
    }
    const auto rows = order(row_levels_, row_.type);
    const auto cols = order(col_levels_, col_.type);
    std::vector<std::vector<double>> observed(rows.size(), std::vector<double>(cols.size(), 0));
    for (std::size_t i = 0; i < rows.size(); ++i) {
      for (std::size_t j = 0; j < cols.size(); ++j) {
        auto it = cells_.find(cell(rows[i], cols[j]));
        observed[i][j] = it == cells_.end() ? 0.0 : static_cast<double>(it->second);
      }
    }
    json out = test(observed);
    add_table(out, observed, rows, cols);
    return sdk::Result::structured(out, render(out, observed, rows, cols));
  }

 private:
  static std::uint64_t cell(std::uint32_t r, std::uint32_t c) {
    return (static_cast<std::uint64_t>(r) << 32) | c;
  }

  void check_budget() const {
    const std::size_t bytes = row_levels_.bytes + col_levels_.bytes + cells_.size() * 48;
    if (bytes <= budget_.limit()) return;
    throw sdk::Error::out_of_memory("the contingency table of '" + row_.name + "' x '" + col_.name +
                                    "' has " + std::to_string(row_levels_.names.size()) + " x " +
                                    std::to_string(col_levels_.names.size()) +
                                    " levels so far, needing " + Budget::mib(bytes) +
                                    ", more than " + budget_.describe() +
                                    "; chi-square needs category columns with few distinct values");
  }

  static std::vector<std::uint32_t> order(const Levels& levels, sdk::ColumnType type) {
    std::vector<std::uint32_t> ids(levels.names.size());
    for (std::uint32_t i = 0; i < ids.size(); ++i) ids[i] = i;
    std::sort(ids.begin(), ids.end(), [&](std::uint32_t a, std::uint32_t b) {
      return label_less(type, levels.names[a], levels.names[b]);
    });
    return ids;
  }

  // Pearson's chi-square of a table against its independence expectation.
  static double statistic(const std::vector<std::vector<double>>& o,
                          const std::vector<std::vector<double>>& e, bool yates) {
    double chi2 = 0;
    for (std::size_t i = 0; i < o.size(); ++i) {
      for (std::size_t j = 0; j < o[i].size(); ++j) {
        double obs = o[i][j];
        if (yates) {
          const double diff = e[i][j] - obs;
          obs += (diff > 0 ? 1 : diff < 0 ? -1 : 0) * std::min(0.5, std::fabs(diff));
        }
        chi2 += (obs - e[i][j]) * (obs - e[i][j]) / e[i][j];
      }
    }
    return chi2;
  }

  json test(const std::vector<std::vector<double>>& o) const {
    const std::size_t r = o.size(), c = r > 0 ? o[0].size() : 0;
    std::vector<double> row_sum(r, 0), col_sum(c, 0);
    double n = 0;
    for (std::size_t i = 0; i < r; ++i) {
      for (std::size_t j = 0; j < c; ++j) {
        row_sum[i] += o[i][j];
        col_sum[j] += o[i][j];
        n += o[i][j];
      }
    }
    json out = {{"column", row_.name}, {"by", col_.name}, {"n", static_cast<std::int64_t>(n)}};
    json notes = json::array();
    if (dropped_ > 0)
      notes.push_back(std::to_string(dropped_) +
                      " rows with a missing value in either column were left out");
    const auto dof = static_cast<std::int64_t>(r > 0 && c > 0 ? (r - 1) * (c - 1) : 0);
    out["dof"] = dof;
    if (dof == 0) {
      notes.push_back("the table has " + std::to_string(r) + " x " + std::to_string(c) +
                      " levels; independence needs at least 2 x 2 (statistic 0, p 1, V undefined)");
      out.update({{"statistic", n > 0 ? json(0.0) : json(nullptr)},
                  {"p_value", n > 0 ? json(1.0) : json(nullptr)},
                  {"cramers_v", nullptr},
                  {"correction_applied", false},
                  {"notes", notes}});
      return out;
    }
    std::vector<std::vector<double>> e(r, std::vector<double>(c));
    double e_min = std::numeric_limits<double>::infinity();
    std::int64_t low = 0;
    for (std::size_t i = 0; i < r; ++i) {
      for (std::size_t j = 0; j < c; ++j) {
        e[i][j] = row_sum[i] * col_sum[j] / n;
        e_min = std::min(e_min, e[i][j]);
        low += e[i][j] < 5 ? 1 : 0;
      }
    }
    const bool yates = correction_ && dof == 1;
    const double chi2 = statistic(o, e, yates);
    const double plain = yates ? statistic(o, e, false) : chi2;
    out["statistic"] = num(chi2);
    out["p_value"] = num(dist::chi2_sf(chi2, static_cast<double>(dof)));
    out["correction_applied"] = yates;
    out["cramers_v"] = num(std::sqrt(plain / n / static_cast<double>(std::min(r, c) - 1)));
    out["expected_min"] = num(e_min);
    out["low_expected_cells"] = low;
    if (static_cast<double>(low) > 0.2 * static_cast<double>(r * c)) {
      notes.push_back(std::to_string(low) + " of " + std::to_string(r * c) +
                      " cells expect fewer than 5 rows; the chi-square approximation is poor " +
                      (r == 2 && c == 2 ? "(fisher_exact is exact at any count)"
                                        : "(merge rare levels or use an exact test)"));
    }
    if (r == 2 && c == 2) out["fisher_exact"] = fisher(o, notes);
    out["notes"] = notes;
    return out;
  }

  // Fisher's exact test of a 2x2 table, as scipy.stats.fisher_exact.
  static json fisher(const std::vector<std::vector<double>>& o, json& notes) {
    auto cell = [&](std::size_t i, std::size_t j) { return static_cast<std::int64_t>(o[i][j]); };
    const FisherResult f = fisher_exact(cell(0, 0), cell(0, 1), cell(1, 0), cell(1, 1));
    if (std::isinf(f.odds_ratio)) {
      notes.push_back(
          "the odds ratio is infinite (a zero cell off the diagonal): reported as "
          "null");
    }
    return {
        {"odds_ratio", num(f.odds_ratio)}, {"p_value", f.p_value}, {"alternative", "two-sided"}};
  }

  void add_table(json& out, const std::vector<std::vector<double>>& o,
                 const std::vector<std::uint32_t>& rows,
                 const std::vector<std::uint32_t>& cols) const {
    json rl = json::array(), cl = json::array();
    for (auto id : rows) rl.push_back(row_levels_.names[id]);
    for (auto id : cols) cl.push_back(col_levels_.names[id]);
    if (rows.size() * cols.size() > 400) {
      out["notes"].push_back("the table has " + std::to_string(rows.size()) + " x " +
                             std::to_string(cols.size()) +
                             " cells; only the first 100 levels of "
                             "each side are listed and the counts are left out");
      rl.erase(rl.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(100, rl.size())),
               rl.end());
      cl.erase(cl.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(100, cl.size())),
               cl.end());
    } else {
      json table = json::array();
      for (const auto& row : o) {
        json r = json::array();
        for (double v : row) r.push_back(static_cast<std::int64_t>(v));
        table.push_back(r);
      }
      out["observed"] = table;
    }
    out["row_levels"] = rl;
    out["column_levels"] = cl;
  }

  std::string render(const json& out, const std::vector<std::vector<double>>& o,
                     const std::vector<std::uint32_t>& rows,
                     const std::vector<std::uint32_t>& cols) const {
    auto value = [&](const char* key) {
      return out[key].is_null() ? std::string("-") : short_text(out[key].get<double>());
    };
    std::string text = "Chi-square test of independence, '" + row_.name + "' x '" + col_.name +
                       "' (" + std::to_string(rows.size()) + " x " + std::to_string(cols.size()) +
                       ", n = " + std::to_string(out["n"].get<std::int64_t>()) +
                       "): chi2 = " + value("statistic") +
                       ", dof = " + std::to_string(out["dof"].get<std::int64_t>()) + ", p = " +
                       (out["p_value"].is_null() ? "-" : p_text(out["p_value"].get<double>())) +
                       ", Cramér's V = " + value("cramers_v") +
                       (out.value("correction_applied", false) ? " (Yates-corrected)" : "") + "\n";
    if (out.contains("fisher_exact")) {
      const json& f = out["fisher_exact"];
      text += "Fisher's exact test (2x2): odds ratio = " +
              (f["odds_ratio"].is_null() ? std::string("-")
                                         : short_text(f["odds_ratio"].get<double>())) +
              ", p = " + p_text(f["p_value"].get<double>()) + " (two-sided)\n";
    }
    if (out.contains("observed") && rows.size() <= 20 && cols.size() <= 10) {
      std::vector<std::string> header = {row_.name + " \\ " + col_.name};
      for (auto id : cols) header.push_back(col_levels_.names[id]);
      std::vector<std::vector<std::string>> table;
      for (std::size_t i = 0; i < rows.size(); ++i) {
        std::vector<std::string> line = {row_levels_.names[rows[i]]};
        for (double v : o[i]) line.push_back(std::to_string(static_cast<std::int64_t>(v)));
        table.push_back(std::move(line));
      }
      text += sdk::text_table(header, table);
    }
    for (const auto& note : out["notes"]) text += "note: " + note.get<std::string>() + "\n";
    return text;
  }

  Budget budget_;
  ColumnRef row_, col_;
  bool correction_;
  Levels row_levels_, col_levels_;
  std::unordered_map<std::uint64_t, std::int64_t> cells_;
  std::int64_t dropped_ = 0;
};

// ==== stats_anova ========================================================================

constexpr const char* kAnovaInput =
    R"({"type":"object","x-quarry-reads":["column","by"],"required":["column","by"],"properties":{)"
    R"("column":)" QUARRY_STATS_COLUMN(
        "The numeric column to compare.") R"(,)"
                                          R"("by":)" QUARRY_STATS_COLUMN(
                                              "The group column.") R"(,)"
                                                                   R"("non_numeric":)" QUARRY_STATS_NON_NUMERIC
                                                                   R"(}})";

constexpr const char* kAnovaOutput =
    R"({"type":"object","required":["column","by","k","n","f","p_value","df_between",)"
    R"("df_within","eta_squared","groups","notes"],"properties":{"column":{"type":"string"},)"
    R"("by":{"type":"string"},"k":{"type":"integer"},"n":{"type":"integer"},)"
    R"("f":)" QUARRY_STATS_NUM R"(,"p_value":)" QUARRY_STATS_NUM R"(,)"
    R"("df_between":{"type":"integer"},"df_within":{"type":"integer"},)"
    R"("ss_between":)" QUARRY_STATS_NUM R"(,"ss_within":)" QUARRY_STATS_NUM R"(,)"
    R"("eta_squared":)" QUARRY_STATS_NUM R"(,)"
    R"("groups":{"type":"array","items":{"type":"object","properties":{"group":{"type":"string"},)"
    R"("n":{"type":"integer"},"mean":)" QUARRY_STATS_NUM R"(,"std":)" QUARRY_STATS_NUM R"(}}},)"
    R"("notes":)" QUARRY_STATS_NOTES R"(}})";

constexpr const char* kAnovaDescription =
    "One-way analysis of variance of a numeric column across the groups of another column: F, "
    "p-value, degrees of freedom (between, within), sums of squares and eta squared (SSB / "
    "SST), with each group's n, mean and std, as scipy.stats.f_oneway with missing values left "
    "out.";

class AnovaStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;

  AnovaStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : budget_(call),
        value_(require_column(input, args.get<std::string>("column"), Need::number, "column")),
        by_(require_column(input, args.get<std::string>("by"), Need::category, "by")),
        skip_non_numeric_(args.get_or("non_numeric", "error") == "skip") {}

  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    add_labelled(chunk, value_, by_, scratch_, counts_, groups_);
    groups_.check(budget_, by_.name);
  }

  void merge(AnovaStage& other, sdk::Call&) {
    counts_.merge(other.counts_);
    groups_.merge(other.groups_);
    groups_.check(budget_, by_.name);
  }

  sdk::Result finish(sdk::Call&) {
    check_numeric(value_.name, counts_, skip_non_numeric_);
    const auto groups = groups_.sorted(by_.type);
    if (groups.size() < 2) {
      throw sdk::Error::invalid_argument(
          "column '" + by_.name + "' has " + std::to_string(groups.size()) +
          " group(s) with values of '" + value_.name + "'; ANOVA needs at least 2");
    }
    const double reference = groups[0].second->shift();
    double n = 0, weighted = 0, ssw = 0;
    for (const auto& [label, m] : groups) {
      n += static_cast<double>(m->count());
      weighted += static_cast<double>(m->count()) * m->mean_from(reference);
      ssw += m->m2();
    }
    const double grand = weighted / n;
    double ssb = 0;
    json list = json::array();
    for (const auto& [label, m] : groups) {
      const double d = m->mean_from(reference) - grand;
      ssb += static_cast<double>(m->count()) * d * d;
      list.push_back({{"group", label},
                      {"n", m->count()},
                      {"mean", num(m->mean())},
                      {"std", num(std::sqrt(m->variance()))}});
    }
    const auto k = static_cast<std::int64_t>(groups.size());
    const auto total = static_cast<std::int64_t>(n);
    if (total <= k) {
      throw sdk::Error::invalid_argument("ANOVA needs more values (" + std::to_string(total) +
                                         ") than groups (" + std::to_string(k) + ")");
    }
    json notes = json::array();
    const std::string inf = infinity_note(value_.name, counts_);
    if (!inf.empty()) notes.push_back(inf);
    double f = (ssb / static_cast<double>(k - 1)) / (ssw / static_cast<double>(total - k));
    if (!(ssw > 0)) {
      f = kNaN;
      notes.push_back("the values are constant within every group (SS within = 0): F is undefined");
    }
    json out = {{"column", value_.name},
                {"by", by_.name},
                {"k", k},
                {"n", total},
                {"f", num(f)},
                {"p_value", num(std::isnan(f) ? kNaN
                                              : dist::f_sf(f, static_cast<double>(k - 1),
                                                           static_cast<double>(total - k)))},
                {"df_between", k - 1},
                {"df_within", total - k},
                {"ss_between", num(ssb)},
                {"ss_within", num(ssw)},
                {"eta_squared", num(ssb + ssw > 0 ? ssb / (ssb + ssw) : kNaN)},
                {"groups", list},
                {"notes", notes}};
    return sdk::Result::structured(out, render(out));
  }

 private:
  std::string render(const json& out) const {
    auto value = [&](const char* key) {
      return out[key].is_null() ? std::string("-") : short_text(out[key].get<double>());
    };
    std::string text =
        "One-way ANOVA of '" + value_.name + "' by '" + by_.name + "' (" +
        std::to_string(out["k"].get<std::int64_t>()) +
        " groups, n = " + std::to_string(out["n"].get<std::int64_t>()) + "): F = " + value("f") +
        ", df = (" + std::to_string(out["df_between"].get<std::int64_t>()) + ", " +
        std::to_string(out["df_within"].get<std::int64_t>()) +
        "), p = " + (out["p_value"].is_null() ? "-" : p_text(out["p_value"].get<double>())) +
        ", eta² = " + value("eta_squared") + "\n";
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < out["groups"].size() && i < 30; ++i) {
      const auto& g = out["groups"][i];
      rows.push_back({g["group"].get<std::string>(), std::to_string(g["n"].get<std::int64_t>()),
                      g["mean"].is_null() ? "-" : short_text(g["mean"].get<double>()),
                      g["std"].is_null() ? "-" : short_text(g["std"].get<double>())});
    }
    text += sdk::text_table({"group", "n", "mean", "std"}, rows);
    for (const auto& note : out["notes"]) text += "note: " + note.get<std::string>() + "\n";
    return text;
  }

  Budget budget_;
  ColumnRef value_, by_;
  bool skip_non_numeric_;
  ValueCounts counts_;
  LabelledMoments groups_;
  std::vector<double> scratch_;
};

// ==== stats_normality ====================================================================

constexpr const char* kNormalityInput =
    R"({"type":"object","x-quarry-reads":["columns"],"properties":{)"
    R"("columns":)" QUARRY_STATS_COLUMNS(
        "Columns to test: names or numeric. Default: numeric.") R"(,)"
                                                                R"("tests":{"type":"array","uniqueItems":true,"minItems":1,"items":{"type":"string",)"
                                                                R"("enum":["shapiro_wilk","jarque_bera","dagostino_k2"]},"default":["shapiro_wilk",)"
                                                                R"("jarque_bera","dagostino_k2"],"description":"Tests to run. jarque_bera and dagostino_k2 )"
                                                                R"(stream; shapiro_wilk keeps the values, so it needs memory: by default it is skipped )"
                                                                R"((null, with a note) when the values outgrow the memory budget, and named here it fails )"
                                                                R"(the call instead."},)"
                                                                R"("non_numeric":)" QUARRY_STATS_NON_NUMERIC
                                                                R"(}})";

#define QUARRY_STATS_TEST_RESULT                                                    \
  R"({"type":["object","null"],"properties":{"statistic":)" QUARRY_STATS_NUM R"(,)" \
  R"("p_value":)" QUARRY_STATS_NUM R"(,"df":{"type":"integer"},)"                   \
  R"("z_skewness":)" QUARRY_STATS_NUM R"(,"z_kurtosis":)" QUARRY_STATS_NUM R"(}})"

constexpr const char* kNormalityOutput =
    R"({"type":"object","required":["columns","notes"],"properties":{"columns":{"type":"array",)"
    R"("items":{"type":"object","required":["column","n"],)"
    R"("properties":{"column":{"type":"string"},"n":{"type":"integer"},)"
    R"("skewness":)" QUARRY_STATS_NUM R"(,"kurtosis":)" QUARRY_STATS_NUM R"(,)"
    R"("shapiro_wilk":)" QUARRY_STATS_TEST_RESULT R"(,)"
    R"("jarque_bera":)" QUARRY_STATS_TEST_RESULT R"(,"dagostino_k2":)" QUARRY_STATS_TEST_RESULT
    R"(,)"
    R"("notes":)" QUARRY_STATS_NOTES R"(}}},"notes":)" QUARRY_STATS_NOTES R"(}})";

constexpr const char* kNormalityDescription =
    "Tests whether numeric columns look normally distributed: Shapiro–Wilk (W and p-value by "
    "Royston's method, as scipy.stats.shapiro; 3 to 5000 values, larger samples get a note "
    "that the p-value may be inaccurate), Jarque–Bera and D'Agostino–Pearson K² (skewness and "
    "kurtosis z-scores combined), each with statistic, p-value and 2 degrees of freedom, plus "
    "the sample skewness and excess kurtosis (population forms, as scipy.stats.skew / "
    "kurtosis), as scipy.stats.jarque_bera and scipy.stats.normaltest with missing values "
    "left out. K² needs at least 8 values; Shapiro–Wilk keeps the values in memory.";

//! scipy.stats.skewtest's z for biased skewness g1 and n values.
double skew_z(double g1, double n) {
  double y = g1 * std::sqrt((n + 1) * (n + 3) / (6.0 * (n - 2)));
  const double beta2 =
      3.0 * (n * n + 27 * n - 70) * (n + 1) * (n + 3) / ((n - 2.0) * (n + 5) * (n + 7) * (n + 9));
  const double w2 = -1 + std::sqrt(2 * (beta2 - 1));
  const double delta = 1 / std::sqrt(0.5 * std::log(w2));
  const double alpha = std::sqrt(2.0 / (w2 - 1));
  if (y == 0) y = 1;  // as SciPy 1.10
  return delta * std::log(y / alpha + std::sqrt((y / alpha) * (y / alpha) + 1));
}

//! scipy.stats.kurtosistest's z for biased (Pearson) kurtosis b2 and n values.
double kurtosis_z(double b2, double n) {
  const double e = 3.0 * (n - 1) / (n + 1);
  const double varb2 = 24.0 * n * (n - 2) * (n - 3) / ((n + 1) * (n + 1.) * (n + 3) * (n + 5));
  const double x = (b2 - e) / std::sqrt(varb2);
  const double sqrtbeta1 = 6.0 * (n * n - 5 * n + 2) / ((n + 7) * (n + 9)) *
                           std::sqrt((6.0 * (n + 3) * (n + 5)) / (n * (n - 2) * (n - 3)));
  const double a =
      6.0 + 8.0 / sqrtbeta1 * (2.0 / sqrtbeta1 + std::sqrt(1 + 4.0 / (sqrtbeta1 * sqrtbeta1)));
  const double term1 = 1 - 2 / (9.0 * a);
  const double denom = 1 + x * std::sqrt(2 / (a - 4.0));
  if (denom == 0) return kNaN;
  const double term2 = (denom > 0 ? 1 : -1) * std::cbrt((1 - 2.0 / a) / std::fabs(denom));
  return (term1 - term2) / std::sqrt(2 / (9.0 * a));
}

class NormalityStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;

  NormalityStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : budget_(call),
        columns_(select_columns(args, "columns", input, "numeric", Need::number)),
        counts_(columns_.size()),
        moments_(columns_.size()),
        skip_non_numeric_(args.get_or("non_numeric", "error") == "skip") {
    const auto tests = args.get_or<std::vector<std::string>>(
        "tests", {"shapiro_wilk", "jarque_bera", "dagostino_k2"});
    auto asked = [&](const char* name) {
      return std::find(tests.begin(), tests.end(), name) != tests.end();
    };
    shapiro_ = asked("shapiro_wilk");
    jarque_bera_ = asked("jarque_bera");
    dagostino_ = asked("dagostino_k2");
    shapiro_named_ = shapiro_ && args.has("tests");
    if (shapiro_) values_.resize(columns_.size());
  }

  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      const std::span<const double> kept =
          finite_numbers(chunk.column(columns_[i].index), row_, counts_[i]);
      moments_[i].add(kept.data(), kept.size());
      if (keeps_values()) values_[i].insert(values_[i].end(), kept.begin(), kept.end());
    }
    if (keeps_values()) check_values();
  }

  void merge(NormalityStage& other, sdk::Call&) {
    shapiro_skipped_ = shapiro_skipped_ || other.shapiro_skipped_;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      counts_[i].merge(other.counts_[i]);
      moments_[i].merge(other.moments_[i]);
      if (keeps_values()) {
        values_[i].insert(values_[i].end(), other.values_[i].begin(), other.values_[i].end());
        std::vector<double>().swap(other.values_[i]);
      }
    }
    if (keeps_values()) {
      check_values();
    } else {
      drop_values();
    }
  }

  sdk::Result finish(sdk::Call& call) {
    json columns = json::array(), notes = json::array();
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      call.throw_if_cancelled();
      check_numeric(columns_[i].name, counts_[i], skip_non_numeric_);
      json c = column_result(i);
      for (const auto& n : c["notes"]) notes.push_back(n);
      rows.push_back(text_row(c));
      columns.push_back(std::move(c));
    }
    if (shapiro_skipped_) notes.push_back(skipped_note());
    std::string text =
        "Normality tests (" + test_names() + ")\n" +
        sdk::text_table({"column", "n", "skew", "kurt", "W", "p(W)", "JB", "p(JB)", "K2", "p(K2)"},
                        rows);
    for (const auto& note : notes) text += "note: " + note.get<std::string>() + "\n";
    return sdk::Result::structured({{"columns", columns}, {"notes", notes}}, text);
  }

 private:
  //! Shapiro–Wilk was asked for and its values still fit.
  [[nodiscard]] bool keeps_values() const noexcept { return shapiro_ && !shapiro_skipped_; }

  [[nodiscard]] std::size_t kept_values() const noexcept {
    std::size_t n = 0;
    for (const auto& v : values_) n += v.size();
    return n;
  }

  // Past the budget, Shapiro–Wilk fails the call when it was named in `tests`, and is
  // otherwise left out (the other tests stream on).
  void check_values() {
    const std::size_t bytes = kept_values() * sizeof(double);
    if (bytes <= budget_.limit()) return;
    if (shapiro_named_) {
      throw sdk::Error::out_of_memory(
          "Shapiro–Wilk sorts every value, so it keeps the values of the " +
          std::to_string(columns_.size()) + " selected columns: " + std::to_string(kept_values()) +
          " so far need " + Budget::mib(bytes) + ", more than " + budget_.describe() +
          ". Ask for tests [\"jarque_bera\", \"dagostino_k2\"] only (they stream), select "
          "fewer columns, or raise the memory budget (Shapiro–Wilk's p-value is only "
          "calibrated up to 5000 values anyway).");
    }
    shapiro_skipped_ = true;
    drop_values();
  }

  void drop_values() {
    for (auto& v : values_) std::vector<double>().swap(v);
  }

  [[nodiscard]] std::string skipped_note() const {
    return "Shapiro–Wilk was left out (null): it keeps every value, and the values of the " +
           std::to_string(columns_.size()) + " selected columns need more than " +
           budget_.describe() +
           ". Name it in \"tests\" to make this an error, select fewer columns or raise the "
           "memory budget; the other tests stream.";
  }

  [[nodiscard]] std::string test_names() const {
    std::string out;
    for (const auto& [on, name] :
         {std::pair{shapiro_, "Shapiro–Wilk"}, std::pair{jarque_bera_, "Jarque–Bera"},
          std::pair{dagostino_, "D'Agostino K²"}}) {
      if (on) out += (out.empty() ? "" : ", ") + std::string(name);
    }
    return out;
  }

  // Shapiro–Wilk of column i's values (sorted here), or null with a note.
  json shapiro_result(std::size_t i, json& notes) {
    const std::string& name = columns_[i].name;
    std::vector<double>& values = values_[i];
    if (shapiro_skipped_) return nullptr;
    if (values.size() < 3) {
      notes.push_back("column '" + name + "' has " + std::to_string(values.size()) +
                      " value(s); Shapiro–Wilk needs at least 3");
      return nullptr;
    }
    std::sort(values.begin(), values.end());
    if (values.front() == values.back()) return nullptr;  // constant: noted with the moments
    if (values.size() > 5000) {
      notes.push_back("column '" + name + "' has " + std::to_string(values.size()) +
                      " values: Shapiro–Wilk's W is taken on all of them, but its p-value is "
                      "calibrated for at most 5000 and may be inaccurate (SciPy warns the same)");
    }
    const ShapiroWilk sw = shapiro_wilk(values);
    std::vector<double>().swap(values);
    return {{"statistic", num(sw.w)}, {"p_value", num(sw.p_value)}};
  }

  json column_result(std::size_t i) {
    const Moments& m = moments_[i];
    const auto n = static_cast<double>(m.count());
    const std::string& name = columns_[i].name;
    json notes = json::array();
    const std::string inf = infinity_note(name, counts_[i]);
    if (!inf.empty()) notes.push_back(inf);
    const double g1 = m.biased_skewness(), g2 = m.biased_kurtosis();
    json c = {{"column", name}, {"n", m.count()}, {"skewness", num(g1)}, {"kurtosis", num(g2)}};
    if (shapiro_) c["shapiro_wilk"] = shapiro_result(i, notes);
    if (m.count() < 2 || std::isnan(g1)) {
      const std::string why = m.count() < 2  ? "has " + std::to_string(m.count()) + " value(s)"
                              : m.constant() ? std::string("is constant")
                              : m.spread_underflows()
                                  ? std::string(
                                        "has values so small that their squared "
                                        "deviations underflow to 0 (rescale it)")
                                  : std::string(
                                        "has values so far apart that their powers "
                                        "overflow (rescale it)");
      notes.push_back("column '" + name + "' " + why +
                      ": skewness and kurtosis are undefined, so are the moment tests");
      if (jarque_bera_) c["jarque_bera"] = nullptr;
      if (dagostino_) c["dagostino_k2"] = nullptr;
      c["notes"] = notes;
      return c;
    }
    const double jb = n / 6 * (g1 * g1 + g2 * g2 / 4);
    if (jarque_bera_) {
      c["jarque_bera"] = {
          {"statistic", num(jb)}, {"p_value", num(dist::chi2_sf(jb, 2))}, {"df", 2}};
    }
    if (dagostino_) c["dagostino_k2"] = dagostino(g1, g2, n, name, notes);
    c["notes"] = notes;
    return c;
  }

  static json dagostino(double g1, double g2, double n, const std::string& name, json& notes) {
    if (n < 8) {
      notes.push_back("column '" + name + "' has " + std::to_string(static_cast<std::int64_t>(n)) +
                      " values; D'Agostino's K² needs at least 8");
      return nullptr;
    }
    if (n < 20) {
      notes.push_back("column '" + name +
                      "': the kurtosis test behind K² is only valid for 20 "
                      "or more values (SciPy warns too)");
    }
    const double zs = skew_z(g1, n), zk = kurtosis_z(g2 + 3, n);
    const double k2 = zs * zs + zk * zk;
    return {{"statistic", num(k2)},
            {"p_value", num(dist::chi2_sf(k2, 2))},
            {"df", 2},
            {"z_skewness", num(zs)},
            {"z_kurtosis", num(zk)}};
  }

  static std::vector<std::string> text_row(const json& c) {
    auto field = [&](const json& v) {
      return v.is_null() ? std::string("-") : short_text(v.get<double>());
    };
    auto test = [&](const char* key, const char* part) {
      if (!c.contains(key) || c[key].is_null()) return std::string("-");
      const json& v = c[key][part];
      if (v.is_null()) return std::string("-");
      return std::string(part) == "p_value" ? p_text(v.get<double>()) : short_text(v.get<double>());
    };
    return {c["column"].get<std::string>(),
            std::to_string(c["n"].get<std::int64_t>()),
            field(c["skewness"]),
            field(c["kurtosis"]),
            test("shapiro_wilk", "statistic"),
            test("shapiro_wilk", "p_value"),
            test("jarque_bera", "statistic"),
            test("jarque_bera", "p_value"),
            test("dagostino_k2", "statistic"),
            test("dagostino_k2", "p_value")};
  }

  Budget budget_;
  std::vector<ColumnRef> columns_;
  std::vector<ValueCounts> counts_;
  std::vector<Moments> moments_;
  bool skip_non_numeric_;
  bool shapiro_ = false, jarque_bera_ = false, dagostino_ = false;
  bool shapiro_named_ = false;    // "tests" names shapiro_wilk: past the budget is an error
  bool shapiro_skipped_ = false;  // the values outgrew the budget: Shapiro–Wilk is left out
  std::vector<std::vector<double>> values_;  // Shapiro–Wilk: each column's finite values
  std::vector<double> row_;                  // scratch
};

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(ttest, "stats_ttest", "t-test", kTtestDescription, kTtestInput,
                            kTtestOutput, QUARRY_STATS_ANNOTATIONS, TtestStage);
QUARRY_STAGE_TOOL_ANNOTATED(chi2, "stats_chi2", "Chi-square test of independence", kChi2Description,
                            kChi2Input, kChi2Output, QUARRY_STATS_ANNOTATIONS, Chi2Stage);
QUARRY_STAGE_TOOL_ANNOTATED(anova, "stats_anova", "One-way ANOVA", kAnovaDescription, kAnovaInput,
                            kAnovaOutput, QUARRY_STATS_ANNOTATIONS, AnovaStage);
QUARRY_STAGE_TOOL_ANNOTATED(normality, "stats_normality", "Normality tests", kNormalityDescription,
                            kNormalityInput, kNormalityOutput, QUARRY_STATS_ANNOTATIONS,
                            NormalityStage);

}  // namespace quarry::stats
