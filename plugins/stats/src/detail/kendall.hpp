#pragma once
//! \file
//! Kendall's tau-b in O(n log n) (Knight 1966): sort the pairs by (x, y); the discordant
//! pairs are then the inversions of the y sequence (pairs tied in x are ordered by y, so they
//! add none; pairs tied in y are not inversions), counted by a merge sort that leaves y
//! sorted for counting its ties. With the tie counts, tau-b = (C - D) / sqrt((P - Tx)(P - Ty))
//! where C - D = P - Tx - Ty + Txy - 2 D, as scipy.stats.kendalltau computes it.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

namespace quarry::stats {

//! The pair counts behind Kendall's tau of n pairs.
struct KendallCounts {
  std::int64_t n = 0;           //!< pairs of values (rows)
  std::int64_t pairs = 0;       //!< n (n - 1) / 2
  std::int64_t x_ties = 0;      //!< pairs of rows tied in x
  std::int64_t y_ties = 0;      //!< pairs of rows tied in y
  std::int64_t joint_ties = 0;  //!< pairs of rows tied in both
  std::int64_t discordant = 0;  //!< pairs ordered one way by x and the other by y

  //! Concordant minus discordant pairs.
  [[nodiscard]] std::int64_t concordant_minus_discordant() const noexcept {
    return pairs - x_ties - y_ties + joint_ties - 2 * discordant;
  }

  //! Kendall's tau-b, clipped to [-1, 1] as SciPy does; NaN when x or y is constant (every
  //! pair tied) or there are fewer than 2 rows.
  [[nodiscard]] double tau_b() const noexcept {
    if (x_ties == pairs || y_ties == pairs) return std::numeric_limits<double>::quiet_NaN();
    const double tau = static_cast<double>(concordant_minus_discordant()) /
                       std::sqrt(static_cast<double>(pairs - x_ties)) /
                       std::sqrt(static_cast<double>(pairs - y_ties));
    return std::clamp(tau, -1.0, 1.0);
  }
};

namespace detail {

//! t (t - 1) / 2 summed over the runs of equal neighbours in [first, last).
template <class It, class Equal>
std::int64_t tied_pairs(It first, It last, Equal&& equal) {
  std::int64_t ties = 0;
  while (first != last) {
    It run = first + 1;
    while (run != last && equal(*first, *run)) ++run;
    const auto t = static_cast<std::int64_t>(run - first);
    ties += t * (t - 1) / 2;
    first = run;
  }
  return ties;
}

//! Sorts `values` by a bottom-up merge sort and returns its inversions: pairs i < j with
//! values[i] > values[j] (equal values are not inversions).
inline std::int64_t sort_counting_inversions(std::vector<double>& values) {
  const std::size_t n = values.size();
  std::vector<double> buffer(n);
  std::int64_t inversions = 0;
  for (std::size_t width = 1; width < n; width *= 2) {
    for (std::size_t lo = 0; lo < n; lo += 2 * width) {
      const std::size_t mid = std::min(lo + width, n), hi = std::min(lo + 2 * width, n);
      std::size_t i = lo, j = mid, out = lo;
      while (i < mid && j < hi) {
        if (values[i] <= values[j]) {
          buffer[out++] = values[i++];
        } else {
          inversions += static_cast<std::int64_t>(mid - i);  // values[j] jumps the rest
          buffer[out++] = values[j++];
        }
      }
      while (i < mid) buffer[out++] = values[i++];
      while (j < hi) buffer[out++] = values[j++];
    }
    values.swap(buffer);
  }
  return inversions;
}

}  // namespace detail

//! The counts for Kendall's tau of the rows (x[i], y[i]), none NaN (see the file comment).
inline KendallCounts kendall_counts(const std::vector<double>& x, const std::vector<double>& y) {
  const std::size_t n = std::min(x.size(), y.size());
  std::vector<std::pair<double, double>> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = {x[i], y[i]};
  std::sort(rows.begin(), rows.end());
  KendallCounts c;
  c.n = static_cast<std::int64_t>(n);
  c.pairs = c.n * (c.n - 1) / 2;
  c.x_ties = detail::tied_pairs(rows.begin(), rows.end(),
                                [](const auto& a, const auto& b) { return a.first == b.first; });
  c.joint_ties = detail::tied_pairs(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.first == b.first && a.second == b.second;
  });
  std::vector<double> ys(n);
  for (std::size_t i = 0; i < n; ++i) ys[i] = rows[i].second;
  std::vector<std::pair<double, double>>().swap(rows);
  c.discordant = detail::sort_counting_inversions(ys);
  c.y_ties = detail::tied_pairs(ys.begin(), ys.end(), [](double a, double b) { return a == b; });
  return c;
}

}  // namespace quarry::stats
