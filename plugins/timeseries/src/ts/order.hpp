#pragma once
//! \file
//! Watching the order and spacing of a time column as rows stream by: steps backwards
//! (unsorted), repeated instants (duplicates) and gaps (steps longer than the usual one).
//! Constant memory: the usual step is the most frequent positive step among at most
//! kMaxSteps distinct ones (more distinct steps make the spacing irregular).

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "ts/time.hpp"

namespace quarry::ts {

//! Order and spacing statistics of one time series, fed in row order.
class OrderCheck {
 public:
  //! Distinct positive steps tracked before the spacing counts as irregular.
  static constexpr std::size_t kMaxSteps = 64;

  //! Records the next timestamp (microseconds).
  void add(std::int64_t t) {
    ++rows_;
    if (previous_) {
      const std::int64_t step = t - *previous_;
      if (step < 0) {
        ++unsorted_;
        if (!first_unsorted_) first_unsorted_ = rows_ - 1;
      } else if (step == 0) {
        ++duplicates_;
      } else if (!irregular_) {
        auto it = steps_.find(step);
        if (it != steps_.end()) {
          ++it->second;
        } else if (steps_.size() < kMaxSteps) {
          steps_.emplace(step, 1);
        } else {
          irregular_ = true;
        }
      }
    }
    previous_ = t;
  }

  //! Rows seen.
  [[nodiscard]] std::int64_t rows() const noexcept { return rows_; }
  //! Steps backwards in time.
  [[nodiscard]] std::int64_t unsorted() const noexcept { return unsorted_; }
  //! Steps of zero (a timestamp equal to the previous one).
  [[nodiscard]] std::int64_t duplicates() const noexcept { return duplicates_; }
  //! The row index (0-based, among rows with a time) of the first step backwards.
  [[nodiscard]] std::optional<std::int64_t> first_unsorted() const noexcept {
    return first_unsorted_;
  }

  //! The most frequent positive step (microseconds), when the spacing is regular enough.
  [[nodiscard]] std::optional<std::int64_t> usual_step() const {
    if (irregular_ || steps_.empty()) return std::nullopt;
    auto best = steps_.begin();
    for (auto it = steps_.begin(); it != steps_.end(); ++it) {
      if (it->second > best->second) best = it;
    }
    return best->first;
  }

  //! Steps longer than the usual one, and the usual steps they skip in all.
  [[nodiscard]] std::pair<std::int64_t, std::int64_t> gaps() const {
    const auto step = usual_step();
    if (!step) return {0, 0};
    std::int64_t gaps = 0, missing = 0;
    for (const auto& [s, count] : steps_) {
      if (s > *step) {
        gaps += count;
        missing += count * (s / *step - 1);
      }
    }
    return {gaps, missing};
  }

  //! The summary as JSON (schema QUARRY_TS_ORDER_OUT), with `treatment` saying what the tool
  //! did about it.
  [[nodiscard]] json to_json(const std::string& treatment) const {
    const auto step = usual_step();
    const auto [gap_count, missing] = gaps();
    return {{"rows", rows_},
            {"unsorted", unsorted_},
            {"duplicates", duplicates_},
            {"gaps", gap_count},
            {"missing_steps", missing},
            {"step_seconds", step ? json(static_cast<double>(*step) / 1e6) : json(nullptr)},
            {"regular", step.has_value() && gap_count == 0 && unsorted_ == 0 && duplicates_ == 0},
            {"treatment", treatment}};
  }

  //! One sentence for the text rendering ("" when the series is regular).
  [[nodiscard]] std::string sentence() const {
    const auto [gap_count, missing] = gaps();
    if (unsorted_ == 0 && duplicates_ == 0 && gap_count == 0 && !irregular_) return {};
    const auto counted = [](std::int64_t n, const char* one, const char* many) {
      return std::to_string(n) + " " + (n == 1 ? one : many);
    };
    std::string out = "time column: ";
    if (unsorted_ > 0) out += counted(unsorted_, "step", "steps") + " back in time; ";
    if (duplicates_ > 0) {
      out += counted(duplicates_, "duplicate timestamp", "duplicate timestamps") + "; ";
    }
    if (gap_count > 0) {
      // A step of 40 minutes in a 30-minute series is a gap that skips no whole step.
      out += counted(gap_count, "step", "steps") + " longer than the usual " +
             stats::duration_text(static_cast<double>(*usual_step()) / 1e6) + " (" +
             counted(missing, "whole step", "whole steps") + " missing); ";
    }
    if (irregular_) out += "irregular spacing (more than 64 distinct steps); ";
    out.resize(out.size() - 2);
    return out;
  }

 private:
  std::int64_t rows_ = 0;
  std::int64_t unsorted_ = 0;
  std::int64_t duplicates_ = 0;
  std::optional<std::int64_t> first_unsorted_;
  std::optional<std::int64_t> previous_;
  std::map<std::int64_t, std::int64_t> steps_;
  bool irregular_ = false;
};

}  // namespace quarry::ts
