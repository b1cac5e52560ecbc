#pragma once
//! \file
//! Anomaly scores of a whole series: a rolling z-score against the previous N values, and a
//! robust (median/MAD) score of the residual from a baseline (a centred rolling median or a
//! classical decomposition); and the selection of the anomalies (most extreme first, capped,
//! with true totals).

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "ts/window.hpp"

namespace quarry::ts {

//! The consistency constant making the MAD estimate a normal standard deviation,
//! 1 / Φ⁻¹(3/4) (SciPy's median_abs_deviation(scale="normal")).
inline constexpr double kMadToSigma = 1.482602218505602;

//! Per-value scores and the baseline each value was compared with (NaN = not scored).
struct Scores {
  std::vector<double> score;
  std::vector<double> expected;
};

//! z-scores of x[t] against the mean and sample std (ddof 1) of the previous `window` values,
//! once at least `min_periods` of them exist (pandas: (x - x.rolling(w, min_periods).mean()
//! .shift(1)) / x.rolling(w, min_periods).std().shift(1)). A window with zero spread leaves the
//! value unscored.
[[nodiscard]] inline Scores rolling_zscores(const std::vector<double>& x, std::size_t window,
                                            std::int64_t min_periods) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Scores s{std::vector<double>(x.size(), nan), std::vector<double>(x.size(), nan)};
  SlidingWindow w(WindowNeeds{.sums = true, .squares = true});
  for (std::size_t t = 0; t < x.size(); ++t) {
    if (w.count() >= min_periods) {
      const double mean = w.mean(), sd = std::sqrt(w.var());
      s.expected[t] = mean;
      if (sd > 0) s.score[t] = (x[t] - mean) / sd;
    }
    w.push(0, x[t]);
    w.keep_last(window);
  }
  return s;
}

//! The centred rolling median of `window` values (pandas rolling(w, center=True,
//! min_periods=1).median(): value t sees rows t - (w - 1 - (w - 1) / 2) .. t + (w - 1) / 2,
//! clipped at the ends).
[[nodiscard]] inline std::vector<double> centred_median(const std::vector<double>& x,
                                                        std::size_t window) {
  std::vector<double> out(x.size());
  const std::size_t right = (window - 1) / 2;
  SlidingWindow w(WindowNeeds{.median = true});
  for (std::size_t j = 0; j < x.size() + right; ++j) {
    if (j < x.size()) {
      w.push(0, x[j]);
      w.keep_last(window);
    } else {
      w.keep_last(x.size() + window - 1 - j);  // past the end the window only shrinks
    }
    if (j >= right) out[j - right] = w.median();
  }
  return out;
}

//! The median of the non-NaN values of `v` (NaN when there are none).
[[nodiscard]] inline double median_of(std::vector<double> v) {
  v.erase(std::remove_if(v.begin(), v.end(), [](double x) { return std::isnan(x); }), v.end());
  if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
  const std::size_t h = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h), v.end());
  const double upper = v[h];
  if (v.size() % 2 == 1) return upper;
  const double lower = *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h));
  return lower + (upper - lower) / 2;
}

//! Robust scores of residuals: (r - median(r)) / (kMadToSigma · MAD(r)). Returns the scale
//! (kMadToSigma · MAD, 0 when over half the residuals are equal: then nothing is scored).
inline double robust_scores(const std::vector<double>& resid, std::vector<double>& score) {
  const double med = median_of(resid);
  std::vector<double> dev(resid.size());
  for (std::size_t t = 0; t < resid.size(); ++t) dev[t] = std::fabs(resid[t] - med);
  const double scale = kMadToSigma * median_of(std::move(dev));
  score.assign(resid.size(), std::numeric_limits<double>::quiet_NaN());
  if (scale > 0) {
    for (std::size_t t = 0; t < resid.size(); ++t) score[t] = (resid[t] - med) / scale;
  }
  return scale;
}

//! The anomalies: values whose |score| exceeds a threshold.
struct Flagged {
  std::int64_t scored = 0;         //!< values with a score
  std::int64_t total = 0;          //!< anomalies in all
  std::int64_t high = 0, low = 0;  //!< above / below the baseline
  std::vector<std::size_t> kept;   //!< the most extreme `cap` of them, in series order
};

//! Flags |score| > threshold, keeping the `cap` largest |score| (ties: earlier first).
[[nodiscard]] inline Flagged flag(const std::vector<double>& score, double threshold,
                                  std::size_t cap) {
  Flagged f;
  std::vector<std::size_t> all;
  for (std::size_t t = 0; t < score.size(); ++t) {
    if (std::isnan(score[t])) continue;
    ++f.scored;
    if (std::fabs(score[t]) > threshold) {
      all.push_back(t);
      ++(score[t] > 0 ? f.high : f.low);
    }
  }
  f.total = static_cast<std::int64_t>(all.size());
  if (all.size() > cap) {
    std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(cap), all.end(),
                      [&](std::size_t a, std::size_t b) {
                        const double x = std::fabs(score[a]), y = std::fabs(score[b]);
                        return x > y || (x == y && a < b);
                      });
    all.resize(cap);
    std::sort(all.begin(), all.end());
  }
  f.kept = std::move(all);
  return f;
}

}  // namespace quarry::ts
