#pragma once
//! \file
//! Where a reported quantile lies in the sorted data: the check behind every "within the
//! stated rank error" expectation of the describe and rank-window tests.

#include <algorithm>
#include <cstdint>
#include <vector>

namespace quarry::stats::testing {

//! The ranks (0-based) that copies of a value hold in ascending data: [first, last];
//! last < first when the value does not occur.
struct RankRange {
  std::int64_t first = 0;
  std::int64_t last = -1;
};

//! The ranks `value` holds in `sorted` (ascending).
inline RankRange ranks_held(const std::vector<double>& sorted, double value) {
  const auto first = std::lower_bound(sorted.begin(), sorted.end(), value) - sorted.begin();
  const auto end = std::upper_bound(sorted.begin(), sorted.end(), value) - sorted.begin();
  return {first, end - 1};
}

//! True when `value`, or a copy of it, holds a rank within `error` ranks of `rank` in `sorted`
//! (ascending): the guarantee a quantile with a stated rank-error bound gives.
inline bool within_ranks(const std::vector<double>& sorted, double value, double rank,
                         double error) {
  const RankRange held = ranks_held(sorted, value);
  return static_cast<double>(held.first) <= rank + error &&
         static_cast<double>(held.last) >= rank - error;
}

}  // namespace quarry::stats::testing
