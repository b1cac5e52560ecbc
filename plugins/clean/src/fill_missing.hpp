#pragma once
//! \file
//! clean_fill_missing: drop rows (pandas dropna) and fill missing values per column —
//! constant, mean, median, mode, forward fill, backward fill, linear interpolation.
//!
//! Two passes (ABI 1.1 FirstPass): FillStats reads the whole input first, in order, and
//! keeps what the fills need before the first row is written — the exact sum for means,
//! the values for exact medians, value counts for modes, and for backward fill and
//! interpolation the next valid value after every run of missing values (so no row is ever
//! held back). FillStage then rewrites the stream in order, carrying the last valid value
//! for forward fill and interpolation.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "detail/budget.hpp"
#include "detail/columns.hpp"
#include "detail/copy.hpp"
#include "detail/exact_sum.hpp"
#include "detail/format.hpp"
#include "detail/missing.hpp"
#include "detail/parse.hpp"
#include "detail/spillable_values.hpp"
#include "quarry/sdk.hpp"

namespace quarry::clean {

//! How one column is filled.
enum class FillMethod { constant, mean, median, mode, ffill, bfill, interpolate };

//! The argument spelling of a method.
inline const char* method_name(FillMethod m) {
  switch (m) {
    case FillMethod::constant:
      return "constant";
    case FillMethod::mean:
      return "mean";
    case FillMethod::median:
      return "median";
    case FillMethod::mode:
      return "mode";
    case FillMethod::ffill:
      return "ffill";
    case FillMethod::bfill:
      return "bfill";
    default:
      return "interpolate";
  }
}

//! One value of a column's type (which member is used follows the column type).
struct Cell {
  double number = 0;         //!< float64 output
  std::int64_t integer = 0;  //!< int64 and timestamp
  std::string text;          //!< utf8
  bool boolean = false;      //!< bool
};

//! The fill of one column: method, input and output types, and the value when it is fixed.
struct FillSpec {
  ColumnRef ref;
  FillMethod method = FillMethod::constant;
  sdk::ColumnType out_type = sdk::ColumnType::other;  //!< float64 when int64 gets fractions
  std::optional<Cell> value;                          //!< constant / mean / median / mode
  json given;                                         //!< the constant as given

  //! True when the fill needs the first pass.
  [[nodiscard]] bool needs_stats() const noexcept {
    return method != FillMethod::constant && method != FillMethod::ffill;
  }
  //! True when the fill computes with numbers (and may write fractions into int64 columns).
  [[nodiscard]] bool needs_numbers() const noexcept {
    return method == FillMethod::mean || method == FillMethod::median ||
           method == FillMethod::interpolate;
  }
};

//! The parsed arguments, shared by both passes.
struct FillPlan {
  std::vector<FillSpec> specs;
  DropRule drop;

  //! Reads "fill" ({column: method | {method, value}}) and "drop" ({how, columns}),
  //! refusing impossible fills (the mean of a text column, a text constant for numbers, …).
  FillPlan(const sdk::Args& args, const sdk::SchemaView& schema) {
    if (args.has("drop")) drop = DropRule(args.get<json>("drop"), schema);
    const json fill = args.get_or<json>("fill", json::object());
    if (!fill.is_object())
      throw sdk::Error::invalid_argument("'fill' must be an object {column: method}");
    if (fill.empty() && !drop.enabled()) {
      throw sdk::Error::invalid_argument(
          "nothing to do: give 'fill' ({\"column\": \"mean\"}, {\"column\": {\"method\": "
          "\"constant\", \"value\": 0}}, …) and/or 'drop' ({\"how\": \"any\"})");
    }
    for (const auto& [name, how] : fill.items()) specs.push_back(parse(name, how, schema));
    std::sort(specs.begin(), specs.end(),
              [](const FillSpec& a, const FillSpec& b) { return a.ref.index < b.ref.index; });
  }

  //! True when some fill needs the first pass.
  [[nodiscard]] bool needs_stats() const {
    return std::any_of(specs.begin(), specs.end(),
                       [](const FillSpec& s) { return s.needs_stats(); });
  }

 private:
  static FillMethod method_of(const std::string& text, const std::string& column) {
    for (FillMethod m :
         {FillMethod::constant, FillMethod::mean, FillMethod::median, FillMethod::mode,
          FillMethod::ffill, FillMethod::bfill, FillMethod::interpolate}) {
      if (text == method_name(m)) return m;
    }
    throw sdk::Error::invalid_argument("fill." + column + ": unknown method \"" + text +
                                       "\"; use constant, mean, median, mode, ffill, bfill or "
                                       "interpolate");
  }

  static FillSpec parse(const std::string& name, const json& how, const sdk::SchemaView& schema) {
    FillSpec s;
    s.ref = require_column(schema, name, "fill");
    if (how.is_string()) {
      s.method = method_of(how.get<std::string>(), name);
    } else if (how.is_object() && how.contains("method")) {
      s.method = method_of(how.at("method").get<std::string>(), name);
      if (how.contains("value")) s.given = how.at("value");
    } else {
      throw sdk::Error::invalid_argument("fill." + name +
                                         " must be a method name or {\"method\": …, \"value\": …}");
    }
    const sdk::ColumnType t = s.ref.type;
    s.out_type = t;
    const bool numeric = is_numeric(t);
    const bool needs_numbers = s.needs_numbers();
    if (needs_numbers && !numeric) {
      throw sdk::Error::invalid_argument(
          "impossible fill: the " + std::string(method_name(s.method)) + " of column '" + name +
          "' (" + std::string(sdk::type_name(t)) +
          ") is undefined; use it on int64/float64 columns, or use constant, mode, ffill or "
          "bfill here");
    }
    if (t == sdk::ColumnType::other) {
      throw sdk::Error::invalid_argument("column '" + name +
                                         "' has a type clean_fill_missing cannot write");
    }
    // pandas holds an integer column with missing values as float64: so do fills that
    // can produce fractions.
    if (t == sdk::ColumnType::int64 && needs_numbers) s.out_type = sdk::ColumnType::float64;
    if (s.method == FillMethod::constant) s.value = constant(s, name);
    return s;
  }

  static Cell constant(FillSpec& s, const std::string& name) {
    const json& v = s.given;
    Cell c;
    auto refuse = [&](const char* want) {
      return sdk::Error::invalid_argument(
          "impossible fill: fill." + name + ".value is " + v.dump() + " but column '" + name +
          "' holds " + std::string(sdk::type_name(s.ref.type)) + "; give " + want);
    };
    if (v.is_null())
      throw sdk::Error::invalid_argument("fill." + name + ": method constant needs a \"value\"");
    switch (s.ref.type) {
      case sdk::ColumnType::int64:
        if (!v.is_number()) throw refuse("a number");
        if (v.is_number_integer()) {
          c.integer = v.get<std::int64_t>();
        } else {
          s.out_type = sdk::ColumnType::float64;  // like pandas: the column becomes float
        }
        c.number = v.get<double>();
        return c;
      case sdk::ColumnType::float64:
        if (!v.is_number()) throw refuse("a number");
        c.number = v.get<double>();
        return c;
      case sdk::ColumnType::boolean:
        if (!v.is_boolean()) throw refuse("true or false");
        c.boolean = v.get<bool>();
        return c;
      case sdk::ColumnType::timestamp: {
        std::int64_t micros = 0;
        if (!v.is_string() || !parse_iso_timestamp(v.get<std::string>(), micros)) {
          throw refuse("an ISO 8601 date or time text such as \"2024-01-31T12:00:00Z\"");
        }
        c.integer = to_unit(micros, s.ref.unit);
        return c;
      }
      default:
        c.text = v.is_string() ? v.get<std::string>() : v.dump();
        return c;
    }
  }

 public:
  //! Microseconds converted to a timestamp column's unit.
  static std::int64_t to_unit(std::int64_t micros, sdk::TimeUnit unit) {
    switch (unit) {
      case sdk::TimeUnit::second:
        return micros / 1000000;
      case sdk::TimeUnit::milli:
        return micros / 1000;
      case sdk::TimeUnit::nano:
        return micros * 1000;
      default:
        return micros;
    }
  }
};

//! The next valid value after each run of missing values of one column (kept-row numbers).
struct RunEnds {
  std::vector<std::int64_t> rows;   //!< row of the first valid value after a run
  std::vector<double> numbers;      //!< its value (numeric columns)
  std::vector<std::int64_t> ints;   //!< … (int64, timestamp)
  std::vector<std::string> texts;   //!< … (utf8)
  std::vector<std::uint8_t> bools;  //!< … (bool)
  std::uint64_t bytes = 0;
};

//! What the first pass keeps for one column.
struct ColumnStats {
  ExactSum sum;
  std::int64_t count = 0;
  SpillableValues values;                               //!< for the median
  std::unordered_map<double, std::int64_t> num_counts;  //!< for modes of float64
  std::unordered_map<std::int64_t, std::int64_t> int_counts;
  std::unordered_map<std::string, std::int64_t> text_counts;
  std::int64_t trues = 0, falses = 0;
  RunEnds runs;
  bool in_run = false;       //!< the last kept row was missing
  std::int64_t missing = 0;  //!< missing values among the kept rows
  std::uint64_t bytes = 0;
};

//! The first pass of clean_fill_missing (ordered, consume-only).
class FillStats {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::ordered;

  //! Parses the same arguments as the fill.
  FillStats(sdk::Call& call, const sdk::Args& args, const sdk::SchemaView& input)
      : plan_(args, input),
        budget_(call, sdk::StageMode::ordered),
        scratch_(call.scratch_directory()),
        stats_(plan_.specs.size()) {}

  //! Reads one chunk in order.
  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    plan_.drop.kept_rows(chunk, kept_);
    for (std::size_t s = 0; s < plan_.specs.size(); ++s) {
      const FillSpec& spec = plan_.specs[s];
      if (!spec.needs_stats()) continue;
      consume_column(spec, chunk.column(spec.ref.index), stats_[s]);
    }
    rows_ += static_cast<std::int64_t>(kept_.size());
    // Past the budget the values for medians move to the scratch directory, if there is one.
    if (bytes_kept() > budget_.limit() && !scratch_.empty()) {
      // Buffers in front of the files: half the budget, shared.
      const std::uint64_t buffer = budget_.limit() / 2 / std::max<std::size_t>(1, stats_.size());
      for (ColumnStats& st : stats_) {
        if (!st.values.empty()) st.values.spill(scratch_, buffer);
      }
    }
    budget_.check(bytes_kept(),
                  "clean_fill_missing's first pass (values for medians, counts for modes, "
                  "run ends for bfill/interpolate)",
                  "fill fewer columns at once");
  }

  //! Fixes the fill values (mean, median, mode).
  void finish(sdk::Call&) {
    for (std::size_t s = 0; s < plan_.specs.size(); ++s) {
      FillSpec& spec = plan_.specs[s];
      ColumnStats& st = stats_[s];
      // An int64 column with nothing to fill stays int64, as in pandas (whose integer columns
      // become float64 only by holding missing values).
      if (spec.ref.type == sdk::ColumnType::int64 && st.missing == 0 && spec.needs_numbers()) {
        spec.out_type = sdk::ColumnType::int64;
      }
      if (spec.method == FillMethod::mean && st.count > 0) {
        Cell c;
        c.number = st.sum.value() / static_cast<double>(st.count);
        spec.value = c;
      } else if (spec.method == FillMethod::median && !st.values.empty()) {
        Cell c;
        c.number = median_by_rank(
            st.values.size(), [&](std::uint64_t k) { return st.values.kth(k, budget_.limit()); });
        spec.value = c;
        st.values.clear();
      } else if (spec.method == FillMethod::mode) {
        spec.value = mode_of(spec, st);
      }
    }
  }

  //! The plan with fill values fixed.
  [[nodiscard]] const FillPlan& plan() const noexcept { return plan_; }
  //! Run ends of spec `s`.
  [[nodiscard]] const RunEnds& runs(std::size_t s) const { return stats_[s].runs; }
  //! Kept rows seen.
  [[nodiscard]] std::int64_t rows() const noexcept { return rows_; }

 private:
  // Bytes of memory the statistics take.
  [[nodiscard]] std::uint64_t bytes_kept() const noexcept {
    std::uint64_t total = 0;
    for (const ColumnStats& st : stats_)
      total += st.bytes + st.runs.bytes + st.values.memory_bytes();
    return total;
  }

  void consume_column(const FillSpec& spec, const sdk::ColumnView& col, ColumnStats& st) {
    const bool want_runs =
        spec.method == FillMethod::bfill || spec.method == FillMethod::interpolate;
    for (std::int64_t k = 0; k < static_cast<std::int64_t>(kept_.size()); ++k) {
      const std::int64_t i = kept_[static_cast<std::size_t>(k)];
      const std::int64_t row = rows_ + k;
      if (is_missing(col, i)) {
        st.in_run = true;
        ++st.missing;
        continue;
      }
      if (want_runs && st.in_run) record_run_end(spec, col, i, row, st.runs);
      st.in_run = false;
      switch (spec.method) {
        case FillMethod::mean:
          st.sum.add(col.number(i).value());
          ++st.count;
          break;
        case FillMethod::median:
          st.values.push_back(*col.number(i));
          break;
        case FillMethod::mode:
          count_mode(spec, col, i, st);
          break;
        default:
          break;
      }
    }
  }

  static void record_run_end(const FillSpec& spec, const sdk::ColumnView& col, std::int64_t i,
                             std::int64_t row, RunEnds& runs) {
    runs.rows.push_back(row);
    runs.bytes += 16;
    switch (spec.ref.type) {
      case sdk::ColumnType::float64:
      case sdk::ColumnType::int64:
        if (spec.out_type == sdk::ColumnType::float64) {
          runs.numbers.push_back(*col.number(i));
        } else {
          runs.ints.push_back(col.int64s()[i]);
        }
        break;
      case sdk::ColumnType::timestamp:
        runs.ints.push_back(col.timestamps()[i]);
        break;
      case sdk::ColumnType::boolean:
        runs.bools.push_back(col.bools()[i] ? 1 : 0);
        break;
      default: {
        const std::string_view s = col.strings()[i];
        runs.texts.emplace_back(s);
        runs.bytes += s.size() + 32;
        break;
      }
    }
  }

  static void count_mode(const FillSpec& spec, const sdk::ColumnView& col, std::int64_t i,
                         ColumnStats& st) {
    switch (spec.ref.type) {
      case sdk::ColumnType::float64: {
        const double x = col.float64s()[i];
        if (st.num_counts[x == 0.0 ? 0.0 : x]++ == 0) st.bytes += 48;
        break;
      }
      case sdk::ColumnType::int64:
        if (st.int_counts[col.int64s()[i]]++ == 0) st.bytes += 48;
        break;
      case sdk::ColumnType::timestamp:
        if (st.int_counts[col.timestamps()[i]]++ == 0) st.bytes += 48;
        break;
      case sdk::ColumnType::boolean:
        (col.bools()[i] ? st.trues : st.falses) += 1;
        break;
      default: {
        const std::string_view s = col.strings()[i];
        auto [it, inserted] = st.text_counts.try_emplace(std::string(s), 0);
        ++it->second;
        if (inserted) st.bytes += s.size() + 64;
        break;
      }
    }
  }

  // pandas' Series.mode()[0]: the most frequent value, the smallest among ties.
  static std::optional<Cell> mode_of(const FillSpec& spec, const ColumnStats& st) {
    Cell c;
    auto best = [](const auto& counts, auto& out) {
      bool found = false;
      std::int64_t top = 0;
      for (const auto& [value, n] : counts) {
        if (!found || n > top || (n == top && value < out)) {
          out = value;
          top = n;
          found = true;
        }
      }
      return found;
    };
    switch (spec.ref.type) {
      case sdk::ColumnType::float64:
        return best(st.num_counts, c.number) ? std::optional(c) : std::nullopt;
      case sdk::ColumnType::int64:
      case sdk::ColumnType::timestamp:
        if (!best(st.int_counts, c.integer)) return std::nullopt;
        c.number = static_cast<double>(c.integer);
        return c;
      case sdk::ColumnType::boolean:
        if (st.trues + st.falses == 0) return std::nullopt;
        c.boolean = st.trues > st.falses;  // a tie gives false, the smaller value
        return c;
      default:
        return best(st.text_counts, c.text) ? std::optional(c) : std::nullopt;
    }
  }

  FillPlan plan_;
  Budget budget_;
  std::string scratch_;  // where values for medians go past the budget; empty: nowhere
  std::vector<ColumnStats> stats_;
  std::vector<std::int64_t> kept_;
  std::int64_t rows_ = 0;
};

//! The main pass of clean_fill_missing (ordered transform).
class FillStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::ordered;
  using FirstPass = FillStats;

  //! Constant and forward fills and dropping need nothing from a first pass.
  static bool needs_first_pass(const sdk::Args& args) {
    const json fill = args.get_or<json>("fill", json::object());
    if (!fill.is_object()) return true;  // the first pass reports the error
    for (const auto& [name, how] : fill.items()) {
      const json method = how.is_object() ? how.value("method", json()) : how;
      if (!method.is_string()) return true;
      const auto text = method.get<std::string>();
      if (text != "constant" && text != "ffill") return true;
    }
    return false;
  }

  //! Opens with the first pass's results.
  FillStage(sdk::Call&, const sdk::Args&, const sdk::SchemaView& input, const FillStats& stats)
      : plan_(stats.plan()), stats_(&stats) {
    init(input);
  }

  //! Opens without a first pass (only constant and ffill fills and dropping, or hosts
  //! before ABI 1.1, where other methods fail naming what the host lacks).
  FillStage(sdk::Call&, const sdk::Args& args, const sdk::SchemaView& input)
      : plan_(args, input), stats_(nullptr) {
    if (plan_.needs_stats()) {
      throw sdk::Error::unsupported(
          "this host cannot run two-pass stages (plugin ABI 1.1), which mean, median, mode, "
          "bfill and interpolate need; use constant or ffill, or update Quarry");
    }
    init(input);
  }

  //! Drops and fills one chunk.
  sdk::OwnedChunk transform(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    plan_.drop.kept_rows(chunk, kept_);
    rows_in_ += chunk.rows();
    const RowSelection sel{plan_.drop.enabled() ? &kept_ : nullptr, chunk.rows()};
    std::size_t s = 0;
    for (std::int64_t c = 0; c < chunk.columns(); ++c) {
      if (s < plan_.specs.size() && plan_.specs[s].ref.index == c) {
        fill_column(s, chunk.column(c), sel);
        ++s;
      } else {
        copy_column(builder_.column(c), chunk.column(c), sel);
      }
    }
    rows_ += sel.size();
    return builder_.finish();
  }

  //! The report: rows dropped, and per column the method, the value and the count filled.
  sdk::Result finish(sdk::Call&) const {
    json columns = json::array();
    std::vector<std::vector<std::string>> table;
    for (std::size_t s = 0; s < plan_.specs.size(); ++s) {
      const FillSpec& spec = plan_.specs[s];
      const Counts& n = counts_[s];
      json c = {{"name", spec.ref.name},
                {"method", method_name(spec.method)},
                {"filled", n.filled},
                {"still_missing", n.left},
                {"type", std::string(sdk::type_name(spec.ref.type))},
                {"output_type", std::string(sdk::type_name(spec.out_type))},
                {"value", value_json(spec)}};
      table.push_back({spec.ref.name, method_name(spec.method),
                       c["value"].is_null() ? "-" : c["value"].dump(), std::to_string(n.filled),
                       std::to_string(n.left)});
      columns.push_back(std::move(c));
    }
    json data = {{"rows_in", rows_in_},
                 {"rows_out", rows_},
                 {"rows_dropped", rows_in_ - rows_},
                 {"drop", drop_},
                 {"columns", columns}};
    std::string text = "clean_fill_missing: " + std::to_string(rows_in_) + " rows in, " +
                       std::to_string(rows_in_ - rows_) + " dropped, " + std::to_string(rows_) +
                       " out\n";
    if (!table.empty()) {
      text += sdk::text_table({"column", "method", "value", "filled", "still missing"}, table);
    }
    return sdk::Result::structured(std::move(data), std::move(text));
  }

 private:
  struct Counts {
    std::int64_t filled = 0;
    std::int64_t left = 0;
  };
  //! What forward fill / interpolation carry across chunks for one column.
  struct Carry {
    bool has = false;
    Cell last;
    std::int64_t last_row = -1;
    std::size_t cursor = 0;  // into the run ends
  };

  // The input schema is borrowed for the constructor only: everything needed later is
  // copied here.
  void init(const sdk::SchemaView& input) {
    counts_.assign(plan_.specs.size(), {});
    carry_.assign(plan_.specs.size(), {});
    drop_ = plan_.drop.enabled() ? plan_.drop.describe(input) : json(nullptr);
    for (const auto& spec : plan_.specs) {
      carries_.push_back(spec.method == FillMethod::ffill ||
                         spec.method == FillMethod::interpolate);
    }
    for (std::int64_t c = 0; c < input.columns(); ++c) {
      const sdk::FieldView f = input.field(c);
      sdk::ColumnType type = f.type();
      for (const auto& spec : plan_.specs) {
        if (spec.ref.index == c) type = spec.out_type;
      }
      builder_.add_like(f, type);
    }
  }

  [[nodiscard]] static json value_json(const FillSpec& spec) {
    if (!spec.value) return nullptr;
    const Cell& v = *spec.value;
    switch (spec.ref.type) {
      case sdk::ColumnType::boolean:
        return v.boolean;
      case sdk::ColumnType::utf8:
        return v.text;
      case sdk::ColumnType::timestamp:
        return sdk::iso8601_text(v.integer, spec.ref.unit);
      case sdk::ColumnType::int64:
        if (spec.out_type == sdk::ColumnType::int64) return v.integer;
        return num(v.number);
      default:
        return num(v.number);
    }
  }

  // The fill value of missing kept row `row` of spec `s`, or nullopt to leave it missing.
  // Advances the run cursor; `carry` holds the last valid value before `row`.
  std::optional<Cell> fill_value(std::size_t s, std::int64_t row, Carry& carry) {
    const FillSpec& spec = plan_.specs[s];
    switch (spec.method) {
      case FillMethod::ffill:
        return carry.has ? std::optional(carry.last) : std::nullopt;
      case FillMethod::bfill:
      case FillMethod::interpolate: {
        const RunEnds& runs = stats_->runs(s);
        while (carry.cursor < runs.rows.size() && runs.rows[carry.cursor] < row) ++carry.cursor;
        if (carry.cursor >= runs.rows.size()) {  // trailing: interpolate repeats the last value
          if (spec.method == FillMethod::interpolate && carry.has) return carry.last;
          return std::nullopt;
        }
        const std::size_t k = carry.cursor;
        Cell next;
        if (!runs.numbers.empty()) next.number = runs.numbers[k];
        if (!runs.ints.empty()) next.integer = runs.ints[k];
        if (!runs.texts.empty()) next.text = runs.texts[k];
        if (!runs.bools.empty()) next.boolean = runs.bools[k] != 0;
        if (spec.method == FillMethod::bfill) return next;
        if (!carry.has) return std::nullopt;  // leading: pandas leaves these missing
        // numpy.interp, which pandas' linear interpolation calls: slope * (x - x0) + y0.
        const double x0 = static_cast<double>(carry.last_row);
        const double x1 = static_cast<double>(runs.rows[k]);
        const double slope = (next.number - carry.last.number) / (x1 - x0);
        Cell out;
        out.number = slope * (static_cast<double>(row) - x0) + carry.last.number;
        return out;
      }
      default:
        return spec.value;
    }
  }

  template <class Builder, class View, class Get, class Put>
  void fill_typed(std::size_t s, Builder& out, const View& in, const sdk::ColumnView& col,
                  const RowSelection& sel, Get get, Put put) {
    Carry& carry = carry_[s];
    Counts& n = counts_[s];
    const bool keep_last = carries_[s];
    const std::int64_t rows = sel.size();
    out.reserve(rows);
    for (std::int64_t k = 0; k < rows; ++k) {
      const std::int64_t i = sel.at(k);
      const std::int64_t row = rows_ + k;
      if (!is_missing(col, i)) {
        const auto value = in[i];
        put(out, value);
        if (keep_last) get(carry.last, value);
        carry.has = true;
        carry.last_row = row;
        continue;
      }
      if (auto v = fill_value(s, row, carry)) {
        put_cell(out, *v);
        ++n.filled;
      } else {
        out.append_null();
        ++n.left;
      }
    }
  }

  static void put_cell(sdk::Int64Builder& b, const Cell& c) { b.append(c.integer); }
  static void put_cell(sdk::TimestampBuilder& b, const Cell& c) { b.append(c.integer); }
  static void put_cell(sdk::Float64Builder& b, const Cell& c) { b.append(c.number); }
  static void put_cell(sdk::BoolBuilder& b, const Cell& c) { b.append(c.boolean); }
  static void put_cell(sdk::StringBuilder& b, const Cell& c) { b.append(c.text); }

  void fill_column(std::size_t s, const sdk::ColumnView& col, const RowSelection& sel) {
    const FillSpec& spec = plan_.specs[s];
    sdk::ColumnBuilder& out = builder_.column(spec.ref.index);
    auto append = [](auto& b, auto v) { b.append(v); };
    switch (spec.ref.type) {
      case sdk::ColumnType::int64:
        if (spec.out_type == sdk::ColumnType::float64) {
          fill_typed(
              s, dynamic_cast<sdk::Float64Builder&>(out), col.int64s(), col, sel,
              [](Cell& c, std::int64_t v) {
                c.number = static_cast<double>(v);
                c.integer = v;
              },
              [](sdk::Float64Builder& b, std::int64_t v) { b.append(static_cast<double>(v)); });
        } else {
          fill_typed(
              s, dynamic_cast<sdk::Int64Builder&>(out), col.int64s(), col, sel,
              [](Cell& c, std::int64_t v) {
                c.integer = v;
                c.number = static_cast<double>(v);
              },
              append);
        }
        return;
      case sdk::ColumnType::float64:
        fill_typed(
            s, dynamic_cast<sdk::Float64Builder&>(out), col.float64s(), col, sel,
            [](Cell& c, double v) { c.number = v; }, append);
        return;
      case sdk::ColumnType::timestamp:
        fill_typed(
            s, dynamic_cast<sdk::TimestampBuilder&>(out), col.timestamps(), col, sel,
            [](Cell& c, std::int64_t v) { c.integer = v; }, append);
        return;
      case sdk::ColumnType::boolean:
        fill_typed(
            s, dynamic_cast<sdk::BoolBuilder&>(out), col.bools(), col, sel,
            [](Cell& c, bool v) { c.boolean = v; }, append);
        return;
      default:
        fill_typed(
            s, dynamic_cast<sdk::StringBuilder&>(out), col.strings(), col, sel,
            [](Cell& c, std::string_view v) { c.text.assign(v); }, append);
        return;
    }
  }

  FillPlan plan_;
  const FillStats* stats_;
  json drop_;                  // the drop rule, for the report
  std::vector<bool> carries_;  // per spec: keeps the last valid value (ffill, interpolate)
  sdk::ChunkBuilder builder_;
  std::vector<Counts> counts_;
  std::vector<Carry> carry_;
  std::vector<std::int64_t> kept_;
  std::int64_t rows_in_ = 0;
  std::int64_t rows_ = 0;  // kept rows written so far
};

}  // namespace quarry::clean
