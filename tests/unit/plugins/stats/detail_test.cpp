// The stats plugin's building blocks: distribution functions against SciPy 1.10.1, the
// quantile sketch's hard rank-error bound under adversarial orders and merges, moment
// merging (one pair at a time and all pairs at once), the Misra–Gries and HyperLogLog summaries,
// group-key order and timestamps, Kendall's pair counts and distinct (group, value) pairs.
// Reference values: make_fixtures.py (section "distribution functions").

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "detail/categories.hpp"
#include "detail/comoment_matrix.hpp"
#include "detail/distinct_pairs.hpp"
#include "detail/distributions.hpp"
#include "detail/format.hpp"
#include "detail/kendall.hpp"
#include "detail/moments.hpp"
#include "detail/quantile_sketch.hpp"
#include "detail/quantiles.hpp"

namespace stats = quarry::stats;
namespace dist = quarry::stats::dist;

namespace {

struct DistRef {
  const char* function;
  std::vector<double> args;
  double value;
};

const DistRef kDistributions[] = {
    {"betainc", {0.5, 0.5, 0.3}, 0.3690101195655454},    // scipy: special.betainc(0.5, 0.5, 0.3)
    {"betainc", {2.0, 3.0, 0.4}, 0.5247999999999999},    // scipy: special.betainc(2, 3, 0.4)
    {"betainc", {50.0, 40.0, 0.6}, 0.8011534179744884},  // scipy: special.betainc(50, 40, 0.6)
    {"betainc",
     {5000.0, 0.5, 0.999},
     0.0015615791602887161},  // scipy: special.betainc(5000, 0.5, 0.999)
    {"betainc",
     {100000.0, 200000.0, 0.34},
     0.9999999999999942},  // scipy: special.betainc(1e5, 2e5, 0.34)
    {"betainc",
     {0.001, 1000.0, 1e-05},
     0.9959689153395083},                            // scipy: special.betainc(0.001, 1000, 1e-5)
    {"t_sf", {2.5, 3.0}, 0.04385332350403277},       // scipy: stats.t.sf(2.5, 3)
    {"t_sf", {-1.2, 7.5}, 0.866665538603389},        // scipy: stats.t.sf(-1.2, 7.5)
    {"t_sf", {40.0, 5.0}, 9.205981085886476e-08},    // scipy: stats.t.sf(40, 5)
    {"t_sf", {0.1, 1000000.0}, 0.4601721727460216},  // scipy: stats.t.sf(0.1, 1e6)
    {"t_sf", {6.0, 10000000.0}, 9.866213666838982e-10},      // scipy: stats.t.sf(6, 1e7)
    {"t_sf", {30.0, 2000.0}, 6.853865095563232e-164},        // scipy: stats.t.sf(30, 2000)
    {"t_sf", {1e-08, 10.0}, 0.49999999610891616},            // scipy: stats.t.sf(1e-8, 10)
    {"f_sf", {3.2, 4.0, 50.0}, 0.0204301380073038},          // scipy: stats.f.sf(3.2, 4, 50)
    {"f_sf", {100.0, 3.0, 1000.0}, 1.2990204559497265e-56},  // scipy: stats.f.sf(100, 3, 1000)
    {"f_sf", {0.5, 10.0, 12.0}, 0.8596371791789762},         // scipy: stats.f.sf(0.5, 10, 12)
    {"f_sf",
     {1.01, 100000.0, 100000.0},
     0.05782719932715256},  // scipy: stats.beta.cdf(1e5 / (1e5 + 1.01e5), 5e4, 5e4) (Boost);
                            // stats.f.sf(1.01, 1e5, 1e5) = 0.05782719932088159
    {"chi2_sf", {3.84, 1.0}, 0.05004352124870519},            // scipy: stats.chi2.sf(3.84, 1)
    {"chi2_sf", {50.0, 2.0}, 1.3887943864964e-11},            // scipy: stats.chi2.sf(50, 2)
    {"chi2_sf", {1000.0, 900.0}, 0.010994608942135844},       // scipy: stats.chi2.sf(1000, 900)
    {"chi2_sf", {0.001, 10.0}, 1.0},                          // scipy: stats.chi2.sf(0.001, 10)
    {"chi2_sf", {700.0, 3.0}, 2.0991308534204487e-151},       // scipy: stats.chi2.sf(700, 3)
    {"chi2_sf", {2000000.0, 2000000.0}, 0.4998670192391274},  // scipy: stats.chi2.sf(2e6, 2e6)
    {"gammaincc", {0.5, 2.0}, 0.04550026389635857},           // scipy: special.gammaincc(0.5, 2)
    {"gammainc", {30.0, 12.0}, 8.870138799144754e-06},        // scipy: special.gammainc(30, 12)
    {"norm_sf", {1.96, 0.0}, 0.024997895148220435},           // scipy: stats.norm.sf(1.96)
    {"norm_sf", {-3.0, 0.0}, 0.9986501019683699},             // scipy: stats.norm.sf(-3)
    {"norm_sf", {12.0, 0.0}, 1.776482112077653e-33},          // scipy: stats.norm.sf(12)
    {"norm_ppf",
     {3.124609423822022e-05, 0.0},
     -4.003197129927165},                            // scipy: stats.norm.ppf(0.0625 / 2000.25)
    {"norm_ppf", {0.3, 0.0}, -0.5244005127080409},   // scipy: stats.norm.ppf(0.3)
    {"norm_ppf", {0.5, 0.0}, 0.0},                   // scipy: stats.norm.ppf(0.5)
    {"norm_ppf", {0.975, 0.0}, 1.959963984540054},   // scipy: stats.norm.ppf(0.975)
    {"norm_ppf", {1e-300, 0.0}, -37.0470962993612},  // scipy: stats.norm.ppf(1e-300)
};

double evaluate(const DistRef& r) {
  const std::string f = r.function;
  const auto& a = r.args;
  if (f == "betainc") return dist::incomplete_beta(a[0], a[1], a[2], 1 - a[2]).first;
  if (f == "t_sf") return dist::t_sf(a[0], a[1]);
  if (f == "f_sf") return dist::f_sf(a[0], a[1], a[2]);
  if (f == "chi2_sf") return dist::chi2_sf(a[0], a[1]);
  if (f == "gammaincc") return dist::incomplete_gamma(a[0], a[1]).second;
  if (f == "gammainc") return dist::incomplete_gamma(a[0], a[1]).first;
  if (f == "norm_sf") return dist::normal_sf(a[0]);
  if (f == "norm_ppf") return dist::normal_quantile(a[0]);
  throw std::runtime_error("unknown function " + f);
}

}  // namespace

TEST(StatsDistributions, MatchSciPy) {
  for (const DistRef& r : kDistributions) {
    const double got = evaluate(r);
    // 1e-12 relative everywhere; the t tail at df = 1e7 carries SciPy's own ~1e-10 error.
    const double tol = (std::string(r.function) == "t_sf" && r.args[1] >= 1e7) ? 1e-9 : 1e-12;
    EXPECT_NEAR(got, r.value, tol * std::fabs(r.value))
        << r.function << "(" << r.args[0] << ", " << r.args[1] << ")";
  }
}

TEST(StatsDistributions, TailsAndSymmetries) {
  EXPECT_DOUBLE_EQ(dist::t_sf(0, 5), 0.5);
  EXPECT_DOUBLE_EQ(dist::t_sf(-2, 5) + dist::t_sf(2, 5), 1.0);
  EXPECT_DOUBLE_EQ(dist::t_two_sided(2, 5), 2 * dist::t_sf(2, 5));
  EXPECT_EQ(dist::t_two_sided(INFINITY, 5), 0.0);
  EXPECT_TRUE(std::isnan(dist::t_sf(1, 0)));
  EXPECT_DOUBLE_EQ(dist::chi2_sf(7.0, 2), std::exp(-3.5));  // exact for 2 dof
  EXPECT_EQ(dist::f_sf(0, 3, 4), 1.0);
  const auto [p, q] = dist::incomplete_beta(3, 4, 0.25, 0.75);
  EXPECT_NEAR(p + q, 1.0, 1e-15);
}

TEST(StatsSketch, RankErrorStaysWithinTheTrackedBound) {
  const std::size_t n = 200000;
  std::vector<double> base(n);
  std::mt19937_64 rng(3);
  std::exponential_distribution<double> e(1.0);
  for (double& v : base) v = e(rng);
  std::vector<std::vector<double>> orders = {base, base, base};
  std::sort(orders[1].begin(), orders[1].end());
  std::sort(orders[2].begin(), orders[2].end(), std::greater<>());
  std::vector<double> sorted = orders[1];
  for (const auto& data : orders) {
    // One sketch, and 37 sketches merged pairwise.
    stats::QuantileSketch one(256);
    one.add(data.data(), data.size());
    std::vector<stats::QuantileSketch> parts(37, stats::QuantileSketch(256));
    for (std::size_t i = 0; i < data.size(); i += 1000) {
      parts[(i / 1000) % parts.size()].add(data.data() + i,
                                           std::min<std::size_t>(1000, data.size() - i));
    }
    while (parts.size() > 1) {
      parts[parts.size() - 2].merge(parts.back());
      parts.pop_back();
    }
    for (const stats::QuantileSketch* s : {&one, &parts[0]}) {
      ASSERT_EQ(s->count(), static_cast<std::int64_t>(n));
      EXPECT_GT(s->rank_error(), 0.0);
      EXPECT_LT(s->normalized_rank_error(), 0.05);
      for (double probe : {0.01, 0.1, 0.5, 1.0, 2.0, 5.0}) {
        const double truth = static_cast<double>(
            std::lower_bound(sorted.begin(), sorted.end(), probe) - sorted.begin());
        EXPECT_LE(std::fabs(s->rank_below(probe) - truth), s->rank_error()) << probe;
      }
      EXPECT_EQ(s->quantile(0), sorted.front());
      EXPECT_EQ(s->quantile(1), sorted.back());
    }
  }
}

// Level 0 is bucket-sorted with a map that follows the values' density. These shapes put most
// values in one corner of [min, max], repeat values exactly (rounded to 2 decimals, 5% zeros:
// crowded buckets take the per-bucket sort) and mix signs, with and without far outliers; a
// map that broke the order would show as ranks outside the bound.
std::vector<double> skewed_values_with_ties(bool far_outliers) {
  const std::size_t n = 100000;
  std::vector<double> data(n);
  std::mt19937_64 rng(11);
  std::lognormal_distribution<double> skewed(0.0, 1.5);
  std::uniform_int_distribution<int> pick(0, 999);
  for (double& v : data) {
    const int p = pick(rng);
    v = p < 50 ? 0.0 : std::round(skewed(rng) * 100) / 100;
    if (far_outliers && p == 50) v = -1e12;
    if (far_outliers && p == 51) v = 1e15;
    if (p % 7 == 0) v = -v;
  }
  return data;
}

TEST(StatsSketch, SkewedDataWithTiesAndOutliersStaysWithinTheBound) {
  for (bool far_outliers : {false, true}) {
    const std::vector<double> data = skewed_values_with_ties(far_outliers);
    const std::size_t n = data.size();
    std::vector<double> sorted = data;
    std::sort(sorted.begin(), sorted.end());
    stats::QuantileSketch s(256);
    for (std::size_t i = 0; i < n; i += 777) {
      s.add(data.data() + i, std::min<std::size_t>(777, n - i));
    }
    ASSERT_GT(s.rank_error(), 0.0);
    for (double probe : {-1e12, -3.0, -0.5, 0.0, 0.01, 0.5, 1.0, 2.5, 10.0, 1e15}) {
      const double truth = static_cast<double>(
          std::lower_bound(sorted.begin(), sorted.end(), probe) - sorted.begin());
      EXPECT_LE(std::fabs(s.rank_below(probe) - truth), s.rank_error()) << probe;
    }
    for (double q : {0.001, 0.1, 0.25, 0.5, 0.75, 0.9, 0.999}) {
      // The value returned sits at a true rank within the bound of q * (n - 1).
      const double v = s.quantile(q);
      const auto below = std::lower_bound(sorted.begin(), sorted.end(), v) - sorted.begin();
      const auto through = std::upper_bound(sorted.begin(), sorted.end(), v) - sorted.begin();
      const double target = q * static_cast<double>(n - 1);
      EXPECT_LE(static_cast<double>(below), target + s.rank_error() + 1) << q;
      EXPECT_GE(static_cast<double>(through), target - s.rank_error() - 1) << q;
    }
  }
}

// With the default capacity, level 0's density map is drawn from every fourth value. Here the
// values the sample sees are spread wide and the others crowd into narrow clusters it never
// sees (or the reverse), so whole clusters fall into one bucket and take the refining sort.
TEST(StatsSketch, ValuesTheDensitySampleMissesStillSortIntoPlace) {
  const std::size_t n = 300000;
  for (std::size_t seen : {0, 1}) {
    std::vector<double> data(n);
    std::mt19937_64 rng(29);
    std::uniform_real_distribution<double> wide(-1e6, 1e6);
    std::normal_distribution<double> narrow(0.0, 1e-3);
    for (std::size_t i = 0; i < n; ++i) {
      const bool sampled = i % 4 == 0;
      data[i] =
          sampled == (seen == 1) ? wide(rng) : 1000.0 * static_cast<double>(i % 3) + narrow(rng);
    }
    std::vector<double> sorted = data;
    std::sort(sorted.begin(), sorted.end());
    stats::QuantileSketch s;
    for (std::size_t i = 0; i < n; i += 8192)
      s.add(data.data() + i, std::min<std::size_t>(8192, n - i));
    ASSERT_GT(s.rank_error(), 0.0);
    for (double q : {0.01, 0.2, 0.3, 0.5, 0.6, 0.8, 0.99}) {
      const double v = s.quantile(q);
      const auto below = std::lower_bound(sorted.begin(), sorted.end(), v) - sorted.begin();
      const auto through = std::upper_bound(sorted.begin(), sorted.end(), v) - sorted.begin();
      const double target = q * static_cast<double>(n - 1);
      EXPECT_LE(static_cast<double>(below), target + s.rank_error() + 1) << q << " " << seen;
      EXPECT_GE(static_cast<double>(through), target - s.rank_error() - 1) << q << " " << seen;
    }
    for (double probe : {-5e5, -0.001, 0.0, 0.001, 999.999, 1000.0, 2000.0, 5e5}) {
      const double truth = static_cast<double>(
          std::lower_bound(sorted.begin(), sorted.end(), probe) - sorted.begin());
      EXPECT_LE(std::fabs(s.rank_below(probe) - truth), s.rank_error()) << probe << " " << seen;
    }
  }
}

TEST(StatsSketch, SmallInputsAreExact) {
  stats::QuantileSketch s(64);
  const std::vector<double> v = {5, 1, 4, 2, 3};
  s.add(v.data(), v.size());
  EXPECT_EQ(s.rank_error(), 0.0);
  EXPECT_EQ(s.quantile(0.5), 3.0);
  EXPECT_EQ(s.rank_below(3.5), 3.0);
}

TEST(StatsQuantiles, LinearInterpolationAsNumpy) {
  const std::vector<double> v = {1, 2, 3, 4};
  EXPECT_EQ(stats::sorted_quantile(v, 0.5), 2.5);  // np.percentile([1,2,3,4], 50)
  EXPECT_EQ(stats::sorted_quantile(v, 0.25), 1.75);
  EXPECT_EQ(stats::sorted_quantile(v, 1.0), 4.0);
  stats::ValueStore a, b;
  a.add(v.data(), 2);
  b.add(v.data() + 2, 2);
  a.merge(b);
  EXPECT_EQ(a.quantiles({0.5}).front(), 2.5);
  a.to_sketch();
  EXPECT_FALSE(a.exact());
  EXPECT_EQ(a.count(), 4);
}

// Kept values span several blocks (the first grows, later ones are whole huge pages);
// bytes_with() foretells bytes(), and merged stores give the same quantiles as one store.
TEST(StatsQuantiles, BlockedValuesGiveExactQuantilesAndForetellTheirBytes) {
  std::mt19937_64 rng(13);
  std::uniform_real_distribution<double> dist(-1e6, 1e6);
  std::vector<double> v(700001);
  for (double& x : v) x = dist(rng);
  stats::ValueStore whole, left, right;
  for (std::size_t i = 0; i < v.size();) {
    const std::size_t n = std::min<std::size_t>(1 + (i * 7919) % 30000, v.size() - i);
    const std::size_t predicted = whole.bytes_with(n);
    whole.add(v.data() + i, n);
    ASSERT_EQ(whole.bytes(), predicted) << "after " << i + n << " values";
    (i % 2 == 0 ? left : right).add(v.data() + i, n);
    i += n;
  }
  EXPECT_GE(whole.bytes(), v.size() * sizeof(double));
  EXPECT_LE(whole.bytes(), v.size() * sizeof(double) + (std::size_t{2} << 20));
  left.merge(right);
  EXPECT_EQ(left.count(), static_cast<std::int64_t>(v.size()));
  EXPECT_EQ(right.count(), 0);
  std::vector<double> sorted = v;
  std::sort(sorted.begin(), sorted.end());
  const std::vector<double> qs = {0.0, 0.1, 0.25, 0.5, 0.9, 1.0};
  const std::vector<double> a = whole.quantiles(qs);
  const std::vector<double> b = left.quantiles(qs);
  for (std::size_t i = 0; i < qs.size(); ++i) {
    EXPECT_EQ(a[i], stats::sorted_quantile(sorted, qs[i])) << qs[i];
    EXPECT_EQ(b[i], a[i]) << qs[i];
  }
  // Fractions in any order, repeated: each selection searches above the previous one in
  // ascending order, whatever order they were asked in.
  const std::vector<double> shuffled = {0.9, 0.1, 0.5, 0.5, 0.75, 0.0, 0.3333, 1.0};
  const std::vector<double> c = whole.quantiles(shuffled);
  for (std::size_t i = 0; i < shuffled.size(); ++i) {
    EXPECT_EQ(c[i], stats::sorted_quantile(sorted, shuffled[i])) << shuffled[i];
  }
}

TEST(StatsMoments, MergingMatchesOnePassAndKeepsDigitsFarFromZero) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> d(0, 3);
  std::vector<double> v(10007);
  for (double& x : v) x = 1e12 + d(rng);
  stats::Moments whole, merged;
  whole.add(v.data(), v.size());
  for (std::size_t i = 0; i < v.size(); i += 333) {
    stats::Moments part;
    part.add(v.data() + i, std::min<std::size_t>(333, v.size() - i));
    merged.merge(part);
  }
  EXPECT_NEAR(merged.variance(), whole.variance(), 1e-12 * whole.variance());
  EXPECT_NEAR(merged.skewness(), whole.skewness(), 1e-10);
  EXPECT_NEAR(merged.kurtosis(), whole.kurtosis(), 1e-10);
  EXPECT_NEAR(whole.stddev(), 3.0, 0.1);  // a naive sum of squares would lose every digit
  stats::Moments constant;
  const std::vector<double> c(100, 0.1);
  constant.add(c.data(), c.size());
  EXPECT_TRUE(constant.constant());
  EXPECT_EQ(constant.stddev(), 0.0);
  EXPECT_TRUE(std::isnan(constant.skewness()));
}

namespace {

// Pairwise-complete covariance sums of two columns (NaN = missing), two-pass in long double:
// the reference CoMomentMatrix is checked against.
struct PairReference {
  double n = 0, sxx = 0, syy = 0, sxy = 0;
};

PairReference pair_reference(const std::vector<double>& x, const std::vector<double>& y) {
  long double n = 0, mx = 0, my = 0;
  for (std::size_t r = 0; r < x.size(); ++r) {
    if (std::isnan(x[r]) || std::isnan(y[r])) continue;
    n += 1;
    mx += x[r];
    my += y[r];
  }
  PairReference out;
  if (n == 0) return out;
  mx /= n;
  my /= n;
  long double sxx = 0, syy = 0, sxy = 0;
  for (std::size_t r = 0; r < x.size(); ++r) {
    if (std::isnan(x[r]) || std::isnan(y[r])) continue;
    sxx += (x[r] - mx) * (x[r] - mx);
    syy += (y[r] - my) * (y[r] - my);
    sxy += (x[r] - mx) * (y[r] - my);
  }
  out.n = static_cast<double>(n);
  out.sxx = static_cast<double>(sxx);
  out.syy = static_cast<double>(syy);
  out.sxy = static_cast<double>(sxy);
  return out;
}

}  // namespace

TEST(StatsCoMomentMatrix, EveryPairMatchesATwoPassReferenceWhateverIsMissing) {
  // Columns chosen to reach every path: dense, 1% missing (subtracted row by row), 40%
  // missing (gathered), nearly empty, far from zero, constant, and constant exactly where
  // another column has values.
  std::mt19937_64 rng(11);
  std::normal_distribution<double> normal(0, 1);
  std::uniform_real_distribution<double> unit(0, 1);
  const std::size_t rows = 5000;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<std::vector<double>> cols(7, std::vector<double>(rows));
  for (std::size_t r = 0; r < rows; ++r) {
    const double common = normal(rng);
    cols[0][r] = common + normal(rng);
    cols[1][r] = unit(rng) < 0.01 ? nan : 2 * common + normal(rng);
    cols[2][r] = unit(rng) < 0.4 ? nan : -common + 0.5 * normal(rng);
    cols[3][r] = unit(rng) < 0.995 ? nan : normal(rng);
    cols[4][r] = 1e9 + 1e-3 * (common + normal(rng));
    cols[5][r] = 0.1;
    cols[6][r] = std::isnan(cols[1][r]) ? normal(rng) : 0.3;
  }
  for (const std::size_t split : {rows, std::size_t{777}, std::size_t{3}}) {
    SCOPED_TRACE("chunks of " + std::to_string(split) + " rows");
    stats::CoMomentMatrix whole(cols.size());
    for (std::size_t at = 0; at < rows; at += split) {
      stats::CoMomentMatrix part(cols.size());
      std::vector<const double*> view;
      for (const auto& c : cols) view.push_back(c.data() + at);
      part.add(view, std::min(split, rows - at));
      whole.merge(part);
    }
    for (std::size_t i = 0; i < cols.size(); ++i) {
      for (std::size_t j = i; j < cols.size(); ++j) {
        SCOPED_TRACE("pair " + std::to_string(i) + ", " + std::to_string(j));
        const PairReference ref = pair_reference(cols[i], cols[j]);
        const stats::CoMoments& m = whole.at(i, j);
        EXPECT_EQ(static_cast<double>(m.count()), ref.n);
        // (plus 1e-20: the long double reference itself leaves ~1e-30 for constant columns)
        EXPECT_NEAR(m.sxx(), ref.sxx, 1e-11 * ref.sxx + 1e-20);
        EXPECT_NEAR(m.syy(), ref.syy, 1e-11 * ref.syy + 1e-20);
        EXPECT_NEAR(m.sxy(), ref.sxy, 1e-11 * std::sqrt(ref.sxx * ref.syy) + 1e-20);
      }
    }
    EXPECT_EQ(whole.at(5, 5).sxx(), 0.0);  // constant: exactly, so correlation is undefined
    EXPECT_EQ(whole.at(0, 5).syy(), 0.0);
    EXPECT_EQ(whole.at(1, 6).syy(), 0.0);  // column 6 is 0.3 wherever column 1 has a value
  }
}

TEST(StatsCategories, SummaryBoundsHoldPastTheBudget) {
  stats::CategoryCounter exact, summary;
  std::mt19937_64 rng(9);
  std::vector<std::int64_t> truth(50000, 0);
  summary.to_summary();
  for (int i = 0; i < 400000; ++i) {
    // Zipf-like: label k with weight 1/(k+1).
    const auto k =
        static_cast<std::size_t>(std::pow(50000.0, static_cast<double>(rng() % 10000) / 10000.0)) -
        1;
    ++truth[k];
    const std::string label = "k" + std::to_string(k);
    exact.add(label);
    summary.add(label);
  }
  std::size_t distinct = 0;
  for (auto t : truth) distinct += t > 0 ? 1 : 0;
  EXPECT_EQ(exact.distinct(), static_cast<double>(distinct));
  EXPECT_NEAR(summary.distinct(), static_cast<double>(distinct),
              3 * stats::HyperLogLog::kStandardError * static_cast<double>(distinct));
  EXPECT_LE(summary.count_error(),
            summary.total() / static_cast<std::int64_t>(stats::CategoryCounter::kCapacity + 1));
  for (const auto& [label, count] : summary.top(20)) {
    const auto t = truth[std::stoul(label.substr(1))];
    EXPECT_LE(count, t);
    EXPECT_GE(count, t - summary.count_error());
  }
  EXPECT_EQ(summary.top(1).front().first, exact.top(1).front().first);
}

TEST(StatsFormat, DurationsAndNumbers) {
  EXPECT_EQ(stats::duration_text(90061.25), "1 day 01:01:01.25");
  EXPECT_EQ(stats::exact_text(0.1), "0.1");
  EXPECT_EQ(stats::short_text(1000000000010187.1, 10566.9), "1000000000010187.1");
  EXPECT_EQ(stats::short_text(23.702873, 2.16, 3), "23.703");
}

TEST(StatsKendall, MergeSortCountsEqualTheQuadraticCountsWithTies) {
  std::mt19937 rng(7);
  for (const int levels : {3, 20, 1000}) {
    std::vector<double> x(1500), y(1500);
    for (std::size_t i = 0; i < x.size(); ++i) {
      x[i] = static_cast<double>(rng() % levels);
      y[i] = static_cast<double>(rng() % levels) + (i % 3 == 0 ? x[i] : -0.0);
    }
    std::int64_t xt = 0, yt = 0, both = 0, discordant = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      for (std::size_t j = i + 1; j < x.size(); ++j) {
        xt += x[i] == x[j];
        yt += y[i] == y[j];
        both += x[i] == x[j] && y[i] == y[j];
        discordant += (x[i] - x[j]) * (y[i] - y[j]) < 0;
      }
    }
    const stats::KendallCounts c = stats::kendall_counts(x, y);
    EXPECT_EQ(c.x_ties, xt) << levels;
    EXPECT_EQ(c.y_ties, yt) << levels;
    EXPECT_EQ(c.joint_ties, both) << levels;
    EXPECT_EQ(c.discordant, discordant) << levels;
  }
  EXPECT_TRUE(std::isnan(stats::kendall_counts({}, {}).tau_b()));
  EXPECT_TRUE(std::isnan(stats::kendall_counts({1, 2}, {3, 3}).tau_b()));
  EXPECT_EQ(stats::kendall_counts({1, 2, 3}, {3, 2, 1}).tau_b(), -1.0);
}

TEST(StatsDistinctPairs, CountsEachPairOnceAndMergesUnderMappedGroups) {
  stats::DistinctPairs a, b;
  a.add(0, "x");
  a.add(0, "x");
  a.add(0, "y");
  a.add(1, "x");
  b.add(0, "x");  // b's group 0 is a's group 1
  b.add(0, "z");
  b.add(1, "x");  // b's group 1 is a's group 0
  a.merge(b, [](std::uint32_t g) { return g == 0 ? 1U : 0U; });
  EXPECT_EQ(a.size(), 4U);
  EXPECT_EQ(a.counts(3), (std::vector<std::int64_t>{2, 2, 0}));
  EXPECT_GT(a.bytes(), 4 * (4 + 1));
}
