#pragma once
//! \file
//! Minimisation for the forecasting models: Nelder–Mead with restarts (ARMA coefficients) and
//! projected Levenberg–Marquardt for box-bounded least squares (Holt–Winters).

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <functional>
#include <limits>
#include <vector>

namespace quarry::ts {

//! The minimum found.
struct Minimum {
  std::vector<double> x;
  double f = std::numeric_limits<double>::infinity();
  int evaluations = 0;
};

//! Minimises `f` from `start` with initial steps `step` (one per coordinate): Nelder–Mead
//! (standard coefficients 1, 2, 1/2, 1/2) until the simplex's values agree to `ftol`
//! relative plus `atol` absolute (an objective near 0, or one whose rounding noise exceeds
//! ftol, needs the absolute part), restarted from the best point with shrinking steps while a
//! restart still improves (a restart escapes the collapsed simplexes that stop plain Nelder–Mead
//! early). `f` returns +inf outside the feasible region.
[[nodiscard]] inline Minimum nelder_mead(const std::function<double(const std::vector<double>&)>& f,
                                         std::vector<double> start, std::vector<double> step,
                                         double ftol = 1e-13, double atol = 0,
                                         int max_evaluations = 20000) {
  const std::size_t n = start.size();
  Minimum best{start, f(start), 1};
  if (n == 0) return best;
  for (int restart = 0; restart < 12 && best.evaluations < max_evaluations; ++restart) {
    std::vector<std::vector<double>> p(n + 1, best.x);
    std::vector<double> v(n + 1, best.f);
    for (std::size_t i = 0; i < n; ++i) {
      p[i + 1][i] += step[i];
      v[i + 1] = f(p[i + 1]);
      ++best.evaluations;
    }
    std::vector<std::size_t> order(n + 1);
    while (best.evaluations < max_evaluations) {
      for (std::size_t i = 0; i <= n; ++i) order[i] = i;
      std::sort(order.begin(), order.end(),
                [&](std::size_t a, std::size_t b) { return v[a] < v[b]; });
      const std::size_t lo = order[0], hi = order[n], second = order[n - 1];
      if (std::fabs(v[hi] - v[lo]) <= ftol * std::fabs(v[lo]) + atol) break;
      std::vector<double> centre(n, 0.0);
      for (std::size_t i = 0; i <= n; ++i) {
        if (i == hi) continue;
        for (std::size_t j = 0; j < n; ++j) centre[j] += p[i][j] / static_cast<double>(n);
      }
      auto along = [&](double t) {
        std::vector<double> x(n);
        for (std::size_t j = 0; j < n; ++j) x[j] = centre[j] + t * (p[hi][j] - centre[j]);
        return x;
      };
      std::vector<double> r = along(-1.0);
      const double fr = f(r);
      ++best.evaluations;
      if (fr < v[lo]) {
        std::vector<double> e = along(-2.0);
        const double fe = f(e);
        ++best.evaluations;
        if (fe < fr) {
          p[hi] = e, v[hi] = fe;
        } else {
          p[hi] = r, v[hi] = fr;
        }
      } else if (fr < v[second]) {
        p[hi] = r, v[hi] = fr;
      } else {
        std::vector<double> c = fr < v[hi] ? along(-0.5) : along(0.5);
        const double fc = f(c);
        ++best.evaluations;
        if (fc < std::min(fr, v[hi])) {
          p[hi] = c, v[hi] = fc;
        } else {  // shrink towards the best vertex
          for (std::size_t i = 0; i <= n; ++i) {
            if (i == lo) continue;
            for (std::size_t j = 0; j < n; ++j) p[i][j] = p[lo][j] + 0.5 * (p[i][j] - p[lo][j]);
            v[i] = f(p[i]);
            ++best.evaluations;
          }
        }
      }
    }
    const std::size_t lo =
        static_cast<std::size_t>(std::min_element(v.begin(), v.end()) - v.begin());
    const bool improved = v[lo] < best.f - ftol * std::fabs(best.f) - atol;
    if (v[lo] < best.f) best.x = p[lo], best.f = v[lo];
    if (!improved && restart > 0) break;
    for (double& s : step) s *= 0.5;
  }
  return best;
}

//! Solves a·x = b (n×n, row-major) by Gaussian elimination with partial pivoting; false when
//! singular.
inline bool solve_linear(std::vector<double> a, std::vector<double> b, std::size_t n,
                         std::vector<double>& x) {
  for (std::size_t c = 0; c < n; ++c) {
    std::size_t piv = c;
    for (std::size_t i = c + 1; i < n; ++i) {
      if (std::fabs(a[i * n + c]) > std::fabs(a[piv * n + c])) piv = i;
    }
    if (!(std::fabs(a[piv * n + c]) > 0)) return false;
    if (piv != c) {
      for (std::size_t j = 0; j < n; ++j) std::swap(a[c * n + j], a[piv * n + j]);
      std::swap(b[c], b[piv]);
    }
    for (std::size_t i = c + 1; i < n; ++i) {
      const double f = a[i * n + c] / a[c * n + c];
      for (std::size_t j = c; j < n; ++j) a[i * n + j] -= f * a[c * n + j];
      b[i] -= f * b[c];
    }
  }
  x.assign(n, 0.0);
  for (std::size_t c = n; c-- > 0;) {
    double v = b[c];
    for (std::size_t j = c + 1; j < n; ++j) v -= a[c * n + j] * x[j];
    x[c] = v / a[c * n + c];
  }
  return true;
}

//! Minimises Σ r(θ)² within the box [lower, upper] by projected Levenberg–Marquardt with a
//! forward-difference Jacobian (m residuals; `residuals` fills r and returns Σ r², +inf when
//! θ is infeasible). Stops when a step improves by less than `tolerance` relative, or after
//! 300 iterations.
[[nodiscard]] inline Minimum levenberg_marquardt(
    const std::function<double(const std::vector<double>&, std::vector<double>&)>& residuals,
    std::vector<double> theta, const std::vector<double>& lower, const std::vector<double>& upper,
    std::size_t m, double tolerance = 1e-13) {
  const std::size_t p = theta.size();
  std::vector<double> r, rj, jac(m * p), a(p * p), g(p), delta;
  Minimum best{theta, residuals(theta, r), 1};
  if (!std::isfinite(best.f)) return best;
  double lambda = 1e-3;
  for (int iter = 0; iter < 300; ++iter) {
    for (std::size_t j = 0; j < p; ++j) {
      std::vector<double> t = theta;
      double h = 1e-7 * std::max(1.0, std::fabs(t[j]));
      if (t[j] + h > upper[j]) h = -h;
      t[j] += h;
      const double f = residuals(t, rj);
      ++best.evaluations;
      for (std::size_t i = 0; i < m; ++i) {
        jac[i * p + j] = std::isfinite(f) ? (rj[i] - r[i]) / h : 0.0;
      }
    }
    std::fill(a.begin(), a.end(), 0.0);
    std::fill(g.begin(), g.end(), 0.0);
    for (std::size_t i = 0; i < m; ++i) {
      const double* row = &jac[i * p];
      for (std::size_t j = 0; j < p; ++j) {
        g[j] += row[j] * r[i];
        for (std::size_t l = j; l < p; ++l) a[j * p + l] += row[j] * row[l];
      }
    }
    for (std::size_t j = 0; j < p; ++j) {
      for (std::size_t l = 0; l < j; ++l) a[j * p + l] = a[l * p + j];
    }
    bool improved = false;
    while (lambda < 1e12) {
      std::vector<double> damped = a, rhs(p);
      for (std::size_t j = 0; j < p; ++j) {
        damped[j * p + j] += lambda * (a[j * p + j] + 1e-12);
        rhs[j] = g[j];
      }
      // Coordinates on a bound that the gradient pushes outwards stay there this step
      // (active set); clamping them after the solve would spoil the others' step.
      for (std::size_t j = 0; j < p; ++j) {
        if ((theta[j] <= lower[j] && g[j] > 0) || (theta[j] >= upper[j] && g[j] < 0)) {
          for (std::size_t l = 0; l < p; ++l) damped[j * p + l] = damped[l * p + j] = 0;
          damped[j * p + j] = 1;
          rhs[j] = 0;
        }
      }
      if (solve_linear(damped, rhs, p, delta)) {
        std::vector<double> t(p);
        for (std::size_t j = 0; j < p; ++j) {
          t[j] = std::clamp(theta[j] - delta[j], lower[j], upper[j]);
        }
        std::vector<double> rt;
        const double f = residuals(t, rt);
        ++best.evaluations;
        if (f < best.f) {
          const double gain = (best.f - f) / best.f;
          theta = t, r = rt, best.x = t, best.f = f;
          lambda = std::max(lambda / 3, 1e-12);
          improved = gain > tolerance;
          break;
        }
      }
      lambda *= 4;
    }
    if (!improved) break;
  }
  return best;
}

}  // namespace quarry::ts
