#pragma once
//! \file
//! Exact quantiles in two passes with little memory. The first pass counts a column's values
//! and samples them (detail/rank_sample.hpp); from the sample, RankWindows picks, around each
//! rank a quantile needs, a window of values that holds that rank all but certainly (five
//! standard deviations of the sample's rank error, plus slack). The second pass
//! (RankCollector) counts the values below and at every window bound and keeps only those
//! strictly inside a window; the value of each rank is then found by selection among them.
//!
//! Nothing about the answer rests on the sample being lucky: the counts are exact, so a rank
//! is either inside its window (exact value) or, if the sample misled the windows, the
//! nearest window bound is reported together with exactly how many ranks it may be off.
//! Values equal to a bound are counted, not kept, so ties (a column that is mostly zeros)
//! cost nothing. If the kept values outgrow the memory budget they are dropped and the
//! same nearest-bound answer, with its stated rank error, is given.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>
#include <utility>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace quarry::stats {

//! Ascending value bounds: window j holds the values strictly between bounds()[2j] and
//! bounds()[2j + 1]; a window whose bounds are equal holds nothing (its ranks are the bound's
//! own).
class RankWindows {
 public:
  //! Windows around `ranks` (each in [0, population)) from `sample`, a uniform sample of the
  //! `population` values (reordered here), which lie in [min, max]. A window reaching past
  //! the sample's ends stops at min or max: values equal to them are then counted, not kept
  //! (a column that is mostly zeros and never negative keeps none of its zeros). Without a
  //! sample, one window holds everything.
  static RankWindows around(std::vector<double>& sample, std::int64_t population,
                            const std::vector<std::int64_t>& ranks, double min, double max) {
    RankWindows out;
    if (ranks.empty()) return out;
    const auto s = static_cast<std::int64_t>(sample.size());
    if (s == 0 || population <= 0) {
      out.bounds_ = {min, max};
      return out;
    }
    // Sample positions bracketing each rank: its expected position in the sample, widened by
    // kSigmas standard deviations of the binomial count of sampled values below it.
    std::vector<std::pair<std::int64_t, std::int64_t>> spans;  // sample positions, may overflow
    for (std::int64_t r : ranks) {
      const double p = (static_cast<double>(r) + 0.5) / static_cast<double>(population);
      const double expected = p * static_cast<double>(s) - 0.5;
      const double margin = kSigmas * std::sqrt(static_cast<double>(s) * p * (1 - p)) + kSlack;
      spans.emplace_back(static_cast<std::int64_t>(std::floor(expected - margin)),
                         static_cast<std::int64_t>(std::ceil(expected + margin)));
    }
    // The sample's values at those positions, by successive selections.
    std::vector<std::int64_t> wanted;
    for (const auto& [lo, hi] : spans) {
      if (lo >= 0 && lo < s) wanted.push_back(lo);
      if (hi >= 0 && hi < s) wanted.push_back(hi);
    }
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    std::int64_t from = 0;
    for (std::int64_t at : wanted) {
      std::nth_element(sample.begin() + from, sample.begin() + at, sample.end());
      from = at + 1;
    }
    const auto value_at = [&](std::int64_t position) {
      if (position < 0) return min;
      if (position >= s) return max;
      return sample[static_cast<std::size_t>(position)];
    };
    std::vector<std::pair<double, double>> windows;
    for (const auto& [lo, hi] : spans) windows.emplace_back(value_at(lo), value_at(hi));
    std::sort(windows.begin(), windows.end());
    for (const auto& [lo, hi] : windows) {  // overlapping or touching windows merge
      if (!out.bounds_.empty() && lo <= out.bounds_.back()) {
        out.bounds_.back() = std::max(out.bounds_.back(), hi);
      } else {
        out.bounds_.push_back(lo);
        out.bounds_.push_back(hi);
      }
    }
    return out;
  }

  //! The bounds, two per window, ascending.
  [[nodiscard]] const std::vector<double>& bounds() const noexcept { return bounds_; }

 private:
  //! Standard deviations of the sample's rank error a window spans on each side.
  static constexpr double kSigmas = 5.0;
  //! Sample positions added on each side (small samples, rounding).
  static constexpr double kSlack = 3.0;

  std::vector<double> bounds_;
};

//! The value found for one rank.
struct RankAnswer {
  double value = std::numeric_limits<double>::quiet_NaN();
  //! 0 when `value` is exactly the value of that rank; otherwise the most ranks it may be
  //! away from it (a window bound reported in its place).
  std::int64_t rank_error = 0;
};

//! The second pass over one column: counts around the window bounds and keeps the values
//! inside the windows (see the file comment).
class RankCollector {
 public:
  //! A collector for `windows` (which must outlive it).
  explicit RankCollector(const RankWindows& windows)
      : bounds_(&windows.bounds()),
        below_(windows.bounds().size(), 0),
        through_(windows.bounds().size(), 0) {}

  //! Adds `count` finite values.
  void add(const double* x, std::size_t count) {
    // The values inside go to a per-thread staging buffer first (reused from chunk to chunk,
    // so it is not cleared each time as a resized pool would be), then to the pool.
    thread_local std::vector<double> staging;
    if (staging.size() < count) staging.resize(count);
    double* pool = dropped_ ? nullptr : staging.data();
    std::size_t kept = 0;
    switch (bounds_->size()) {
      case 0:
        break;
      case 2:
        kept = add_few<2>(x, count, pool);
        break;
      case 4:
        kept = add_few<4>(x, count, pool);
        break;
      case 6:
        kept = add_few<6>(x, count, pool);
        break;
      default:
        kept = add_many(x, count, pool);
    }
    if (!dropped_) pool_.insert(pool_.end(), staging.data(), staging.data() + kept);
    count_ += static_cast<std::int64_t>(count);
  }

  //! Folds `other` in (same windows).
  void merge(RankCollector& other) {
    for (std::size_t k = 0; k < below_.size(); ++k) {
      below_[k] += other.below_[k];
      through_[k] += other.through_[k];
    }
    count_ += other.count_;
    if (other.dropped_) drop_values();
    if (!dropped_) pool_.insert(pool_.end(), other.pool_.begin(), other.pool_.end());
    std::vector<double>().swap(other.pool_);
  }

  //! Frees the kept values and keeps only counting (past the memory budget).
  void drop_values() {
    dropped_ = true;
    std::vector<double>().swap(pool_);
  }
  //! True once the kept values were dropped.
  [[nodiscard]] bool dropped() const noexcept { return dropped_; }
  //! The values added.
  [[nodiscard]] std::int64_t count() const noexcept { return count_; }
  //! Bytes held.
  [[nodiscard]] std::size_t bytes() const noexcept {
    return pool_.capacity() * sizeof(double) + 2 * below_.size() * sizeof(std::int64_t);
  }

  //! The values at `ranks` (each in [0, count())), reordering the kept values.
  [[nodiscard]] std::vector<RankAnswer> answers(const std::vector<std::int64_t>& ranks) {
    const std::vector<double>& b = *bounds_;
    std::vector<RankAnswer> out(ranks.size());
    if (b.empty()) return out;
    const std::size_t m = b.size();
    // The kept values, grouped by window (windows are ascending).
    std::vector<std::size_t> starts = {0};
    for (std::size_t j = 0; 2 * j < m; ++j) {
      const double hi = b[2 * j + 1];
      const auto first = pool_.begin() + static_cast<std::ptrdiff_t>(starts.back());
      starts.push_back(static_cast<std::size_t>(
          std::partition(first, pool_.end(), [hi](double v) { return v < hi; }) - pool_.begin()));
    }
    // Ranks in ascending order: each selection in a window starts where the previous one
    // left off (everything before it is no larger), so a rank's neighbour costs a scan of
    // what is left, not another selection over the whole window.
    std::vector<std::size_t> order(ranks.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t c) { return ranks[a] < ranks[c]; });
    std::vector<std::size_t> placed(starts.begin(), starts.end() - 1);  // per window
    for (std::size_t i : order) out[i] = answer(ranks[i], starts, placed);
    return out;
  }

 private:
  // A few bounds (up to three windows: the quartiles, or a few percentiles): branch-free,
  // two values at a time, the counts kept in registers. (Placing each value among the bounds
  // and counting per place cost three times as much: stores to the same counter wait on each
  // other, and branches on where values fall are mispredicted.)
  template <std::size_t M>
  std::size_t add_few(const double* x, std::size_t count, double* pool) {
    const double* b = bounds_->data();
    std::size_t kept = 0;
    std::size_t i = 0;
#if defined(__SSE2__)
    __m128i below[M];
    __m128i through[M];
    __m128d bound[M];
    for (std::size_t k = 0; k < M; ++k) {
      below[k] = through[k] = _mm_setzero_si128();
      bound[k] = _mm_set1_pd(b[k]);
    }
    for (; i + 2 <= count; i += 2) {
      const __m128d v = _mm_loadu_pd(x + i);
      __m128d inside = _mm_setzero_pd();
      for (std::size_t k = 0; k < M; k += 2) {
        const __m128d at_or_below_lo = _mm_cmple_pd(v, bound[k]);
        const __m128d below_hi = _mm_cmplt_pd(v, bound[k + 1]);
        // Compare masks are all ones (-1) per lane: subtracting one counts it.
        below[k] = _mm_sub_epi64(below[k], _mm_castpd_si128(_mm_cmplt_pd(v, bound[k])));
        through[k] = _mm_sub_epi64(through[k], _mm_castpd_si128(at_or_below_lo));
        below[k + 1] = _mm_sub_epi64(below[k + 1], _mm_castpd_si128(below_hi));
        through[k + 1] =
            _mm_sub_epi64(through[k + 1], _mm_castpd_si128(_mm_cmple_pd(v, bound[k + 1])));
        inside = _mm_or_pd(inside, _mm_andnot_pd(at_or_below_lo, below_hi));
      }
      if (pool != nullptr) {
        const auto mask = static_cast<unsigned>(_mm_movemask_pd(inside));
        pool[kept] = x[i];
        kept += mask & 1U;
        pool[kept] = x[i + 1];
        kept += mask >> 1;
      }
    }
    for (std::size_t k = 0; k < M; ++k) {
      alignas(16) std::int64_t lanes[2];
      _mm_store_si128(reinterpret_cast<__m128i*>(lanes), below[k]);
      below_[k] += lanes[0] + lanes[1];
      _mm_store_si128(reinterpret_cast<__m128i*>(lanes), through[k]);
      through_[k] += lanes[0] + lanes[1];
    }
#endif
    for (; i < count; ++i) kept += add_one(x[i], pool, kept);
    return kept;
  }

  // Many bounds (many percentiles): where each value falls, by binary search, counted per
  // place and turned into counts per bound at the end.
  std::size_t add_many(const double* x, std::size_t count, double* pool) {
    const std::vector<double>& b = *bounds_;
    const std::size_t m = b.size();
    std::vector<std::int64_t> by_first_above(m + 1, 0), by_first_not_below(m + 1, 0);
    std::size_t kept = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const double v = x[i];
      const auto not_below = std::lower_bound(b.begin(), b.end(), v);
      const auto above = std::upper_bound(not_below, b.end(), v);
      const auto under = static_cast<std::size_t>(not_below - b.begin());
      ++by_first_not_below[under];
      ++by_first_above[static_cast<std::size_t>(above - b.begin())];
      if (pool != nullptr) {
        pool[kept] = v;
        kept += (not_below == above && (under & 1U) != 0) ? 1 : 0;
      }
    }
    // v < b[k] once the first bound above v is at k or before; v <= b[k] likewise.
    std::int64_t below = 0, through = 0;
    for (std::size_t k = 0; k < m; ++k) {
      below += by_first_above[k];
      through += by_first_not_below[k];
      below_[k] += below;
      through_[k] += through;
    }
    return kept;
  }

  // One value (add_few's odd one out): counted, and kept at pool[kept] when it is inside a
  // window; returns 1 if it was kept.
  std::size_t add_one(double v, double* pool, std::size_t kept) {
    const std::vector<double>& b = *bounds_;
    const auto first_not_below = std::lower_bound(b.begin(), b.end(), v);  // bounds < v before it
    const auto first_above = std::upper_bound(first_not_below, b.end(), v);
    // v < b[k] for k from first_above on, v <= b[k] from first_not_below on.
    for (auto k = static_cast<std::size_t>(first_above - b.begin()); k < b.size(); ++k) ++below_[k];
    for (auto k = static_cast<std::size_t>(first_not_below - b.begin()); k < b.size(); ++k) {
      ++through_[k];
    }
    const auto under = static_cast<std::size_t>(first_not_below - b.begin());
    const bool inside = first_not_below == first_above && (under & 1U) != 0;
    if (!inside || pool == nullptr) return 0;
    pool[kept] = v;
    return 1;
  }

  // The value of rank r. starts[j]: where window j's kept values begin in pool_; placed[j]:
  // the values of window j before it are in their sorted places, the rest no smaller.
  RankAnswer answer(std::int64_t r, const std::vector<std::size_t>& starts,
                    std::vector<std::size_t>& placed) {
    const std::vector<double>& b = *bounds_;
    const std::size_t windows = b.size() / 2;
    std::size_t j = 0;
    while (j < windows && r >= through_[2 * j + 1]) ++j;
    if (j == windows) return nearest(r, {b.size() - 1});
    const std::size_t lo = 2 * j;
    const std::size_t hi = lo + 1;
    if (r < below_[lo]) return j == 0 ? nearest(r, {lo}) : nearest(r, {lo - 1, lo});
    if (r < through_[lo]) return {b[lo], 0};
    if (r >= below_[hi]) return {b[hi], 0};
    const auto at = starts[j] + static_cast<std::size_t>(r - through_[lo]);
    if (dropped_ || at >= starts[j + 1]) return nearest(r, {lo, hi});  // (or the input changed)
    const auto it = [&](std::size_t i) { return pool_.begin() + static_cast<std::ptrdiff_t>(i); };
    if (at == placed[j]) {  // the next rank after one just selected: the smallest left
      std::iter_swap(it(at), std::min_element(it(at), it(starts[j + 1])));
      placed[j] = at + 1;
    } else if (at > placed[j]) {
      std::nth_element(it(placed[j]), it(at), it(starts[j + 1]));
      placed[j] = at + 1;
    }
    return {pool_[at], 0};
  }

  //! Of the bounds `candidates`, the one nearest rank r in rank, and how far it is.
  [[nodiscard]] RankAnswer nearest(std::int64_t r,
                                   std::initializer_list<std::size_t> candidates) const {
    RankAnswer best{std::numeric_limits<double>::quiet_NaN(),
                    std::numeric_limits<std::int64_t>::max()};
    for (std::size_t k : candidates) {
      const double v = (*bounds_)[k];
      // The bound's value occupies ranks [below, through).
      const std::int64_t error =
          r < below_[k] ? below_[k] - r : (r >= through_[k] ? r - through_[k] + 1 : 0);
      if (error < best.rank_error) best = {v, error};
    }
    return best;
  }

  const std::vector<double>* bounds_;
  std::vector<std::int64_t> below_;    // per bound: values below it
  std::vector<std::int64_t> through_;  // per bound: values at or below it
  std::vector<double> pool_;           // values strictly inside a window
  std::int64_t count_ = 0;
  bool dropped_ = false;
};

}  // namespace quarry::stats
