#pragma once
//! \file
//! Mergeable, numerically stable moments of one column (Moments) and of a pair of
//! columns (CoMoments).
//!
//! Stability comes from three habits:
//!  - a shift: every state subtracts its first value K before doing arithmetic, so a
//!    column at 1e15 ± 1e4 is accumulated as ±1e4 and keeps its digits;
//!  - blocks: values arrive in blocks of at most kBlock, each reduced by a corrected
//!    two-pass algorithm (mean, then sums of powers of deviations);
//!  - merging: blocks and worker states are combined with the pairwise update formulas
//!    of Chan, Golub & LeVeque (1979) and Pébay (2008) for the 3rd and 4th moments.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "detail/double2.hpp"

namespace quarry::stats {

//! Values reduced together before being merged into a running state.
inline constexpr std::size_t kBlock = 512;

//! Central-moment sums of a block or a state (around `mean`, in shifted units).
struct MomentSums {
  double n = 0;     //!< number of values
  double mean = 0;  //!< mean of the shifted values
  double m2 = 0;    //!< sum of squared deviations
  double m3 = 0;    //!< sum of cubed deviations
  double m4 = 0;    //!< sum of 4th powers of deviations
};

//! Folds `b` into `a` (Pébay's pairwise formulas); both around the same shift.
inline void combine(MomentSums& a, const MomentSums& b) noexcept {
  if (b.n == 0) return;
  if (a.n == 0) {
    a = b;
    return;
  }
  const double na = a.n;
  const double nb = b.n;
  const double n = na + nb;
  const double delta = b.mean - a.mean;
  const double dn = delta / n;
  const double m4 = a.m4 + b.m4 + delta * dn * dn * dn * na * nb * (na * na - na * nb + nb * nb) +
                    6.0 * dn * dn * (na * na * b.m2 + nb * nb * a.m2) +
                    4.0 * dn * (na * b.m3 - nb * a.m3);
  const double m3 =
      a.m3 + b.m3 + delta * dn * dn * na * nb * (na - nb) + 3.0 * dn * (na * b.m2 - nb * a.m2);
  a.m2 += b.m2 + delta * dn * na * nb;
  a.m3 = m3;
  a.m4 = m4;
  a.mean += dn * nb;
  a.n = n;
}

//! The moment sums of `count` (<= kBlock) finite values x[i] - shift, by a corrected
//! two-pass reduction. `order` is 2 (mean, m2) or 4 (also m3, m4).
inline MomentSums block_sums(const double* x, std::size_t count, double shift, int order) noexcept {
  MomentSums s;
  if (count == 0) return s;
  // Two lanes, two vectors: four independent sums in flight instead of one dependency chain.
  const Double2 k = splat2(shift);
  Double2 sum_a = splat2(0);
  Double2 sum_b = splat2(0);
  std::size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    sum_a += load2(x + i) - k;
    sum_b += load2(x + i + 2) - k;
  }
  double total = lane_sum(sum_a + sum_b);
  for (; i < count; ++i) total += x[i] - shift;
  const double nb = static_cast<double>(count);
  const double mean = total / nb;
  const Double2 centre = splat2(mean);
  Double2 sd_a = splat2(0), s2_a = splat2(0), s3_a = splat2(0), s4_a = splat2(0);
  Double2 sd_b = splat2(0), s2_b = splat2(0), s3_b = splat2(0), s4_b = splat2(0);
  i = 0;
  if (order <= 2) {
    for (; i + 4 <= count; i += 4) {
      const Double2 da = (load2(x + i) - k) - centre;
      const Double2 db = (load2(x + i + 2) - k) - centre;
      sd_a += da;
      sd_b += db;
      s2_a += da * da;
      s2_b += db * db;
    }
  } else {
    for (; i + 4 <= count; i += 4) {
      const Double2 da = (load2(x + i) - k) - centre;
      const Double2 db = (load2(x + i + 2) - k) - centre;
      const Double2 da2 = da * da;
      const Double2 db2 = db * db;
      sd_a += da;
      sd_b += db;
      s2_a += da2;
      s2_b += db2;
      s3_a += da2 * da;
      s3_b += db2 * db;
      s4_a += da2 * da2;
      s4_b += db2 * db2;
    }
  }
  double sd = lane_sum(sd_a + sd_b);
  double s2 = lane_sum(s2_a + s2_b);
  double s3 = lane_sum(s3_a + s3_b);
  double s4 = lane_sum(s4_a + s4_b);
  for (; i < count; ++i) {
    const double d = (x[i] - shift) - mean;
    const double d2 = d * d;
    sd += d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  if (order <= 2) s3 = s4 = 0;  // (the scalar tail above added a few rows to them)
  // Move the origin by c = mean of the deviations (the rounding left in `mean`).
  const double c = sd / nb;
  s.n = nb;
  s.mean = mean + c;
  s.m2 = s2 - sd * c;
  s.m3 = s3 - 3.0 * c * s2 + 2.0 * nb * c * c * c;
  s.m4 = s4 - 4.0 * c * s3 + 6.0 * c * c * s2 - 3.0 * nb * c * c * c * c;
  if (s.m2 < 0) s.m2 = 0;
  if (s.m4 < 0) s.m4 = 0;
  return s;
}

//! Lowers `lo` and raises `hi` to cover the finite values x[0..count).
inline void widen_range(const double* x, std::size_t count, double& lo, double& hi) noexcept {
  Double2 lo_a = splat2(lo), lo_b = lo_a;
  Double2 hi_a = splat2(hi), hi_b = hi_a;
  std::size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    const Double2 a = load2(x + i);
    const Double2 b = load2(x + i + 2);
    lo_a = min2(lo_a, a);
    lo_b = min2(lo_b, b);
    hi_a = max2(hi_a, a);
    hi_b = max2(hi_b, b);
  }
  lo_a = min2(lo_a, lo_b);
  hi_a = max2(hi_a, hi_b);
  lo = std::min(lo_a[0], lo_a[1]);
  hi = std::max(hi_a[0], hi_a[1]);
  for (; i < count; ++i) {
    lo = std::min(lo, x[i]);
    hi = std::max(hi, x[i]);
  }
}

//! Count, mean, variance, skewness, kurtosis, min and max of a stream of finite values.
class Moments {
 public:
  //! Adds `count` finite values.
  void add(const double* x, std::size_t count) noexcept {
    if (count == 0) return;
    if (sums_.n == 0) shift_ = x[0];
    for (std::size_t at = 0; at < count; at += kBlock) {
      const std::size_t len = std::min(kBlock, count - at);
      combine(sums_, block_sums(x + at, len, shift_, 4));
    }
    widen_range(x, count, min_, max_);
  }

  //! Adds one finite value.
  void add(double x) noexcept { add(&x, 1); }

  //! Folds `other` into this state.
  void merge(const Moments& other) noexcept {
    if (other.sums_.n == 0) return;
    if (sums_.n == 0) {
      *this = other;
      return;
    }
    MomentSums b = other.sums_;
    b.mean += other.shift_ - shift_;
    combine(sums_, b);
    min_ = std::min(min_, other.min_);
    max_ = std::max(max_, other.max_);
  }

  //! The number of values.
  [[nodiscard]] std::int64_t count() const noexcept { return static_cast<std::int64_t>(sums_.n); }
  //! The mean (NaN without values).
  [[nodiscard]] double mean() const noexcept { return sums_.n > 0 ? shift_ + sums_.mean : nan(); }
  //! The value subtracted before accumulating (the first value seen).
  [[nodiscard]] double shift() const noexcept { return shift_; }
  //! mean() - reference, without first rounding the mean to the data's magnitude.
  [[nodiscard]] double mean_from(double reference) const noexcept {
    return sums_.n > 0 ? (shift_ - reference) + sums_.mean : nan();
  }
  //! The sum, as count * mean.
  [[nodiscard]] double sum() const noexcept { return sums_.n > 0 ? sums_.n * mean() : 0.0; }
  //! Sum of squared deviations from the mean.
  [[nodiscard]] double m2() const noexcept { return sums_.m2; }
  //! Variance with `ddof` delta degrees of freedom (NaN when count <= ddof).
  [[nodiscard]] double variance(int ddof = 1) const noexcept {
    return sums_.n > ddof ? sums_.m2 / (sums_.n - ddof) : nan();
  }
  //! Standard deviation with `ddof` (NaN when count <= ddof).
  [[nodiscard]] double stddev(int ddof = 1) const noexcept { return std::sqrt(variance(ddof)); }
  //! True when every value is the same (and there is at least one).
  [[nodiscard]] bool constant() const noexcept { return sums_.n > 0 && min_ == max_; }
  //! True when the values differ but their squared deviations underflow to 0 (magnitudes
  //! near 1e-160 and below): the variance is 0 though the column is not constant.
  [[nodiscard]] bool spread_underflows() const noexcept {
    return sums_.n > 1 && sums_.m2 == 0 && min_ != max_;
  }
  //! True when the squared deviations overflow (values far apart, near 1e154 and beyond):
  //! the variance is infinite or NaN though the values are finite.
  [[nodiscard]] bool spread_overflows() const noexcept {
    return sums_.n > 1 && std::isfinite(min_) && std::isfinite(max_) && !std::isfinite(sums_.m2);
  }
  //! The smallest value (+inf without values).
  [[nodiscard]] double min() const noexcept { return min_; }
  //! The largest value (-inf without values).
  [[nodiscard]] double max() const noexcept { return max_; }

  //! Bias-corrected sample skewness G1 (pandas Series.skew); NaN when count < 3 or constant.
  [[nodiscard]] double skewness() const noexcept {
    const double n = sums_.n;
    if (n < 3 || sums_.m2 == 0) return nan();
    return n * std::sqrt(n - 1) / (n - 2) * (sums_.m3 / std::pow(sums_.m2, 1.5));
  }
  //! Bias-corrected excess kurtosis G2 (pandas Series.kurt); NaN when count < 4 or constant.
  [[nodiscard]] double kurtosis() const noexcept {
    const double n = sums_.n;
    if (n < 4 || sums_.m2 == 0) return nan();
    const double num = n * (n + 1) * (n - 1) * sums_.m4;
    const double den = (n - 2) * (n - 3) * sums_.m2 * sums_.m2;
    return num / den - 3 * (n - 1) * (n - 1) / ((n - 2) * (n - 3));
  }
  //! Population skewness g1 = m3 / m2^1.5 (scipy.stats.skew, bias=True); NaN if constant.
  [[nodiscard]] double biased_skewness() const noexcept {
    const double n = sums_.n;
    if (n < 1 || sums_.m2 == 0) return nan();
    return std::sqrt(n) * sums_.m3 / std::pow(sums_.m2, 1.5);
  }
  //! Population excess kurtosis g2 = m4 / m2^2 - 3 (scipy.stats.kurtosis); NaN if constant.
  [[nodiscard]] double biased_kurtosis() const noexcept {
    const double n = sums_.n;
    if (n < 1 || sums_.m2 == 0) return nan();
    return n * sums_.m4 / (sums_.m2 * sums_.m2) - 3.0;
  }

 private:
  static double nan() noexcept { return std::numeric_limits<double>::quiet_NaN(); }

  double shift_ = 0;
  MomentSums sums_;
  double min_ = std::numeric_limits<double>::infinity();
  double max_ = -std::numeric_limits<double>::infinity();
};

//! Mean and variance by Welford's update, one value at a time (for group tables, where
//! values of a group do not arrive in blocks). Shifted like Moments.
class RunningMoments {
 public:
  //! Adds one finite value.
  void add(double x) noexcept {
    if (n_ == 0) shift_ = x;
    const double y = x - shift_;
    n_ += 1;
    const double delta = y - mean_;
    mean_ += delta / n_;
    m2_ += delta * (y - mean_);
  }
  //! Folds `other` into this state (Chan et al.).
  void merge(const RunningMoments& other) noexcept {
    if (other.n_ == 0) return;
    if (n_ == 0) {
      *this = other;
      return;
    }
    MomentSums a{n_, mean_, m2_, 0, 0};
    const MomentSums b{other.n_, other.mean_ + (other.shift_ - shift_), other.m2_, 0, 0};
    combine(a, b);
    n_ = a.n;
    mean_ = a.mean;
    m2_ = a.m2;
  }
  //! The number of values.
  [[nodiscard]] std::int64_t count() const noexcept { return static_cast<std::int64_t>(n_); }
  //! The mean (NaN without values).
  [[nodiscard]] double mean() const noexcept {
    return n_ > 0 ? shift_ + mean_ : std::numeric_limits<double>::quiet_NaN();
  }
  //! Sum of squared deviations from the mean.
  [[nodiscard]] double m2() const noexcept { return m2_; }
  //! The value subtracted before accumulating (the first value seen).
  [[nodiscard]] double shift() const noexcept { return shift_; }
  //! mean() - reference, without rounding the mean to the magnitude of the data first
  //! (for comparing group means of data far from zero).
  [[nodiscard]] double mean_from(double reference) const noexcept {
    return (shift_ - reference) + mean_;
  }
  //! Sample variance (ddof 1); NaN when count < 2.
  [[nodiscard]] double variance() const noexcept {
    return n_ > 1 ? m2_ / (n_ - 1) : std::numeric_limits<double>::quiet_NaN();
  }

 private:
  double n_ = 0;
  double shift_ = 0;
  double mean_ = 0;
  double m2_ = 0;
};

//! Pairwise-complete co-moments of two columns: counts, means, sums of squares and the
//! sum of cross products, each around its own shift.
class CoMoments {
 public:
  //! Adds `count` (x, y) pairs, both finite.
  void add(const double* x, const double* y, std::size_t count) noexcept {
    if (count == 0) return;
    if (n_ == 0) {
      shift_x_ = x[0];
      shift_y_ = y[0];
    }
    for (std::size_t at = 0; at < count; at += kBlock) {
      add_block(x + at, y + at, std::min(kBlock, count - at));
    }
  }

  //! Adds a block of `n` (> 0) pairs given as raw sums around the shifts (kx, ky): sx =
  //! sum(x - kx), sxx = sum((x - kx)^2), sxy = sum((x - kx)(y - ky)), and likewise for y.
  //! Accurate when kx and ky are near the block's means (the sums of deviations are small).
  void add_sums(double n, double kx, double ky, double sx, double sy, double sxx, double syy,
                double sxy) noexcept {
    if (n_ == 0) {
      shift_x_ = kx;
      shift_y_ = ky;
    }
    const double mx = sx / n, my = sy / n;
    combine_sums(n, (kx - shift_x_) + mx, (ky - shift_y_) + my, std::max(sxx - sx * mx, 0.0),
                 std::max(syy - sy * my, 0.0), sxy - sx * my);
  }

  //! Folds `other` into this state.
  void merge(const CoMoments& o) noexcept {
    if (o.n_ == 0) return;
    if (n_ == 0) {
      *this = o;
      return;
    }
    combine_sums(o.n_, o.mean_x_ + (o.shift_x_ - shift_x_), o.mean_y_ + (o.shift_y_ - shift_y_),
                 o.sxx_, o.syy_, o.sxy_);
  }

  //! The number of complete pairs.
  [[nodiscard]] std::int64_t count() const noexcept { return static_cast<std::int64_t>(n_); }
  //! Sum of squared deviations of x.
  [[nodiscard]] double sxx() const noexcept { return sxx_; }
  //! Sum of squared deviations of y.
  [[nodiscard]] double syy() const noexcept { return syy_; }
  //! Sum of cross products of deviations.
  [[nodiscard]] double sxy() const noexcept { return sxy_; }
  //! Sample covariance (ddof 1); NaN when fewer than 2 pairs.
  [[nodiscard]] double covariance() const noexcept {
    return n_ > 1 ? sxy_ / (n_ - 1) : std::numeric_limits<double>::quiet_NaN();
  }
  //! Pearson's r; NaN when fewer than 2 pairs, either side is constant, or the sums
  //! overflowed (spreads beyond 1e154). Clamped to [-1, 1] against rounding.
  [[nodiscard]] double correlation() const noexcept {
    if (n_ < 2 || sxx_ == 0 || syy_ == 0 || !sums_finite()) {
      return std::numeric_limits<double>::quiet_NaN();
    }
    return std::clamp(sxy_ / (std::sqrt(sxx_) * std::sqrt(syy_)), -1.0, 1.0);
  }
  //! False when a sum of squares or products overflowed.
  [[nodiscard]] bool sums_finite() const noexcept {
    return std::isfinite(sxx_) && std::isfinite(syy_) && std::isfinite(sxy_);
  }

 private:
  void add_block(const double* x, const double* y, std::size_t count) noexcept {
    double sx = 0, sy = 0;
    for (std::size_t i = 0; i < count; ++i) {
      sx += x[i] - shift_x_;
      sy += y[i] - shift_y_;
    }
    const double nb = static_cast<double>(count);
    double mx = sx / nb, my = sy / nb;
    double dx_sum = 0, dy_sum = 0, sxx = 0, syy = 0, sxy = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const double dx = (x[i] - shift_x_) - mx;
      const double dy = (y[i] - shift_y_) - my;
      dx_sum += dx;
      dy_sum += dy;
      sxx += dx * dx;
      syy += dy * dy;
      sxy += dx * dy;
    }
    const double cx = dx_sum / nb, cy = dy_sum / nb;
    mx += cx;
    my += cy;
    sxx -= dx_sum * cx;
    syy -= dy_sum * cy;
    sxy -= dx_sum * cy;
    combine_sums(nb, mx, my, std::max(sxx, 0.0), std::max(syy, 0.0), sxy);
  }

  void combine_sums(double nb, double mx, double my, double sxx, double syy, double sxy) noexcept {
    if (n_ == 0) {
      n_ = nb;
      mean_x_ = mx;
      mean_y_ = my;
      sxx_ = sxx;
      syy_ = syy;
      sxy_ = sxy;
      return;
    }
    const double na = n_;
    const double n = na + nb;
    const double dx = mx - mean_x_;
    const double dy = my - mean_y_;
    const double w = na * nb / n;
    sxx_ += sxx + dx * dx * w;
    syy_ += syy + dy * dy * w;
    sxy_ += sxy + dx * dy * w;
    mean_x_ += dx * nb / n;
    mean_y_ += dy * nb / n;
    n_ = n;
  }

  double n_ = 0;
  double shift_x_ = 0, shift_y_ = 0;
  double mean_x_ = 0, mean_y_ = 0;
  double sxx_ = 0, syy_ = 0, sxy_ = 0;
};

}  // namespace quarry::stats
