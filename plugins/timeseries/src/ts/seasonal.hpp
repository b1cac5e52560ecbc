#pragma once
//! \file
//! Classical seasonal decomposition (statsmodels 0.13 seasonal_decompose: centred moving-average
//! trend, mean seasonal pattern per phase, residual) and the choice of its period (given, implied
//! by a regular time step as statsmodels' freq_to_period, or the highest ACF peak). Shared by
//! ts_decompose and ts_anomalies (residual-based detection).

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "detail/format.hpp"
#include "quarry/sdk.hpp"
#include "ts/autocov.hpp"
#include "ts/order.hpp"
#include "ts/time.hpp"

namespace quarry::ts {

//! The components of a classical decomposition (trend and residual are NaN where the centred
//! moving average is undefined: the first and last period/2 values).
struct Decomposition {
  std::vector<double> trend;     //!< centred moving average
  std::vector<double> seasonal;  //!< the pattern repeated over the series
  std::vector<double> resid;     //!< what is left
  std::vector<double> pattern;   //!< one value per phase (normalised: sums to 0 / means 1)
};

//! Decomposes `x` with season length `period` (2 * period <= x.size() is the caller's check).
[[nodiscard]] inline Decomposition decompose(const std::vector<double>& x, std::size_t period,
                                             bool multiplicative) {
  const std::size_t p = period;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Decomposition d;
  // Centred moving average: weights 1/p (odd p) or [1/2, 1, …, 1, 1/2]/p (even p).
  d.trend.assign(x.size(), nan);
  const std::size_t half = p / 2;
  for (std::size_t t = half; t + half < x.size(); ++t) {
    double s = 0;
    if (p % 2 == 1) {
      for (std::size_t j = 0; j < p; ++j) s += x[t - half + j];
    } else {
      s = 0.5 * x[t - half] + 0.5 * x[t + half];
      for (std::size_t j = 1; j < p; ++j) s += x[t - half + j];
    }
    d.trend[t] = s / static_cast<double>(p);
  }
  std::vector<double> detrended(x.size());
  for (std::size_t t = 0; t < x.size(); ++t) {
    detrended[t] = multiplicative ? x[t] / d.trend[t] : x[t] - d.trend[t];
  }
  d.pattern.assign(p, 0.0);
  for (std::size_t i = 0; i < p; ++i) {
    double s = 0;
    std::int64_t c = 0;
    for (std::size_t t = i; t < x.size(); t += p) {
      if (!std::isnan(detrended[t])) {
        s += detrended[t];
        ++c;
      }
    }
    d.pattern[i] = s / static_cast<double>(c);
  }
  double centre = 0;
  for (double v : d.pattern) centre += v;
  centre /= static_cast<double>(p);
  for (double& v : d.pattern) v = multiplicative ? v / centre : v - centre;
  d.seasonal.resize(x.size());
  d.resid.resize(x.size());
  for (std::size_t t = 0; t < x.size(); ++t) {
    d.seasonal[t] = d.pattern[t % p];
    d.resid[t] = multiplicative ? detrended[t] / d.seasonal[t] : detrended[t] - d.seasonal[t];
  }
  return d;
}

//! statsmodels' freq_to_period for a regular time step (0 when there is none or it is not a
//! usual one); sets `source` to say where the period came from.
[[nodiscard]] inline std::int64_t implied_period(const OrderCheck& order, std::string& source) {
  const auto step = order.usual_step();
  if (!step) return 0;
  const std::int64_t s = *step / kMicrosPerSecond;
  std::int64_t period = 0;
  if (s == 1 || s == 60) period = 60;
  if (s == 3600) period = 24;
  if (s == 86400) period = 7;
  if (s == 7 * 86400) period = 52;
  if (s >= 28 * 86400 && s <= 31 * 86400) period = 12;
  if (s >= 90 * 86400 && s <= 92 * 86400) period = 4;
  if (period > 0) source = "time step " + stats::duration_text(static_cast<double>(s));
  return period;
}

//! The lag (2..min(n/2, 500)) of the highest local ACF maximum; throws when there is none.
[[nodiscard]] inline std::int64_t acf_period(const std::vector<double>& x, std::string& source) {
  const auto n = static_cast<std::int64_t>(x.size());
  const std::int64_t max_lag = std::min<std::int64_t>(n / 2, 500);
  if (max_lag < 3) {
    throw sdk::Error::invalid_argument("too few values to detect a period; give period");
  }
  LagSums sums(max_lag);
  sums.add(x.data(), x.size());
  const std::vector<double> c = sums.centred(max_lag);
  if (!(c[0] > 0)) throw sdk::Error::invalid_argument("the series is constant: no season");
  const std::vector<double> acf = autocorrelations(c);
  std::int64_t best = 0;
  for (std::int64_t k = 2; k < max_lag; ++k) {
    const auto i = static_cast<std::size_t>(k);
    if (acf[i] > acf[i - 1] && acf[i] >= acf[i + 1] &&
        (best == 0 || acf[i] > acf[static_cast<std::size_t>(best)])) {
      best = k;
    }
  }
  if (best == 0 || acf[static_cast<std::size_t>(best)] <= 0) {
    throw sdk::Error::invalid_argument("no seasonal period found (no positive ACF peak up to lag " +
                                       std::to_string(max_lag) + "); give period explicitly");
  }
  source = "ACF peak (acf " + stats::short_text(acf[static_cast<std::size_t>(best)]) + ")";
  return best;
}

}  // namespace quarry::ts
