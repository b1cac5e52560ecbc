#pragma once
//! \file
//! Autocovariance sums in one streaming pass, and the autocorrelations, partial
//! autocorrelations (Levinson–Durbin) and confidence bounds statsmodels 0.13 derives from them.
//!
//! One pass without knowing the mean: values are shifted by the first one (y = x - c), the lag
//! products P_k = Σ y_t y_{t-k} are summed blockwise (dot products over contiguous buffers that
//! carry the last maxlag values across chunks, each block folded into a compensated sum), and
//! the demeaned sums follow exactly from
//!   Σ_{t>=k} (y_t - d)(y_{t-k} - d) = P_k - d (Σ_{t>=k} y_t + Σ_{t<n-k} y_t) + (n - k) d²,
//! with d the mean of y; the two partial sums come from the total less the first / last k
//! values, which the state keeps.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "ts/window.hpp"

namespace quarry::ts {

//! Streaming autocovariance sums up to a maximum lag.
class LagSums {
 public:
  //! Sums for lags 0..max_lag.
  explicit LagSums(std::int64_t max_lag)
      : max_lag_(max_lag), products_(static_cast<std::size_t>(max_lag + 1)) {}

  //! Adds values in series order (no NaN: the caller drops or refuses missing values).
  //! Blocks are cut at fixed positions of the whole series (every kBlock values), not at the
  //! caller's chunk boundaries, so the rounding — and the result, bit for bit — does not
  //! depend on how the series arrives.
  void add(const double* x, std::size_t count) {
    if (count == 0) return;
    if (n_ == 0) shift_ = x[0];
    const std::size_t lag = static_cast<std::size_t>(max_lag_);
    for (std::size_t i = 0; i < count;) {
      // Up to the next block boundary of the whole series.
      const std::size_t m = std::min(count - i, kBlock - pending_);
      const std::size_t end = buffer_.size();
      buffer_.resize(end + m);
      for (std::size_t j = 0; j < m; ++j) buffer_[end + j] = x[i + j] - shift_;
      for (std::size_t j = 0; j < m && head_.size() < lag; ++j) head_.push_back(buffer_[end + j]);
      pending_ += m;
      i += m;
      if (pending_ == kBlock) {
        fold(products_, total_);
        const std::size_t keep = std::min(buffer_.size(), lag);
        buffer_.erase(buffer_.begin(), buffer_.end() - static_cast<std::ptrdiff_t>(keep));
        pending_ = 0;
      }
    }
    n_ += static_cast<std::int64_t>(count);
  }

  //! Values added.
  [[nodiscard]] std::int64_t count() const noexcept { return n_; }
  //! The largest lag tracked.
  [[nodiscard]] std::int64_t max_lag() const noexcept { return max_lag_; }

  //! Σ_{t=k}^{n-1} (x_t - mean)(x_{t-k} - mean) for k = 0..lags (lags <= max_lag, < n).
  [[nodiscard]] std::vector<double> centred(std::int64_t lags) const {
    std::vector<double> out(static_cast<std::size_t>(lags + 1), 0.0);
    if (n_ == 0) return out;
    const double n = static_cast<double>(n_);
    std::vector<CompensatedSum> products = products_;  // with the partial last block
    CompensatedSum total_sum = total_;
    fold(products, total_sum);
    const double total = total_sum.value();
    const double d = total / n;
    CompensatedSum first, last;  // Σ of the first k and of the last k values
    for (std::int64_t k = 0; k <= lags; ++k) {
      if (k > 0) {
        first.add(head_[static_cast<std::size_t>(k - 1)]);
        last.add(buffer_[buffer_.size() - static_cast<std::size_t>(k)]);
      }
      const double tail_sum = total - first.value();  // Σ_{t>=k} y_t
      const double head_sum = total - last.value();   // Σ_{t<n-k} y_t
      CompensatedSum s;
      s.add(products[static_cast<std::size_t>(k)].value());
      s.add(-d * tail_sum);
      s.add(-d * head_sum);
      s.add(static_cast<double>(n_ - k) * d * d);
      out[static_cast<std::size_t>(k)] = s.value();
    }
    return out;
  }

  //! The mean of the values.
  [[nodiscard]] double mean() const {
    if (n_ == 0) return 0.0;
    std::vector<CompensatedSum> products = products_;
    CompensatedSum total = total_;
    fold(products, total);
    return shift_ + total.value() / static_cast<double>(n_);
  }

 private:
  static constexpr std::size_t kBlock = 4096;

  // Adds the pending block (the last pending_ values of buffer_, after the carried tail) to
  // `products` and `total`: its sum and, per lag, the dot product with the values k before.
  void fold(std::vector<CompensatedSum>& products, CompensatedSum& total) const {
    if (pending_ == 0) return;
    const std::size_t tail = buffer_.size() - pending_;
    const double* cur = buffer_.data() + tail;
    double block_sum = 0;
    for (std::size_t i = 0; i < pending_; ++i) block_sum += cur[i];
    total.add(block_sum);
    for (std::size_t k = 0; k <= static_cast<std::size_t>(max_lag_); ++k) {
      // products y_t * y_{t-k} for the block's t whose partner exists (t - k >= 0 overall).
      const std::size_t skip = k > tail ? k - tail : 0;
      products[k].add(dot(cur, cur - k, skip, pending_));
    }
  }

  // Σ_{i in [from, to)} a[i] b[i] with four independent accumulators (the compiler may not
  // reassociate one floating-point chain).
  static double dot(const double* a, const double* b, std::size_t from, std::size_t to) noexcept {
    double a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    std::size_t i = from;
    for (; i + 4 <= to; i += 4) {
      a0 += a[i] * b[i];
      a1 += a[i + 1] * b[i + 1];
      a2 += a[i + 2] * b[i + 2];
      a3 += a[i + 3] * b[i + 3];
    }
    for (; i < to; ++i) a0 += a[i] * b[i];
    return (a0 + a1) + (a2 + a3);
  }

  std::int64_t max_lag_;
  std::int64_t n_ = 0;
  double shift_ = 0;
  CompensatedSum total_;
  std::vector<CompensatedSum> products_;
  std::vector<double> head_;    // the first max_lag shifted values
  std::vector<double> buffer_;  // the last max_lag folded values, then the pending block
  std::size_t pending_ = 0;     // values of buffer_ not folded yet
};

//! Autocorrelations acf[k] = γ_k / γ_0 with γ_k = centred[k] / n (statsmodels acf,
//! adjusted=False).
[[nodiscard]] inline std::vector<double> autocorrelations(const std::vector<double>& centred) {
  std::vector<double> acf(centred.size());
  for (std::size_t k = 0; k < centred.size(); ++k) acf[k] = centred[k] / centred[0];
  return acf;
}

//! Bartlett's half-widths of the acf confidence intervals, z * sqrt(var_k) with var_0 = 0,
//! var_1 = 1/nobs, var_k = (1 + 2 Σ_{j<k} acf_j²) / nobs (statsmodels acf, alpha given).
[[nodiscard]] inline std::vector<double> bartlett_widths(const std::vector<double>& acf,
                                                         double nobs, double z) {
  std::vector<double> out(acf.size(), 0.0);
  double cumulative = 0;
  for (std::size_t k = 1; k < acf.size(); ++k) {
    if (k >= 2) cumulative += acf[k - 1] * acf[k - 1];
    const double var = (k == 1 ? 1.0 : 1.0 + 2.0 * cumulative) / nobs;
    out[k] = z * std::sqrt(var);
  }
  return out;
}

//! Partial autocorrelations from autocovariances r[0..K] by Levinson–Durbin: pacf[k] = φ_kk
//! (equal to solving the order-k Yule–Walker equations for each k, statsmodels pacf_yw).
[[nodiscard]] inline std::vector<double> levinson_durbin_pacf(const std::vector<double>& r) {
  const std::size_t order = r.size() - 1;
  std::vector<double> pacf(order + 1, 0.0);
  pacf[0] = 1.0;
  std::vector<double> phi(order + 1, 0.0), previous(order + 1, 0.0);
  double sigma = r[0];
  for (std::size_t k = 1; k <= order; ++k) {
    double acc = r[k];
    for (std::size_t j = 1; j < k; ++j) acc -= previous[j] * r[k - j];
    const double reflection = acc / sigma;
    phi[k] = reflection;
    for (std::size_t j = 1; j < k; ++j) phi[j] = previous[j] - reflection * previous[k - j];
    sigma *= 1.0 - reflection * reflection;
    pacf[k] = reflection;
    previous = phi;
  }
  return pacf;
}

//! Ljung–Box Q statistics for lags 1..K: nobs (nobs + 2) Σ_{j<=k} acf_j² / (nobs - j)
//! (statsmodels q_stat).
[[nodiscard]] inline std::vector<double> ljung_box(const std::vector<double>& acf, double nobs) {
  std::vector<double> q;
  double sum = 0;
  for (std::size_t k = 1; k < acf.size(); ++k) {
    sum += acf[k] * acf[k] / (nobs - static_cast<double>(k));
    q.push_back(nobs * (nobs + 2) * sum);
  }
  return q;
}

}  // namespace quarry::ts
