#pragma once
//! \file
//! A sliding window over a stream of values (NaN = missing) with the statistics pandas'
//! `rolling` computes: count, sum, mean, var/std (ddof = 1), min, max, median. The window is
//! the last N rows or the rows within a time span; the caller pushes each row and evicts
//! what left, so the state carries across chunks and windows straddle chunk boundaries
//! exactly.
//!
//! Exactness: sums use Neumaier-compensated running sums of values shifted by a reference
//! near the window mean, and are recomputed from the window every time four times as many rows
//! have left as it holds (O(1) amortised), so rounding cannot drift and variance suffers no
//! cancellation of large means. Min and max use monotonic deques, the median a sorted copy of the
//! window.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <deque>
#include <limits>
#include <vector>

namespace quarry::ts {

//! A Neumaier-compensated sum.
struct CompensatedSum {
  double sum = 0;  //!< the running sum
  double c = 0;    //!< the compensation (lost low-order bits)

  //! Adds x.
  void add(double x) noexcept {
    const double t = sum + x;
    c += std::fabs(sum) >= std::fabs(x) ? (sum - t) + x : (x - t) + sum;
    sum = t;
  }
  //! The compensated value.
  [[nodiscard]] double value() const noexcept { return sum + c; }
};

//! Rows in arrival order: a ring over a power-of-two vector (cheaper than a deque for the
//! push-one, pop-one pattern of a sliding window).
template <class T>
class Ring {
 public:
  void push_back(const T& value) {
    if (size_ == slots_.size()) grow();
    slots_[(head_ + size_) & (slots_.size() - 1)] = value;
    ++size_;
  }
  void pop_front() noexcept {
    head_ = (head_ + 1) & (slots_.size() - 1);
    --size_;
  }
  [[nodiscard]] const T& front() const noexcept { return slots_[head_]; }
  [[nodiscard]] const T& operator[](std::size_t i) const noexcept {
    return slots_[(head_ + i) & (slots_.size() - 1)];
  }
  [[nodiscard]] std::size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }

 private:
  void grow() {
    std::vector<T> bigger(slots_.empty() ? 16 : slots_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) bigger[i] = (*this)[i];
    slots_ = std::move(bigger);
    head_ = 0;
  }

  std::vector<T> slots_;
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

//! Which statistics a window maintains.
struct WindowNeeds {
  bool sums = false;     //!< count/sum/mean
  bool squares = false;  //!< var/std (with sums)
  bool min = false;      //!< rolling min
  bool max = false;      //!< rolling max
  bool median = false;   //!< rolling median
};

//! The window: rows in arrival order, each with a time (0 for row windows) and a value.
class SlidingWindow {
 public:
  //! A window maintaining `needs`.
  explicit SlidingWindow(WindowNeeds needs) : needs_(needs) {}

  //! Appends a row (value NaN = missing).
  void push(std::int64_t time, double x) {
    rows_.push_back({time, x, next_seq_});
    if (!std::isnan(x)) {
      if (valid_ == 0) {  // an empty window: shift by its first value, so sums start exact
        shift_ = x;
        s1_ = {};
        s2_ = {};
      }
      ++valid_;
      if (needs_.sums) s1_.add(x - shift_);
      if (needs_.squares) s2_.add((x - shift_) * (x - shift_));
      if (needs_.min) {
        while (!min_.empty() && min_.back().value >= x) min_.pop_back();
        min_.push_back({next_seq_, x});
      }
      if (needs_.max) {
        while (!max_.empty() && max_.back().value <= x) max_.pop_back();
        max_.push_back({next_seq_, x});
      }
      if (needs_.median) sorted_.insert(std::upper_bound(sorted_.begin(), sorted_.end(), x), x);
    }
    ++next_seq_;
  }

  //! Drops the oldest row.
  void pop() {
    const Row row = rows_.front();
    rows_.pop_front();
    if (!std::isnan(row.value)) {
      --valid_;
      if (needs_.sums || needs_.squares) {
        if (needs_.sums) s1_.add(-(row.value - shift_));
        if (needs_.squares) s2_.add(-((row.value - shift_) * (row.value - shift_)));
        if (++evicted_ >= 4 * rows_.size() + 16) recompute();
      }
      if (needs_.min && !min_.empty() && min_.front().seq == row.seq) min_.pop_front();
      if (needs_.max && !max_.empty() && max_.front().seq == row.seq) max_.pop_front();
      if (needs_.median) {
        sorted_.erase(std::lower_bound(sorted_.begin(), sorted_.end(), row.value));
      }
    }
  }

  //! Drops rows while there are more than `n`.
  void keep_last(std::size_t n) {
    while (rows_.size() > n) pop();
  }
  //! Drops rows whose time is <= `cutoff` (the window (t - span, t]).
  void drop_until(std::int64_t cutoff) {
    while (!rows_.empty() && rows_.front().time <= cutoff) pop();
  }

  //! Rows in the window (including missing values).
  [[nodiscard]] std::size_t size() const noexcept { return rows_.size(); }
  //! Values (non-missing rows) in the window.
  [[nodiscard]] std::int64_t count() const noexcept { return valid_; }

  //! The sum of the values.
  [[nodiscard]] double sum() const noexcept {
    return valid_ == 0 ? 0.0 : s1_.value() + static_cast<double>(valid_) * shift_;
  }
  //! The mean of the values (NaN when empty).
  [[nodiscard]] double mean() const noexcept {
    if (valid_ == 0) return std::numeric_limits<double>::quiet_NaN();
    return shift_ + s1_.value() / static_cast<double>(valid_);
  }
  //! The sample variance (ddof = 1; NaN below two values; never negative).
  [[nodiscard]] double var() const noexcept {
    if (valid_ < 2) return std::numeric_limits<double>::quiet_NaN();
    const double n = static_cast<double>(valid_);
    const double d = s1_.value();
    const double ss = s2_.value() - d * d / n;
    return ss <= 0 ? 0.0 : ss / (n - 1);
  }
  //! The smallest value (NaN when empty).
  [[nodiscard]] double min() const noexcept {
    return min_.empty() ? std::numeric_limits<double>::quiet_NaN() : min_.front().value;
  }
  //! The largest value (NaN when empty).
  [[nodiscard]] double max() const noexcept {
    return max_.empty() ? std::numeric_limits<double>::quiet_NaN() : max_.front().value;
  }
  //! The median (mean of the two middle values for an even count; NaN when empty).
  [[nodiscard]] double median() const noexcept {
    const std::size_t n = sorted_.size();
    if (n == 0) return std::numeric_limits<double>::quiet_NaN();
    if (n % 2 == 1) return sorted_[n / 2];
    return sorted_[n / 2 - 1] + (sorted_[n / 2] - sorted_[n / 2 - 1]) / 2;
  }

 private:
  struct Row {
    std::int64_t time;
    double value;
    std::uint64_t seq;
  };
  struct Entry {
    std::uint64_t seq;
    double value;
  };

  // Resets the running sums from the window's values with the shift at their mean.
  void recompute() {
    evicted_ = 0;
    CompensatedSum plain;
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      if (!std::isnan(rows_[i].value)) plain.add(rows_[i].value);
    }
    shift_ = valid_ > 0 ? plain.value() / static_cast<double>(valid_) : 0.0;
    s1_ = {};
    s2_ = {};
    for (std::size_t i = 0; i < rows_.size(); ++i) {
      const double value = rows_[i].value;
      if (std::isnan(value)) continue;
      s1_.add(value - shift_);
      if (needs_.squares) s2_.add((value - shift_) * (value - shift_));
    }
  }

  WindowNeeds needs_;
  Ring<Row> rows_;
  std::uint64_t next_seq_ = 0;
  std::int64_t valid_ = 0;
  double shift_ = 0;
  CompensatedSum s1_, s2_;
  std::size_t evicted_ = 0;
  std::deque<Entry> min_, max_;
  std::vector<double> sorted_;
};

//! pandas' exponentially weighted mean (`Series.ewm(alpha=…, adjust=…, ignore_na=…).mean()`,
//! pandas/_libs/window/aggregations.pyx `ewm`), one value at a time.
class Ewma {
 public:
  //! Smoothing factor alpha in (0, 1]; `adjust` and `ignore_na` as pandas; results are NaN
  //! until `min_periods` values were seen.
  Ewma(double alpha, bool adjust, bool ignore_na, std::int64_t min_periods)
      : factor_(1.0 - alpha),
        new_weight_(adjust ? 1.0 : alpha),
        adjust_(adjust),
        ignore_na_(ignore_na),
        min_periods_(std::max<std::int64_t>(min_periods, 1)) {}

  //! Feeds the next value (NaN = missing) and returns the average after it.
  double next(double x) {
    const bool observed = !std::isnan(x);
    nobs_ += observed ? 1 : 0;
    if (!started_) {
      if (observed) {
        average_ = x;
        started_ = true;
        old_weight_ = 1.0;
      }
    } else if (observed || !ignore_na_) {
      old_weight_ *= factor_;
      if (observed) {
        if (average_ != x) {
          average_ = (old_weight_ * average_ + new_weight_ * x) / (old_weight_ + new_weight_);
        }
        old_weight_ = adjust_ ? old_weight_ + new_weight_ : 1.0;
      }
    }
    return started_ && nobs_ >= min_periods_ ? average_ : std::numeric_limits<double>::quiet_NaN();
  }

 private:
  double factor_, new_weight_;
  bool adjust_, ignore_na_;
  std::int64_t min_periods_;
  std::int64_t nobs_ = 0;
  bool started_ = false;
  double average_ = 0, old_weight_ = 1.0;
};

}  // namespace quarry::ts
