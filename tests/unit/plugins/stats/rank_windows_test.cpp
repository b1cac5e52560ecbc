// Exact quantiles in two passes (detail/rank_sample.hpp, detail/rank_windows.hpp): the values
// the second pass selects equal those of a full sort (std::sort of the same values, the
// definition of a rank) on data shaped to be hard for a sample — heavy ties, few distinct
// values, sorted and periodic inputs — and when the sample misleads the windows or the kept
// values are dropped, the reported value is a window bound whose stated rank error holds.

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "detail/quantiles.hpp"
#include "detail/rank_sample.hpp"
#include "detail/rank_windows.hpp"
#include "rank_check.hpp"

namespace stats = quarry::stats;

namespace {

constexpr std::size_t kChunk = 23000;  // about a 2 MiB chunk of a ten-column file

//! The sample of `values` as the first pass takes it: one state per chunk, merged in order.
stats::RankSample sample_of(const std::vector<double>& values, std::size_t max_values) {
  stats::RankSample whole(max_values);
  for (std::size_t at = 0; at < values.size(); at += kChunk) {
    stats::RankSample chunk(max_values);
    chunk.add(values.data() + at, std::min(kChunk, values.size() - at));
    whole.merge(chunk);
  }
  return whole;
}

//! The second pass over `values` in chunks, one collector per chunk, merged in order.
stats::RankCollector collect(const stats::RankWindows& windows, const std::vector<double>& values) {
  stats::RankCollector whole(windows);
  for (std::size_t at = 0; at < values.size(); at += kChunk) {
    stats::RankCollector chunk(windows);
    chunk.add(values.data() + at, std::min(kChunk, values.size() - at));
    whole.merge(chunk);
  }
  return whole;
}

//! The ranks the quantiles at `fractions` of n values need.
std::vector<std::int64_t> ranks_of(const std::vector<double>& fractions, std::int64_t n) {
  std::vector<std::int64_t> ranks;
  for (double q : fractions) {
    const stats::RankPair pair = stats::ranks_for(q, n);
    ranks.push_back(pair.low);
    ranks.push_back(pair.high);
  }
  return ranks;
}

struct Shape {
  std::string name;
  std::vector<double> values;
};

std::vector<Shape> shapes() {
  std::mt19937_64 rng(20261124);
  const std::size_t n = 300000;
  std::vector<Shape> out;
  std::normal_distribution<double> normal(50, 10);
  std::lognormal_distribution<double> lognormal(0, 2);
  Shape a{"normal", {}}, b{"lognormal", {}}, c{"mostly zeros", {}}, d{"five levels", {}},
      e{"sorted", {}}, f{"period 16", {}}, g{"descending with outliers", {}};
  for (std::size_t i = 0; i < n; ++i) {
    a.values.push_back(normal(rng));
    b.values.push_back(lognormal(rng));
    c.values.push_back(rng() % 10 < 7 ? 0.0 : normal(rng));
    d.values.push_back(static_cast<double>(rng() % 5));
    e.values.push_back(static_cast<double>(i) * 0.5);
    f.values.push_back(static_cast<double>(i % 16) + (i % 16 == 0 ? 1e6 : 0));
    g.values.push_back(i % 1000 == 0 ? 1e300 : -static_cast<double>(i));
  }
  return {a, b, c, d, e, f, g};
}

}  // namespace

// Windows from the sample hold every needed rank, and the selection equals a full sort, for
// one quantile (two bounds), two, three (the quartiles) and many (binary-search placing).
TEST(RankWindows, SelectedValuesEqualAFullSort) {
  const std::vector<std::vector<double>> fraction_sets = {
      {0.5}, {0.1, 0.9}, {0.25, 0.5, 0.75}, {0, 0.001, 0.01, 0.25, 0.5, 0.75, 0.99, 0.999, 1}};
  for (const Shape& shape : shapes()) {
    std::vector<double> sorted = shape.values;
    std::sort(sorted.begin(), sorted.end());
    const auto n = static_cast<std::int64_t>(sorted.size());
    for (const auto& fractions : fraction_sets) {
      SCOPED_TRACE(shape.name + ", " + std::to_string(fractions.size()) + " fractions");
      stats::RankSample sample = sample_of(shape.values, 1 << 14);
      ASSERT_EQ(sample.population(), n);
      const std::vector<std::int64_t> ranks = ranks_of(fractions, n);
      const stats::RankWindows windows =
          stats::RankWindows::around(sample.values(), n, ranks, sorted.front(), sorted.back());
      stats::RankCollector collector = collect(windows, shape.values);
      ASSERT_EQ(collector.count(), n);
      const auto answers = collector.answers(ranks);
      for (std::size_t i = 0; i < ranks.size(); ++i) {
        EXPECT_EQ(answers[i].rank_error, 0) << "rank " << ranks[i];
        EXPECT_EQ(answers[i].value, sorted[static_cast<std::size_t>(ranks[i])])
            << "rank " << ranks[i];
      }
      // Far fewer values kept than the column holds (ties at a bound are counted, not kept):
      // here a sample of 1 in 32 leaves about 5% of the values per quantile.
      EXPECT_LT(collector.bytes(), fractions.size() * shape.values.size() * sizeof(double) / 10);
    }
  }
}

// A sample drawn from the upper half only puts the median's window too high: the answer is
// the nearest window bound, and the rank error it states is exactly how far that bound's
// ranks are from the one asked for.
TEST(RankWindows, AMisleadingSampleGivesTheNearestBoundWithItsExactRankError) {
  std::mt19937_64 rng(5);
  std::normal_distribution<double> normal(0, 1);
  std::vector<double> values(100000);
  for (double& v : values) v = normal(rng);
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> misleading(sorted.begin() + 60000, sorted.end());
  const auto n = static_cast<std::int64_t>(values.size());
  const std::vector<std::int64_t> ranks = {n / 2};
  const stats::RankWindows windows =
      stats::RankWindows::around(misleading, n, ranks, sorted.front(), sorted.back());
  stats::RankCollector collector = collect(windows, values);
  const stats::RankAnswer answer = collector.answers(ranks).front();
  ASSERT_GT(answer.rank_error, 0);
  const stats::testing::RankRange held = stats::testing::ranks_held(sorted, answer.value);
  EXPECT_TRUE(stats::testing::within_ranks(sorted, answer.value, static_cast<double>(ranks[0]),
                                           static_cast<double>(answer.rank_error)));
  EXPECT_EQ(std::min(std::abs(held.first - ranks[0]), std::abs(held.last - ranks[0])),
            answer.rank_error);
}

// Once the kept values are dropped (past the memory budget) the counts still place every
// rank: values equal to a bound stay exact, the rest come back as a bound within the error
// stated.
TEST(RankWindows, DroppedValuesGiveABoundWithinTheStatedError) {
  std::mt19937_64 rng(9);
  std::lognormal_distribution<double> lognormal(0, 1);
  std::vector<double> values(200000);
  for (double& v : values) v = lognormal(rng);
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const auto n = static_cast<std::int64_t>(values.size());
  const std::vector<std::int64_t> ranks = ranks_of({0.05, 0.5, 0.95}, n);
  stats::RankSample sample = sample_of(values, 4096);
  const stats::RankWindows windows =
      stats::RankWindows::around(sample.values(), n, ranks, sorted.front(), sorted.back());
  stats::RankCollector dropped(windows);
  dropped.drop_values();
  stats::RankCollector rest = collect(windows, values);
  dropped.merge(rest);
  EXPECT_TRUE(dropped.dropped());
  EXPECT_EQ(dropped.count(), n);
  const auto answers = dropped.answers(ranks);
  for (std::size_t i = 0; i < ranks.size(); ++i) {
    EXPECT_GT(answers[i].rank_error, 0);
    // At most a window's half-width: (5 sqrt(s / 4) + 3) / s of n for a sample of s values,
    // s above 2,048 here (at most 4,096, thinned by halves): 5.7% of n at most.
    EXPECT_LT(answers[i].rank_error, n * 57 / 1000);
    EXPECT_TRUE(stats::testing::within_ranks(sorted, answers[i].value,
                                             static_cast<double>(ranks[i]),
                                             static_cast<double>(answers[i].rank_error)));
  }
}

// The sample stays within its size however many values it is offered, samples from the whole
// input (not a prefix), and merging states of different rates keeps a uniform sample.
TEST(RankSample, StaysBoundedAndCoversTheWholeInput) {
  std::vector<double> values(1000000);
  for (std::size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i);
  stats::RankSample sample = sample_of(values, 5000);
  EXPECT_LE(sample.values().size(), 5000U);
  EXPECT_GE(sample.values().size(), 2500U);
  EXPECT_EQ(sample.population(), 1000000);
  std::vector<double> kept = sample.values();
  std::sort(kept.begin(), kept.end());
  // Each tenth of the input holds about a tenth of the sample.
  for (int tenth = 0; tenth < 10; ++tenth) {
    const auto in = std::count_if(kept.begin(), kept.end(), [&](double v) {
      return v >= tenth * 100000.0 && v < (tenth + 1) * 100000.0;
    });
    EXPECT_NEAR(static_cast<double>(in) / static_cast<double>(kept.size()), 0.1, 0.02) << tenth;
  }
}
