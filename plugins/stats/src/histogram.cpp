//! \file
//! stats_histogram: equal-width bins of a numeric column (a fixed count, Freedman–Diaconis,
//! Sturges or NumPy's "auto"), or counts per category of a text/bool column; optionally
//! as an SVG picture.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "detail/budget.hpp"
#include "detail/categories.hpp"
#include "detail/columns.hpp"
#include "detail/format.hpp"
#include "detail/moments.hpp"
#include "detail/quantiles.hpp"
#include "detail/schema.hpp"
#include "detail/svg.hpp"
#include "quarry/sdk.hpp"
#include "quarry/sdk/text_table.hpp"

namespace quarry::stats {
namespace {

constexpr const char* kInputSchema =
    R"({"type":"object","x-quarry-reads":["column"],"required":["column"],"properties":{)"
    R"("column":)" QUARRY_STATS_COLUMN(
        "The column to count.") R"(,)"
                                R"("bins":{"anyOf":[{"type":"integer","minimum":1,"maximum":10000},{"type":"string",)"
                                R"("enum":["auto","fd","sturges"]}],"default":"auto","description":"A bin count, or a )"
                                R"(rule: fd (Freedman–Diaconis, 2 IQR n^(-1/3)), sturges (log2 n + 1), auto (the )"
                                R"(narrower of the two, as numpy.histogram)."},)"
                                R"("range":{"type":"array","items":{"type":"number"},"minItems":2,"maxItems":2,)"
                                R"("description":"[low, high] of the bins; values outside are counted as below/above. )"
                                R"(Default: the data's min and max."},)"
                                R"("kind":{"type":"string","enum":["auto","numeric","category"],"default":"auto",)"
                                R"("description":"numeric bins or counts per category; auto: categories for text and )"
                                R"(bool columns, bins for numbers."},)"
                                R"("top":{"type":"integer","minimum":1,"maximum":1000,"default":20,)"
                                R"("description":"Categories to list (the rest are summed as other_count)."},)"
                                R"("picture":{"type":"string","enum":["none","svg","svg_image"],"default":"none",)"
                                R"("description":"svg: add the chart as an embedded SVG resource (image/svg+xml text, )"
                                R"(safe for every client); svg_image: as an image content block (base64 SVG) for )"
                                R"(clients that render SVG images."}}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["column","kind","null_count","counts_exact","notes"],)"
    R"("properties":{"column":{"type":"string"},"kind":{"type":"string","enum":["numeric",)"
    R"("category"]},"bins":{"type":"integer"},"bin_method":{"type":"string"},)"
    R"("bin_width":)" QUARRY_STATS_NUM R"(,"rule_width":)" QUARRY_STATS_NUM R"(,)"
    R"("edges":{"type":"array","items":{"type":"number"}},)"
    R"("counts":{"type":"array","items":{"type":"integer"}},)"
    R"("count":{"type":"integer"},"below":{"type":"integer"},"above":{"type":"integer"},)"
    R"("categories":{"type":"array","items":{"type":"object","properties":{"value":{},)"
    R"("count":{"type":"integer"}}}},"other_count":{"type":"integer"},)"
    R"("distinct":{"type":"integer"},"null_count":{"type":"integer"},)"
    R"("infinite":{"type":"object"},"counts_exact":{"type":"boolean"},)"
    R"("count_error_bound":{"type":"integer"},"notes":)" QUARRY_STATS_NOTES R"(}})";

constexpr const char* kDescription =
    "Histogram of one column: equal-width bins for numbers (a given count, or the "
    "Freedman–Diaconis, Sturges or numpy 'auto' rule; numpy.histogram's edges and counts), or "
    "counts per category for text and booleans; optionally as an SVG chart. Counts are exact "
    "while the values fit the memory budget (or always, with a given range and bin count); "
    "past it they come from a sketch with a stated error bound. NaN counts as missing; "
    "infinities are left out and counted.";

//! The factor values are scaled by before differences are taken: 1, or 1/2 when the range
//! [first, last] is wider than the largest double (from -1e308 to 1e308), where numpy's
//! arithmetic overflows to inf and its bins fail.
double range_scale(double first, double last) {
  return std::isinf(last - first) ? 0.5 : 1.0;
}

//! (last - first) * scale, finite for any finite first and last.
double scaled_span(double first, double last, double scale) {
  return last * scale - first * scale;
}

//! Bin edges and how they were chosen.
struct Bins {
  double first = 0, last = 0;
  std::int64_t count = 1;
  double width = 0;  // the rule's width (before rounding the count up), 0 for fixed counts
  std::vector<double> edges;
  //! range_scale(first, last): 1 but for ranges wider than the largest double.
  double scale = 1;
  //! Bins per scaled unit: count / scaled_span(first, last, scale).
  double norm = 1;
};

//! numpy.linspace(first, last, count + 1) (on a range wider than the largest double, the
//! same in scaled units).
std::vector<double> linspace(double first, double last, std::int64_t count) {
  std::vector<double> edges(static_cast<std::size_t>(count + 1));
  const double scale = range_scale(first, last);
  const double step = scaled_span(first, last, scale) / static_cast<double>(count);
  for (std::int64_t i = 0; i < count; ++i) {
    edges[static_cast<std::size_t>(i)] =
        scale == 1 ? static_cast<double>(i) * step + first  // numpy's own arithmetic
                   : (static_cast<double>(i) * step + first * scale) / scale;
  }
  edges.back() = last;
  return edges;
}

//! Equal bins over [first, last]: `count` of them, their edges, scale and norm.
Bins equal_bins(double first, double last, std::int64_t count) {
  Bins b;
  b.first = first;
  b.last = last;
  b.count = count;
  b.edges = linspace(first, last, count);
  b.scale = range_scale(first, last);
  b.norm = static_cast<double>(count) / scaled_span(first, last, b.scale);
  return b;
}

//! The bin of x in [first, last], exactly as numpy.histogram computes it for equal bins.
std::int64_t bin_of(double x, const Bins& b) {
  auto i = static_cast<std::int64_t>(scaled_span(b.first, x, b.scale) * b.norm);
  if (i == b.count) --i;
  if (x < b.edges[static_cast<std::size_t>(i)]) --i;
  if (x >= b.edges[static_cast<std::size_t>(i + 1)] && i != b.count - 1) ++i;
  return i;
}

class HistogramStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;

  HistogramStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : budget_(call),
        top_(args.get_or<std::int64_t>("top", 20)),
        picture_(args.get_or("picture", "none")) {
    column_ = require_column(input, args.get<std::string>("column"), Need::category, "column");
    const std::string kind = args.get_or("kind", "auto");
    const bool number =
        column_.type == sdk::ColumnType::int64 || column_.type == sdk::ColumnType::float64;
    if (column_.type == sdk::ColumnType::timestamp && kind != "category") {
      throw sdk::Error::invalid_argument(
          "column '" + column_.name +
          "' holds timestamps; numeric bins of timestamps are not "
          "supported, pass \"kind\": \"category\" to count distinct instants");
    }
    categorical_ = kind == "category" || (kind == "auto" && !number);
    parse_bins(args);
  }

  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    if (categorical_) {
      count_labels(chunk);
    } else {
      count_numbers(chunk);
    }
    enforce_budget();
  }

  void merge(HistogramStage& other, sdk::Call&) {
    if (other.summarised_) summarise();
    if (summarised_) other.summarise();
    counts_.merge(other.counts_);
    labels_.merge(other.labels_);
    values_.merge(other.values_);
    moments_.merge(other.moments_);
    for (std::size_t i = 0; i < streamed_.size(); ++i) streamed_[i] += other.streamed_[i];
    below_ += other.below_;
    above_ += other.above_;
    nulls_ += other.nulls_;
    enforce_budget();
  }

  sdk::Result finish(sdk::Call&) {
    json out = categorical_ ? finish_categories() : finish_numbers();
    std::string text = render_text(out);
    sdk::Result result = sdk::Result::structured(out, text);
    if (picture_ != "none") add_picture(result, out);
    return result;
  }

 private:
  void parse_bins(const sdk::Args& args) {
    const nlohmann::json& bins = args.has("bins") ? args.json().at("bins") : nlohmann::json("auto");
    if (bins.is_number_integer()) {
      fixed_bins_ = bins.get<std::int64_t>();
      if (fixed_bins_ < 1 || fixed_bins_ > 10000) {
        throw sdk::Error::invalid_argument("bins must be 1..10000, got " + bins.dump());
      }
      rule_ = "fixed";
    } else if (bins.is_string()) {
      rule_ = bins.get<std::string>();
      if (rule_ != "auto" && rule_ != "fd" && rule_ != "sturges") {
        throw sdk::Error::invalid_argument("bins must be a count or auto, fd, sturges; got " +
                                           bins.dump());
      }
    } else {
      throw sdk::Error::invalid_argument("bins must be a count or auto, fd, sturges");
    }
    if (args.has("range")) {
      const auto r = args.get<std::vector<double>>("range");
      if (r.size() != 2 || !std::isfinite(r[0]) || !std::isfinite(r[1]) || !(r[0] < r[1])) {
        throw sdk::Error::invalid_argument("range must be [low, high] with low < high");
      }
      range_ = std::make_pair(r[0], r[1]);
    }
    // A known range and bin count need no values: count as the chunks go by.
    if (range_ && fixed_bins_ > 0 && !categorical_) {
      stream_bins_ = equal_bins(range_->first, range_->second, fixed_bins_);
      streamed_.assign(static_cast<std::size_t>(fixed_bins_), 0);
    }
  }

  void count_labels(const sdk::ChunkView& chunk) {
    LabelReader reader(chunk, column_);
    for (std::int64_t i = 0; i < chunk.rows(); ++i) {
      if (reader.valid(i)) {
        labels_.add(reader.label(i));
      } else {
        ++nulls_;
      }
    }
  }

  void count_numbers(const sdk::ChunkView& chunk) {
    std::vector<std::vector<double>>& scratch = chunk_scratch(2);
    std::vector<double>& kept = scratch[1];
    read_numbers(chunk.column(column_.index), scratch[0], counts_);
    keep_finite(scratch[0], kept);
    if (!streamed_.empty()) {
      for (double x : kept) {
        if (x < stream_bins_.first) {
          ++below_;
        } else if (x > stream_bins_.last) {
          ++above_;
        } else {
          ++streamed_[static_cast<std::size_t>(bin_of(x, stream_bins_))];
        }
      }
      return;
    }
    if (range_) {  // only values in the range shape the bins (numpy filters first)
      std::erase_if(kept, [&](double x) {
        const bool out = x < range_->first || x > range_->second;
        below_ += x < range_->first ? 1 : 0;
        above_ += x > range_->second ? 1 : 0;
        return out;
      });
    }
    moments_.add(kept.data(), kept.size());
    values_.add(kept.data(), kept.size());
    values_.seal();  // sorted here, in parallel, rather than by the merge that folds chunks in
  }

  void enforce_budget() {
    if (!summarised_ && values_.bytes() + labels_.bytes() > budget_.limit()) summarise();
  }

  void summarise() {
    summarised_ = true;
    values_.to_sketch();
    labels_.to_summary();
  }

  // ---- Numbers ----

  Bins choose_bins() {
    const std::int64_t n = values_.count();
    double first = range_ ? range_->first : (n > 0 ? moments_.min() : 0.0);
    double last = range_ ? range_->second : (n > 0 ? moments_.max() : 1.0);
    if (first == last) {
      first -= 0.5;
      last += 0.5;
    }
    const double scale = range_scale(first, last);
    std::int64_t count = 1;
    double width = 0;  // scaled
    if (fixed_bins_ > 0) {
      count = fixed_bins_;
    } else if (n > 0) {
      width = rule_width(n, scale);
      if (width > 0) {  // numpy 1.24 has no integer special case (numpy >= 2.1 does)
        count = static_cast<std::int64_t>(
            std::min(std::ceil(scaled_span(first, last, scale) / width), 1e9));
      }
    }
    Bins b = equal_bins(first, last, std::clamp<std::int64_t>(count, 1, 100000));
    b.width = width / scale;  // (inf for a range past the largest double: reported as null)
    return b;
  }

  // numpy's _hist_bin_sturges / _hist_bin_fd / _hist_bin_auto on the (in-range) values, in
  // units scaled by `scale` (see range_scale).
  double rule_width(std::int64_t n, double scale) {
    const double size = static_cast<double>(n);
    const double sturges =
        scaled_span(moments_.min(), moments_.max(), scale) / (std::log2(size) + 1.0);
    if (rule_ == "sturges") return sturges;
    const std::vector<double> q = values_.quantiles({0.75, 0.25});
    const double fd = 2.0 * scaled_span(q[1], q[0], scale) * std::pow(size, -1.0 / 3.0);
    if (rule_ == "fd") return fd;
    return fd != 0 ? std::min(fd, sturges) : sturges;
  }

  std::vector<std::int64_t> bin_counts(const Bins& b) {
    std::vector<std::int64_t> counts(static_cast<std::size_t>(b.count), 0);
    if (const QuantileSketch* sketch = values_.sketch()) {
      std::vector<double> below(b.edges.size());
      for (std::size_t i = 0; i + 1 < b.edges.size(); ++i)
        below[i] = sketch->rank_below(b.edges[i]);
      below.back() = static_cast<double>(sketch->count());
      for (std::size_t i = 0; i < counts.size(); ++i) {
        counts[i] = std::llround(std::max(0.0, below[i + 1] - below[i]));
      }
      return counts;
    }
    values_.for_each_value([&](double x) { ++counts[static_cast<std::size_t>(bin_of(x, b))]; });
    return counts;
  }

  json finish_numbers() {
    json notes = json::array();
    Bins b;
    std::vector<std::int64_t> counts;
    if (!streamed_.empty()) {
      b = stream_bins_;
      counts = streamed_;
    } else {
      b = choose_bins();
      counts = bin_counts(b);
    }
    std::int64_t total = 0;
    for (auto c : counts) total += c;
    json out = {{"column", column_.name},
                {"kind", "numeric"},
                {"bins", b.count},
                {"bin_method", rule_},
                // numpy.linspace's step; the rule's width before rounding the count up differs
                {"bin_width", num(scaled_span(b.first, b.last, b.scale) /
                                  static_cast<double>(b.count) / b.scale)},
                {"rule_width", b.width > 0 ? num(b.width) : json(nullptr)},
                {"edges", b.edges},
                {"counts", counts},
                {"count", total},
                {"below", below_},
                {"above", above_},
                {"null_count", counts_.missing()},
                {"counts_exact", values_.exact()}};
    if (counts_.infinite() > 0) {
      out["infinite"] = {{"positive", counts_.pos_inf}, {"negative", counts_.neg_inf}};
      notes.push_back(infinity_note(column_.name, counts_));
    }
    if (!values_.exact()) {
      const auto* sketch = values_.sketch();
      out["count_error_bound"] = static_cast<std::int64_t>(std::ceil(2 * sketch->rank_error()));
      notes.push_back("the values exceed " + budget_.describe() +
                      ", so counts (and fd/auto bin widths) come from a quantile sketch; each "
                      "count is within count_error_bound of the exact one");
    }
    if (values_.count() == 0 && streamed_.empty()) {
      notes.push_back("column '" + column_.name + "' has no values in range: one empty bin");
    }
    if (counts_.non_numeric > 0) {
      notes.push_back(std::to_string(counts_.non_numeric) +
                      " text values that are not numbers were left out");
    }
    out["notes"] = notes;
    return out;
  }

  // ---- Categories ----

  json finish_categories() {
    const auto top = labels_.top(static_cast<std::size_t>(top_));
    json categories = json::array();
    std::int64_t listed = 0;
    for (const auto& [label, count] : top) {
      categories.push_back({{"value", clip_text(label)}, {"count", count}});
      listed += count;
    }
    json notes = json::array();
    json out = {{"column", column_.name},
                {"kind", "category"},
                {"categories", categories},
                {"other_count", labels_.total() - listed},
                {"distinct", static_cast<std::int64_t>(labels_.distinct())},
                {"null_count", nulls_},
                {"counts_exact", labels_.exact()}};
    if (!labels_.exact()) {
      out["count_error_bound"] = labels_.count_error();
      notes.push_back("too many distinct values for " + budget_.describe() +
                      ": counts may be up to count_error_bound too low, distinct is estimated");
    }
    out["notes"] = notes;
    return out;
  }

  // ---- Rendering ----

  std::string render_text(const json& out) const {
    std::string text = "stats_histogram of '" + column_.name + "'";
    std::vector<std::vector<std::string>> rows;
    if (categorical_) {
      text += ": " + std::to_string(out["distinct"].get<std::int64_t>()) + " categories, " +
              std::to_string(nulls_) + " null\n";
      for (const auto& c : out["categories"]) {
        rows.push_back(
            {c["value"].get<std::string>(), std::to_string(c["count"].get<std::int64_t>())});
      }
      if (out["other_count"].get<std::int64_t>() > 0) {
        rows.push_back({"(other)", std::to_string(out["other_count"].get<std::int64_t>())});
      }
      text += sdk::text_table({"value", "count"}, rows);
    } else {
      text += ": " + std::to_string(out["bins"].get<std::int64_t>()) + " bins (" +
              out["bin_method"].get<std::string>() + "), " +
              std::to_string(out["count"].get<std::int64_t>()) + " values\n";
      const auto& edges = out["edges"];
      const std::size_t shown = std::min<std::size_t>(out["counts"].size(), 50);
      const double scale = out["bin_width"].is_number() ? out["bin_width"].get<double>() : 0;
      for (std::size_t i = 0; i < shown; ++i) {
        rows.push_back({"[" + short_text(edges[i].get<double>(), scale, 3) + ", " +
                            short_text(edges[i + 1].get<double>(), scale, 3) +
                            (i + 1 == out["counts"].size() ? "]" : ")"),
                        std::to_string(out["counts"][i].get<std::int64_t>())});
      }
      text += sdk::text_table({"bin", "count"}, rows);
      if (shown < out["counts"].size())
        text += "(" + std::to_string(out["counts"].size() - shown) + " more bins not shown)\n";
      if (below_ + above_ > 0) {
        text += "outside the range: " + std::to_string(below_) + " below, " +
                std::to_string(above_) + " above\n";
      }
    }
    for (const auto& note : out["notes"]) text += "note: " + note.get<std::string>() + "\n";
    return text;
  }

  void add_picture(sdk::Result& result, const json& out) const {
    BarChart chart;
    chart.title = "Histogram of " + column_.name;
    if (categorical_) {  // the most frequent categories, at most kMaxBars of them
      for (const auto& c : out["categories"]) {
        if (chart.counts.size() == kMaxBars) break;
        chart.counts.push_back(c["count"].get<double>());
        chart.labels.push_back(c["value"].get<std::string>());
      }
      chart.x_caption = column_.name + " (top " + std::to_string(chart.counts.size()) + " of " +
                        std::to_string(out["distinct"].get<std::int64_t>()) + ")";
    } else {
      const double scale = out["bin_width"].is_number() ? out["bin_width"].get<double>() : 0;
      for (std::size_t i = 0; i < out["counts"].size(); ++i) {
        chart.counts.push_back(out["counts"][i].get<double>());
        chart.labels.push_back(short_text(out["edges"][i].get<double>(), scale, 3));
      }
      chart.labels_at_edges = true;
      chart.x_caption = column_.name + " (" + std::to_string(chart.counts.size()) + " bins)";
    }
    const std::string svg = render_svg(chart);
    if (picture_ == "svg_image") {
      result.add_image(svg, "image/svg+xml");
    } else {
      result.add_resource_text("quarry://stats/histogram/" + column_.name + ".svg", svg,
                               "image/svg+xml");
    }
  }

  Budget budget_;
  ColumnRef column_;
  std::int64_t top_;
  std::string picture_;
  bool categorical_ = false;
  std::string rule_ = "auto";
  std::int64_t fixed_bins_ = 0;
  std::optional<std::pair<double, double>> range_;
  Bins stream_bins_;
  std::vector<std::int64_t> streamed_;  // counts when range and bin count are given
  ValueCounts counts_;
  Moments moments_;  // min/max of the (in-range) values
  ValueStore values_;
  CategoryCounter labels_;
  std::int64_t nulls_ = 0;  // category mode
  std::int64_t below_ = 0, above_ = 0;
  bool summarised_ = false;
};

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(histogram, "stats_histogram", "Histogram", kDescription, kInputSchema,
                            kOutputSchema, QUARRY_STATS_ANNOTATIONS, HistogramStage);

}  // namespace quarry::stats
