#pragma once
//! \file
//! Derivative-free minimisation (Nelder–Mead with restarts) for the forecasting models' small
//! parameter vectors (Holt–Winters smoothing parameters, ARMA coefficients).

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
//! relative, restarted from the best point with shrinking steps while a restart still
//! improves (a restart escapes the collapsed simplexes that stop plain Nelder–Mead early).
//! `f` returns +inf outside the feasible region.
[[nodiscard]] inline Minimum nelder_mead(const std::function<double(const std::vector<double>&)>& f,
                                         std::vector<double> start, std::vector<double> step,
                                         double ftol = 1e-13, int max_evaluations = 20000) {
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
      if (std::fabs(v[hi] - v[lo]) <= ftol * (std::fabs(v[lo]) + 1e-300)) break;
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
    const bool improved = v[lo] < best.f - ftol * std::fabs(best.f);
    if (v[lo] < best.f) best.x = p[lo], best.f = v[lo];
    if (!improved && restart > 0) break;
    for (double& s : step) s *= 0.5;
  }
  return best;
}

}  // namespace quarry::ts
