#pragma once
//! \file
//! The Shapiro–Wilk W test of normality with Royston's approximations (Royston 1992, "Approximating
//! the Shapiro-Wilk W-test for non-normality", Statistics and Computing 2; and the algorithm
//! AS R94, Applied Statistics 44, 1995), the method behind scipy.stats.shapiro. Written from the
//! published formulas, in double precision throughout.
//!
//! Coefficients: with m_i = Φ⁻¹((i − 3/8) / (n + 1/4)) and u = 1/√n, the two outermost
//! coefficients are m_i / ‖m‖ plus a polynomial in u; the others are m_i scaled so that the
//! coefficients have unit norm. W is the squared correlation of the coefficients with the
//! sorted values; 1 − W is formed without cancelling against 1. P-values: exact for n = 3;
//! for 4 ≤ n ≤ 11, −log(γ − log(1 − W)) and for n ≥ 12, log(1 − W), are taken as normal with a
//! mean and standard deviation that are polynomials in n (resp. log n). The approximation was
//! fitted for n ≤ 5000.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <numbers>
#include <vector>

#include "detail/distributions.hpp"

namespace quarry::stats {

//! The result of shapiro_wilk().
struct ShapiroWilk {
  double w = 0;        //!< the statistic W
  double p_value = 1;  //!< P(W' <= W) under normality
};

namespace detail {

//! c[0] + c[1] x + c[2] x² + …
template <std::size_t N>
double polynomial(const double (&c)[N], double x) noexcept {
  double out = 0;
  for (std::size_t i = N; i-- > 0;) out = out * x + c[i];
  return out;
}

//! The coefficients a_1 … a_{n/2} of the largest values (a_{n+1-i} = −a_i pairs them with the
//! smallest), positive and decreasing.
inline std::vector<double> shapiro_coefficients(std::size_t n) {
  const std::size_t half = n / 2;
  std::vector<double> a(half);
  if (n == 3) {
    a[0] = std::numbers::sqrt2 / 2;
    return a;
  }
  const double nn = static_cast<double>(n);
  double mm = 0;  // ‖m‖²: both halves (the middle m of odd n is 0)
  for (std::size_t i = 0; i < half; ++i) {
    a[i] = -dist::normal_quantile((static_cast<double>(i + 1) - 0.375) / (nn + 0.25));
    mm += 2 * a[i] * a[i];
  }
  const double u = 1 / std::sqrt(nn);
  static constexpr double kOuter[] = {0, 0.221157, -0.147981, -2.07119, 4.434685, -2.706056};
  static constexpr double kNext[] = {0, 0.042981, -0.293762, -1.752461, 5.682633, -3.582633};
  const double a1 = a[0] / std::sqrt(mm) + polynomial(kOuter, u);
  std::size_t corrected = 1;
  double rest_m = mm - 2 * a[0] * a[0], rest_a = 1 - 2 * a1 * a1;
  double a2 = 0;
  if (n > 5) {
    corrected = 2;
    a2 = a[1] / std::sqrt(mm) + polynomial(kNext, u);
    rest_m -= 2 * a[1] * a[1];
    rest_a -= 2 * a2 * a2;
  }
  const double scale = std::sqrt(rest_m / rest_a);
  for (std::size_t i = corrected; i < half; ++i) a[i] /= scale;
  a[0] = a1;
  if (n > 5) a[1] = a2;
  return a;
}

//! Royston's p-value of W (with 1 − W given separately, formed without cancellation).
inline double shapiro_p_value(double w, double one_minus_w, std::size_t n) noexcept {
  if (n == 3) {
    const double p = 6 / std::numbers::pi * (std::asin(std::sqrt(w)) - std::numbers::pi / 3);
    return std::clamp(p, 0.0, 1.0);
  }
  const double nn = static_cast<double>(n);
  double y = std::log(one_minus_w), mean = 0, sd = 0;
  if (n <= 11) {
    const double gamma = -2.273 + 0.459 * nn;
    if (y >= gamma) return 0;  // cannot happen for W in its range (y < 0 < γ for n >= 5)
    y = -std::log(gamma - y);
    static constexpr double kMean[] = {0.544, -0.39978, 0.025054, -6.714e-4};
    static constexpr double kLogSd[] = {1.3822, -0.77857, 0.062767, -0.0020322};
    mean = polynomial(kMean, nn);
    sd = std::exp(polynomial(kLogSd, nn));
  } else {
    const double log_n = std::log(nn);
    static constexpr double kMean[] = {-1.5861, -0.31082, -0.083751, 0.0038915};
    static constexpr double kLogSd[] = {-0.4803, -0.082676, 0.0030302};
    mean = polynomial(kMean, log_n);
    sd = std::exp(polynomial(kLogSd, log_n));
  }
  return dist::normal_sf((y - mean) / sd);
}

}  // namespace detail

//! The Shapiro–Wilk test of `sorted` (ascending, no NaN, at least 3 values, not all equal;
//! see the file comment).
inline ShapiroWilk shapiro_wilk(const std::vector<double>& sorted) {
  const std::size_t n = sorted.size();
  const std::vector<double> a = detail::shapiro_coefficients(n);
  // W does not change with the scale, so the values are brought near 1 by a power of two
  // (exact: the same W bit for bit) before they are squared: values near 1e-300 or 1e300
  // would otherwise underflow or overflow Σ(x − x̄)².
  const double largest = std::max(std::fabs(sorted.front()), std::fabs(sorted.back()));
  const double unit = largest > 0 ? std::ldexp(1.0, -std::ilogb(largest)) : 1.0;
  // Σ(x − x̄)² by the corrected two-pass algorithm: the mean is rounded (to a multiple of 1/8
  // at 1e15), and the correction removes n (x̄ − mean)², which would otherwise shift 1 − W.
  double mean = 0;
  for (double x : sorted) mean += x * unit;
  mean /= static_cast<double>(n);
  double sum_d = 0, sum_d2 = 0;
  for (double x : sorted) {
    sum_d += x * unit - mean;
    sum_d2 += (x * unit - mean) * (x * unit - mean);
  }
  const double ss_x = sum_d2 - sum_d * sum_d / static_cast<double>(n);
  double ss_a = 0, s_ax = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ss_a += 2 * a[i] * a[i];
    s_ax += a[i] * (sorted[n - 1 - i] * unit - sorted[i] * unit);
  }
  // W = s_ax² / (ss_a ss_x), and 1 − W = (r − s_ax)(r + s_ax) / r² with r = √(ss_a ss_x).
  const double r2 = ss_a * ss_x, r = std::sqrt(r2);
  const double one_minus_w = std::max(0.0, (r - s_ax) * (r + s_ax) / r2);
  ShapiroWilk out;
  out.w = 1 - one_minus_w;
  out.p_value = detail::shapiro_p_value(out.w, one_minus_w, n);
  return out;
}

}  // namespace quarry::stats
