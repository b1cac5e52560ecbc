#pragma once
//! \file
//! Ordinary least squares by Householder QR (no normal equations, so a level column next to
//! small differences keeps its digits): coefficients, residual sum of squares, standard
//! errors, and the Gaussian log-likelihood and AIC as statsmodels' OLS reports them.

#include <cmath>
#include <cstddef>
#include <numbers>
#include <vector>

namespace quarry::ts {

//! An OLS fit.
struct OlsFit {
  std::vector<double> beta;       //!< coefficients
  std::vector<double> se;         //!< standard errors sqrt(s² (X'X)^-1_jj), s² = SSR / (n - k)
  std::vector<double> residuals;  //!< y - X beta
  double ssr = 0;                 //!< residual sum of squares
  double n = 0, k = 0;            //!< observations and regressors

  //! t statistic of coefficient j.
  [[nodiscard]] double t(std::size_t j) const { return beta[j] / se[j]; }
  //! Gaussian log-likelihood -n/2 (log 2π + log(SSR/n) + 1).
  [[nodiscard]] double llf() const {
    return -n / 2 * (std::log(2 * std::numbers::pi) + std::log(ssr / n) + 1);
  }
  //! Akaike's criterion -2 llf + 2k (statsmodels: k = df_model + k_constant = k).
  [[nodiscard]] double aic() const { return -2 * llf() + 2 * k; }
};

//! Fits y = X beta by least squares; X is given by columns (each of length y.size()). Returns
//! an empty fit (beta empty) when X is rank deficient or has no more rows than columns.
[[nodiscard]] inline OlsFit ols(const std::vector<std::vector<double>>& columns,
                                const std::vector<double>& y) {
  const std::size_t n = y.size(), k = columns.size();
  OlsFit fit;
  if (n <= k || k == 0) return fit;
  std::vector<std::vector<double>> a = columns;  // becomes R (upper part) and reflectors
  std::vector<double> qy = y;
  std::vector<double> diag(k);
  for (std::size_t j = 0; j < k; ++j) {
    double norm = 0;
    for (std::size_t i = j; i < n; ++i) norm = std::hypot(norm, a[j][i]);
    if (norm == 0) return fit;
    const double alpha = a[j][j] > 0 ? -norm : norm;
    a[j][j] -= alpha;  // v = x - alpha e1, stored in place
    double vv = 0;
    for (std::size_t i = j; i < n; ++i) vv += a[j][i] * a[j][i];
    for (std::size_t c = j + 1; c < k; ++c) {
      double dot = 0;
      for (std::size_t i = j; i < n; ++i) dot += a[j][i] * a[c][i];
      const double f = 2 * dot / vv;
      for (std::size_t i = j; i < n; ++i) a[c][i] -= f * a[j][i];
    }
    double dot = 0;
    for (std::size_t i = j; i < n; ++i) dot += a[j][i] * qy[i];
    const double f = 2 * dot / vv;
    for (std::size_t i = j; i < n; ++i) qy[i] -= f * a[j][i];
    diag[j] = alpha;
  }
  // R[r][c] = a[c][r] for r < c, diag[r] on the diagonal. Back-substitute R beta = Q'y.
  auto r_at = [&](std::size_t r, std::size_t c) { return r == c ? diag[r] : a[c][r]; };
  for (std::size_t j = 0; j < k; ++j) {
    if (std::fabs(diag[j]) < 1e-13 * std::fabs(diag[0])) return fit;  // rank deficient
  }
  fit.beta.assign(k, 0);
  for (std::size_t j = k; j-- > 0;) {
    double s = qy[j];
    for (std::size_t c = j + 1; c < k; ++c) s -= r_at(j, c) * fit.beta[c];
    fit.beta[j] = s / diag[j];
  }
  fit.residuals.resize(n);
  double ssr = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double fitted = 0;
    for (std::size_t c = 0; c < k; ++c) fitted += columns[c][i] * fit.beta[c];
    fit.residuals[i] = y[i] - fitted;
    ssr += fit.residuals[i] * fit.residuals[i];
  }
  fit.ssr = ssr;
  fit.n = static_cast<double>(n);
  fit.k = static_cast<double>(k);
  // (X'X)^-1 = R^-1 R^-T: its diagonal is the squared row norms of R^-1.
  std::vector<std::vector<double>> inv(k, std::vector<double>(k, 0));  // inv[r][c] of R^-1
  for (std::size_t c = 0; c < k; ++c) {
    inv[c][c] = 1 / diag[c];
    for (std::size_t r = c; r-- > 0;) {
      double s = 0;
      for (std::size_t m = r + 1; m <= c; ++m) s += r_at(r, m) * inv[m][c];
      inv[r][c] = -s / diag[r];
    }
  }
  const double s2 = ssr / static_cast<double>(n - k);
  fit.se.resize(k);
  for (std::size_t r = 0; r < k; ++r) {
    double q = 0;
    for (std::size_t c = r; c < k; ++c) q += inv[r][c] * inv[r][c];
    fit.se[r] = std::sqrt(s2 * q);
  }
  return fit;
}

}  // namespace quarry::ts
