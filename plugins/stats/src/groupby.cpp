//! \file
//! stats_groupby: per-group count, sum, mean, std, var, min, max, median and percentiles of
//! value columns, grouped by one or more key columns, in one streaming pass.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "detail/budget.hpp"
#include "detail/categories.hpp"
#include "detail/columns.hpp"
#include "detail/format.hpp"
#include "detail/group_keys.hpp"
#include "detail/key_index.hpp"
#include "detail/moments.hpp"
#include "detail/quantiles.hpp"
#include "detail/schema.hpp"
#include "quarry/sdk.hpp"
#include "quarry/sdk/text_table.hpp"

namespace quarry::stats {
namespace {

constexpr const char* kInputSchema =
    R"({"type":"object","x-quarry-reads":["by","values"],"required":["by"],"properties":{)"
    R"("by":{"anyOf":[{"type":"string","minLength":1},{"type":"array","items":{"type":"string"},)"
    R"("minItems":1}],"description":"Key column(s) to group by."},)"
    R"("values":)" QUARRY_STATS_COLUMNS(
        "Value columns to aggregate: names (text is parsed as numbers), or numeric/all. "
        "Default: every numeric column that is not a key.") R"(,)"
                                                            R"("aggregations":{"type":"array","uniqueItems":true,"minItems":1,"items":{"type":"string",)"
                                                            R"("pattern":"^(count|sum|mean|std|var|min|max|median|p(100|[0-9]{1,2})(\\.[0-9]+)?)$"},)"
                                                            R"("default":["count","sum","mean","std","min","max"],"description":"Per value column: )"
                                                            R"(count (non-null values), sum, mean, std and var (ddof=1), min, max, median, or a )"
                                                            R"(percentile pNN such as p90 or p99.9 (these keep the values, so they need memory)."},)"
                                                            R"("dropna":{"type":"boolean","default":true,"description":"Drop rows whose key is null )"
                                                            R"((as pandas); false makes null a group of its own, listed last."},)"
                                                            R"("sort":{"type":"string","enum":["key","rows"],"default":"key","description":"Order )"
                                                            R"(of groups: by key, or by number of rows (largest first)."},)"
                                                            R"("limit":{"type":"integer","minimum":1,"maximum":10000,"default":100,)"
                                                            R"("description":"Groups to return; the total is always reported."},)"
                                                            R"("non_numeric":)" QUARRY_STATS_NON_NUMERIC
                                                            R"(}})";

constexpr const char* kOutputSchema =
    R"({"type":"object","required":["by","values","aggregations","groups","returned",)"
    R"("truncated","columns","rows","notes"],"properties":{)"
    R"("by":{"type":"array","items":{"type":"string"}},)"
    R"("values":{"type":"array","items":{"type":"string"}},)"
    R"("aggregations":{"type":"array","items":{"type":"string"}},)"
    R"("groups":{"type":"integer"},"returned":{"type":"integer"},"truncated":{"type":"boolean"},)"
    R"("columns":{"type":"array","items":{"type":"string"},"description":"Header of rows: the )"
    R"(key columns, rows (group size), then value.aggregation."},)"
    R"("rows":{"type":"array","items":{"type":"array"}},)"
    R"("notes":)" QUARRY_STATS_NOTES R"(}})";

constexpr const char* kDescription =
    "Groups rows by one or more key columns and aggregates value columns per group: count, "
    "sum, mean, std/var (ddof=1), min, max, median and percentiles (pXX), as pandas "
    "DataFrame.groupby(...).agg(...). Results are a table (columns + rows) sorted by key or "
    "by group size, capped at `limit` with the true number of groups. The group table must "
    "fit the memory budget; past it the call fails naming the budget.";

//! One aggregation request.
struct Aggregation {
  std::string name;  // as given
  double q = -1;     // median / percentile fraction, else -1
};

std::vector<Aggregation> parse_aggregations(const std::vector<std::string>& names) {
  static const char* plain[] = {"count", "sum", "mean", "std", "var", "min", "max"};
  std::vector<Aggregation> out;
  for (const auto& name : names) {
    if (std::find(std::begin(plain), std::end(plain), name) != std::end(plain)) {
      out.push_back({name, -1});
    } else if (name == "median") {
      out.push_back({name, 0.5});
    } else if (name.size() > 1 && name[0] == 'p') {
      double pct = -1;
      if (!detail::parse_number(name.substr(1), pct) || !(pct >= 0 && pct <= 100)) {
        throw sdk::Error::invalid_argument("aggregation '" + name + "': use pNN with NN in 0..100");
      }
      out.push_back({name, pct / 100});
    } else {
      throw sdk::Error::invalid_argument(
          "unknown aggregation '" + name +
          "'; use count, sum, mean, std, var, min, max, median or pNN (e.g. p90)");
    }
  }
  return out;
}

//! Aggregates of one value column in one group.
struct Agg {
  RunningMoments moments;
  double sum = 0;         // Neumaier-compensated sum of floats
  double comp = 0;        // its compensation
  std::int64_t isum = 0;  // exact sum of int64 columns
  bool overflow = false;  // isum overflowed: fall back to the float sum
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::int64_t imin = std::numeric_limits<std::int64_t>::max();
  std::int64_t imax = std::numeric_limits<std::int64_t>::min();
  std::vector<double> values;  // for median / percentiles

  void add_float(double x) noexcept {
    const double t = sum + x;
    comp += std::fabs(sum) >= std::fabs(x) ? (sum - t) + x : (x - t) + sum;
    sum = t;
  }
  void add_int(std::int64_t x) noexcept {
    overflow = overflow || __builtin_add_overflow(isum, x, &isum);
    imin = std::min(imin, x);
    imax = std::max(imax, x);
  }
  void merge(Agg& o) {
    moments.merge(o.moments);
    add_float(o.sum);
    add_float(o.comp);
    overflow = overflow || o.overflow || __builtin_add_overflow(isum, o.isum, &isum);
    min = std::min(min, o.min);
    max = std::max(max, o.max);
    imin = std::min(imin, o.imin);
    imax = std::max(imax, o.imax);
    values.insert(values.end(), o.values.begin(), o.values.end());
  }
};

struct Group {
  std::string key;
  std::int64_t rows = 0;
};

class GroupByStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;

  GroupByStage(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : budget_(call),
        aggregations_(parse_aggregations(args.get_or<std::vector<std::string>>(
            "aggregations", {"count", "sum", "mean", "std", "min", "max"}))),
        dropna_(args.get_or("dropna", true)),
        by_rows_(args.get_or("sort", "key") == "rows"),
        limit_(args.get_or<std::int64_t>("limit", 100)),
        skip_non_numeric_(args.get_or("non_numeric", "error") == "skip") {
    const nlohmann::json& by = args.json().at("by");
    const std::vector<std::string> keys = by.is_string()
                                              ? std::vector<std::string>{by.get<std::string>()}
                                              : args.get<std::vector<std::string>>("by");
    for (const auto& name : keys)
      keys_.push_back(require_column(input, name, Need::category, "by"));
    text_key_ = keys_.size() == 1 && keys_[0].type == sdk::ColumnType::utf8;
    select_values(args, input);
    counts_.resize(values_.size());
    for (const auto& a : aggregations_) keep_values_ = keep_values_ || a.q >= 0;
  }

  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    assign_groups(chunk);
    for (std::size_t j = 0; j < values_.size(); ++j) aggregate(chunk, j);
    check_budget();
  }

  void merge(GroupByStage& other, sdk::Call&) {
    for (std::size_t j = 0; j < values_.size(); ++j) counts_[j].merge(other.counts_[j]);
    dropped_ += other.dropped_;
    const std::size_t nv = values_.size();
    for (std::size_t g = 0; g < other.groups_.size(); ++g) {
      const std::uint32_t mine = find_or_add(other.groups_[g].key);
      groups_[mine].rows += other.groups_[g].rows;
      for (std::size_t j = 0; j < nv; ++j) {
        Agg& from = other.aggs_[g * nv + j];
        value_bytes_ += from.values.size() * sizeof(double);
        aggs_[mine * nv + j].merge(from);
      }
    }
    check_budget();
  }

  sdk::Result finish(sdk::Call&) {
    for (std::size_t j = 0; j < values_.size(); ++j) {
      check_numeric(values_[j].name, counts_[j], skip_non_numeric_);
    }
    std::vector<std::uint32_t> order(groups_.size());
    std::iota(order.begin(), order.end(), 0U);
    sort_groups(order);
    const std::size_t returned =
        std::min<std::size_t>(order.size(), static_cast<std::size_t>(limit_));
    json header = json::array(), rows = json::array();
    for (const auto& k : keys_) header.push_back(k.name);
    header.push_back("rows");
    for (const auto& v : values_) {
      for (const auto& a : aggregations_) header.push_back(v.name + "." + a.name);
    }
    std::vector<std::vector<std::string>> text_rows;
    for (std::size_t r = 0; r < returned; ++r) rows.push_back(group_row(order[r], text_rows));
    json out = {{"by", names(keys_)},
                {"values", names(values_)},
                {"aggregations", json::array()},
                {"groups", groups_.size()},
                {"returned", returned},
                {"truncated", returned < groups_.size()},
                {"columns", header},
                {"rows", rows},
                {"notes", notes()}};
    for (const auto& a : aggregations_) out["aggregations"].push_back(a.name);
    return sdk::Result::structured(std::move(out), render(header, text_rows, out));
  }

 private:
  void select_values(const sdk::Args& args, const sdk::SchemaView& input) {
    const bool named = args.has("values") && args.json().at("values").is_array();
    for (auto& ref : select_columns(args, "values", input, "numeric", Need::number)) {
      const bool is_key = std::any_of(keys_.begin(), keys_.end(),
                                      [&](const ColumnRef& k) { return k.index == ref.index; });
      if (!is_key || named) values_.push_back(ref);
    }
    const bool wants_values = std::any_of(aggregations_.begin(), aggregations_.end(),
                                          [](const Aggregation& a) { return a.name != "count"; });
    if (values_.empty() && wants_values) {
      throw sdk::Error::invalid_argument(
          "no value columns to aggregate besides the keys; name them in 'values' (columns: " +
          list_columns(input) + ")");
    }
  }

  //! The hash a group is indexed under: of the text alone when the key is one text column
  //! (so assign_text_groups() can hash rows without encoding them), else of the encoded key.
  [[nodiscard]] std::uint64_t group_hash(std::string_view key) const noexcept {
    if (text_key_ && key.size() >= kTextHeaderBytes && key[0] == key_tag::kText) {
      return KeyIndex::hash(key.substr(kTextHeaderBytes));
    }
    return KeyIndex::hash(key);
  }

  std::uint32_t find_or_add(std::string_view key) {
    const std::uint64_t h = group_hash(key);
    const std::uint32_t found =
        index_.find(key, h, [this](std::uint32_t g) -> std::string_view { return groups_[g].key; });
    return found != KeyIndex::kAbsent ? found : add_group(key, h);
  }

  std::uint32_t add_group(std::string_view key, std::uint64_t h) {
    const auto id = static_cast<std::uint32_t>(groups_.size());
    index_.insert(h, id);
    groups_.push_back({std::string(key), 0});
    aggs_.resize(aggs_.size() + values_.size());
    group_bytes_ +=
        key.size() + KeyIndex::kBytesPerKey + sizeof(Group) + values_.size() * sizeof(Agg);
    return id;
  }

  //! True when the encoded one-column key `key` holds `text`.
  static bool holds_text(const std::string& key, std::string_view text) noexcept {
    return key.size() == text.size() + kTextHeaderBytes && key[0] == key_tag::kText &&
           KeyIndex::same_bytes(std::string_view(key).substr(kTextHeaderBytes), text);
  }

  void assign_groups(const sdk::ChunkView& chunk) {
    if (text_key_) return assign_text_groups(chunk);
    const KeyEncoder encoder(chunk, keys_);
    const std::int64_t rows = chunk.rows();
    gidx_.assign(static_cast<std::size_t>(rows), kNone);
    std::uint32_t last = kNone;
    for (std::int64_t i = 0; i < rows; ++i) {
      const bool complete = encoder.encode(i, key_);
      if (!complete && dropna_) {
        ++dropped_;
        continue;
      }
      if (last == kNone || key_ != last_key_) {
        last = find_or_add(key_);
        last_key_ = key_;
      }
      gidx_[static_cast<std::size_t>(i)] = last;
      ++groups_[last].rows;
    }
  }

  //! assign_groups() for one text key column: rows are hashed and compared as their text.
  void assign_text_groups(const sdk::ChunkView& chunk) {
    const sdk::ColumnView column = chunk.column(keys_[0].index);
    const sdk::StringColumn texts = column.strings();
    const std::int64_t rows = chunk.rows();
    gidx_.assign(static_cast<std::size_t>(rows), kNone);
    for (std::int64_t i = 0; i < rows; ++i) {
      std::uint32_t g = kNone;
      if (!column.is_valid(i)) {
        if (dropna_) {
          ++dropped_;
          continue;
        }
        g = find_or_add(std::string_view(&key_tag::kNull, 1));
      } else {
        const std::string_view text = texts[i];
        const std::uint64_t h = KeyIndex::hash(text);
        g = index_.find_if(h, [&](std::uint32_t id) { return holds_text(groups_[id].key, text); });
        if (g == KeyIndex::kAbsent) {
          key_.clear();
          append_text(key_, text);
          g = add_group(key_, h);
        }
      }
      gidx_[static_cast<std::size_t>(i)] = g;
      ++groups_[g].rows;
    }
  }

  void aggregate(const sdk::ChunkView& chunk, std::size_t j) {
    const sdk::ColumnView column = chunk.column(values_[j].index);
    read_numbers(column, numbers_, counts_[j]);
    const std::size_t nv = values_.size();
    const bool integer = values_[j].type == sdk::ColumnType::int64;
    const auto ints = integer ? std::optional(column.int64s()) : std::nullopt;
    for (std::size_t i = 0; i < numbers_.size(); ++i) {
      const double x = numbers_[i];
      if (gidx_[i] == kNone || std::isnan(x)) continue;
      Agg& a = aggs_[gidx_[i] * nv + j];
      a.moments.add(x);
      a.add_float(x);
      a.min = std::min(a.min, x);
      a.max = std::max(a.max, x);
      if (integer) a.add_int((*ints)[static_cast<std::int64_t>(i)]);
      if (keep_values_) {
        a.values.push_back(x);
        value_bytes_ += sizeof(double);
      }
    }
  }

  void check_budget() const {
    const std::size_t bytes = group_bytes_ + value_bytes_;
    if (bytes <= budget_.limit()) return;
    std::string message = "stats_groupby: " + std::to_string(groups_.size()) + " groups";
    if (value_bytes_ > group_bytes_) {
      message += " and the values kept for median/percentiles need " + Budget::mib(bytes) +
                 ", more than " + budget_.describe() +
                 ". Drop median/pNN (the other aggregations stream), group more coarsely, or "
                 "use stats_describe per group.";
    } else {
      message += " need " + Budget::mib(bytes) + ", more than " + budget_.describe() +
                 ". Group by fewer or coarser columns (too many distinct keys).";
    }
    throw sdk::Error::out_of_memory(message);
  }

  void sort_groups(std::vector<std::uint32_t>& order) const {
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      if (by_rows_ && groups_[a].rows != groups_[b].rows) return groups_[a].rows > groups_[b].rows;
      return key_less(groups_[a].key, groups_[b].key);
    });
  }

  json aggregate_value(Agg& a, std::size_t j, const Aggregation& agg) const {
    const bool integer = values_[j].type == sdk::ColumnType::int64;
    const std::int64_t n = a.moments.count();
    if (agg.name == "count") return n;
    if (agg.name == "sum") {
      if (integer && !a.overflow) return a.isum;
      return num(a.sum + a.comp);
    }
    if (n == 0) return nullptr;
    if (agg.name == "mean") return num(a.moments.mean());
    if (agg.name == "std") return num(std::sqrt(a.moments.variance()));
    if (agg.name == "var") return num(a.moments.variance());
    if (agg.name == "min") return integer ? json(a.imin) : num(a.min);
    if (agg.name == "max") return integer ? json(a.imax) : num(a.max);
    if (a.values.size() != static_cast<std::size_t>(n)) return nullptr;
    std::sort(a.values.begin(), a.values.end());  // idempotent across percentiles
    return num(sorted_quantile(a.values, agg.q));
  }

  json group_row(std::uint32_t g, std::vector<std::vector<std::string>>& text_rows) {
    json row = decode_key(groups_[g].key, keys_);
    row.push_back(groups_[g].rows);
    const std::size_t nv = values_.size();
    for (std::size_t j = 0; j < nv; ++j) {
      for (const auto& agg : aggregations_)
        row.push_back(aggregate_value(aggs_[g * nv + j], j, agg));
    }
    std::vector<std::string> text;
    for (const auto& cell : row) {
      text.push_back(cell.is_string()         ? cell.get<std::string>()
                     : cell.is_number_float() ? short_text(cell.get<double>())
                     : cell.is_null()         ? std::string("null")
                                              : cell.dump());
    }
    text_rows.push_back(std::move(text));
    return row;
  }

  json notes() const {
    json out = json::array();
    if (dropped_ > 0 && dropna_) {
      out.push_back(std::to_string(dropped_) +
                    " rows with a null key were dropped (pass \"dropna\": false to keep them as "
                    "a group)");
    }
    for (std::size_t j = 0; j < values_.size(); ++j) {
      const std::string inf = infinity_note(values_[j].name, counts_[j]);
      if (!inf.empty()) out.push_back(inf);
      if (counts_[j].non_numeric > 0) {
        out.push_back("column '" + values_[j].name +
                      "': " + std::to_string(counts_[j].non_numeric) +
                      " text values that are not numbers were left out");
      }
    }
    return out;
  }

  std::string render(const json& header, const std::vector<std::vector<std::string>>& rows,
                     const json& out) const {
    std::vector<std::string> head;
    for (const auto& h : header) head.push_back(h.get<std::string>());
    std::string text = "stats_groupby: " + std::to_string(groups_.size()) + " groups";
    if (out["truncated"].get<bool>()) text += " (first " + std::to_string(rows.size()) + " shown)";
    text += "\n" + sdk::text_table(head, rows);
    for (const auto& note : out["notes"]) text += "note: " + note.get<std::string>() + "\n";
    return text;
  }

  static json names(const std::vector<ColumnRef>& refs) {
    json out = json::array();
    for (const auto& r : refs) out.push_back(r.name);
    return out;
  }

  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

  Budget budget_;
  std::vector<Aggregation> aggregations_;
  bool dropna_;
  bool by_rows_;
  std::int64_t limit_;
  bool skip_non_numeric_;
  bool keep_values_ = false;
  //! The key is one text column (assign_text_groups()).
  bool text_key_ = false;
  std::vector<ColumnRef> keys_;
  std::vector<ColumnRef> values_;
  std::vector<ValueCounts> counts_;
  KeyIndex index_;
  std::vector<Group> groups_;
  std::vector<Agg> aggs_;  // groups_.size() x values_.size(), row-major
  std::int64_t dropped_ = 0;
  std::size_t group_bytes_ = 0;
  std::size_t value_bytes_ = 0;
  // Scratch.
  std::vector<std::uint32_t> gidx_;
  std::vector<double> numbers_;
  std::string key_, last_key_;
};

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(groupby, "stats_groupby", "Group and aggregate", kDescription,
                            kInputSchema, kOutputSchema, QUARRY_STATS_ANNOTATIONS, GroupByStage);

}  // namespace quarry::stats
