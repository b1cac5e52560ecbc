//! \file
//! ts_resample: buckets rows by a time column (seconds to years, in UTC or a fixed offset)
//! and aggregates numeric columns per bucket (mean, sum, min, max, count, first, last, std,
//! OHLC), optionally one series per group. An ordered stage (first/last follow row order):
//! memory grows with the number of buckets, not rows, and is checked against the budget.

#include <cmath>
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "detail/columns.hpp"
#include "detail/format.hpp"
#include "quarry/sdk.hpp"
#include "quarry/sdk/text_table.hpp"
#include "ts/buckets.hpp"
#include "ts/frequency.hpp"
#include "ts/order.hpp"
#include "ts/schema.hpp"
#include "ts/series.hpp"
#include "ts/time.hpp"
#include "ts/window.hpp"

namespace quarry::ts {
namespace {

constexpr const char* kInputSchema =
    R"({"type":"object","x-quarry-reads":["time_column","columns","group_column"],"required":["time_column","frequency","columns"],"properties":{)" QUARRY_TS_TIME_COLUMN(
        "Rows are bucketed by it; they need not be sorted.") R"(,)"
                                                             R"("frequency":{"type":"string","pattern":"^[0-9]*[a-zA-Z]+$","description":"Bucket )"
                                                             R"(size: a count and a unit: us, ms, s, min (or T), h, D, W (weeks starting Monday), M or )"
                                                             R"(MS (calendar months), Q or QS (quarters from January), Y/A/AS (years), e.g. 15min, 1h, )"
                                                             R"(1D, 1M."},)"
                                                             R"("columns":{"type":"array","minItems":1,"items":{"type":"string","minLength":1},)"
                                                             R"("description":"Numeric columns to aggregate."},)"
                                                             R"("aggregations":{"type":"array","minItems":1,"uniqueItems":true,"items":{"type":"string",)"
                                                             R"("enum":["mean","sum","min","max","count","first","last","std","ohlc"]},)"
                                                             R"("default":["mean"],"description":"Per bucket and column; ohlc adds open/high/low/close )"
                                                             R"((first/max/min/last). Empty buckets between the first and last get count 0, sum 0 and )"
                                                             R"(null for the rest, as pandas."},)"
                                                             R"("group_column":{"type":"string","minLength":1,"description":"Optional: one series per )"
                                                             R"(value of this column (rows with a null group are left out, as pandas groupby)."},)"
                                                             R"("timezone":{"type":"string","default":"UTC","description":"Buckets follow the local )"
                                                             R"(clock of this fixed UTC offset (\"UTC\", \"+02:00\", \"-05:00\"): days and months start )"
                                                             R"(at local midnight, labels carry the offset. Named zones with daylight saving are not )"
                                                             R"(supported."},)"
                                                             R"("max_rows":{"type":"integer","minimum":1,"maximum":1000000,"default":10000,)"
                                                             R"("description":"Buckets listed in the result at most (totals are always complete)."}}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["frequency","timezone","buckets","rows","notes"],)"
    R"("properties":{"frequency":{"type":"string"},"timezone":{"type":"string"},)"
    R"("group_column":{"type":["string","null"]},"groups":{"type":"integer"},)"
    R"("buckets":{"type":"integer"},"empty_buckets":{"type":"integer"},)"
    R"("columns":{"type":"array","items":{"type":"string"}},)"
    R"("rows":{"type":"array","items":{"type":"object","required":["time"],"properties":{)"
    R"("time":{"type":"string"},"group":{"type":["string","null"]},"rows":{"type":"integer"}}}},)"
    R"("truncated":{"type":"boolean"},"input_rows":{"type":"integer"},)"
    R"("dropped":{"type":"object"},)" QUARRY_TS_ORDER_OUT R"(,"notes":)" QUARRY_TS_NOTES R"(}})";

constexpr const char* kDescription =
    "Resample a time series: bucket rows by a time column (1s … 1h … 1D, weeks, months, "
    "quarters, years; UTC or a fixed offset) and aggregate numeric columns per bucket (mean, "
    "sum, min, max, count, first, last, std, OHLC), optionally one series per group — like "
    "pandas df.resample(freq, on=time) / groupby(g).resample(freq). Buckets are [start, next) "
    "labelled by their start; empty buckets in between are listed (count 0). Rows need not be "
    "sorted; unsorted steps, duplicate times and gaps are reported.";

//! The aggregates of one column in one bucket.
struct Cell {
  std::int64_t count = 0;
  CompensatedSum sum;  // of values - shift
  CompensatedSum squares;
  double shift = 0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  double first = std::numeric_limits<double>::quiet_NaN();
  double last = std::numeric_limits<double>::quiet_NaN();

  void add(double x) {
    if (count == 0) {
      shift = x;
      first = x;
    }
    ++count;
    sum.add(x - shift);
    squares.add((x - shift) * (x - shift));
    min = std::min(min, x);
    max = std::max(max, x);
    last = x;
  }
  [[nodiscard]] double total() const {
    return count == 0 ? 0.0 : sum.value() + shift * static_cast<double>(count);
  }
  [[nodiscard]] double mean() const {
    return count == 0 ? std::numeric_limits<double>::quiet_NaN()
                      : shift + sum.value() / static_cast<double>(count);
  }
  [[nodiscard]] double std() const {
    if (count < 2) return std::numeric_limits<double>::quiet_NaN();
    const double n = static_cast<double>(count), d = sum.value();
    const double ss = squares.value() - d * d / n;
    return std::sqrt(std::max(ss, 0.0) / (n - 1));
  }
};

//! One bucket: its rows and a cell per column.
struct Bucket {
  std::int64_t rows = 0;
  std::vector<Cell> cells;
};

class ResampleStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::ordered;

  ResampleStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : budget_(call),
        time_(input, args.get<std::string>("time_column")),
        buckets_(parse_frequency(args.get<std::string>("frequency"), "frequency", true),
                 parse_utc_offset(args.get_or("timezone", "UTC"))),
        aggregations_(args.get_or<std::vector<std::string>>("aggregations", {"mean"})),
        max_rows_(args.get_or<std::int64_t>("max_rows", 10000)),
        timezone_(args.get_or("timezone", "UTC")) {
    for (const auto& name : args.get<std::vector<std::string>>("columns")) {
      columns_.emplace_back(input, name, "columns");
    }
    if (args.has("group_column")) {
      group_ = stats::require_column(input, args.get<std::string>("group_column"),
                                     stats::Need::category, "group_column");
    }
  }

  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    time_.read(chunk, times_);
    values_.resize(columns_.size());
    for (std::size_t c = 0; c < columns_.size(); ++c) columns_[c].read(chunk, values_[c]);
    std::optional<stats::LabelReader> groups;
    if (group_) groups.emplace(chunk, *group_);
    for (std::int64_t r = 0; r < chunk.rows(); ++r) {
      ++input_rows_;
      const auto& t = times_[static_cast<std::size_t>(r)];
      if (!t) {
        ++no_time_;
        continue;
      }
      order_.add(*t);
      std::string key;
      if (groups) {
        if (!groups->valid(r)) {
          ++no_group_;
          continue;
        }
        key = std::string(groups->label(r));
      }
      buckets_.anchor(*t);
      auto [series, added] = series_.try_emplace(key);
      if (added) bytes_ += key.size() + 96;
      auto [it, fresh] = series->second.try_emplace(buckets_.index(*t));
      Bucket& b = it->second;
      if (fresh) {
        b.cells.resize(columns_.size());
        bytes_ += 64 + columns_.size() * sizeof(Cell);
      }
      ++b.rows;
      for (std::size_t c = 0; c < columns_.size(); ++c) {
        const double x = values_[c][static_cast<std::size_t>(r)];
        if (!std::isnan(x)) b.cells[c].add(x);
      }
    }
    check_budget();
  }

  sdk::Result finish(sdk::Call&) {
    time_.check();
    for (const auto& c : columns_) c.check();
    json rows = json::array();
    std::int64_t total = 0, empty = 0;
    for (const auto& [key, series] : series_) {
      if (series.empty()) continue;
      const std::int64_t first = series.begin()->first, last = series.rbegin()->first;
      const std::int64_t span = last - first + 1;
      if (span > kMaxBuckets) {
        throw sdk::Error::invalid_argument(
            "frequency " + buckets_.frequency().text + " makes " + std::to_string(span) +
            " buckets between " + buckets_.label(first) + " and " + buckets_.label(last) +
            (group_ ? " (group '" + key + "')" : std::string()) + ", more than " +
            std::to_string(kMaxBuckets) + "; choose a coarser frequency");
      }
      auto it = series.begin();
      for (std::int64_t i = first; i <= last; ++i) {
        const Bucket* b = nullptr;
        if (it != series.end() && it->first == i) b = &(it++)->second;
        empty += b == nullptr ? 1 : 0;
        if (++total <= max_rows_) rows.push_back(row(key, i, b));
      }
    }
    json notes = json::array();
    for (const auto& c : columns_) {
      if (c.missing() > 0) {
        notes.push_back(std::to_string(c.missing()) + " rows without a usable value in '" +
                        c.ref().name + "' were left out of its aggregates (counted in rows)");
      }
    }
    if (no_time_ > 0) notes.push_back(time_.no_time_note(no_time_));
    if (no_group_ > 0) {
      notes.push_back(std::to_string(no_group_) + " rows with a null group were left out");
    }
    if (total > max_rows_) {
      notes.push_back("only the first " + std::to_string(max_rows_) + " of " +
                      std::to_string(total) +
                      " buckets are listed; raise max_rows or choose a "
                      "coarser frequency");
    }
    const std::string sentence = order_.sentence();
    if (!sentence.empty()) notes.push_back(sentence);
    std::vector<std::string> names;
    for (const auto& c : columns_) names.push_back(c.ref().name);
    json out = {{"frequency", buckets_.frequency().text},
                {"timezone", timezone_},
                {"group_column", group_ ? json(group_->name) : json(nullptr)},
                {"groups", static_cast<std::int64_t>(series_.size())},
                {"buckets", total},
                {"empty_buckets", empty},
                {"columns", names},
                {"rows", rows},
                {"truncated", total > max_rows_},
                {"input_rows", input_rows_},
                {"dropped", {{"no_time", no_time_}, {"no_group", no_group_}}},
                {"time_order",
                 order_.to_json("bucketed by time whatever the row order (first/last follow row "
                                "order within a bucket); duplicates share a bucket; gaps give "
                                "empty buckets (count 0)")},
                {"notes", notes}};
    return sdk::Result::structured(out, render(out));
  }

 private:
  static constexpr std::int64_t kMaxBuckets = 50'000'000;

  json row(const std::string& key, std::int64_t index, const Bucket* b) const {
    json r = {{"time", buckets_.label(index)}};
    if (group_) r["group"] = key;
    r["rows"] = b ? b->rows : 0;
    static const Cell kEmpty;
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const Cell& cell = b ? b->cells[c] : kEmpty;
      const std::string& name = columns_[c].ref().name;
      const bool any = cell.count > 0;
      for (const auto& a : aggregations_) {
        if (a == "mean") r[name + "_mean"] = stats::num(cell.mean());
        if (a == "sum") r[name + "_sum"] = cell.total();
        if (a == "count") r[name + "_count"] = cell.count;
        if (a == "min") r[name + "_min"] = any ? stats::num(cell.min) : json(nullptr);
        if (a == "max") r[name + "_max"] = any ? stats::num(cell.max) : json(nullptr);
        if (a == "first") r[name + "_first"] = stats::num(cell.first);
        if (a == "last") r[name + "_last"] = stats::num(cell.last);
        if (a == "std") r[name + "_std"] = stats::num(cell.std());
        if (a == "ohlc") {
          r[name + "_open"] = stats::num(cell.first);
          r[name + "_high"] = any ? stats::num(cell.max) : json(nullptr);
          r[name + "_low"] = any ? stats::num(cell.min) : json(nullptr);
          r[name + "_close"] = stats::num(cell.last);
        }
      }
    }
    return r;
  }

  void check_budget() const {
    if (bytes_ <= budget_.limit()) return;
    std::int64_t buckets = 0;
    for (const auto& [key, series] : series_) buckets += static_cast<std::int64_t>(series.size());
    throw sdk::Error::out_of_memory(
        "ts_resample keeps one entry per bucket and the " + std::to_string(buckets) +
        " buckets so far (frequency " + buckets_.frequency().text + ", " +
        std::to_string(series_.size()) + " series) need more than " +
        stats::Budget::mib(budget_.limit()) +
        "; choose a coarser frequency, fewer groups or columns, or raise memory.budget_mb");
  }

  std::string render(const json& out) const {
    std::string text = "ts_resample by " + buckets_.frequency().text + " (" + timezone_ +
                       "): " + std::to_string(out["buckets"].get<std::int64_t>()) + " buckets (" +
                       std::to_string(out["empty_buckets"].get<std::int64_t>()) + " empty)" +
                       (group_ ? " in " + std::to_string(series_.size()) + " groups" : "") +
                       " from " + std::to_string(input_rows_) + " rows\n";
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    const std::size_t shown = std::min<std::size_t>(out["rows"].size(), 30);
    for (std::size_t i = 0; i < shown; ++i) {
      const json& r = out["rows"][i];
      if (header.empty()) {
        for (auto it = r.begin(); it != r.end(); ++it) header.push_back(it.key());
      }
      std::vector<std::string> cells;
      for (auto it = r.begin(); it != r.end(); ++it) {
        const json& v = it.value();
        cells.push_back(v.is_string()           ? v.get<std::string>()
                        : v.is_null()           ? "-"
                        : v.is_number_integer() ? std::to_string(v.get<std::int64_t>())
                                                : stats::value_text(v.get<double>()));
      }
      rows.push_back(cells);
    }
    if (!header.empty()) text += sdk::text_table(header, rows);
    if (shown < out["rows"].size() || out["truncated"].get<bool>()) {
      text +=
          "(" +
          std::to_string(out["buckets"].get<std::int64_t>() - static_cast<std::int64_t>(shown)) +
          " more buckets not shown" + ")\n";
    }
    for (const auto& note : out["notes"]) text += "note: " + note.get<std::string>() + "\n";
    return text;
  }

  SeriesBudget budget_;
  TimeColumn time_;
  Bucketing buckets_;
  std::vector<std::string> aggregations_;
  std::int64_t max_rows_;
  std::string timezone_;
  std::vector<ValueColumn> columns_;
  std::optional<stats::ColumnRef> group_;
  std::map<std::string, std::map<std::int64_t, Bucket>> series_;
  std::uint64_t bytes_ = 0;
  OrderCheck order_;
  std::int64_t input_rows_ = 0, no_time_ = 0, no_group_ = 0;
  std::vector<std::optional<std::int64_t>> times_;
  std::vector<std::vector<double>> values_;
};

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(resample, "ts_resample", "Resample", kDescription, kInputSchema,
                            kOutputSchema, QUARRY_TS_ANNOTATIONS, ResampleStage);

}  // namespace quarry::ts
