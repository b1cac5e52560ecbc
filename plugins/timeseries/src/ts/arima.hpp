#pragma once
//! \file
//! ARIMA(p, d, q) by exact Gaussian maximum likelihood, as statsmodels 0.13
//! ARIMA(y, order).fit(): the series differenced d times; with d = 0 a constant mean is
//! estimated (statsmodels' trend "c"), with d > 0 none ("n"). The ARMA likelihood comes from a
//! Kalman filter on Harvey's state-space form, started from the stationary covariance (the
//! exact likelihood, not conditional sums of squares), with σ² concentrated out. Stationarity
//! and invertibility are enforced as statsmodels does (Monahan's transformation of
//! unconstrained values through partial autocorrelations); BFGS with numerical gradients
//! maximises the likelihood from a few starts (Hannan–Rissanen among them). Forecasts integrate
//! the ARMA forecasts back; their variances come from the ψ weights of φ(B)(1 − B)^d.

#include <algorithm>
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

//! statsmodels' unconstrain_stationary_univariate, the inverse of constrain_stationary();
//! false when `c` is not stationary (a partial autocorrelation of modulus 1 or more).
inline bool unconstrain_stationary(const std::vector<double>& c, std::vector<double>& u) {
  const std::size_t n = c.size();
  u.clear();
  if (n == 0) return true;
  std::vector<std::vector<double>> y(n, std::vector<double>(n, 0.0));
  for (std::size_t i = 0; i < n; ++i) y[n - 1][i] = -c[i];
  for (std::size_t k = n - 1; k > 0; --k) {
    const double r = y[k][k], scale = 1 - r * r;
    if (!(scale > 0)) return false;
    for (std::size_t i = 0; i < k; ++i) y[k - 1][i] = (y[k][i] - r * y[k][k - i - 1]) / scale;
  }
  u.resize(n);
  for (std::size_t k = 0; k < n; ++k) {
    const double r = y[k][k];
    if (!(r * r < 1)) return false;
    u[k] = r / std::sqrt(1 - r * r);
  }
  return true;
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

//! Solves the r×r Lyapunov equation P = T P Tᵀ + R Rᵀ (row-major) as a linear system in the
//! r(r + 1)/2 unknowns of the symmetric P (a sixth of the work of all r²: the solve dominated
//! high-order fits); false when singular (a unit root).
inline bool stationary_covariance(const std::vector<double>& t, const std::vector<double>& rr,
                                  std::size_t r, std::vector<double>& p) {
  const std::size_t n = r * (r + 1) / 2;
  std::vector<std::size_t> index(r * r);  // (i, j) → its unknown, the same for (j, i)
  for (std::size_t i = 0, u = 0; i < r; ++i) {
    for (std::size_t j = i; j < r; ++j, ++u) index[i * r + j] = index[j * r + i] = u;
  }
  std::vector<double> a(n * n, 0.0), b(n), x;
  for (std::size_t i = 0; i < r; ++i) {
    for (std::size_t j = i; j < r; ++j) {
      const std::size_t row = index[i * r + j];
      b[row] = rr[i * r + j];
      a[row * n + row] += 1;
      for (std::size_t k = 0; k < r; ++k) {
        for (std::size_t l = 0; l < r; ++l) {
          a[row * n + index[k * r + l]] -= t[i * r + k] * t[j * r + l];
        }
      }
    }
  }
  if (!solve_linear(std::move(a), std::move(b), n, x)) return false;
  p.resize(r * r);
  for (std::size_t e = 0; e < r * r; ++e) p[e] = x[index[e]];
  return true;
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
  std::vector<double> a(r, 0.0), k(r), tp(r * r), pn(r * r), arv(r, 0.0);
  for (std::size_t i = 0; i < p; ++i) arv[i] = c.ar[i];
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
    // T is a companion matrix (first column the AR coefficients, ones above the diagonal), so
    // (T P)_ij = ar_i P_0j + P_(i+1)j and (T P Tᵀ)_ij = ar_j (T P)_i0 + (T P)_i(j+1): O(r²).
    for (std::size_t i = 0; i < r; ++i) {
      for (std::size_t j = 0; j < r; ++j) {
        tp[i * r + j] = arv[i] * pm[j] + (i + 1 < r ? pm[(i + 1) * r + j] : 0.0);
      }
    }
    // Gain K = T P Z' / F; a ← T a + K v.
    const double a0 = a[0];
    for (std::size_t i = 0; i < r; ++i) {
      k[i] = tp[i * r] / f;
      a[i] = arv[i] * a0 + (i + 1 < r ? a[i + 1] : 0.0) + k[i] * v;
    }
    // P ← T P Tᵀ + R Rᵀ − K Kᵀ F.
    for (std::size_t i = 0; i < r; ++i) {
      for (std::size_t j = 0; j < r; ++j) {
        pn[i * r + j] = arv[j] * tp[i * r] + (j + 1 < r ? tp[i * r + j + 1] : 0.0) + rr[i * r + j] -
                        k[i] * k[j] * f;
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
      k[i] = (arv[i] * pm[0] + (i + 1 < r ? pm[(i + 1) * r] : 0.0)) / f;
    }
    double v2 = 0;
    const std::size_t first = s;
    for (; s < w.size(); ++s) {
      const double v = w[s] - mean - a[0];
      v2 += v * v;
      if (keep_innovations) out.innovation[s] = v;
      const double a0 = a[0];
      for (std::size_t i = 0; i + 1 < r; ++i) a[i] = arv[i] * a0 + a[i + 1] + k[i] * v;
      a[r - 1] = arv[r - 1] * a0 + k[r - 1] * v;
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
  std::int64_t fit_values = 0;             //!< the most recent of them the parameters fit
  bool converged = true;                   //!< false when the optimiser hit its limit
  int iterations = 0;                      //!< optimiser iterations in all
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

//! Called between optimiser iterations with the share of the planned work done (0..1) and
//! what is running; it may throw (to cancel).
using FitProgress = std::function<void(double, const std::string&)>;

//! How much work the ARIMA fit may do: the starts are compared on the most recent
//! `start_values` values, the parameters fitted on the most recent `fit_values` (the
//! likelihood, residuals and forecasts always use the whole series), each BFGS run stops after
//! `iterations`. The defaults fit ARIMA(5,1,5) to 150,000 values in a few seconds when the
//! likelihood has a clear optimum, and bound a flat one (an order too high for the data: every
//! run to its limit) to about 2·10^8 filter steps instead of 10^9 (110 s measured at 200,000
//! values and 200 iterations). 50,000 values pin ten parameters far below their sampling
//! error at that length.
struct ArimaEffort {
  std::size_t start_values = 10'000;
  std::size_t fit_values = 50'000;
  int iterations = 100;
};

//! Hannan–Rissanen estimates of ARMA(p, q) for `z` (mean removed): a long autoregression
//! (Levinson–Durbin on the sample autocovariances, so stationary) gives the innovations, then
//! least squares of z_t on z_(t−1..t−p) and those innovations at lags 1..q. False when the
//! series is too short or the equations singular.
inline bool hannan_rissanen(const std::vector<double>& z, int p, int q, ArmaCoefficients& out) {
  const auto n = static_cast<std::ptrdiff_t>(z.size());
  const std::ptrdiff_t m = std::max<std::ptrdiff_t>(
      2 * (p + q), static_cast<std::ptrdiff_t>(std::pow(std::log(static_cast<double>(n)), 2)));
  const auto k = static_cast<std::size_t>(p + q);
  if (k == 0 || n < 4 * m + 2 * static_cast<std::ptrdiff_t>(k) + 10) return false;
  std::vector<double> c(static_cast<std::size_t>(m) + 1, 0.0);
  for (std::ptrdiff_t lag = 0; lag <= m; ++lag) {
    for (std::ptrdiff_t t = lag; t < n; ++t) c[lag] += z[t] * z[t - lag];
  }
  std::vector<double> phi, prev;  // Levinson–Durbin to order m
  double v = c[0];
  for (std::ptrdiff_t j = 1; j <= m && v > 0; ++j) {
    double num = c[j];
    for (std::ptrdiff_t i = 1; i < j; ++i) num -= prev[i - 1] * c[j - i];
    const double kappa = num / v;
    phi.assign(static_cast<std::size_t>(j), 0.0);
    for (std::ptrdiff_t i = 1; i < j; ++i) phi[i - 1] = prev[i - 1] - kappa * prev[j - i - 1];
    phi[j - 1] = kappa;
    v *= 1 - kappa * kappa;
    prev = phi;
  }
  if (static_cast<std::ptrdiff_t>(phi.size()) != m) return false;
  std::vector<double> e(z.size(), 0.0);
  for (std::ptrdiff_t t = m; t < n; ++t) {
    double x = z[t];
    for (std::ptrdiff_t i = 1; i <= m; ++i) x -= phi[i - 1] * z[t - i];
    e[t] = x;
  }
  std::vector<double> xtx(k * k, 0.0), xty(k, 0.0), row(k), beta;
  for (std::ptrdiff_t t = m + q; t < n; ++t) {
    for (int i = 0; i < p; ++i) row[i] = z[t - 1 - i];
    for (int j = 0; j < q; ++j) row[p + j] = e[t - 1 - j];
    for (std::size_t i = 0; i < k; ++i) {
      xty[i] += row[i] * z[t];
      for (std::size_t j = 0; j < k; ++j) xtx[i * k + j] += row[i] * row[j];
    }
  }
  if (!solve_linear(std::move(xtx), std::move(xty), k, beta)) return false;
  out.ar.assign(beta.begin(), beta.begin() + p);
  out.ma.assign(beta.begin() + p, beta.end());
  return true;
}

//! Where the ARIMA fit starts, in its unconstrained parameters (the mean's first when
//! `has_mean`, as an offset from `wbar` in standard deviations): the Hannan–Rissanen estimates
//! of `w` when they are stationary and invertible, then white noise and all ±0.5.
[[nodiscard]] inline std::vector<std::vector<double>> arima_starts(const std::vector<double>& w,
                                                                   double wbar, int p, int q,
                                                                   bool has_mean) {
  std::vector<std::vector<double>> starts;
  ArmaCoefficients hr;
  std::vector<double> z(w), u_ar, u_ma;
  for (double& v : z) v -= wbar;
  if (hannan_rissanen(z, p, q, hr) && unconstrain_stationary(hr.ar, u_ar)) {
    for (double& v : hr.ma) v = -v;  // the fit's MA parameters are those of 1 − θ₁B − …
    if (unconstrain_stationary(hr.ma, u_ma)) {
      std::vector<double> x0(has_mean ? 1 : 0, 0.0);
      x0.insert(x0.end(), u_ar.begin(), u_ar.end());
      x0.insert(x0.end(), u_ma.begin(), u_ma.end());
      starts.push_back(x0);
    }
  }
  for (double start : {0.0, 0.5, -0.5}) {
    std::vector<double> x0(static_cast<std::size_t>(p + q) + (has_mean ? 1 : 0), start);
    if (has_mean) x0[0] = 0;
    starts.push_back(x0);
  }
  return starts;
}

//! The likelihood search of arima_fit(): BFGS from each start on `start_nll` (half the
//! iterations, a loose tolerance: the starts only pick the basin), then from the best on `nll`
//! (over `fit_values` values, `ratio` times as many as start_nll's) to 1e-14 relative or 1e-9
//! absolute. Adds the iterations to `iterations`; reports progress after each iteration.
[[nodiscard]] inline Minimum arima_search(
    const std::function<double(const std::vector<double>&)>& start_nll,
    const std::function<double(const std::vector<double>&)>& nll,
    const std::vector<std::vector<double>>& starts, double ratio, std::size_t fit_values,
    const ArimaEffort& effort, const FitProgress& progress, int& iterations) {
  // The final run over up to effort.fit_values values costs about as much as all the starts.
  const double runs = static_cast<double>(starts.size()) + 1;
  BfgsLimits limits;
  limits.max_iterations = std::max(1, effort.iterations / 2), limits.ftol = 1e-9,
  limits.atol = 1e-6;
  auto report = [&](double run, int iter, const std::string& what) {
    if (!progress) return;
    progress((run + iter / static_cast<double>(limits.max_iterations)) / runs,
             "ARIMA fit: " + what + ", iteration " + std::to_string(iter));
  };
  Minimum best;
  for (std::size_t i = 0; i < starts.size(); ++i) {
    const std::string what =
        "start " + std::to_string(i + 1) + " of " + std::to_string(starts.size());
    limits.on_iteration = [&](int iter) { report(static_cast<double>(i), iter, what); };
    const Minimum m = bfgs(start_nll, starts[i], limits);
    iterations += m.iterations;
    if (m.f < best.f) best = m;
  }
  if (!std::isfinite(best.f)) return best;
  // −log L is a sum over the series: its rounding noise grows with n, so the final run stops
  // at 1e-9 in log-likelihood units (far below any statistical difference) or 1e-14 relative.
  limits.max_iterations = effort.iterations, limits.ftol = 1e-14, limits.atol = 1e-9;
  // −log L grows with the values it sums, and its curvature with it: the start's inverse
  // Hessian, scaled, spares the final run relearning it.
  limits.inverse_hessian = best.inverse_hessian;
  for (double& v : limits.inverse_hessian) v *= ratio;
  const std::string what = "final fit on " + std::to_string(fit_values) + " values";
  limits.on_iteration = [&](int iter) { report(runs - 1, iter, what); };
  best = bfgs(nll, best.x, limits);
  iterations += best.iterations;
  return best;
}

//! Fits ARIMA(p, d, q) to `y` by exact maximum likelihood: BFGS over the unconstrained
//! parameters from the Hannan–Rissanen estimates, white noise and ±0.5 (the starts pick the
//! basin, on the most recent effort.start_values values), then from the best on the most
//! recent effort.fit_values values to 1e-14 relative or 1e-9 in log-likelihood units;
//! ArimaFit::converged says whether that last run ended within effort.iterations.
[[nodiscard]] inline ArimaFit arima_fit(const std::vector<double>& y, int p, int d, int q,
                                        const FitProgress& progress = {},
                                        const ArimaEffort& effort = {}) {
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
  // The concentrated negative log-likelihood over `data` (the series, or its most recent part).
  auto nll_over = [&](const std::vector<double>& data) {
    return [&](const std::vector<double>& x) {
      double mean = 0;
      const ArmaCoefficients c = unpack(x, mean);
      if (!arma_filter(data, mean, c, kf, false)) return std::numeric_limits<double>::infinity();
      const auto m = static_cast<double>(data.size());
      return 0.5 * m * std::log(kf.sum_v2_f / m) + 0.5 * kf.sum_log_f;
    };
  };
  auto recent = [&](std::size_t count) {
    return std::vector<double>(w.end() - static_cast<std::ptrdiff_t>(std::min(count, w.size())),
                               w.end());
  };
  const std::vector<double> head = recent(effort.start_values), tail = recent(effort.fit_values);
  const std::function<double(const std::vector<double>&)> start_nll = nll_over(head),
                                                          nll = nll_over(tail);
  const std::vector<std::vector<double>> starts = arima_starts(head, wbar, p, q, fit.has_mean);
  int iterations = 0;
  const double ratio = static_cast<double>(head.size()) / static_cast<double>(tail.size());
  const Minimum best =
      arima_search(start_nll, nll, starts, ratio, tail.size(), effort, progress, iterations);
  if (!std::isfinite(best.f)) {
    throw sdk::Error::invalid_argument("the ARIMA likelihood could not be evaluated");
  }
  fit.coef = unpack(best.x, fit.mean);
  arma_filter(w, fit.mean, fit.coef, kf, true);
  fit.nobs = n;
  fit.fit_values = static_cast<std::int64_t>(tail.size());
  fit.converged = best.converged;
  fit.iterations = iterations;
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
