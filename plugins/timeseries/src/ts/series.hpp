#pragma once
//! \file
//! Reading the value column of a series, and holding a whole series in memory within the
//! call's memory budget (for the tools that need every value at once: decomposition,
//! stationarity tests, forecasts, residual anomalies).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "detail/budget.hpp"
#include "detail/columns.hpp"
#include "quarry/sdk.hpp"
#include "ts/order.hpp"
#include "ts/slots.hpp"
#include "ts/time.hpp"

namespace quarry::ts {

//! The numeric value column of a tool, read chunk by chunk into doubles (NaN = missing).
class ValueColumn {
 public:
  //! Column `name` of `schema` (argument `role`), which must be readable as numbers.
  ValueColumn(const sdk::SchemaView& schema, const std::string& name,
              std::string_view role = "column")
      : ref_(stats::require_column(schema, name, stats::Need::number, role)) {}

  //! Reads the rows of `chunk` into `out`: the value, or NaN when null, NaN, infinite or text
  //! that is not a number (counted).
  void read(const sdk::ChunkView& chunk, std::vector<double>& out) {
    stats::read_numbers(chunk.column(ref_.index), out, counts_);
  }

  //! Fails naming the column when text held non-numbers.
  void check() const { stats::check_numeric(ref_.name, counts_, /*skip=*/false); }

  //! The column.
  [[nodiscard]] const stats::ColumnRef& ref() const noexcept { return ref_; }
  //! What was read: rows, nulls, NaN, infinities, non-numbers.
  [[nodiscard]] const stats::ValueCounts& counts() const noexcept { return counts_; }
  //! Rows without a usable value.
  [[nodiscard]] std::int64_t missing() const noexcept { return counts_.rows - counts_.usable(); }

 private:
  stats::ColumnRef ref_;
  stats::ValueCounts counts_;
};

//! A column whose values name groups (ts_rolling's group_column): text, integers, booleans,
//! timestamps or floats, each value read as its label.
class GroupColumn {
 public:
  //! Column `name` of `schema`.
  GroupColumn(const sdk::SchemaView& schema, const std::string& name)
      : ref_(stats::require_column(schema, name, stats::Need::category, "group_column")) {}

  //! A reader of `chunk`'s labels in this column (valid(i), label(i)).
  [[nodiscard]] stats::LabelReader reader(const sdk::ChunkView& chunk) const {
    return stats::LabelReader(chunk, ref_);
  }

  //! The column's name.
  [[nodiscard]] const std::string& name() const noexcept { return ref_.name; }

 private:
  stats::ColumnRef ref_;
};

//! The memory a whole-series tool may keep: half of the call's budget (one serial state;
//! the host's chunks in flight use the rest), 512 MiB when the host sets none.
class SeriesBudget {
 public:
  //! The limit used when the host gives no budget.
  static constexpr std::uint64_t kUnbudgeted = 512ULL << 20;

  //! The budget of `call`.
  explicit SeriesBudget(const sdk::Call& call) : total_(call.memory_budget_bytes()) {}

  //! Bytes the state may keep.
  [[nodiscard]] std::uint64_t limit() const noexcept {
    return total_ > 0 ? total_ / 2 : kUnbudgeted;
  }

  //! Throws Error::out_of_memory when `bytes` exceed the limit, naming the budget, the rows
  //! held and what to do.
  void check(std::uint64_t bytes, std::int64_t rows, const std::string& tool) const {
    if (bytes <= limit()) return;
    throw sdk::Error::out_of_memory(
        tool + " holds the whole series in memory and it does not fit: " + std::to_string(rows) +
        " rows need more than " + stats::Budget::mib(limit()) +
        (total_ > 0 ? " (half of this call's " + stats::Budget::mib(total_) + " memory budget)"
                    : " (the timeseries plugin's limit without a budget)") +
        ". Resample the series first (ts_resample to a coarser frequency), or raise "
        "memory.budget_mb");
  }

 private:
  std::uint64_t total_;
};

//! A whole series held in memory: values in row order and, with a time column, their
//! timestamps (optionally their input row numbers); plus what was dropped and the time order
//! seen. prepare() drops the missing values; prepare_slots() makes equally spaced slots of
//! them instead (ts/slots.hpp).
class SeriesStore {
 public:
  //! A store for `tool` (named in messages) of column `value` and optional time column.
  SeriesStore(const sdk::Call& call, const sdk::SchemaView& schema, const std::string& tool,
              const std::string& value, const std::optional<std::string>& time,
              bool keep_rows = false)
      : budget_(call), tool_(tool), value_(schema, value), keep_rows_(keep_rows) {
    if (time) time_.emplace(schema, *time);
  }

  //! Appends the rows of `chunk` (rows without a usable value too, as NaN: prepare() drops
  //! them, prepare_slots() fills them).
  void add(const sdk::ChunkView& chunk) {
    value_.read(chunk, scratch_);
    if (time_) time_->read(chunk, times_scratch_);
    for (std::size_t i = 0; i < scratch_.size(); ++i) {
      if (time_) {
        const auto& t = times_scratch_[i];
        if (!t) {
          ++no_time_;
          continue;
        }
        order_.add(*t);
        times_.push_back(*t);
      }
      values_.push_back(scratch_[i]);
      if (keep_rows_) rows_.push_back(next_row_ + static_cast<std::int64_t>(i));
    }
    next_row_ += static_cast<std::int64_t>(scratch_.size());
    budget_.check((values_.capacity() + times_.capacity() + rows_.capacity()) * 8,
                  static_cast<std::int64_t>(values_.size()), tool_);
  }

  //! Fails on non-numeric text or unparseable timestamps.
  void check() const {
    value_.check();
    if (time_) time_->check();
  }

  //! Readies the whole series for analysis: fails like check(), sorts the rows by time when
  //! they were not in order, drops the rows without a usable value, and returns the notes()
  //! plus one saying it sorted.
  [[nodiscard]] json prepare() {
    check();
    json out = notes();
    if (sort_by_time()) out.push_back("rows were sorted by time (stable) first");
    drop_missing();
    return out;
  }

  //! Readies the series as equally spaced slots (for models that count a season in steps):
  //! like prepare(), but values are placed by time when the time column is regular (a skipped
  //! timestamp is an empty slot), missing values stay empty slots, empty slots at the ends are
  //! left out and the others are filled by linear interpolation (filling()). Fails when more
  //! than half the slots would be filled. Returns the notes.
  [[nodiscard]] json prepare_slots() {
    check();
    json out = json::array();
    if (no_time_ > 0) out.push_back(no_time_note());
    const std::string order = order_.sentence();
    if (!order.empty()) out.push_back(order);
    if (sort_by_time()) out.push_back("rows were sorted by time (stable) first");
    if (time_) place_on_time_grid();
    if (!fill_.placement.empty() && !fill_.step) out.push_back(fill_.placement);
    trim_missing_ends();
    fill_slots();
    const std::string filled = fill_.note();
    if (!filled.empty()) out.push_back(filled);
    return out;
  }

  //! Fails when prepare_slots() filled a run of more than `period` consecutive slots (a whole
  //! season would be invented), naming where and what to do; `what` names the period's role.
  void require_gaps_within(std::int64_t period, const std::string& what) const {
    if (fill_.longest_run <= period) return;
    const auto first = static_cast<std::size_t>(fill_.longest_run_start);
    const std::size_t last = first + static_cast<std::size_t>(fill_.longest_run) - 1;
    const std::string where =
        timed() ? "from " + iso_text(times_[first]) + " to " + iso_text(times_[last])
                : "at slots " + std::to_string(first) + ".." + std::to_string(last);
    throw sdk::Error::invalid_argument(
        tool_ + ": column '" + value_.ref().name + "' has a gap of " +
        std::to_string(fill_.longest_run) + " consecutive missing values or timestamps (" + where +
        "), longer than " + what + " (" + std::to_string(period) +
        "): interpolating it would invent a whole season. Analyse the rows on one side of the "
        "gap (where: \"time < '…'\" or \"time > '…'\"), or resample to a coarser frequency "
        "(ts_resample)");
  }

  //! Sorts the rows by time (stable) when they were not in order; true when it did.
  bool sort_by_time() {
    if (!time_ || order_.unsorted() == 0) return false;
    std::vector<std::size_t> index(values_.size());
    for (std::size_t i = 0; i < index.size(); ++i) index[i] = i;
    std::stable_sort(index.begin(), index.end(),
                     [&](std::size_t a, std::size_t b) { return times_[a] < times_[b]; });
    std::vector<double> v(values_.size());
    std::vector<std::int64_t> t(times_.size());
    for (std::size_t i = 0; i < index.size(); ++i) {
      v[i] = values_[index[i]];
      t[i] = times_[index[i]];
    }
    values_.swap(v);
    times_.swap(t);
    if (keep_rows_) {
      std::vector<std::int64_t> r(rows_.size());
      for (std::size_t i = 0; i < index.size(); ++i) r[i] = rows_[index[i]];
      rows_.swap(r);
    }
    return true;
  }

  //! The values: after prepare() the usable ones; after prepare_slots() one per slot.
  [[nodiscard]] const std::vector<double>& values() const noexcept { return values_; }
  //! Their timestamps (empty without a time column).
  [[nodiscard]] const std::vector<std::int64_t>& times() const noexcept { return times_; }
  //! The 0-based input row number of each value, -1 for a slot without a row (empty unless
  //! asked for by the constructor).
  [[nodiscard]] const std::vector<std::int64_t>& rows() const noexcept { return rows_; }
  //! True for a slot prepare_slots() filled by interpolation.
  [[nodiscard]] bool filled(std::size_t i) const noexcept { return !filled_.empty() && filled_[i]; }
  //! What prepare_slots() did.
  [[nodiscard]] const SlotFill& filling() const noexcept { return fill_; }
  //! True with a time column.
  [[nodiscard]] bool timed() const noexcept { return time_.has_value(); }
  //! The value column.
  [[nodiscard]] const ValueColumn& value() const noexcept { return value_; }
  //! Order and spacing of the time column.
  [[nodiscard]] const OrderCheck& order() const noexcept { return order_; }
  //! Rows dropped for a missing time.
  [[nodiscard]] std::int64_t no_time() const noexcept { return no_time_; }

  //! Notes on what was dropped ("" parts left out).
  [[nodiscard]] json notes() const {
    json notes = json::array();
    if (value_.missing() > 0) {
      notes.push_back(std::to_string(value_.missing()) + " rows without a usable value in '" +
                      value_.ref().name + "' (null, NaN, infinite or not a number) were dropped");
    }
    if (no_time_ > 0) notes.push_back(no_time_note());
    const std::string order = order_.sentence();
    if (!order.empty()) notes.push_back(order);
    return notes;
  }

 private:
  std::string no_time_note() const { return time_->no_time_note(no_time_); }

  // Keeps the entries at which `keep` holds, in order, in every per-value vector.
  template <typename Keep>
  void keep_only(Keep keep) {
    std::size_t out = 0;
    for (std::size_t i = 0; i < values_.size(); ++i) {
      if (!keep(i)) continue;
      values_[out] = values_[i];
      if (!times_.empty()) times_[out] = times_[i];
      if (!rows_.empty()) rows_[out] = rows_[i];
      ++out;
    }
    values_.resize(out);
    if (!times_.empty()) times_.resize(out);
    if (!rows_.empty()) rows_.resize(out);
  }

  void drop_missing() {
    keep_only([&](std::size_t i) { return !std::isnan(values_[i]); });
  }

  // With a regular step, every value moves to its slot t0 + k·step and skipped timestamps
  // become empty slots; otherwise the values stay in time order and the placement says why.
  void place_on_time_grid() {
    if (times_.size() < 2) return;
    const std::optional<std::int64_t> step = common_step(times_);
    std::string why = step ? off_grid_reason(times_, *step) : "fewer than two distinct times";
    if (!why.empty()) {
      fill_.placement = "values taken in time order without a time grid (" + why +
                        "), so absent timestamps are not detected; aggregate with ts_resample "
                        "to a fixed frequency first to place values by time";
      return;
    }
    const std::int64_t span = (times_.back() - times_.front()) / *step + 1;
    const auto present = static_cast<std::int64_t>(values_.size());
    if (span - present > present) refuse_fill(span - present, span);
    budget_.check(static_cast<std::uint64_t>(span) * (rows_.empty() ? 17 : 25), span, tool_);
    std::vector<double> v(static_cast<std::size_t>(span), std::nan(""));
    std::vector<std::int64_t> t(v.size()), r(rows_.empty() ? 0 : v.size(), -1);
    for (std::size_t k = 0; k < t.size(); ++k) {
      t[k] = times_.front() + static_cast<std::int64_t>(k) * *step;
    }
    for (std::size_t i = 0; i < values_.size(); ++i) {
      const auto k = static_cast<std::size_t>((times_[i] - times_.front()) / *step);
      v[k] = values_[i];
      if (!r.empty()) r[k] = rows_[i];
    }
    fill_.absent = span - present;
    fill_.step = step;
    fill_.placement = "values placed by time on a grid of " +
                      stats::duration_text(static_cast<double>(*step) / 1e6) + " steps";
    values_.swap(v);
    times_.swap(t);
    rows_.swap(r);
  }

  // Empty slots at the ends are missing values (absent timestamps lie between two rows).
  void trim_missing_ends() {
    std::size_t first = 0, last = values_.size();
    while (first < last && std::isnan(values_[first])) ++first;
    while (last > first && std::isnan(values_[last - 1])) --last;
    fill_.trimmed = static_cast<std::int64_t>(values_.size() - (last - first));
    if (fill_.trimmed == 0) return;
    keep_only([&](std::size_t i) { return i >= first && i < last; });
  }

  void fill_slots() {
    fill_.slots = static_cast<std::int64_t>(values_.size());
    filled_.assign(values_.size(), 0);
    std::int64_t empty = 0;
    for (std::size_t i = 0; i < values_.size(); ++i) {
      filled_[i] = std::isnan(values_[i]) ? 1 : 0;
      empty += filled_[i];
    }
    fill_.missing_values = empty - fill_.absent;
    if (2 * empty > fill_.slots) refuse_fill(empty, fill_.slots);
    interpolate_gaps(values_, fill_);
  }

  [[noreturn]] void refuse_fill(std::int64_t empty, std::int64_t slots) const {
    throw sdk::Error::invalid_argument(
        tool_ + ": " + std::to_string(empty) + " of " + std::to_string(slots) + " slots of '" +
        value_.ref().name +
        "' are missing (null or NaN values, or timestamps absent from the regular time step); "
        "filling more than half of a series by interpolation would invent it. Restrict the "
        "rows to a well-covered span (where), or resample to a coarser frequency "
        "(ts_resample)");
  }

  SeriesBudget budget_;
  std::string tool_;
  ValueColumn value_;
  std::optional<TimeColumn> time_;
  OrderCheck order_;
  std::vector<double> values_;
  std::vector<std::int64_t> times_;
  bool keep_rows_;
  std::vector<std::int64_t> rows_;
  std::int64_t next_row_ = 0;
  std::int64_t no_time_ = 0;
  std::vector<double> scratch_;
  std::vector<std::optional<std::int64_t>> times_scratch_;
  SlotFill fill_;
  std::vector<std::uint8_t> filled_;
};

}  // namespace quarry::ts
