#pragma once
//! \file
//! The augmented Dickey–Fuller and KPSS tests as statsmodels 0.13 computes them
//! (tsa.stattools.adfuller with autolag="AIC", kpss with nlags="auto"): the same regressions,
//! lag choices, MacKinnon (1994) p-value surfaces, MacKinnon (2010) critical values and the KPSS
//! table interpolation (Kwiatkowski et al. 1992, table 1).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "detail/distributions.hpp"
#include "ts/ols.hpp"

namespace quarry::ts {

//! An ADF result.
struct AdfResult {
  double statistic = 0, pvalue = 0;
  std::int64_t used_lag = 0, nobs = 0, max_lag = 0;
  double ic_best = 0;
  std::array<double, 3> critical{};  //!< 1%, 5%, 10%
};

namespace detail {

//! MacKinnon (1994) coefficients for N = 1 (statsmodels adfvalues): max/min/star statistics,
//! small-p and large-p polynomials, and MacKinnon (2010) critical value polynomials in 1/nobs.
struct MacKinnon {
  double max, min, star;
  std::array<double, 3> small;
  std::array<double, 4> large;
  std::array<std::array<double, 4>, 3> crit;
};

inline const MacKinnon& mackinnon(const std::string& regression) {
  static const MacKinnon n{std::numeric_limits<double>::infinity(),
                           -19.04,
                           -1.04,
                           {0.6344, 1.2378, 0.032496000000000004},
                           {0.4797, 0.9355700000000001, -0.06999, 0.033066},
                           {{{-2.56574, -2.2358, -3.627, 0.0},
                             {-1.941, -0.2686, -3.365, 31.223},
                             {-1.61682, 0.2656, -2.714, 25.364}}}};
  static const MacKinnon c{2.74,
                           -18.83,
                           -1.61,
                           {2.1659, 1.4412, 0.038269000000000004},
                           {1.7339, 0.9320200000000001, -0.12745, -0.010368},
                           {{{-3.43035, -6.5393, -16.786, -79.433},
                             {-2.86154, -2.8903, -4.234, -40.04},
                             {-2.56677, -1.5384, -2.809, 0.0}}}};
  static const MacKinnon ct{0.7,
                            -16.18,
                            -2.89,
                            {3.2512, 1.6047, 0.049588},
                            {2.5261, 0.6165400000000001, -0.37956, -0.060285000000000005},
                            {{{-3.95877, -9.0531, -28.428, -134.155},
                              {-3.41049, -4.3904, -9.036, -45.374},
                              {-3.12705, -2.5856, -3.925, -22.38}}}};
  return regression == "n" ? n : regression == "ct" ? ct : c;
}

template <std::size_t N>
double poly(const std::array<double, N>& coef, double x) {
  double v = 0;
  for (std::size_t i = N; i-- > 0;) v = v * x + coef[i];
  return v;
}

}  // namespace detail

//! MacKinnon's approximate p-value of an ADF statistic (statsmodels mackinnonp, N = 1).
[[nodiscard]] inline double mackinnon_p(double stat, const std::string& regression) {
  const auto& m = detail::mackinnon(regression);
  if (stat > m.max) return 1.0;
  if (stat < m.min) return 0.0;
  const double z = stat <= m.star ? detail::poly(m.small, stat) : detail::poly(m.large, stat);
  return stats::dist::normal_cdf(z);
}

//! The ADF test of `x` with deterministic terms `regression` ("n", "c", "ct"), lags chosen by
//! AIC among 0..maxlag (maxlag < 0: statsmodels' default 12 (n/100)^(1/4)). Throws
//! std::invalid_argument with a message when the series is too short.
[[nodiscard]] inline AdfResult adfuller(const std::vector<double>& x, const std::string& regression,
                                        std::int64_t maxlag) {
  const auto nobs = static_cast<std::int64_t>(x.size());
  const std::int64_t ntrend = regression == "n" ? 0 : static_cast<std::int64_t>(regression.size());
  if (maxlag < 0) {
    maxlag = static_cast<std::int64_t>(
        std::ceil(12.0 * std::pow(static_cast<double>(nobs) / 100.0, 0.25)));
    maxlag = std::min(nobs / 2 - ntrend - 1, maxlag);
    if (maxlag < 0) throw std::invalid_argument("too short");
  } else if (maxlag > nobs / 2 - ntrend - 1) {
    throw std::invalid_argument("maxlag too large");
  }
  std::vector<double> dx(x.size() - 1);
  for (std::size_t i = 0; i + 1 < x.size(); ++i) dx[i] = x[i + 1] - x[i];
  // The regression with `lags` lagged differences on the last m = n - 1 - lag_window rows.
  auto design = [&](std::int64_t lags, std::int64_t window) {
    const std::size_t m = dx.size() - static_cast<std::size_t>(window);
    std::vector<std::vector<double>> cols;
    std::vector<double> level(m), y(m);
    for (std::size_t i = 0; i < m; ++i) {
      const std::size_t t = i + static_cast<std::size_t>(window);  // index into dx
      level[i] = x[t];
      y[i] = dx[t];
    }
    cols.push_back(level);
    for (std::int64_t l = 1; l <= lags; ++l) {
      std::vector<double> c(m);
      for (std::size_t i = 0; i < m; ++i) c[i] = dx[i + static_cast<std::size_t>(window - l)];
      cols.push_back(std::move(c));
    }
    if (ntrend >= 1) cols.emplace_back(m, 1.0);
    if (ntrend >= 2) {
      std::vector<double> trend(m);
      for (std::size_t i = 0; i < m; ++i) trend[i] = static_cast<double>(i + 1);
      cols.push_back(std::move(trend));
    }
    return std::make_pair(cols, y);
  };
  AdfResult r;
  r.max_lag = maxlag;
  // AIC over lags 0..maxlag on the same rows (those usable with maxlag lags); ties: fewer lags.
  double best = std::numeric_limits<double>::infinity();
  std::int64_t best_lag = 0;
  for (std::int64_t lag = 0; lag <= maxlag; ++lag) {
    const auto [cols, y] = design(lag, maxlag);
    const OlsFit fit = ols(cols, y);
    if (fit.beta.empty()) continue;
    if (fit.aic() < best) {
      best = fit.aic();
      best_lag = lag;
    }
  }
  const auto [cols, y] = design(best_lag, best_lag);
  const OlsFit fit = ols(cols, y);
  if (fit.beta.empty()) throw std::invalid_argument("singular");
  r.statistic = fit.t(0);
  r.used_lag = best_lag;
  r.nobs = static_cast<std::int64_t>(y.size());
  r.ic_best = best;
  r.pvalue = mackinnon_p(r.statistic, regression);
  const auto& m = detail::mackinnon(regression);
  for (std::size_t i = 0; i < 3; ++i)
    r.critical[i] = detail::poly(m.crit[i], 1.0 / static_cast<double>(r.nobs));
  return r;
}

//! A KPSS result.
struct KpssResult {
  double statistic = 0, pvalue = 0;
  std::int64_t lags = 0;
  std::array<double, 4> critical{};  //!< 10%, 5%, 2.5%, 1%
  bool p_clipped = false;            //!< the statistic is outside the table
};

//! The KPSS test of `x` (regression "c": level, "ct": trend stationarity) with the
//! Hobijn et al. automatic bandwidth (lags < 0) or a given number of lags.
[[nodiscard]] inline KpssResult kpss(const std::vector<double>& x, const std::string& regression,
                                     std::int64_t lags) {
  const std::size_t n = x.size();
  const double nd = static_cast<double>(n);
  std::vector<double> e(n);
  KpssResult r;
  if (regression == "ct") {
    std::vector<double> trend(n);
    for (std::size_t i = 0; i < n; ++i) trend[i] = static_cast<double>(i + 1);
    const OlsFit fit = ols({std::vector<double>(n, 1.0), trend}, x);
    e = fit.residuals;
    r.critical = {0.119, 0.146, 0.176, 0.216};
  } else {
    double mean = 0;
    for (double v : x) mean += v;
    mean /= nd;
    for (std::size_t i = 0; i < n; ++i) e[i] = x[i] - mean;
    r.critical = {0.347, 0.463, 0.574, 0.739};
  }
  auto lag_dot = [&](std::size_t i) {
    double s = 0;
    for (std::size_t t = i; t < n; ++t) s += e[t] * e[t - i];
    return s;
  };
  if (lags < 0) {  // _kpss_autolag
    const auto covlags = static_cast<std::size_t>(std::pow(nd, 2.0 / 9.0));
    double s0 = lag_dot(0) / nd, s1 = 0;
    for (std::size_t i = 1; i <= covlags; ++i) {
      const double p = lag_dot(i) / (nd / 2.0);
      s0 += p;
      s1 += static_cast<double>(i) * p;
    }
    const double s_hat = s1 / s0;
    const double gamma = 1.1447 * std::pow(s_hat * s_hat, 1.0 / 3.0);
    lags = static_cast<std::int64_t>(gamma * std::pow(nd, 1.0 / 3.0));
    lags = std::min<std::int64_t>(lags, static_cast<std::int64_t>(n) - 1);
  }
  r.lags = lags;
  double cum = 0, eta = 0;
  for (double v : e) {
    cum += v;
    eta += cum * cum;
  }
  eta /= nd * nd;
  double s_hat = lag_dot(0);
  for (std::int64_t i = 1; i <= lags; ++i) {
    s_hat += 2 * lag_dot(static_cast<std::size_t>(i)) *
             (1.0 - (static_cast<double>(i) / (static_cast<double>(lags) + 1.0)));
  }
  s_hat /= nd;
  r.statistic = eta / s_hat;
  // np.interp(stat, crit, [0.10, 0.05, 0.025, 0.01]), clipped at the ends.
  static constexpr double kP[] = {0.10, 0.05, 0.025, 0.01};
  if (r.statistic <= r.critical[0]) {
    r.pvalue = kP[0];
    r.p_clipped = r.statistic < r.critical[0];
  } else if (r.statistic >= r.critical[3]) {
    r.pvalue = kP[3];
    r.p_clipped = r.statistic > r.critical[3];
  } else {
    std::size_t i = 0;
    while (r.statistic > r.critical[i + 1]) ++i;
    const double f = (r.statistic - r.critical[i]) / (r.critical[i + 1] - r.critical[i]);
    r.pvalue = kP[i] + f * (kP[i + 1] - kP[i]);
  }
  return r;
}

}  // namespace quarry::ts
