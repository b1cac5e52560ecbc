#pragma once
//! \file
//! Moments per label (group) for tests that compare groups: t-tests by a group column and
//! one-way ANOVA. Labels are text (see LabelReader); results list them in the column's
//! natural order (numbers numerically, text bytewise).

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "detail/budget.hpp"
#include "detail/categories.hpp"
#include "detail/columns.hpp"
#include "detail/moments.hpp"

namespace quarry::stats {

//! Orders labels of a column of `type`: numerically for numbers, bytewise otherwise.
inline bool label_less(sdk::ColumnType type, std::string_view a, std::string_view b) {
  if (type == sdk::ColumnType::int64 || type == sdk::ColumnType::float64) {
    double x = 0, y = 0;
    if (detail::parse_number(a, x) && detail::parse_number(b, y) && x != y) return x < y;
  }
  return a < b;
}

//! RunningMoments per label, with the memory they take.
class LabelledMoments {
 public:
  //! The moments of `label` (created empty on first use).
  RunningMoments& at(std::string_view label) {
    if (auto it = map_.find(label); it != map_.end()) return it->second;
    bytes_ += label.size() + kEntryOverhead + sizeof(RunningMoments);
    return map_.emplace(std::string(label), RunningMoments()).first->second;
  }

  //! The moments of `label`, or nullptr.
  [[nodiscard]] const RunningMoments* find(std::string_view label) const {
    auto it = map_.find(label);
    return it == map_.end() ? nullptr : &it->second;
  }

  //! Folds `other` in, label by label.
  void merge(LabelledMoments& other) {
    for (auto& [label, m] : other.map_) at(label).merge(m);
  }

  //! The number of labels.
  [[nodiscard]] std::size_t size() const noexcept { return map_.size(); }
  //! Bytes held.
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }

  //! Labels with their moments, ordered for a column of `type`.
  [[nodiscard]] std::vector<std::pair<std::string, const RunningMoments*>> sorted(
      sdk::ColumnType type) const {
    std::vector<std::pair<std::string, const RunningMoments*>> out;
    for (const auto& [label, m] : map_) out.emplace_back(label, &m);
    std::sort(out.begin(), out.end(),
              [type](const auto& a, const auto& b) { return label_less(type, a.first, b.first); });
    return out;
  }

  //! Throws Error(QUARRY_OUT_OF_MEMORY) when the labels exceed `budget`.
  void check(const Budget& budget, const std::string& column) const {
    if (bytes_ <= budget.limit()) return;
    throw sdk::Error::out_of_memory("column '" + column + "' has " + std::to_string(map_.size()) +
                                    " distinct groups so far, needing " + Budget::mib(bytes_) +
                                    ", more than " + budget.describe() +
                                    "; group by a column with fewer distinct values");
  }

 private:
  std::unordered_map<std::string, RunningMoments, StringHash, std::equal_to<>> map_;
  std::size_t bytes_ = 0;
};

//! Reads a chunk's (value, label) rows into `groups`: rows where both are present.
//! `only` (if not empty) limits the labels kept.
inline void add_labelled(const sdk::ChunkView& chunk, const ColumnRef& value,
                         const ColumnRef& label, std::vector<double>& scratch, ValueCounts& counts,
                         LabelledMoments& groups, const std::vector<std::string>& only = {}) {
  read_numbers(chunk.column(value.index), scratch, counts);
  LabelReader labels(chunk, label);
  for (std::size_t i = 0; i < scratch.size(); ++i) {
    const auto row = static_cast<std::int64_t>(i);
    if (std::isnan(scratch[i]) || !labels.valid(row)) continue;
    const std::string_view l = labels.label(row);
    if (!only.empty() && std::find(only.begin(), only.end(), l) == only.end()) continue;
    groups.at(l).add(scratch[i]);
  }
}

}  // namespace quarry::stats
