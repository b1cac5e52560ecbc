//! \file
//! stats_describe: per-column summaries in one streaming pass.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "detail/budget.hpp"
#include "detail/categories.hpp"
#include "detail/columns.hpp"
#include "detail/format.hpp"
#include "detail/moments.hpp"
#include "detail/quantiles.hpp"
#include "detail/rank_sample.hpp"
#include "detail/rank_windows.hpp"
#include "detail/schema.hpp"
#include "quarry/sdk.hpp"
#include "quarry/sdk/text_table.hpp"

namespace quarry::stats {
namespace {

constexpr const char* kInputSchema =
    R"({"type":"object","x-quarry-reads":["columns"],"properties":{)"
    R"("columns":)" QUARRY_STATS_COLUMNS(
        "Columns to describe: names, or all/numeric/string/bool/timestamp. Default: "
        "all.") R"(,)"
                R"("percentiles":{"type":"array","items":{"type":"number","minimum":0,"maximum":1},)"
                R"("maxItems":50,"description":"Fractions in [0, 1] (pandas style); default )"
                R"([0.25, 0.5, 0.75]. The median is always included."},)"
                R"("top":{"type":"integer","minimum":0,"maximum":100,"default":5,)"
                R"("description":"How many most frequent values to list for text columns."},)"
                R"("quantiles":{"type":"string","enum":["auto","one_pass","sketch"],)"
                R"("default":"auto","description":"auto: exact at any size, reading the input )"
                R"(twice (the first read samples each column, the second keeps only the values near )"
                R"(each quantile; the column cache makes the second read cheap); one_pass: read once, )"
                R"(exact while the values fit the memory budget, else a sketch with a stated )"
                R"(rank-error bound; sketch: read once, always the sketch."}}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["rows","columns","notes"],"properties":{)"
    R"("rows":{"type":"integer"},)"
    R"("columns":{"type":"array","items":{"type":"object","required":["name","type","count",)"
    R"("null_count"],"properties":{"name":{"type":"string"},"type":{"type":"string"},)"
    R"("count":{"type":"integer"},"null_count":{"type":"integer"},)"
    R"("nan_count":{"type":"integer"},)"
    R"("mean":)" QUARRY_STATS_NUM R"(,"std":)" QUARRY_STATS_NUM R"(,)"
    R"("min":{"type":["number","string","null"]},"max":{"type":["number","string","null"]},)"
    R"("percentiles":{"type":"object","additionalProperties":)" QUARRY_STATS_NUM R"(},)"
    R"("quantiles_exact":{"type":"boolean"},"rank_error_bound":{"type":"number"},)"
    R"("skewness":)" QUARRY_STATS_NUM R"(,"kurtosis":)" QUARRY_STATS_NUM R"(,)"
    R"("infinite":{"type":"object","properties":{"positive":{"type":"integer"},)"
    R"("negative":{"type":"integer"}}},)"
    R"("distinct":{"type":"integer"},"distinct_exact":{"type":"boolean"},)"
    R"("top":{"type":"array","items":{"type":"object","properties":{"value":{},)"
    R"("count":{"type":"integer"}}}},"count_error_bound":{"type":"integer"},)"
    R"("min_length":{"type":["integer","null"]},"max_length":{"type":["integer","null"]},)"
    R"("true_count":{"type":"integer"},"false_count":{"type":"integer"},)"
    R"("span_seconds":)" QUARRY_STATS_NUM R"(,"span":{"type":["string","null"]},)"
    R"("notes":)" QUARRY_STATS_NOTES R"(}}},)"
    R"("notes":)" QUARRY_STATS_NOTES R"(}})";

constexpr const char* kDescription =
    "Summarises columns in one pass: for numbers count, nulls, mean, std (sample, ddof=1), min, "
    "max, quartiles and requested percentiles, skewness and excess kurtosis (bias-corrected, as "
    "pandas); for text the distinct count, most frequent values and min/max length; for "
    "booleans true/false counts; for timestamps min, max and span. NaN counts as missing; "
    "infinities are left out and counted. Quantiles are exact (a second read of the input "
    "finds them; one_pass/sketch read once and may use a mergeable sketch whose rank-error "
    "bound is reported).";

// ---- Per-column summaries ----------------------------------------------------------------

//! How stats_describe finds quantiles (argument "quantiles").
enum class QuantileMethod {
  two_pass,  //!< "auto": exact, from a sample (first read) and the values near each quantile
  one_pass,  //!< exact while the values fit the budget, else a sketch
  sketch,    //!< always a sketch
};

QuantileMethod quantile_method(const sdk::Args& args) {
  const std::string method = args.get_or("quantiles", "auto");
  if (method == "sketch") return QuantileMethod::sketch;
  if (method == "one_pass") return QuantileMethod::one_pass;
  return QuantileMethod::two_pass;
}

//! A column's quantiles, as rendered.
struct QuantileValues {
  std::vector<double> values;  //!< one per requested fraction
  bool exact = true;
  double rank_error = 0;  //!< a bound on the rank error, as a fraction of the count
  std::string why_inexact;
};

struct NumericSummary {
  ColumnRef ref;
  ValueCounts counts;
  Moments moments;
  ValueStore values;                 //!< one-pass methods: the values (or their sketch)
  std::optional<RankSample> sample;  //!< two passes: the first pass's sample
  RankWindows windows;               //!< two passes: where the second pass looks
  std::int64_t int_min = std::numeric_limits<std::int64_t>::max();
  std::int64_t int_max = std::numeric_limits<std::int64_t>::min();

  void consume(const sdk::ColumnView& column, std::vector<double>& scratch) {
    const std::span<const double> kept = finite_numbers(column, scratch, counts);
    moments.add(kept.data(), kept.size());
    if (sample) {
      sample->add(kept.data(), kept.size());
    } else {
      values.add(kept.data(), kept.size());
      values.seal();  // sorted here, in parallel, rather than by the merge that folds chunks in
    }
    if (ref.type == sdk::ColumnType::int64) {
      const auto v = column.int64s();
      for (std::int64_t i = 0; i < v.size(); ++i) {
        if (!v.is_valid(i)) continue;
        int_min = std::min(int_min, v[i]);
        int_max = std::max(int_max, v[i]);
      }
    }
  }
  void merge(NumericSummary& o) {
    counts.merge(o.counts);
    moments.merge(o.moments);
    if (sample) {
      sample->merge(*o.sample);
    } else {
      values.merge(o.values);
    }
    int_min = std::min(int_min, o.int_min);
    int_max = std::max(int_max, o.int_max);
  }
  //! Bytes kept, once `more_rows` more rows are added (an upper bound: nulls are not kept).
  std::size_t bytes(std::size_t more_rows) const {
    return sample ? sample->bytes() : values.bytes_with(more_rows);
  }
  //! Finds the second pass's windows from the sample (two passes only), freeing the sample.
  void place_windows(const std::vector<double>& fractions) {
    if (!sample) return;
    const std::int64_t n = moments.count();
    std::vector<std::int64_t> ranks;
    if (n > 0) {
      for (double q : fractions) {
        const RankPair pair = ranks_for(q, n);
        ranks.push_back(pair.low);
        ranks.push_back(pair.high);
      }
    }
    windows = RankWindows::around(sample->values(), n, ranks, moments.min(), moments.max());
    sample->release();
  }
  //! The quantiles of the one-pass methods.
  QuantileValues kept_quantiles(const std::vector<double>& fractions) {
    return {values.quantiles(fractions), values.exact(), values.rank_error(), {}};
  }
};

struct TextSummary {
  ColumnRef ref;
  std::int64_t rows = 0;
  std::int64_t nulls = 0;
  CategoryCounter labels;
  std::int64_t min_length = std::numeric_limits<std::int64_t>::max();
  std::int64_t max_length = -1;

  static std::int64_t code_points(std::string_view s) {
    std::int64_t n = 0;
    for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    return n;
  }
  void consume(const sdk::ColumnView& column) {
    const auto v = column.strings();
    rows += v.size();
    for (std::int64_t i = 0; i < v.size(); ++i) {
      if (!v.is_valid(i)) {
        ++nulls;
        continue;
      }
      const std::string_view s = v[i];
      const std::int64_t len = code_points(s);
      min_length = std::min(min_length, len);
      max_length = std::max(max_length, len);
      labels.add(s);
    }
  }
  void merge(TextSummary& o) {
    rows += o.rows;
    nulls += o.nulls;
    labels.merge(o.labels);
    min_length = std::min(min_length, o.min_length);
    max_length = std::max(max_length, o.max_length);
  }
  std::size_t bytes(std::size_t) const { return labels.bytes(); }
};

struct BoolSummary {
  ColumnRef ref;
  std::int64_t rows = 0;
  std::int64_t nulls = 0;
  std::int64_t trues = 0;

  void consume(const sdk::ColumnView& column) {
    const auto v = column.bools();
    rows += v.size();
    for (std::int64_t i = 0; i < v.size(); ++i) {
      if (!v.is_valid(i)) {
        ++nulls;
      } else if (v[i]) {
        ++trues;
      }
    }
  }
  void merge(const BoolSummary& o) {
    rows += o.rows;
    nulls += o.nulls;
    trues += o.trues;
  }
  std::size_t bytes(std::size_t) const { return 0; }
};

struct TimeSummary {
  ColumnRef ref;
  std::int64_t rows = 0;
  std::int64_t nulls = 0;
  std::int64_t min = std::numeric_limits<std::int64_t>::max();
  std::int64_t max = std::numeric_limits<std::int64_t>::min();

  void consume(const sdk::ColumnView& column) {
    const auto v = column.timestamps();
    rows += v.size();
    for (std::int64_t i = 0; i < v.size(); ++i) {
      if (!v.is_valid(i)) {
        ++nulls;
        continue;
      }
      min = std::min(min, v[i]);
      max = std::max(max, v[i]);
    }
  }
  void merge(const TimeSummary& o) {
    rows += o.rows;
    nulls += o.nulls;
    min = std::min(min, o.min);
    max = std::max(max, o.max);
  }
  std::size_t bytes(std::size_t) const { return 0; }
};

using Summary = std::variant<NumericSummary, TextSummary, BoolSummary, TimeSummary>;

template <class S>
Summary summary_of(const ColumnRef& ref) {
  S s;
  s.ref = ref;
  return s;
}

Summary make_summary(const ColumnRef& ref) {
  switch (ref.type) {
    case sdk::ColumnType::utf8:
      return summary_of<TextSummary>(ref);
    case sdk::ColumnType::boolean:
      return summary_of<BoolSummary>(ref);
    case sdk::ColumnType::timestamp:
      return summary_of<TimeSummary>(ref);
    default:
      return summary_of<NumericSummary>(ref);
  }
}

// ---- Rendering ---------------------------------------------------------------------------

//! "25%", "2.5%", "99.9%": pandas' percentile labels.
std::string percentile_label(double q) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g%%", q * 100);
  return buf;
}

//! Which moments `n` (1 to 3) values leave null, and how many each needs.
std::string too_few_values_note(std::int64_t n) {
  if (n == 1) return "std (needs 2), skewness (needs 3) and kurtosis (needs 4) are null";
  if (n == 2) return "skewness (needs 3) and kurtosis (needs 4) are null";
  return "kurtosis (needs 4) is null";
}

struct Rendered {
  json column;
  std::vector<std::string> text_row;  // numeric table row, or empty
  std::string text_line;              // one line for other types
};

Rendered render_numeric(const NumericSummary& s, const std::vector<double>& qs,
                        const QuantileValues& quantiles) {
  const Moments& m = s.moments;
  const std::int64_t n = m.count();
  json notes = json::array();
  json c = {{"name", s.ref.name},
            {"type", std::string(sdk::type_name(s.ref.type))},
            {"count", n},
            {"null_count", s.counts.missing()}};
  if (s.counts.nans > 0) c["nan_count"] = s.counts.nans;
  if (s.counts.infinite() > 0) {
    c["infinite"] = {{"positive", s.counts.pos_inf}, {"negative", s.counts.neg_inf}};
    notes.push_back(infinity_note(s.ref.name, s.counts));
  }
  const bool integer = s.ref.type == sdk::ColumnType::int64 && n > 0;
  c["mean"] = num(m.mean());
  c["std"] = num(m.stddev());
  c["min"] = integer ? json(s.int_min) : num(m.min());
  c["max"] = integer ? json(s.int_max) : num(m.max());
  const std::vector<double>& qv = quantiles.values;
  json percentiles = json::object();
  for (std::size_t i = 0; i < qs.size(); ++i) percentiles[percentile_label(qs[i])] = num(qv[i]);
  c["percentiles"] = percentiles;
  c["quantiles_exact"] = quantiles.exact;
  c["rank_error_bound"] = quantiles.rank_error;
  if (!quantiles.why_inexact.empty()) notes.push_back(quantiles.why_inexact);
  c["skewness"] = num(m.skewness());
  c["kurtosis"] = num(m.kurtosis());
  if (n > 0 && !std::isfinite(m.mean())) {
    notes.push_back("column '" + s.ref.name +
                    "': its values span more than the largest double (about 1.8e308), so the "
                    "sums behind mean, std, skewness and kurtosis overflow: they are null");
  }
  if (n == 0) {
    notes.push_back("column '" + s.ref.name + "' has no values (" + std::to_string(s.counts.rows) +
                    " rows, all missing or left out): every statistic is null");
  } else if (n >= 2 && m.constant()) {
    notes.push_back("column '" + s.ref.name +
                    "' is constant: std is 0, skewness and kurtosis are undefined (null)");
  } else if (m.spread_underflows()) {
    notes.push_back("column '" + s.ref.name +
                    "': its values differ but are so small that their squared deviations "
                    "underflow to 0 (below about 1e-308): std is 0, skewness and kurtosis are "
                    "null; rescale the column (e.g. values × 1e300) to measure its spread");
  } else if (std::isfinite(m.mean()) && m.spread_overflows()) {
    notes.push_back("column '" + s.ref.name +
                    "': its values are so far apart that their squared deviations overflow "
                    "(above about 1.8e308): std, skewness and kurtosis are null; rescale the "
                    "column (e.g. values × 1e-300) to measure its spread");
  } else if (n < 4) {
    notes.push_back("column '" + s.ref.name + "' has " + std::to_string(n) +
                    (n == 1 ? " value" : " values") + ": " + too_few_values_note(n));
  }
  c["notes"] = notes;

  const double scale = m.stddev();
  // (no values: min and max are the empty fold's +inf and -inf, shown as "-" like the rest)
  const auto extreme = [&](std::int64_t exact, double value) {
    return n == 0 ? std::string("-") : integer ? std::to_string(exact) : short_text(value, scale);
  };
  std::vector<std::string> row = {s.ref.name,
                                  std::to_string(n),
                                  std::to_string(s.counts.missing()),
                                  short_text(m.mean(), scale),
                                  short_text(m.stddev()),
                                  extreme(s.int_min, m.min())};
  for (double v : qv) row.push_back(short_text(v, scale));
  row.push_back(extreme(s.int_max, m.max()));
  row.push_back(short_text(m.skewness()));
  row.push_back(short_text(m.kurtosis()));
  return {c, row, {}};
}

Rendered render_text(const TextSummary& s, std::size_t top) {
  const std::int64_t count = s.rows - s.nulls;
  json c = {{"name", s.ref.name},
            {"type", "utf8"},
            {"count", count},
            {"null_count", s.nulls},
            {"distinct", static_cast<std::int64_t>(s.labels.distinct())},
            {"distinct_exact", s.labels.exact()},
            {"min_length", count > 0 ? json(s.min_length) : json(nullptr)},
            {"max_length", count > 0 ? json(s.max_length) : json(nullptr)}};
  json items = json::array();
  std::string line = s.ref.name + ": " + std::to_string(count) + " values, " +
                     std::to_string(s.nulls) + " null, " + (s.labels.exact() ? "" : "~") +
                     std::to_string(static_cast<std::int64_t>(s.labels.distinct())) + " distinct";
  const auto most = s.labels.top(top);
  for (std::size_t i = 0; i < most.size(); ++i) {
    items.push_back({{"value", clip_text(most[i].first)}, {"count", most[i].second}});
    line += (i == 0 ? "; top: " : ", ") + sdk::one_line(clip_text(most[i].first, 40)) + " (" +
            std::to_string(most[i].second) + ")";
  }
  c["top"] = items;
  json notes = json::array();
  if (!s.labels.exact()) {
    c["count_error_bound"] = s.labels.count_error();
    notes.push_back("column '" + s.ref.name +
                    "': too many distinct values to count exactly within the memory budget; "
                    "distinct is a HyperLogLog estimate (±0.8% standard error) and top counts "
                    "may be up to count_error_bound too low");
  }
  c["notes"] = notes;
  return {c, {}, line};
}

Rendered render_bool(const BoolSummary& s) {
  const std::int64_t count = s.rows - s.nulls;
  const double mean = count > 0 ? static_cast<double>(s.trues) / static_cast<double>(count)
                                : std::numeric_limits<double>::quiet_NaN();
  json c = {{"name", s.ref.name},    {"type", "bool"},        {"count", count},
            {"null_count", s.nulls}, {"true_count", s.trues}, {"false_count", count - s.trues},
            {"mean", num(mean)},     {"notes", json::array()}};
  return {c,
          {},
          s.ref.name + ": " + std::to_string(count) + " values, " + std::to_string(s.nulls) +
              " null, " + std::to_string(s.trues) + " true, " + std::to_string(count - s.trues) +
              " false"};
}

Rendered render_time(const TimeSummary& s) {
  const std::int64_t count = s.rows - s.nulls;
  json c = {{"name", s.ref.name}, {"type", "timestamp"}, {"count", count}, {"null_count", s.nulls}};
  if (count == 0) {
    c["min"] = c["max"] = c["span_seconds"] = c["span"] = nullptr;
    c["notes"] = json::array({"column '" + s.ref.name + "' has no values"});
    return {c, {}, s.ref.name + ": no values"};
  }
  const double seconds = static_cast<double>(s.max - s.min) * micros_per_unit(s.ref.unit) / 1e6;
  c["min"] = sdk::iso8601_text(s.min, s.ref.unit);
  c["max"] = sdk::iso8601_text(s.max, s.ref.unit);
  c["span_seconds"] = seconds;
  c["span"] = duration_text(seconds);
  c["notes"] = json::array();
  return {c,
          {},
          s.ref.name + ": " + std::to_string(count) + " values, " + std::to_string(s.nulls) +
              " null, " + c["min"].get<std::string>() + " .. " + c["max"].get<std::string>() +
              " (" + c["span"].get<std::string>() + ")"};
}

// ---- The first pass (or the only one) ----------------------------------------------------

//! Every column's summary: the whole run for the one-pass methods; for "auto", the first
//! pass (counts, moments, labels and a sample of each numeric column, then the windows the
//! second pass looks in).
class DescribeSummaries {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;

  DescribeSummaries(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : DescribeSummaries(call, args, input, quantile_method(args)) {}

  //! Summaries with quantiles found by `method`.
  DescribeSummaries(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input,
                    QuantileMethod method)
      : budget_(call) {
    for (const auto& ref : select_columns(args, "columns", input, "all", Need::any)) {
      columns_.push_back(make_summary(ref));
    }
    percentiles_ = args.get_or<std::vector<double>>("percentiles", {0.25, 0.5, 0.75});
    for (double q : percentiles_) {
      if (!(q >= 0 && q <= 1)) {
        throw sdk::Error::invalid_argument("percentiles must be fractions in [0, 1], got " +
                                           exact_text(q));
      }
    }
    if (std::find(percentiles_.begin(), percentiles_.end(), 0.5) == percentiles_.end()) {
      percentiles_.push_back(0.5);
    }
    std::sort(percentiles_.begin(), percentiles_.end());
    percentiles_.erase(std::unique(percentiles_.begin(), percentiles_.end()), percentiles_.end());
    top_ = args.get_or<std::int64_t>("top", 5);
    if (method == QuantileMethod::sketch) sketch_values("the sketch was requested");
    if (method == QuantileMethod::two_pass) start_samples();
  }

  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    // Before the values are added: a column's next block would take the state past its
    // budget, so the sketch takes over first and the block is never allocated.
    if (keeps_values() && kept_bytes(static_cast<std::size_t>(chunk.rows())) > budget_.limit()) {
      sketch_values("the values exceed " + budget_.describe());
    }
    rows_ += chunk.rows();
    std::vector<std::vector<double>>& scratch = chunk_scratch(1);  // a column's values
    for (auto& summary : columns_) {
      std::visit(
          [&](auto& s) {
            using S = std::decay_t<decltype(s)>;
            if constexpr (std::is_same_v<S, NumericSummary>) {
              s.consume(chunk.column(s.ref.index), scratch[0]);
            } else {
              s.consume(chunk.column(s.ref.index));
            }
          },
          summary);
    }
    enforce_budget();
  }

  void merge(DescribeSummaries& other, sdk::Call&) {
    // (An exact `other` merges straight into this sketch: no sketch of its own first.)
    if (other.values_sketched_) sketch_values(other.values_why_);
    if (other.labels_summarised_) summarise_labels();
    if (labels_summarised_) other.summarise_labels();
    rows_ += other.rows_;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      std::visit([&](auto& s) { s.merge(std::get<std::decay_t<decltype(s)>>(other.columns_[i])); },
                 columns_[i]);
    }
    enforce_budget();
  }

  //! Ends the first pass: the windows of the second (nothing for the one-pass methods).
  void finish(sdk::Call&) {
    for (auto& summary : columns_) {
      if (auto* n = std::get_if<NumericSummary>(&summary)) n->place_windows(percentiles_);
    }
  }

  //! The quantiles each numeric column kept (the one-pass methods), in column order.
  std::vector<QuantileValues> kept_quantiles() {
    std::vector<QuantileValues> out;
    for (auto& summary : columns_) {
      if (auto* n = std::get_if<NumericSummary>(&summary)) {
        out.push_back(n->kept_quantiles(percentiles_));
      }
    }
    return out;
  }

  //! The result, given each numeric column's quantiles (in column order).
  sdk::Result render(std::vector<QuantileValues> quantiles) const {
    json columns = json::array();
    json notes = json::array();
    std::vector<std::vector<std::string>> table;
    std::vector<std::string> lines;
    std::size_t numeric = 0;
    for (const auto& summary : columns_) {
      Rendered r = std::visit(
          [&](const auto& s) -> Rendered {
            using S = std::decay_t<decltype(s)>;
            if constexpr (std::is_same_v<S, NumericSummary>) {
              return render_numeric(s, percentiles_, quantiles.at(numeric++));
            }
            if constexpr (std::is_same_v<S, TextSummary>) {
              return render_text(s, static_cast<std::size_t>(top_));
            }
            if constexpr (std::is_same_v<S, BoolSummary>) return render_bool(s);
            if constexpr (std::is_same_v<S, TimeSummary>) return render_time(s);
          },
          summary);
      for (const auto& note : r.column["notes"]) notes.push_back(note);
      columns.push_back(std::move(r.column));
      if (!r.text_row.empty()) table.push_back(std::move(r.text_row));
      if (!r.text_line.empty()) lines.push_back(std::move(r.text_line));
    }
    if (values_sketched_ && has_numeric_column()) notes.push_back(sketch_note());
    json out = {{"rows", rows_}, {"columns", columns}, {"notes", notes}};
    return sdk::Result::structured(std::move(out), render_text_table(table, lines, notes));
  }

  //! The numeric columns' summaries (after finish(): with their windows).
  [[nodiscard]] std::vector<const NumericSummary*> numeric_columns() const {
    std::vector<const NumericSummary*> out;
    for (const auto& summary : columns_) {
      if (const auto* n = std::get_if<NumericSummary>(&summary)) out.push_back(n);
    }
    return out;
  }
  //! The requested fractions, ascending (the median included).
  [[nodiscard]] const std::vector<double>& percentiles() const noexcept { return percentiles_; }
  //! The memory budget.
  [[nodiscard]] const Budget& budget() const noexcept { return budget_; }

 private:
  //! The largest sample a column keeps, whatever the budget (2 MiB).
  static constexpr std::size_t kMaxSample = std::size_t{1} << 18;
  //! The smallest, whatever the budget.
  static constexpr std::size_t kMinSample = std::size_t{1} << 12;

  //! Two passes: each numeric column samples its values; the samples share half the budget.
  void start_samples() {
    const std::size_t numeric = numeric_columns().size();
    if (numeric == 0) return;
    const std::size_t share = budget_.limit() / 2 / numeric / sizeof(double);
    const std::size_t size = std::clamp(share, kMinSample, kMaxSample);
    for (auto& summary : columns_) {
      if (auto* n = std::get_if<NumericSummary>(&summary)) n->sample.emplace(size);
    }
  }

  //! True when the numeric columns keep their values (exact, one pass).
  bool keeps_values() const {
    if (values_sketched_) return false;
    for (const auto& summary : columns_) {
      if (const auto* n = std::get_if<NumericSummary>(&summary)) return !n->sample.has_value();
    }
    return false;
  }

  //! Bytes the state keeps, once `more_rows` more rows are added.
  std::size_t kept_bytes(std::size_t more_rows = 0) const {
    std::size_t total = 0;
    for (const auto& summary : columns_) {
      total += std::visit([&](const auto& s) { return s.bytes(more_rows); }, summary);
    }
    return total;
  }

  //! Over budget, the numeric columns' values (the bulk) go to sketches first; text columns'
  //! label counts are summarised only if that is not enough and the label tables are a real
  //! share of the budget (summarising a few labels would not bring it back under, as the
  //! sketches' own fixed size may not), so a column of a few labels keeps exact counts
  //! whatever the numeric columns hold. (Samples are bounded on their own.)
  void enforce_budget() {
    if (kept_bytes() <= budget_.limit()) return;
    if (keeps_values()) sketch_values("the values exceed " + budget_.describe());
    if (kept_bytes() > budget_.limit() && label_bytes() > budget_.limit() / 4) summarise_labels();
  }

  std::size_t label_bytes() const {
    std::size_t total = 0;
    for (const auto& summary : columns_) {
      if (const auto* t = std::get_if<TextSummary>(&summary)) total += t->bytes(0);
    }
    return total;
  }

  void sketch_values(const std::string& why) {
    if (values_sketched_) return;
    values_sketched_ = true;
    values_why_ = why;
    for (auto& summary : columns_) {
      if (auto* n = std::get_if<NumericSummary>(&summary)) n->values.to_sketch();
    }
  }

  void summarise_labels() {
    if (labels_summarised_) return;
    labels_summarised_ = true;
    for (auto& summary : columns_) {
      if (auto* t = std::get_if<TextSummary>(&summary)) t->labels.to_summary();
    }
  }

  bool has_numeric_column() const { return !numeric_columns().empty(); }

  std::string sketch_note() const {
    return "quantiles come from a mergeable sketch because " + values_why_ +
           "; each sketched quantile's rank is within rank_error_bound (a fraction of the "
           "count, a hard bound) of the requested one";
  }

  std::string render_text_table(const std::vector<std::vector<std::string>>& table,
                                const std::vector<std::string>& lines, const json& notes) const {
    std::string text = "stats_describe: " + std::to_string(rows_) + " rows, " +
                       std::to_string(columns_.size()) + " columns\n";
    if (!table.empty()) {
      std::vector<std::string> header = {"column", "count", "nulls", "mean", "std", "min"};
      for (double q : percentiles_) header.push_back(percentile_label(q));
      header.insert(header.end(), {"max", "skew", "kurt"});
      text += sdk::text_table(header, table);
    }
    for (const auto& line : lines) text += line + "\n";
    for (const auto& note : notes) text += "note: " + note.get<std::string>() + "\n";
    return text;
  }

  Budget budget_;
  std::vector<Summary> columns_;
  std::vector<double> percentiles_;
  std::int64_t top_ = 5;
  std::int64_t rows_ = 0;
  //! Numeric columns' quantiles come from sketches (and why).
  bool values_sketched_ = false;
  std::string values_why_;
  //! Text columns' label counts are summaries (Misra–Gries + HyperLogLog).
  bool labels_summarised_ = false;
};

// ---- The second pass ---------------------------------------------------------------------

//! stats_describe. With quantiles "auto" the host runs DescribeSummaries over the input
//! first; this pass then reads the numeric columns again and keeps the values inside each
//! column's windows, from which the quantiles are selected exactly. With "one_pass" or
//! "sketch" (or a host without two-pass stages) it is DescribeSummaries alone.
class DescribeStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;
  using FirstPass = DescribeSummaries;

  static bool needs_first_pass(const sdk::Args& args) {
    return quantile_method(args) == QuantileMethod::two_pass;
  }

  //! One pass (a host without two-pass stages reads "auto" as "one_pass").
  DescribeStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input) {
    const QuantileMethod method = quantile_method(args);
    own_ = std::make_unique<DescribeSummaries>(
        call, args, input, method == QuantileMethod::two_pass ? QuantileMethod::one_pass : method);
  }

  //! The second pass, after `first`.
  DescribeStage(sdk::Call&, const sdk::Args&, const sdk::SchemaView&,
                const DescribeSummaries& first)
      : first_(&first), numeric_(first.numeric_columns()) {
    for (const NumericSummary* n : numeric_) collectors_.emplace_back(n->windows);
  }

  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    if (own_) return own_->consume(call, chunk);
    call.throw_if_cancelled();
    std::vector<std::vector<double>>& scratch = chunk_scratch(1);
    for (std::size_t i = 0; i < numeric_.size(); ++i) {
      ValueCounts ignored;  // (counted by the first pass)
      const std::span<const double> kept =
          finite_numbers(chunk.column(numeric_[i]->ref.index), scratch[0], ignored);
      collectors_[i].add(kept.data(), kept.size());
    }
    enforce_budget();
  }

  void merge(DescribeStage& other, sdk::Call& call) {
    if (own_) return own_->merge(*other.own_, call);
    for (std::size_t i = 0; i < collectors_.size(); ++i) collectors_[i].merge(other.collectors_[i]);
    enforce_budget();
  }

  sdk::Result finish(sdk::Call& call) {
    if (own_) {
      own_->finish(call);
      return own_->render(own_->kept_quantiles());
    }
    std::vector<QuantileValues> quantiles;
    for (std::size_t i = 0; i < numeric_.size(); ++i) {
      quantiles.push_back(selected_quantiles(*numeric_[i], collectors_[i], first_->percentiles()));
    }
    return first_->render(std::move(quantiles));
  }

 private:
  //! Past the budget, the column keeping the most values drops them (its quantiles become
  //! the nearest window bounds, with their rank error stated) until the rest fit.
  void enforce_budget() {
    const std::size_t limit = first_->budget().limit();
    for (;;) {
      std::size_t total = 0;
      RankCollector* largest = nullptr;
      for (RankCollector& c : collectors_) {
        total += c.bytes();
        if (!c.dropped() && (largest == nullptr || c.bytes() > largest->bytes())) largest = &c;
      }
      if (total <= limit || largest == nullptr) return;
      largest->drop_values();
    }
  }

  //! Column `s`'s quantiles from what `collector` kept.
  static QuantileValues selected_quantiles(const NumericSummary& s, RankCollector& collector,
                                           const std::vector<double>& fractions) {
    QuantileValues out;
    const std::int64_t n = s.moments.count();
    if (n == 0) {
      out.values.assign(fractions.size(), std::numeric_limits<double>::quiet_NaN());
      return out;
    }
    if (collector.count() != n) {
      throw sdk::Error::invalid_argument(
          "column '" + s.ref.name + "' had " + std::to_string(n) + " numbers on the first read " +
          "of the input and " + std::to_string(collector.count()) +
          " on the second: the input changed while it was being read; run the call again");
    }
    std::vector<RankPair> pairs;
    std::vector<std::int64_t> ranks;
    for (double q : fractions) {
      pairs.push_back(ranks_for(q, n));
      ranks.push_back(pairs.back().low);
      ranks.push_back(pairs.back().high);
    }
    const std::vector<RankAnswer> answers = collector.answers(ranks);
    std::int64_t worst = 0;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      const RankAnswer& a = answers[2 * i];
      const RankAnswer& b = answers[2 * i + 1];
      out.values.push_back(interpolate(a.value, b.value, pairs[i].t));
      worst = std::max({worst, a.rank_error, b.rank_error});
    }
    if (worst > 0) {
      out.exact = false;
      out.rank_error = static_cast<double>(worst) / static_cast<double>(n);
      out.why_inexact =
          "column '" + s.ref.name + "': " +
          (collector.dropped() ? std::string("the values near its quantiles outgrew the memory "
                                             "budget, so")
                               : std::string("its sample was unrepresentative, so")) +
          " some quantiles are the nearest value whose rank is known exactly; each is within "
          "rank_error_bound (a fraction of the count) of the requested rank";
    }
    return out;
  }

  std::unique_ptr<DescribeSummaries> own_;  // one pass
  const DescribeSummaries* first_ = nullptr;
  std::vector<const NumericSummary*> numeric_;  // first_'s numeric columns
  std::vector<RankCollector> collectors_;       // one per numeric column of first_
};

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(describe, "stats_describe", "Describe columns", kDescription,
                            kInputSchema, kOutputSchema, QUARRY_STATS_ANNOTATIONS, DescribeStage);

}  // namespace quarry::stats
