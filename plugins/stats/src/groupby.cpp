//! \file
//! stats_groupby: per-group count, nunique, first, last, sum, mean, std, var, min, max,
//! median and percentiles of value columns, grouped by one or more key columns, in one
//! streaming pass.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <numeric>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "detail/budget.hpp"
#include "detail/categories.hpp"
#include "detail/columns.hpp"
#include "detail/distinct_pairs.hpp"
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
        "Value columns to aggregate: names, or numeric/string/all. Text columns give count, "
        "nunique, first and last as text; the other aggregations parse them as numbers. "
        "Default: every numeric column that is not a key.") R"(,)"
                                                            R"("aggregations":{"type":"array","uniqueItems":true,"minItems":1,"items":{"type":"string",)"
                                                            R"("pattern":"^(count|nunique|first|last|sum|mean|std|var|min|max|median|)"
                                                            R"(p(100|[0-9]{1,2})(\\.[0-9]+)?)$"},)"
                                                            R"("default":["count","sum","mean","std","min","max"],"description":"Per value column: )"
                                                            R"(count (non-null values), nunique (distinct non-null values), first and last (the )"
                                                            R"(first / last non-null value in file order), sum, mean, std and var (ddof=1), min, max, )"
                                                            R"(median, or a percentile pNN such as p90 or p99.9. count, nunique, first and last also )"
                                                            R"(work on text columns. median, pNN and nunique keep values, so they need memory."},)"
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
    R"("rows":{"type":"array","items":{"type":"array","items":{"type":["string","number",)"
    R"("integer","boolean","null"]}},"description":"One row per group: the keys, the group )"
    R"(size, then each value.aggregation (first/last of a text column are text; null where )"
    R"(a group has no values)."},)"
    R"("notes":)" QUARRY_STATS_NOTES R"(}})";

constexpr const char* kDescription =
    "Groups rows by one or more key columns and aggregates value columns per group: count, "
    "nunique, first, last, sum, mean, std/var (ddof=1), min, max, median and percentiles "
    "(pXX), as pandas DataFrame.groupby(...).agg(...). count, nunique, first and last also "
    "work on text columns. Results are a table (columns + rows) sorted by key or by group "
    "size, capped at `limit` with the true number of groups. The group table (and the "
    "values kept for median/pXX/nunique) must fit the memory budget; past it the call fails "
    "naming the budget.";

//! What an aggregation computes.
enum class AggKind { count, nunique, first, last, sum, mean, std, var, min, max, quantile };

//! One aggregation request.
struct Aggregation {
  std::string name;  //!< as given
  AggKind kind = AggKind::count;
  double q = -1;  //!< median / percentile fraction, else -1

  //! count, nunique, first and last take a text column's texts as they are.
  [[nodiscard]] bool works_on_text() const noexcept {
    return kind == AggKind::count || kind == AggKind::nunique || kind == AggKind::first ||
           kind == AggKind::last;
  }
};

//! "count, nunique, first or last": the aggregations that work on text, for messages.
constexpr const char* kTextAggregations = "count, nunique, first or last";

std::vector<Aggregation> parse_aggregations(const std::vector<std::string>& names) {
  static const std::pair<const char*, AggKind> plain[] = {
      {"count", AggKind::count}, {"nunique", AggKind::nunique}, {"first", AggKind::first},
      {"last", AggKind::last},   {"sum", AggKind::sum},         {"mean", AggKind::mean},
      {"std", AggKind::std},     {"var", AggKind::var},         {"min", AggKind::min},
      {"max", AggKind::max}};
  std::vector<Aggregation> out;
  for (const auto& name : names) {
    const auto* it = std::find_if(std::begin(plain), std::end(plain),
                                  [&](const auto& p) { return name == p.first; });
    if (it != std::end(plain)) {
      out.push_back({name, it->second, -1});
    } else if (name == "median") {
      out.push_back({name, AggKind::quantile, 0.5});
    } else if (name.size() > 1 && name[0] == 'p') {
      double pct = -1;
      if (!detail::parse_number(name.substr(1), pct) || !(pct >= 0 && pct <= 100)) {
        throw sdk::Error::invalid_argument("aggregation '" + name + "': use pNN with NN in 0..100");
      }
      out.push_back({name, AggKind::quantile, pct / 100});
    } else {
      throw sdk::Error::invalid_argument(
          "unknown aggregation '" + name +
          "'; use count, nunique, first, last, sum, mean, std, var, min, max, median or pNN "
          "(e.g. p90)");
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
  std::int64_t cells = 0;      // non-null cells of a text column (its count)
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
    cells += o.cells;
    values.insert(values.end(), o.values.begin(), o.values.end());
  }
};

//! One value as first/last keep it: a text, an exact int64, or a double (floats and bools).
struct Cell {
  double number = 0;
  std::int64_t integer = 0;
  std::string text;
};

//! The first and last non-null value of one value column in one group, in file order.
struct Ends {
  bool seen = false;
  Cell first, last;
};

struct Group {
  std::string key;
  std::int64_t rows = 0;
};

//! stats_groupby's state. first/last rely on the host's merge order: a mergeable stage's
//! states are merged in the order of the chunks they hold (plugin.h), so in merge() every row
//! of `other` comes after every row of this state.
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
    for (const auto& a : aggregations_) {
      keep_values_ = keep_values_ || a.q >= 0;
      wants_numbers_ = wants_numbers_ || !a.works_on_text();
      wants_ends_ = wants_ends_ || a.kind == AggKind::first || a.kind == AggKind::last;
      wants_distinct_ = wants_distinct_ || a.kind == AggKind::nunique;
    }
    select_values(args, input);
    counts_.resize(values_.size());
    if (wants_distinct_) distinct_.resize(values_.size());
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
    std::vector<std::uint32_t> mine_of(other.groups_.size());
    for (std::size_t g = 0; g < other.groups_.size(); ++g) {
      const std::uint32_t mine = find_or_add(other.groups_[g].key);
      mine_of[g] = mine;
      groups_[mine].rows += other.groups_[g].rows;
      for (std::size_t j = 0; j < nv; ++j) {
        Agg& from = other.aggs_[g * nv + j];
        value_bytes_ += from.values.size() * sizeof(double);
        aggs_[mine * nv + j].merge(from);
        if (wants_ends_) merge_ends(ends_[mine * nv + j], other.ends_[g * nv + j]);
      }
    }
    for (std::size_t j = 0; j < distinct_.size(); ++j) {
      distinct_[j].merge(other.distinct_[j], [&](std::uint32_t g) { return mine_of[g]; });
    }
    check_budget();
  }

  sdk::Result finish(sdk::Call&) {
    for (std::size_t j = 0; j < values_.size(); ++j) {
      if (!text_[j] || wants_numbers_) check_numbers(j);
    }
    for (const auto& pairs : distinct_) nunique_.push_back(pairs.counts(groups_.size()));
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
    const bool text_only = std::all_of(aggregations_.begin(), aggregations_.end(),
                                       [](const Aggregation& a) { return a.works_on_text(); });
    std::vector<ColumnRef> chosen;
    if (text_only && args.has("values") && args.json().at("values") == "all") {
      // Every column these aggregations read: numbers, booleans and text.
      for (std::int64_t i = 0; i < input.columns(); ++i) {
        const sdk::ColumnType type = input.field(i).type();
        if (type == sdk::ColumnType::int64 || type == sdk::ColumnType::float64 ||
            type == sdk::ColumnType::boolean || type == sdk::ColumnType::utf8) {
          chosen.push_back(detail::make_ref(input, i));
        }
      }
    } else {
      chosen = select_columns(args, "values", input, "numeric", Need::number);
    }
    for (auto& ref : chosen) {
      const bool is_key = std::any_of(keys_.begin(), keys_.end(),
                                      [&](const ColumnRef& k) { return k.index == ref.index; });
      if (is_key && !named) continue;
      text_.push_back(ref.type == sdk::ColumnType::utf8);
      values_.push_back(ref);
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
    if (wants_ends_) ends_.resize(ends_.size() + values_.size());
    group_bytes_ += key.size() + KeyIndex::kBytesPerKey + sizeof(Group) +
                    values_.size() * (sizeof(Agg) + (wants_ends_ ? sizeof(Ends) : 0));
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
    if (text_[j]) aggregate_texts(column, j);
    if (!text_[j] || wants_numbers_) aggregate_numbers(column, j);
  }

  //! count, nunique, first and last of a text column: its texts as they are.
  void aggregate_texts(const sdk::ColumnView& column, std::size_t j) {
    const sdk::StringColumn texts = column.strings();
    const std::size_t nv = values_.size();
    for (std::size_t i = 0; i < gidx_.size(); ++i) {
      const auto row = static_cast<std::int64_t>(i);
      if (gidx_[i] == kNone || !column.is_valid(row)) continue;
      const std::string_view text = texts[row];
      ++aggs_[gidx_[i] * nv + j].cells;
      if (wants_distinct_) distinct_[j].add(gidx_[i], text);
      if (wants_ends_) note_text(ends_[gidx_[i] * nv + j], text);
    }
  }

  //! The numeric aggregations (and, of a column of numbers, nunique, first and last).
  void aggregate_numbers(const sdk::ColumnView& column, std::size_t j) {
    read_numbers(column, numbers_, counts_[j]);
    const std::size_t nv = values_.size();
    const bool integer = values_[j].type == sdk::ColumnType::int64;
    const bool as_values = !text_[j] && (wants_distinct_ || wants_ends_);
    const auto ints = integer ? std::optional(column.int64s()) : std::nullopt;
    for (std::size_t i = 0; i < numbers_.size(); ++i) {
      const double x = numbers_[i];
      if (gidx_[i] == kNone || std::isnan(x)) continue;
      Agg& a = aggs_[gidx_[i] * nv + j];
      a.moments.add(x);
      a.add_float(x);
      a.min = std::min(a.min, x);
      a.max = std::max(a.max, x);
      const std::int64_t exact = integer ? (*ints)[static_cast<std::int64_t>(i)] : 0;
      if (integer) a.add_int(exact);
      if (keep_values_) {
        a.values.push_back(x);
        value_bytes_ += sizeof(double);
      }
      if (as_values) note_number(gidx_[i], j, x, exact);
    }
  }

  //! nunique, first and last of one value of a column of numbers.
  void note_number(std::uint32_t g, std::size_t j, double x, std::int64_t exact) {
    if (wants_distinct_) {
      // int64 columns by their exact value (doubles merge integers past 2^53); -0 is 0.
      char bytes[sizeof(double)];
      const double canonical = x == 0 ? 0.0 : x;
      if (values_[j].type == sdk::ColumnType::int64) {
        std::memcpy(bytes, &exact, sizeof bytes);
      } else {
        std::memcpy(bytes, &canonical, sizeof bytes);
      }
      distinct_[j].add(g, std::string_view(bytes, sizeof bytes));
    }
    if (wants_ends_) {
      Ends& e = ends_[g * values_.size() + j];
      if (!e.seen) e.first = Cell{x, exact, {}};
      e.last = Cell{x, exact, {}};
      e.seen = true;
    }
  }

  void note_text(Ends& e, std::string_view text) {
    if (!e.seen) {
      e.first.text.assign(text);
      ends_bytes_ += text.size();
      e.seen = true;
    }
    ends_bytes_ -= e.last.text.size();
    e.last.text.assign(text);
    ends_bytes_ += text.size();
  }

  //! Folds `from` (rows after this state's) into `into`: the first stays, the last moves on.
  void merge_ends(Ends& into, Ends& from) {
    if (!from.seen) return;
    if (!into.seen) {
      ends_bytes_ += from.first.text.size();
      into.first = std::move(from.first);
      into.seen = true;
    }
    ends_bytes_ = ends_bytes_ - into.last.text.size() + from.last.text.size();
    into.last = std::move(from.last);
  }

  //! Fails when a column read as numbers held text that is not a number (see check_numeric);
  //! for a text column, says which aggregations work on its text.
  void check_numbers(std::size_t j) const {
    if (!text_[j]) return check_numeric(values_[j].name, counts_[j], skip_non_numeric_);
    try {
      check_numeric(values_[j].name, counts_[j], skip_non_numeric_);
    } catch (const sdk::Error& e) {
      std::string numeric;
      for (const auto& a : aggregations_) {
        if (!a.works_on_text()) numeric += (numeric.empty() ? "" : ", ") + a.name;
      }
      throw sdk::Error::invalid_argument(std::string(e.what()) + ". Of the aggregations asked, " +
                                         numeric + " need numbers; " + kTextAggregations +
                                         " take a text column's values as they are");
    }
  }

  [[nodiscard]] std::size_t distinct_bytes() const noexcept {
    std::size_t bytes = 0;
    for (const auto& pairs : distinct_) bytes += pairs.bytes();
    return bytes;
  }

  void check_budget() const {
    const std::size_t distinct = distinct_bytes();
    const std::size_t bytes = group_bytes_ + value_bytes_ + distinct + ends_bytes_;
    if (bytes <= budget_.limit()) return;
    std::string message = "stats_groupby: " + std::to_string(groups_.size()) + " groups";
    if (distinct > value_bytes_ && distinct > group_bytes_ + ends_bytes_) {
      std::size_t pairs = 0;
      for (const auto& d : distinct_) pairs += d.size();
      message += " and the " + std::to_string(pairs) +
                 " distinct (group, value) pairs kept for nunique need " + Budget::mib(bytes) +
                 ", more than " + budget_.describe() +
                 ". Drop nunique (the other aggregations stream), count the distinct values of "
                 "fewer columns, or group more coarsely.";
    } else if (value_bytes_ > group_bytes_ + ends_bytes_) {
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

  //! A first/last value as JSON: text, an exact integer, a boolean or a number.
  [[nodiscard]] json cell_json(const Cell& cell, std::size_t j) const {
    if (text_[j]) return cell.text;
    switch (values_[j].type) {
      case sdk::ColumnType::int64:
        return cell.integer;
      case sdk::ColumnType::boolean:
        return cell.number != 0;
      default:
        return num(cell.number);
    }
  }

  json aggregate_value(std::uint32_t g, std::size_t j, const Aggregation& agg) {
    const std::size_t at = g * values_.size() + j;
    switch (agg.kind) {
      case AggKind::count:
        return text_[j] ? aggs_[at].cells : aggs_[at].moments.count();
      case AggKind::nunique:
        return nunique_[j][g];
      case AggKind::first:
      case AggKind::last:
        if (!ends_[at].seen) return nullptr;
        return cell_json(agg.kind == AggKind::first ? ends_[at].first : ends_[at].last, j);
      default:
        return numeric_value(aggs_[at], j, agg);
    }
  }

  json numeric_value(Agg& a, std::size_t j, const Aggregation& agg) const {
    const bool integer = values_[j].type == sdk::ColumnType::int64;
    const std::int64_t n = a.moments.count();
    if (agg.kind == AggKind::sum) {
      if (integer && !a.overflow) return a.isum;
      return num(a.sum + a.comp);
    }
    if (n == 0) return nullptr;
    switch (agg.kind) {
      case AggKind::mean:
        return num(a.moments.mean());
      case AggKind::std:
        return num(std::sqrt(a.moments.variance()));
      case AggKind::var:
        return num(a.moments.variance());
      case AggKind::min:
        return integer ? json(a.imin) : num(a.min);
      case AggKind::max:
        return integer ? json(a.imax) : num(a.max);
      default:
        break;
    }
    if (a.values.size() != static_cast<std::size_t>(n)) return nullptr;
    std::sort(a.values.begin(), a.values.end());  // idempotent across percentiles
    return num(sorted_quantile(a.values, agg.q));
  }

  json group_row(std::uint32_t g, std::vector<std::vector<std::string>>& text_rows) {
    json row = decode_key(groups_[g].key, keys_);
    row.push_back(groups_[g].rows);
    for (std::size_t j = 0; j < values_.size(); ++j) {
      for (const auto& agg : aggregations_) row.push_back(aggregate_value(g, j, agg));
    }
    std::vector<std::string> text;
    for (const auto& cell : row) {
      text.push_back(cell.is_string()         ? clip_text(cell.get<std::string>(), 60)
                     : cell.is_number_float() ? value_text(cell.get<double>())
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
                      " text values that are not numbers were left out of the numeric "
                      "aggregations" +
                      (text_[j] ? " (count, nunique, first and last take every text)" : ""));
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
  bool keep_values_ = false;     // median / pNN asked for
  bool wants_numbers_ = false;   // an aggregation that needs numbers asked for
  bool wants_ends_ = false;      // first / last asked for
  bool wants_distinct_ = false;  // nunique asked for
  //! The key is one text column (assign_text_groups()).
  bool text_key_ = false;
  std::vector<ColumnRef> keys_;
  std::vector<ColumnRef> values_;
  std::vector<bool> text_;  // per value column: text (count/nunique/first/last take the texts)
  std::vector<ValueCounts> counts_;
  KeyIndex index_;
  std::vector<Group> groups_;
  std::vector<Agg> aggs_;                           // groups_.size() x values_.size(), row-major
  std::vector<Ends> ends_;                          // the same shape, when first/last are asked for
  std::vector<DistinctPairs> distinct_;             // per value column, when nunique is asked for
  std::vector<std::vector<std::int64_t>> nunique_;  // per value column and group (finish)
  std::int64_t dropped_ = 0;
  std::size_t group_bytes_ = 0;
  std::size_t value_bytes_ = 0;
  std::size_t ends_bytes_ = 0;  // text held by first/last
  // Scratch.
  std::vector<std::uint32_t> gidx_;
  std::vector<double> numbers_;
  std::string key_, last_key_;
};

}  // namespace

QUARRY_STAGE_TOOL_ANNOTATED(groupby, "stats_groupby", "Group and aggregate", kDescription,
                            kInputSchema, kOutputSchema, QUARRY_STATS_ANNOTATIONS, GroupByStage);

}  // namespace quarry::stats
