#pragma once
//! \file
//! What counts as missing (null, or NaN in float columns, as pandas' isna) and the
//! row-dropping rule shared by clean_fill_missing's two passes.

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "detail/columns.hpp"
#include "quarry/sdk.hpp"

namespace quarry::clean {

//! True when row `i` of `column` is missing: null, or NaN in a float64 column.
inline bool is_missing(const sdk::ColumnView& column, std::int64_t i) {
  if (!column.is_valid(i)) return true;
  return column.type() == sdk::ColumnType::float64 && std::isnan(column.float64s()[i]);
}

//! Marks missing[i] = 1 for every missing row of `column` (fast typed loop).
inline void mark_missing(const sdk::ColumnView& column, std::vector<std::uint8_t>& missing) {
  const std::int64_t n = column.size();
  missing.assign(static_cast<std::size_t>(n), 0);
  if (column.type() == sdk::ColumnType::float64) {
    const auto v = column.float64s();
    for (std::int64_t i = 0; i < n; ++i) missing[i] = !v.is_valid(i) || std::isnan(v[i]);
    return;
  }
  if (column.null_count() == 0) return;
  for (std::int64_t i = 0; i < n; ++i) missing[i] = column.is_valid(i) ? 0 : 1;
}

//! pandas' dropna(how=…, subset=…): rows whose chosen columns are missing (any or all).
class DropRule {
 public:
  //! No rule: every row is kept.
  DropRule() = default;
  //! Reads {"how": "any"|"all", "columns": [...]} (columns default to all).
  DropRule(const json& spec, const sdk::SchemaView& schema) : enabled_(true) {
    const std::string how = spec.value("how", "any");
    if (how != "any" && how != "all") {
      throw sdk::Error::invalid_argument("drop.how must be \"any\" or \"all\", got \"" + how +
                                         "\"");
    }
    all_ = how == "all";
    const sdk::Args args(spec);
    for (const auto& ref : columns_or_all(args, "columns", schema)) columns_.push_back(ref.index);
  }

  //! True when some rows may be dropped.
  [[nodiscard]] bool enabled() const noexcept { return enabled_; }

  //! The rows of `chunk` kept, in order (all rows when the rule is off).
  void kept_rows(const sdk::ChunkView& chunk, std::vector<std::int64_t>& rows) {
    const std::int64_t n = chunk.rows();
    rows.clear();
    if (!enabled_) {
      for (std::int64_t i = 0; i < n; ++i) rows.push_back(i);
      return;
    }
    count_.assign(static_cast<std::size_t>(n), 0);
    for (std::int64_t c : columns_) {
      mark_missing(chunk.column(c), scratch_);
      for (std::int64_t i = 0; i < n; ++i) count_[i] += scratch_[i];
    }
    const auto limit = static_cast<std::uint32_t>(all_ ? columns_.size() : 1);
    for (std::int64_t i = 0; i < n; ++i) {
      if (count_[i] < limit) rows.push_back(i);
    }
  }

  //! A description for reports ("any of 3 columns missing").
  [[nodiscard]] json describe(const sdk::SchemaView& schema) const {
    json names = json::array();
    for (std::int64_t c : columns_) names.push_back(std::string(schema.field(c).name()));
    return {{"how", all_ ? "all" : "any"}, {"columns", names}};
  }

 private:
  bool enabled_ = false;
  bool all_ = false;
  std::vector<std::int64_t> columns_;
  std::vector<std::uint32_t> count_;
  std::vector<std::uint8_t> scratch_;
};

}  // namespace quarry::clean
