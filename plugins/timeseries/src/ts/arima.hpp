#pragma once
//! \file
//! ARIMA(p, d, q) by exact Gaussian maximum likelihood, as statsmodels 0.13
//! ARIMA(y, order).fit(): the series differenced d times; with d = 0 a constant mean is
//! estimated (statsmodels' trend "c"), with d > 0 none ("n"). The ARMA likelihood comes from a
//! Kalman filter on Harvey's state-space form, started from the stationary covariance (the
//! exact likelihood, not conditional sums of squares), with σ² concentrated out. Stationarity
//! and invertibility are enforced as statsmodels does (Monahan's transformation of
//! unconstrained values through partial autocorrelations). Forecasts integrate the ARMA
//! forecasts back; their variances come from the ψ weights of φ(B)(1 − B)^d.

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "quarry/sdk.hpp"
#include "ts/optimize.hpp"

namespace quarry::ts {

//! statsmodels' constrain_stationary_univariate: unconstrained values → coefficients of a
//! stationary AR polynomial 1 − c₁B − … (partial autocorrelations u/√(1+u²), Durbin–Levinson).
[[nodiscard]] inline std::vector<double> constrain_stationary(const std::vector<double>& u) {
  const std::size_t n = u.size();
  std::vector<std::vector<double>> y(n, std::vector<double>(n, 0.0));
  for (std::size_t k = 0; k < n; ++k) {
    const double r = u[k] / std::sqrt(1 + u[k] * u[k]);
    for (std::size_t i = 0; i < k; ++i) y[k][i] = y[k - 1][i] + r * y[k - 1][k - i - 1];
    y[k][k] = r;
  }
  std::vector<double> c(n);
  for (std::size_t i = 0; i < n; ++i) c[i] = -y[n - 1][i];
  return c;
}

//! ARMA coefficients: y_t − μ = Σ ar_i (y_{t−i} − μ) + e_t + Σ ma_j e_{t−j}.
struct ArmaCoefficients {
  std::vector<double> ar, ma;
};

//! What the Kalman filter of an ARMA model gives over a series.
struct ArmaFilter {
  double sum_log_f = 0;            //!< Σ log F_t (F in units of σ²)
  double sum_v2_f = 0;             //!< Σ v_t² / F_t
  std::vector<double> innovation;  //!< v_t (when asked for)
  std::vector<double> state;       //!< the predicted state after the last value
  std::int64_t n = 0;
};

//! Solves the r×r Lyapunov equation P = T P Tᵀ + R Rᵀ (row-major) as a linear system in its
//! r² unknowns; false when singular (a unit root).
inline bool stationary_covariance(const std::vector<double>& t, const std::vector<double>& rr,
                                  std::size_t r, std::vector<double>& p) {
  const std::size_t n = r * r;
  std::vector<double> a(n * n, 0.0), b = rr;
  for (std::size_t i = 0; i < r; ++i) {
    for (std::size_t j = 0; j < r; ++j) {
      const std::size_t row = i * r + j;
      a[row * n + row] += 1;
      for (std::size_t k = 0; k < r; ++k) {
        for (std::size_t l = 0; l < r; ++l) a[row * n + k * r + l] -= t[i * r + k] * t[j * r + l];
      }
    }
  }
  return solve_linear(std::move(a), std::move(b), n, p);
}

//! Runs the Kalman filter of ARMA `c` over w − mean; false when the stationary covariance
//! does not exist. Once the gain settles (F within 1e-14 of its previous value) the
//! covariance recursion stops: later steps would change nothing at double precision.
inline bool arma_filter(const std::vector<double>& w, double mean, const ArmaCoefficients& c,
                        ArmaFilter& out, bool keep_innovations) {
  const std::size_t p = c.ar.size(), q = c.ma.size();
  const std::size_t r = std::max(p, q + 1);
  std::vector<double> t(r * r, 0.0), rvec(r, 0.0), rr(r * r);
  for (std::size_t i = 0; i < p; ++i) t[i * r] = c.ar[i];
  for (std::size_t i = 0; i + 1 < r; ++i) t[i * r + i + 1] = 1;
  rvec[0] = 1;
  for (std::size_t j = 0; j < q; ++j) rvec[j + 1] = c.ma[j];
  for (std::size_t i = 0; i < r; ++i) {
    for (std::size_t j = 0; j < r; ++j) rr[i * r + j] = rvec[i] * rvec[j];
  }
  std::vector<double> pm;
  if (!stationary_covariance(t, rr, r, pm)) return false;
  std::vector<double> a(r, 0.0), an(r), k(r), tp(r * r), pn(r * r);
  out = ArmaFilter{};
  out.n = static_cast<std::int64_t>(w.size());
  if (keep_innovations) out.innovation.resize(w.size());
  bool steady = false;
  double f_prev = -1;
  std::size_t s = 0;
  for (; s < w.size() && !steady; ++s) {
    const double v = w[s] - mean - a[0];
    const double f = pm[0];
    if (!(f > 0)) return false;
    out.sum_log_f += std::log(f);
    out.sum_v2_f += v * v / f;
    if (keep_innovations) out.innovation[s] = v;
    // Gain K = T P Z' / F; a ← T a + K v.
    for (std::size_t i = 0; i < r; ++i) {
      double tpz = 0;
      for (std::size_t j = 0; j < r; ++j) tpz += t[i * r + j] * pm[j * r];
      k[i] = tpz / f;
    }
    for (std::size_t i = 0; i < r; ++i) {
      double x = 0;
      for (std::size_t j = 0; j < r; ++j) x += t[i * r + j] * a[j];
      an[i] = x + k[i] * v;
    }
    a.swap(an);
    // P ← T P Tᵀ + R Rᵀ − K Kᵀ F.
    for (std::size_t i = 0; i < r; ++i) {
      for (std::size_t j = 0; j < r; ++j) {
        double x = 0;
        for (std::size_t l = 0; l < r; ++l) x += t[i * r + l] * pm[l * r + j];
        tp[i * r + j] = x;
      }
    }
    for (std::size_t i = 0; i < r; ++i) {
      for (std::size_t j = 0; j < r; ++j) {
        double x = 0;
        for (std::size_t l = 0; l < r; ++l) x += tp[i * r + l] * t[j * r + l];
        pn[i * r + j] = x + rr[i * r + j] - k[i] * k[j] * f;
      }
    }
    pm.swap(pn);
    steady = std::fabs(pm[0] - f_prev) <= 1e-14 * pm[0] && std::fabs(pm[0] - f) <= 1e-14 * f;
    f_prev = f;
  }
  if (s < w.size()) {
    // Steady state: F and the gain no longer change, so each step is the state update only
    // (T is a companion matrix: a ← (ar·a₀ + next element) + K v).
    const double f = pm[0];
    for (std::size_t i = 0; i < r; ++i) {
      double tpz = 0;
      for (std::size_t j = 0; j < r; ++j) tpz += t[i * r + j] * pm[j * r];
      k[i] = tpz / f;
    }
    std::vector<double> ar(r, 0.0);
    for (std::size_t i = 0; i < p; ++i) ar[i] = c.ar[i];
    double v2 = 0;
    const std::size_t first = s;
    for (; s < w.size(); ++s) {
      const double v = w[s] - mean - a[0];
      v2 += v * v;
      if (keep_innovations) out.innovation[s] = v;
      const double a0 = a[0];
      for (std::size_t i = 0; i + 1 < r; ++i) a[i] = ar[i] * a0 + a[i + 1] + k[i] * v;
      a[r - 1] = ar[r - 1] * a0 + k[r - 1] * v;
    }
    out.sum_v2_f += v2 / f;
    out.sum_log_f += static_cast<double>(w.size() - first) * std::log(f);
  }
  out.state = a;
  return true;
}

//! A fitted ARIMA model.
struct ArimaFit {
  int p = 0, d = 0, q = 0;
  bool has_mean = false;
  double mean = 0;  //!< the mean of the differenced series (d = 0 only)
  ArmaCoefficients coef;
  double sigma2 = 0;
  double loglik = 0;
  std::int64_t nobs = 0;                   //!< values of the differenced series
  std::vector<double> innovation;          //!< one-step errors, aligned with the last nobs values
  std::vector<double> state;               //!< predicted ARMA state after the last value
  std::vector<std::vector<double>> tails;  //!< last value of each differencing level 0..d-1
  [[nodiscard]] int parameters() const { return p + q + (has_mean ? 1 : 0) + 1; }
};

//! Differences `y` once.
[[nodiscard]] inline std::vector<double> difference(const std::vector<double>& y) {
  std::vector<double> out;
  for (std::size_t i = 1; i < y.size(); ++i) out.push_back(y[i] - y[i - 1]);
  return out;
}

//! Fits ARIMA(p, d, q) to `y` by exact maximum likelihood: Nelder–Mead over the
//! unconstrained parameters from white noise and ±0.5 to a loose tolerance (the starts pick
//! the basin; on the first 200,000 values of long series), then polished from the best on the
//! whole series to 1e-14 relative.

[[nodiscard]] inline ArimaFit arima_fit(const std::vector<double>& y, int p, int d, int q) {
  ArimaFit fit;
  fit.p = p, fit.d = d, fit.q = q;
  fit.has_mean = d == 0;
  std::vector<double> w = y;
  for (int i = 0; i < d; ++i) {
    fit.tails.push_back({w.back()});
    w = difference(w);
  }
  const auto n = static_cast<std::int64_t>(w.size());
  if (n < static_cast<std::int64_t>(p + q) + 3 || n < 2) {
    throw sdk::Error::invalid_argument(
        "ARIMA(" + std::to_string(p) + "," + std::to_string(d) + "," + std::to_string(q) +
        ") needs more values: " + std::to_string(y.size()) + " leave " + std::to_string(n) +
        " after differencing, fewer than the " + std::to_string(p + q + 3) +
        " the model needs; use a smaller order");
  }
  double wbar = 0, scale = 0;
  for (double v : w) wbar += v;
  wbar /= static_cast<double>(n);
  for (double v : w) scale += (v - wbar) * (v - wbar);
  scale = std::sqrt(scale / static_cast<double>(n));
  if (!(scale > 0)) {
    throw sdk::Error::invalid_argument(
        "the series is constant after differencing " + std::to_string(d) +
        " time(s): an ARIMA model has nothing to fit (the forecast is the last value)");
  }
  auto unpack = [&](const std::vector<double>& x, double& mean) {
    std::size_t i = 0;
    mean = fit.has_mean ? wbar + scale * x[i++] : 0;
    ArmaCoefficients c;
    c.ar =
        constrain_stationary(std::vector<double>(x.begin() + static_cast<std::ptrdiff_t>(i),
                                                 x.begin() + static_cast<std::ptrdiff_t>(i) + p));
    std::vector<double> ma = constrain_stationary(
        std::vector<double>(x.begin() + static_cast<std::ptrdiff_t>(i) + p, x.end()));
    for (double& v : ma) v = -v;
    c.ma = ma;
    return c;
  };
  ArmaFilter kf;
  // The concentrated negative log-likelihood over `data` (the series, or its head).
  auto nll_over = [&](const std::vector<double>& data) {
    return [&](const std::vector<double>& x) {
      double mean = 0;
      const ArmaCoefficients c = unpack(x, mean);
      if (!arma_filter(data, mean, c, kf, false)) return std::numeric_limits<double>::infinity();
      const auto m = static_cast<double>(data.size());
      return 0.5 * m * std::log(kf.sum_v2_f / m) + 0.5 * kf.sum_log_f;
    };
  };
  const std::function<double(const std::vector<double>&)> nll = nll_over(w);
  // The starts only pick the basin: on long series they search the first kStartValues values,
  // and the polish below runs on the whole series.
  constexpr std::size_t kStartValues = 200000;
  const std::vector<double> head = w.size() > kStartValues
                                       ? std::vector<double>(w.begin(), w.begin() + kStartValues)
                                       : std::vector<double>();
  const std::function<double(const std::vector<double>&)> start_nll =
      head.empty() ? nll : nll_over(head);
  const std::size_t k = static_cast<std::size_t>(p + q) + (fit.has_mean ? 1 : 0);
  Minimum best{std::vector<double>(k, 0.0), start_nll(std::vector<double>(k, 0.0)), 1};
  for (double start : {0.0, 0.5, -0.5}) {
    std::vector<double> x0(k, start);
    if (fit.has_mean) x0[0] = 0;
    const Minimum m = nelder_mead(start_nll, x0, std::vector<double>(k, 0.3), 1e-9, 1e-6);
    if (m.f < best.f) best = m;
  }
  // −log L is a sum over the series: its rounding noise grows with n, so the polish stops at
  // 1e-9 in log-likelihood units (far below any statistical difference) or 1e-14 relative.
  if (std::isfinite(best.f)) {
    best = nelder_mead(nll, best.x, std::vector<double>(k, 0.02), 1e-14, 1e-9);
  }
  if (!std::isfinite(best.f)) {
    throw sdk::Error::invalid_argument("the ARIMA likelihood could not be evaluated");
  }
  fit.coef = unpack(best.x, fit.mean);
  arma_filter(w, fit.mean, fit.coef, kf, true);
  fit.nobs = n;
  fit.sigma2 = kf.sum_v2_f / static_cast<double>(n);
  fit.loglik = -0.5 * static_cast<double>(n) * (std::log(2 * std::numbers::pi * fit.sigma2) + 1) -
               0.5 * kf.sum_log_f;
  fit.innovation = std::move(kf.innovation);
  fit.state = std::move(kf.state);
  return fit;
}

//! Point forecasts for steps 1..h and their variances (ψ weights of φ(B)(1 − B)^d).
inline void arima_forecast(const ArimaFit& fit, std::size_t h, std::vector<double>& mean,
                           std::vector<double>& variance) {
  const std::size_t r = fit.state.size();
  const std::size_t p = fit.coef.ar.size();
  std::vector<double> a = fit.state, w(h);
  for (std::size_t j = 0; j < h; ++j) {
    w[j] = fit.mean + a[0];
    std::vector<double> next(r, 0.0);
    for (std::size_t i = 0; i < r; ++i) {
      next[i] = (i < p ? fit.coef.ar[i] * a[0] : 0.0) + (i + 1 < r ? a[i + 1] : 0.0);
    }
    a.swap(next);
  }
  // Integrate back, innermost differencing level first.
  for (int level = fit.d - 1; level >= 0; --level) {
    double last = fit.tails[static_cast<std::size_t>(level)].back();
    for (double& v : w) {
      last += v;
      v = last;
    }
  }
  mean = w;
  // φ*(B) = φ(B)(1 − B)^d as coefficients of y_{t−i}.
  std::vector<double> poly = {1.0};
  for (double c : fit.coef.ar) poly.push_back(-c);
  for (int i = 0; i < fit.d; ++i) {
    std::vector<double> next(poly.size() + 1, 0.0);
    for (std::size_t j = 0; j < poly.size(); ++j) {
      next[j] += poly[j];
      next[j + 1] -= poly[j];
    }
    poly = next;
  }
  std::vector<double> psi(h, 0.0);
  variance.assign(h, 0.0);
  double acc = 0;
  for (std::size_t j = 0; j < h; ++j) {
    double v = j == 0 ? 1.0 : (j <= fit.coef.ma.size() ? fit.coef.ma[j - 1] : 0.0);
    for (std::size_t i = 1; i < poly.size() && i <= j; ++i) v -= poly[i] * psi[j - i];
    psi[j] = v;
    acc += v * v;
    variance[j] = fit.sigma2 * acc;
  }
}

}  // namespace quarry::ts
