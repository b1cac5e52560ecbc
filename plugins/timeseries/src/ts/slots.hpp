#pragma once
//! \file
//! Equally spaced slots for the models that count time in steps (a season of `period` steps):
//! with a regular time column each value goes to its step of the time grid (a skipped
//! timestamp is an empty slot); missing values are empty slots in place. Empty slots inside
//! the series are filled by linear interpolation between their nearest values (pandas
//! Series.interpolate()); empty slots at either end have nothing to interpolate from and are
//! left out. The limits (at most half the slots filled, no gap longer than the period) are
//! the callers' checks, from what SlotFill records.

#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "detail/format.hpp"
#include "quarry/sdk.hpp"
#include "ts/time.hpp"

namespace quarry::ts {

//! How the slots of a series were laid out and filled.
struct SlotFill {
  std::int64_t slots = 0;              //!< slots analysed (after leaving out empty ends)
  std::int64_t missing_values = 0;     //!< filled slots whose row had no usable value
  std::int64_t absent = 0;             //!< filled slots whose timestamp had no row
  std::int64_t trimmed = 0;            //!< empty slots at the start and end, left out
  std::int64_t longest_run = 0;        //!< most consecutive filled slots
  std::int64_t longest_run_start = 0;  //!< the first slot of that run
  std::optional<std::int64_t> step;    //!< the grid step (microseconds) when placed by time
  std::string placement;               //!< how the values were placed, and why not by time

  //! Slots filled by interpolation.
  [[nodiscard]] std::int64_t filled() const noexcept { return missing_values + absent; }

  //! The record as JSON (schema QUARRY_TS_FILLING_OUT).
  [[nodiscard]] json to_json() const {
    return {{"slots", slots},
            {"filled", filled()},
            {"missing_values", missing_values},
            {"absent_timestamps", absent},
            {"trimmed_ends", trimmed},
            {"longest_gap", longest_run},
            {"method", "linear interpolation between the nearest values"},
            {"placement", placement}};
  }

  //! One sentence for the notes ("" when nothing was filled or left out).
  [[nodiscard]] std::string note() const {
    std::string out;
    if (filled() > 0) {
      out = "filled " + std::to_string(filled()) + " of " + std::to_string(slots) +
            " slots by linear interpolation (" + std::to_string(missing_values) +
            " missing values, " + std::to_string(absent) + " absent timestamps; longest gap " +
            std::to_string(longest_run) + ") so that each value keeps its place in the season";
    }
    if (trimmed > 0) {
      out += std::string(out.empty() ? "" : "; ") + std::to_string(trimmed) +
             " missing values at the start or end were left out (nothing to interpolate from)";
    }
    return out;
  }
};

//! The time_order treatment of a series made into slots.
[[nodiscard]] inline std::string time_treatment(const SlotFill& fill) {
  if (!fill.step) {
    return "values taken in time order (stably sorted when needed); " +
           (fill.placement.empty() ? std::string("too few times for a grid") : fill.placement);
  }
  return "values taken in time order (stably sorted when needed) and " + fill.placement + "; " +
         std::to_string(fill.absent) + " absent timestamps and " +
         std::to_string(fill.missing_values) + " missing values filled by linear interpolation";
}

//! The most frequent positive step between consecutive `sorted` times (nullopt: there is none).
[[nodiscard]] inline std::optional<std::int64_t> common_step(
    const std::vector<std::int64_t>& sorted) {
  std::unordered_map<std::int64_t, std::int64_t> counts;
  std::optional<std::int64_t> best;
  std::int64_t best_count = 0;
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    const std::int64_t step = sorted[i] - sorted[i - 1];
    if (step <= 0) continue;
    const std::int64_t c = ++counts[step];
    // Ties go to the shorter step, so the result does not depend on the map's order.
    if (c > best_count || (c == best_count && step < *best)) best = step, best_count = c;
  }
  return best;
}

//! Why `sorted` times cannot be the slots of a grid with `step` ("" when they can): repeated
//! instants have no slot of their own, and times between grid points have none at all.
[[nodiscard]] inline std::string off_grid_reason(const std::vector<std::int64_t>& sorted,
                                                 std::int64_t step) {
  std::int64_t repeated = 0, off = 0;
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    const std::int64_t d = sorted[i] - sorted[i - 1];
    if (d == 0) ++repeated;
    if (d > 0 && d % step != 0) ++off;
  }
  std::string out;
  if (repeated > 0) out = std::to_string(repeated) + " repeated timestamps";
  if (off > 0) {
    out += std::string(out.empty() ? "" : " and ") + std::to_string(off) +
           " steps that are not multiples of the usual step of " +
           stats::duration_text(static_cast<double>(step) / 1e6);
  }
  return out;
}

//! Fills the NaN slots of `x` (whose first and last values are numbers) by linear interpolation
//! between the nearest numbers on either side, and records the longest run in `fill`.
inline void interpolate_gaps(std::vector<double>& x, SlotFill& fill) {
  std::size_t last = 0;  // the latest slot holding a number
  for (std::size_t i = 1; i < x.size(); ++i) {
    if (std::isnan(x[i])) continue;
    const std::size_t run = i - last - 1;
    if (run > 0) {
      const double from = x[last], to = x[i], span = static_cast<double>(i - last);
      for (std::size_t j = last + 1; j < i; ++j) {
        x[j] = from + (to - from) * (static_cast<double>(j - last) / span);
      }
      if (static_cast<std::int64_t>(run) > fill.longest_run) {
        fill.longest_run = static_cast<std::int64_t>(run);
        fill.longest_run_start = static_cast<std::int64_t>(last + 1);
      }
    }
    last = i;
  }
}

}  // namespace quarry::ts
