#pragma once
//! \file
//! ExactSum: the exact sum of doubles (Shewchuk's non-overlapping partials, as Python's
//! math.fsum), rounded once at the end. Because the kept sum is exact, the result does not
//! depend on the order of the values or on how worker states were merged, so a fill with
//! the mean writes the same bytes whatever the chunk size and thread count.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace quarry::clean {

//! The exact running sum of finite doubles.
class ExactSum {
 public:
  //! Adds finite `x` exactly.
  void add(double x) {
    std::size_t kept = 0;
    for (double y : partials_) {
      if (std::fabs(x) < std::fabs(y)) std::swap(x, y);
      const double hi = x + y;
      const double lo = y - (hi - x);
      if (lo != 0.0) partials_[kept++] = lo;
      x = hi;
    }
    partials_.resize(kept);
    partials_.push_back(x);
  }

  //! Adds a * b exactly (the product's rounded value and its rounding error, via fma).
  void add_product(double a, double b) {
    const double p = a * b;
    add(p);
    add(std::fma(a, b, -p));
  }

  //! Adds every value of `other` (exactly).
  void merge(const ExactSum& other) {
    for (double p : other.partials_) add(p);
  }

  //! The partials (non-overlapping, increasing magnitude); their exact sum is the sum.
  [[nodiscard]] const std::vector<double>& partials() const noexcept { return partials_; }

  //! The exact sum rounded to the nearest double (ties to even), as math.fsum.
  [[nodiscard]] double value() const noexcept {
    std::size_t n = partials_.size();
    if (n == 0) return 0.0;
    double hi = partials_[--n];
    double lo = 0.0;
    while (n > 0) {
      const double x = hi;
      const double y = partials_[--n];
      hi = x + y;
      lo = y - (hi - x);
      if (lo != 0.0) break;
    }
    if (n > 0 && ((lo < 0 && partials_[n - 1] < 0) || (lo > 0 && partials_[n - 1] > 0))) {
      const double y = lo * 2;
      const double x = hi + y;
      if (y == x - hi) hi = x;
    }
    return hi;
  }

 private:
  std::vector<double> partials_;
};

//! Count, exact sum and exact sum of squares of a column: mean and sample standard
//! deviation that are independent of order and merging.
class ExactMoments {
 public:
  //! Adds finite `x`.
  void add(double x) {
    ++count_;
    sum_.add(x);
    squares_.add_product(x, x);
  }
  //! Folds `other` in.
  void merge(const ExactMoments& other) {
    count_ += other.count_;
    sum_.merge(other.sum_);
    squares_.merge(other.squares_);
  }
  //! The number of values.
  [[nodiscard]] std::int64_t count() const noexcept { return count_; }
  //! The mean (NaN when empty): the exact sum rounded, divided by the count.
  [[nodiscard]] double mean() const noexcept {
    return count_ == 0 ? std::nan("") : sum_.value() / static_cast<double>(count_);
  }
  //! The sample standard deviation (ddof = 1; NaN below two values). Computes
  //! sum((x - m)^2) = S2 - 2 m S1 + n m^2 exactly around the rounded mean m, so only the
  //! final square root and division round.
  [[nodiscard]] double stddev() const {
    if (count_ < 2) return std::nan("");
    const double m = mean();
    ExactSum deviations = squares_;
    for (double p : sum_.partials()) deviations.add_product(-2.0 * m, p);
    const double mm = m * m;
    const double mm_error = std::fma(m, m, -mm);
    const auto n = static_cast<double>(count_);
    deviations.add_product(n, mm);
    deviations.add_product(n, mm_error);
    const double ss = std::max(0.0, deviations.value());
    return std::sqrt(ss / (n - 1.0));
  }

 private:
  std::int64_t count_ = 0;
  ExactSum sum_;
  ExactSum squares_;
};

}  // namespace quarry::clean
