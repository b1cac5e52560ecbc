#pragma once
//! \file
//! Fisher's exact test of a 2x2 table, two-sided, as scipy.stats.fisher_exact (SciPy 1.10):
//! the p-value sums the probabilities of every table with the observed margins that is no
//! more likely than the observed one (within a relative 1e-14, SciPy's tolerance for tables
//! that tie exactly), and the odds ratio is the sample one, a d / (b c).
//!
//! With the margins fixed, the top-left cell X is hypergeometric. Its probabilities are
//! taken relative to the mode by the ratio of neighbours, P(x + 1) / P(x) =
//! (K - x)(n - x) / ((x + 1)(N - K - n + x + 1)), in long double, so tables that tie exactly
//! (a symmetric table's two tails) stay equal far within the tolerance, and the far tails do
//! not underflow before they stop mattering. Each side stops once its terms underflow.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

namespace quarry::stats {

//! The result of fisher_exact().
struct FisherResult {
  double odds_ratio = 0;  //!< a d / (b c); +inf when b c = 0 < a d; NaN for an empty margin
  double p_value = 1;     //!< two-sided
};

namespace detail {

//! The relative hypergeometric weights of X (see the file comment).
class HypergeometricWeights {
 public:
  //! X = the successes among `draws` taken from `total` holding `successes`.
  HypergeometricWeights(std::int64_t total, std::int64_t successes, std::int64_t draws)
      : total_(total),
        successes_(successes),
        draws_(draws),
        lo_(std::max<std::int64_t>(0, draws - (total - successes))),
        hi_(std::min(draws, successes)) {
    // The mode, as SciPy takes it: floor((n + 1)(K + 1) / (N + 2)).
    mode_ = std::clamp<std::int64_t>((draws + 1) * (successes + 1) / (total + 2), lo_, hi_);
  }

  //! P(X = x + 1) / P(X = x).
  [[nodiscard]] long double up(std::int64_t x) const noexcept {
    const auto k = static_cast<long double>(successes_), n = static_cast<long double>(draws_);
    const auto big_n = static_cast<long double>(total_), lx = static_cast<long double>(x);
    return (k - lx) * (n - lx) / ((lx + 1) * (big_n - k - n + lx + 1));
  }

  //! Calls f(x, weight) for x from the mode outwards on each side (the mode's weight is 1),
  //! until a side ends or its weights underflow to 0.
  template <class F>
  void each(F&& f) const {
    f(mode_, 1.0L);
    long double w = 1;
    for (std::int64_t x = mode_; x < hi_ && w > 0; ++x) {
      w *= up(x);
      f(x + 1, w);
    }
    w = 1;
    for (std::int64_t x = mode_; x > lo_ && w > 0; --x) {
      w /= up(x - 1);
      f(x - 1, w);
    }
  }

  //! The weight of x (1 at the mode).
  [[nodiscard]] long double weight(std::int64_t x) const noexcept {
    long double w = 1;
    for (std::int64_t i = mode_; i < x; ++i) w *= up(i);
    for (std::int64_t i = mode_; i > x; --i) w /= up(i - 1);
    return w;
  }

 private:
  std::int64_t total_, successes_, draws_, lo_, hi_, mode_ = 0;
};

}  // namespace detail

//! Fisher's exact test of the table [[a, b], [c, d]] (see the file comment).
inline FisherResult fisher_exact(std::int64_t a, std::int64_t b, std::int64_t c, std::int64_t d) {
  FisherResult out;
  if (a + b == 0 || c + d == 0 || a + c == 0 || b + d == 0) {
    out.odds_ratio = std::numeric_limits<double>::quiet_NaN();
    return out;  // SciPy: p = 1, odds ratio NaN
  }
  std::int64_t ad = 0, bc = 0;
  const bool exact = !__builtin_mul_overflow(a, d, &ad) && !__builtin_mul_overflow(b, c, &bc);
  if (b == 0 || c == 0) {
    out.odds_ratio = std::numeric_limits<double>::infinity();
  } else {
    out.odds_ratio = exact ? static_cast<double>(ad) / static_cast<double>(bc)
                           : (static_cast<double>(a) * static_cast<double>(d)) /
                                 (static_cast<double>(b) * static_cast<double>(c));
  }
  const detail::HypergeometricWeights weights(a + b + c + d, a + b, a + c);
  const long double observed = weights.weight(a);
  if (std::fabs(observed - 1) <= 1e-14L) return out;  // the most likely table: p = 1
  const long double limit = observed * (1 + 1e-14L);
  long double total = 0, as_extreme = 0;
  weights.each([&](std::int64_t, long double w) {
    total += w;
    if (w <= limit) as_extreme += w;
  });
  out.p_value = std::min(1.0, static_cast<double>(as_extreme / total));
  return out;
}

}  // namespace quarry::stats
