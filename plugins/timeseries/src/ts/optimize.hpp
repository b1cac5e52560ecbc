#pragma once
//! \file
//! Minimisation for the forecasting models: BFGS with central-difference gradients (ARMA
//! likelihoods), Nelder–Mead with restarts and projected Levenberg–Marquardt for box-bounded
//! least squares (Holt–Winters).

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
  int iterations = 0;                   //!< BFGS iterations
  bool converged = true;                //!< false when BFGS stopped at its iteration limit
  std::vector<double> inverse_hessian;  //!< BFGS's last estimate (row-major)
};

//! How far bfgs() goes: at most `max_iterations`; it has converged when two iterations in a
//! row each lower f by at most `ftol` relative plus `atol` absolute, or when no step along
//! its direction lowers f any more (the rounding noise of f is reached). `on_iteration`, when
//! set, is called after each iteration with the iteration count (it may throw to stop).
//! `inverse_hessian` (row-major), when given, replaces the first iterations' estimate, e.g. a
//! previous run's on related data.
struct BfgsLimits {
  int max_iterations = 200;
  double ftol = 1e-13;
  double atol = 0;
  std::function<void(int)> on_iteration;
  std::vector<double> inverse_hessian;
};

//! The BFGS update of the inverse Hessian `h` (n×n) for step s and gradient change y
//! (sy = sᵀy > 0): H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1/sy; `hy` is scratch.
inline void update_inverse_hessian(std::vector<double>& h, const std::vector<double>& s,
                                   const std::vector<double>& y, double sy,
                                   std::vector<double>& hy) {
  const std::size_t n = s.size();
  double yhy = 0;
  for (std::size_t i = 0; i < n; ++i) {
    hy[i] = 0;
    for (std::size_t j = 0; j < n; ++j) hy[i] += h[i * n + j] * y[j];
    yhy += y[i] * hy[i];
  }
  const double rho = 1 / sy, c = (1 + rho * yhy) * rho;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      h[i * n + j] += c * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j]);
    }
  }
}

//! The gradient of `f` at `x` (where f = fx) by central differences with steps of 1e-5
//! relative (one-sided next to where f is +inf); false when both sides are infeasible.
//! (Forward differences, half the evaluations, stalled BFGS far from the optimum on ARMA
//! likelihoods: their errors sent line searches uphill.)
inline bool central_gradient(const std::function<double(const std::vector<double>&)>& f,
                             const std::vector<double>& x, double fx, std::vector<double>& g,
                             int& evaluations) {
  std::vector<double> at = x;
  g.assign(x.size(), 0.0);
  for (std::size_t j = 0; j < x.size(); ++j) {
    const double h = 1e-5 * std::max(1.0, std::fabs(x[j]));
    at[j] = x[j] + h;
    const double up = f(at);
    at[j] = x[j] - h;
    const double down = f(at);
    at[j] = x[j];
    evaluations += 2;
    if (std::isfinite(up) && std::isfinite(down)) {
      g[j] = (up - down) / (2 * h);
    } else if (std::isfinite(up) || std::isfinite(down)) {
      g[j] = std::isfinite(up) ? (up - fx) / h : (fx - down) / h;
    } else {
      return false;
    }
  }
  return true;
}

//! Minimises a smooth `f` from `start` by BFGS (inverse-Hessian updates, the first scaled as
//! Nocedal & Wright 6.20) with backtracking (Armijo) line searches; `f` returns +inf outside
//! the feasible region. A few hundred evaluations where Nelder–Mead needs tens of thousands
//! in ten dimensions.
[[nodiscard]] inline Minimum bfgs(const std::function<double(const std::vector<double>&)>& f,
                                  std::vector<double> start, const BfgsLimits& limits) {
  const std::size_t n = start.size();
  Minimum best{start, f(start), 1, 0, true, {}};
  std::vector<double> g, gn, d(n), s(n), y(n), hy(n);
  auto gradient = [&](const std::vector<double>& at, double fat, std::vector<double>& out) {
    return central_gradient(f, at, fat, out, best.evaluations);
  };
  if (n == 0 || !std::isfinite(best.f) || !gradient(start, best.f, g)) return best;
  const bool warm = limits.inverse_hessian.size() == n * n;
  std::vector<double> h(n * n, 0.0);  // the inverse Hessian, row-major
  if (warm) h = limits.inverse_hessian;
  for (std::size_t i = 0; i < n && !warm; ++i) h[i * n + i] = 1;
  int quiet = 0;  // consecutive iterations without a real decrease
  for (int iter = 0; iter < limits.max_iterations; ++iter) {
    best.iterations = iter + 1;
    double slope = 0, longest = 0;
    for (std::size_t i = 0; i < n; ++i) {
      d[i] = 0;
      for (std::size_t j = 0; j < n; ++j) d[i] -= h[i * n + j] * g[j];
      slope += d[i] * g[i];
      longest = std::max(longest, std::fabs(d[i]));
    }
    if (!(slope < 0)) {  // not a descent direction (rounding): restart from steepest descent
      std::fill(h.begin(), h.end(), 0.0);
      for (std::size_t i = 0; i < n; ++i) h[i * n + i] = 1, d[i] = -g[i];
      slope = 0, longest = 0;
      for (std::size_t i = 0; i < n; ++i) {
        slope -= g[i] * g[i];
        longest = std::max(longest, std::fabs(g[i]));
      }
      if (!(slope < 0)) break;  // zero gradient: a stationary point
    }
    // The first step (and any unscaled one) moves no coordinate by more than 1.
    double t = iter == 0 && !warm ? std::min(1.0, 1.0 / longest) : 1.0;
    std::vector<double> x(n);
    double fx = std::numeric_limits<double>::infinity();
    for (int k = 0; k < 60; ++k, t *= 0.5) {
      for (std::size_t i = 0; i < n; ++i) x[i] = best.x[i] + t * d[i];
      fx = f(x);
      ++best.evaluations;
      if (std::isfinite(fx) && fx <= best.f + 1e-4 * t * slope) break;
    }
    if (!(fx < best.f)) break;  // no step lowers f: converged to its noise
    if (!gradient(x, fx, gn)) break;
    double sy = 0, yy = 0, ss = 0;
    for (std::size_t i = 0; i < n; ++i) {
      s[i] = x[i] - best.x[i], y[i] = gn[i] - g[i];
      sy += s[i] * y[i], yy += y[i] * y[i], ss += s[i] * s[i];
    }
    if (iter == 0 && sy > 0 && !warm) {
      std::fill(h.begin(), h.end(), 0.0);
      for (std::size_t i = 0; i < n; ++i) h[i * n + i] = sy / yy;
    }
    // Skipped when the curvature is not positive (the update would lose positive definiteness).
    if (sy > 1e-12 * std::sqrt(ss * yy)) update_inverse_hessian(h, s, y, sy, hy);
    const double decrease = best.f - fx;
    best.x = x, best.f = fx, g.swap(gn);
    if (limits.on_iteration) limits.on_iteration(iter + 1);
    quiet = decrease <= limits.ftol * std::fabs(fx) + limits.atol ? quiet + 1 : 0;
    if (quiet >= 2) break;
    if (iter + 1 == limits.max_iterations) best.converged = false;
  }
  best.inverse_hessian = std::move(h);
  return best;
}

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
  Minimum best{start, f(start), 1, 0, true, {}};
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
  Minimum best{theta, residuals(theta, r), 1, 0, true, {}};
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
