#pragma once
//! \file
//! Holt–Winters exponential smoothing as statsmodels 0.13 ExponentialSmoothing(...).fit():
//! additive or multiplicative trend (optionally damped) and season; the in-sample one-step
//! SSE minimised over the smoothing parameters under statsmodels' bounds (0 ≤ β ≤ α,
//! 0 ≤ γ ≤ 1 − α, 0.8 ≤ φ ≤ 0.995) and the initial states jointly, from Hyndman et al.
//! (2008) §2.6 heuristic states (a 2×m moving average of the first cycles, then a line
//! through its first 10 values); forecasts and intervals of the equivalent additive-error
//! ETS model.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "quarry/sdk.hpp"
#include "ts/optimize.hpp"
#include "ts/seasonal.hpp"

namespace quarry::ts {

//! How a component enters the model.
enum class Component { none, add, mul };

//! The model: trend and season components, damping, season length m.
struct HwSpec {
  Component trend = Component::none;
  Component season = Component::none;
  bool damped = false;
  std::size_t m = 0;  //!< season length (0 without a season)
};

//! Smoothing parameters (component form, as statsmodels names them).
struct HwParams {
  double alpha = 0, beta = 0, gamma = 0, phi = 1;
};

//! Initial level, trend and seasonal states (season[i] for phase i of the first cycle).
struct HwStates {
  double level = 0, trend = 0;
  std::vector<double> season;
};

//! The heuristic initial states (statsmodels _initialization_heuristic); throws
//! invalid_argument when the series is too short for them.
[[nodiscard]] inline HwStates hw_heuristic_init(const std::vector<double>& y, const HwSpec& spec) {
  const std::size_t n = y.size();
  if (n < 10) {
    throw sdk::Error::invalid_argument("Holt–Winters needs at least 10 values; the series has " +
                                       std::to_string(n));
  }
  HwStates s;
  std::vector<double> base = y;
  if (spec.season != Component::none) {
    const std::size_t m = spec.m;
    const std::size_t min_obs = 10 + 2 * (m / 2);
    if (n < 2 * m || n < min_obs) {
      throw sdk::Error::invalid_argument(
          "a season of " + std::to_string(m) + " needs at least " +
          std::to_string(std::max(2 * m, min_obs)) +
          " values (two full cycles, and 10 beyond the moving average's ends); the series has " +
          std::to_string(n) + ": give a shorter seasonal_periods or more data");
    }
    std::size_t cycles = std::min<std::size_t>(5, n / m);
    cycles = std::max(cycles, (min_obs + m - 1) / m);
    const std::vector<double> head(y.begin(), y.begin() + static_cast<std::ptrdiff_t>(m * cycles));
    const Decomposition d = decompose(head, m, spec.season == Component::mul);
    s.season = d.pattern;
    base.clear();
    for (double t : d.trend) {
      if (!std::isnan(t)) base.push_back(t);
    }
  }
  // Least-squares line through the first 10 values at x = 1..10: level = intercept (x = 0).
  double ybar = 0;
  for (std::size_t i = 0; i < 10; ++i) ybar += base[i];
  ybar /= 10;
  double sxy = 0;
  for (std::size_t i = 0; i < 10; ++i) sxy += (static_cast<double>(i) + 1 - 5.5) * (base[i] - ybar);
  const double slope = sxy / 82.5;  // Σ (x - 5.5)² over x = 1..10
  s.level = ybar - slope * 5.5;
  if (spec.trend == Component::add) s.trend = slope;
  if (spec.trend == Component::mul) s.trend = 1 + slope / s.level;
  return s;
}

//! Runs the smoothing recursions over `y` from `init`: returns the SSE of the one-step
//! predictions (+inf when a multiplicative state stops being positive), optionally the
//! predictions and the final states (season indexed by phase t mod m).
inline double hw_run(const std::vector<double>& y, const HwSpec& spec, const HwParams& p,
                     const HwStates& init, std::vector<double>* fitted = nullptr,
                     HwStates* final_states = nullptr) {
  const bool mul_trend = spec.trend == Component::mul, add_trend = spec.trend == Component::add;
  const double phi = spec.damped ? p.phi : 1.0;
  double l = init.level, b = init.trend;
  std::vector<double> s = init.season;
  const std::size_t m = spec.m;
  double sse = 0;
  if (fitted != nullptr) fitted->resize(y.size());
  for (std::size_t t = 0; t < y.size(); ++t) {
    const double damped_b = mul_trend ? std::pow(b, phi) : phi * b;
    const double lb = mul_trend ? l * damped_b : (add_trend ? l + damped_b : l);
    double st = 0, pred = lb, deseason = y[t];
    if (spec.season == Component::add) {
      st = s[t % m];
      pred = lb + st;
      deseason = y[t] - st;
    } else if (spec.season == Component::mul) {
      st = s[t % m];
      pred = lb * st;
      deseason = y[t] / st;
    }
    const double e = y[t] - pred;
    sse += e * e;
    if (fitted != nullptr) (*fitted)[t] = pred;
    const double l_new = p.alpha * deseason + (1 - p.alpha) * lb;
    if (mul_trend) {
      b = p.beta * (l_new / l) + (1 - p.beta) * damped_b;
    } else if (add_trend) {
      b = p.beta * (l_new - l) + (1 - p.beta) * damped_b;
    }
    if (spec.season == Component::add) {
      s[t % m] = p.gamma * (y[t] - lb) + (1 - p.gamma) * st;
    } else if (spec.season == Component::mul) {
      s[t % m] = p.gamma * (y[t] / lb) + (1 - p.gamma) * st;
    }
    l = l_new;
    if (!std::isfinite(sse)) return std::numeric_limits<double>::infinity();
  }
  if (final_states != nullptr) *final_states = {l, b, std::move(s)};
  return sse;
}

//! A fitted model.
struct HwFit {
  HwSpec spec;
  HwParams params;
  HwStates initial;            //!< the fitted initial states
  HwStates final_states;       //!< after the last value
  std::vector<double> fitted;  //!< one-step predictions
  double sse = 0;
  std::int64_t n = 0;
};

//! statsmodels' LOWER_BOUND for α: √(machine epsilon).
inline const double kHwLowerBound = std::sqrt(std::numeric_limits<double>::epsilon());

//! The parameters from a point u of the unit cube (statsmodels' to_restricted: α in
//! [ε, 1 − ε], β = u·α, γ = u·(1 − α), φ in [0.8, 0.995]); u holds only the free ones.
[[nodiscard]] inline HwParams hw_params(const std::vector<double>& u, const HwSpec& spec) {
  HwParams p;
  std::size_t i = 0;
  p.alpha = kHwLowerBound + u[i++] * (1 - 2 * kHwLowerBound);
  if (spec.trend != Component::none) p.beta = u[i++] * p.alpha;
  if (spec.season != Component::none) p.gamma = u[i++] * (1 - p.alpha);
  if (spec.damped) p.phi = 0.8 + u[i++] * (0.995 - 0.8);
  return p;
}

//! The number of smoothing parameters `spec` fits (α, β, γ, φ as present).
[[nodiscard]] inline std::size_t hw_smoothing_count(const HwSpec& spec) {
  return 1 + (spec.trend != Component::none ? 1 : 0) + (spec.season != Component::none ? 1 : 0) +
         (spec.damped ? 1 : 0);
}

//! Fits `spec` to `y` (missing values already dropped) as statsmodels 0.13 does: the SSE is
//! minimised jointly over the smoothing parameters and the initial states (the heuristic
//! states are only the starting point). Starts: a grid over the unit cube of the smoothing
//! parameters with the heuristic states (statsmodels' brute start); from the three best (the
//! best only past 100,000 values), projected Levenberg–Marquardt over all parameters
//! (finite-difference Jacobian), loosely, then polished from the best. Keeps an
//! n × (parameters) Jacobian: `jacobian_limit` bytes at most (throws out_of_memory past it).
[[nodiscard]] inline HwFit hw_fit(const std::vector<double>& y, const HwSpec& spec,
                                  std::uint64_t jacobian_limit) {
  HwFit fit;
  fit.spec = spec;
  fit.n = static_cast<std::int64_t>(y.size());
  const HwStates heuristic = hw_heuristic_init(y, spec);
  const std::size_t k = hw_smoothing_count(spec);
  const bool has_trend = spec.trend != Component::none;
  // Shifting the level by c and every seasonal state by −c (additive season, additive or no
  // trend), or scaling the level (and an additive trend) by c and the seasonal states by 1/c
  // (multiplicative season), changes no prediction: hold the last seasonal state at its
  // heuristic value, or the least-squares problem is singular and converges slowly.
  const bool invariant = spec.season == Component::mul ||
                         (spec.season == Component::add && spec.trend != Component::mul);
  const std::size_t seasons = heuristic.season.size() - (invariant ? 1 : 0);
  const std::size_t count = k + 1 + (has_trend ? 1 : 0) + seasons;
  if (static_cast<std::uint64_t>(y.size()) * (count + 1) * 8 > jacobian_limit) {
    throw sdk::Error::out_of_memory(
        "fitting Holt–Winters to " + std::to_string(y.size()) + " values with " +
        std::to_string(count) + " parameters needs " +
        std::to_string(y.size() * (count + 1) * 8 >> 20) +
        " MiB for its Jacobian, more than the memory budget allows: resample the series "
        "first (ts_resample) or raise memory.budget_mb");
  }
  // θ = [u (smoothing, unit cube), level, trend?, seasons...].
  auto states_of = [&](const std::vector<double>& theta) {
    HwStates st;
    std::size_t i = k;
    st.level = theta[i++];
    if (has_trend) st.trend = theta[i++];
    st.season.assign(theta.begin() + static_cast<std::ptrdiff_t>(i), theta.end());
    if (invariant) st.season.push_back(heuristic.season.back());
    return st;
  };
  auto smoothing_of = [&](const std::vector<double>& theta) {
    return hw_params(
        std::vector<double>(theta.begin(), theta.begin() + static_cast<std::ptrdiff_t>(k)), spec);
  };
  std::vector<double> fitted;
  // One-step residuals over `data` (the series, or its head).
  auto residuals_over = [&](const std::vector<double>& data) {
    return [&](const std::vector<double>& theta, std::vector<double>& r) {
      const double sse = hw_run(data, spec, smoothing_of(theta), states_of(theta), &fitted);
      if (!std::isfinite(sse)) return sse;
      r.resize(data.size());
      for (std::size_t t = 0; t < data.size(); ++t) r[t] = data[t] - fitted[t];
      return sse;
    };
  };
  // The grid and the loose starts only pick the basin: on long series they use the first
  // kStartValues values (the initial states belong to the start anyway); the polish below
  // runs on the whole series.
  constexpr std::size_t kStartValues = 200000;
  const std::vector<double> head_copy =
      y.size() > kStartValues ? std::vector<double>(y.begin(), y.begin() + kStartValues)
                              : std::vector<double>();
  const std::vector<double>& head = head_copy.empty() ? y : head_copy;
  const auto residuals = residuals_over(y);
  const auto head_residuals = residuals_over(head);
  std::vector<double> base(count, 0.0);
  {
    std::size_t i = k;
    base[i++] = heuristic.level;
    if (has_trend) base[i++] = heuristic.trend;
    for (std::size_t j = 0; j < seasons; ++j) base[i++] = heuristic.season[j];
  }
  constexpr double kGrid[] = {0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0};
  std::vector<std::pair<double, std::vector<double>>> starts;
  std::vector<std::size_t> idx(k, 0);
  while (true) {
    std::vector<double> theta = base;
    for (std::size_t j = 0; j < k; ++j) theta[j] = kGrid[idx[j]];
    starts.emplace_back(hw_run(head, spec, smoothing_of(theta), heuristic), theta);
    std::size_t j = 0;
    while (j < k && ++idx[j] == std::size(kGrid)) idx[j++] = 0;
    if (j == k) break;
  }
  std::stable_sort(starts.begin(), starts.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<double> lower(count, -std::numeric_limits<double>::infinity()),
      upper(count, std::numeric_limits<double>::infinity());
  for (std::size_t j = 0; j < k; ++j) lower[j] = 0, upper[j] = 1;
  // Loose from each start (they only pick the basin), then polished from the best; restarts
  // reset the damping after a stall.
  // Three starts on short series; one (the best grid point, as statsmodels) on long ones.
  const std::size_t tries = y.size() <= 100000 ? 3 : 1;
  Minimum best;
  for (std::size_t s = 0; s < std::min(tries, starts.size()); ++s) {
    if (!std::isfinite(starts[s].first)) continue;
    Minimum m =
        levenberg_marquardt(head_residuals, starts[s].second, lower, upper, head.size(), 1e-8);
    if (m.f < best.f) best = std::move(m);
  }
  if (head.size() < y.size() && std::isfinite(best.f)) {  // from the head's SSE to the series'
    std::vector<double> r;
    best.f = residuals(best.x, r);
  }
  for (int again = 0; again < 8 && std::isfinite(best.f); ++again) {
    Minimum next = levenberg_marquardt(residuals, best.x, lower, upper, y.size());
    const bool gain = next.f < best.f * (1 - 1e-12);
    if (next.f < best.f) best = std::move(next);
    if (!gain) break;
  }
  if (!std::isfinite(best.f)) {
    throw sdk::Error::invalid_argument(
        "Holt–Winters could not be fitted: every parameter choice made a multiplicative state "
        "non-positive; use additive components");
  }
  fit.params = smoothing_of(best.x);
  fit.initial = states_of(best.x);
  fit.sse = hw_run(y, spec, fit.params, fit.initial, &fit.fitted, &fit.final_states);
  return fit;
}

//! Point forecasts for steps 1..h after the series.
[[nodiscard]] inline std::vector<double> hw_forecast(const HwFit& fit, std::size_t h) {
  const HwSpec& spec = fit.spec;
  const HwStates& s = fit.final_states;
  const double phi = spec.damped ? fit.params.phi : 1.0;
  std::vector<double> out(h);
  double phi_sum = 0, phi_pow = 1;
  for (std::size_t j = 1; j <= h; ++j) {
    phi_pow *= phi;
    phi_sum += phi_pow;
    double f = s.level;
    if (spec.trend == Component::add) f += phi_sum * s.trend;
    if (spec.trend == Component::mul) f *= std::pow(s.trend, phi_sum);
    const std::size_t phase =
        (static_cast<std::size_t>(fit.n) + j - 1) % std::max<std::size_t>(spec.m, 1);
    if (spec.season == Component::add) f += s.season[phase];
    if (spec.season == Component::mul) f *= s.season[phase];
    out[j - 1] = f;
  }
  return out;
}

//! Forecast variances for steps 1..h of the additive-error ETS model with the fitted
//! parameters (Hyndman et al. 2008, Table 6.1 class 1): σ²(1 + Σ_{j<h} c_j²) with
//! c_j = α + αβ·φ_j + γ·[j ≡ 0 mod m], φ_j = φ + … + φ^j, σ² = SSE / n. Exact for additive
//! components; an approximation with multiplicative ones.
[[nodiscard]] inline std::vector<double> hw_variances(const HwFit& fit, std::size_t h) {
  const HwParams& p = fit.params;
  const double phi = fit.spec.damped ? p.phi : 1.0;
  const double sigma2 = fit.sse / static_cast<double>(fit.n);
  std::vector<double> out(h);
  double acc = 1, phi_sum = 0, phi_pow = 1;
  for (std::size_t j = 1; j <= h; ++j) {
    out[j - 1] = sigma2 * acc;
    phi_pow *= phi;
    phi_sum += phi_pow;
    double c = p.alpha;
    if (fit.spec.trend != Component::none) c += p.alpha * p.beta * phi_sum;
    if (fit.spec.season != Component::none && j % fit.spec.m == 0) c += p.gamma;
    acc += c * c;
  }
  return out;
}

}  // namespace quarry::ts
