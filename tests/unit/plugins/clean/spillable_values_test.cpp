// SpillableValues: exact order statistics over values in a scratch file, against std::sort of
// the same values (an order statistic has one right answer).

#include "detail/spillable_values.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace {

using quarry::clean::median_by_rank;
using quarry::clean::quantile_by_rank;
using quarry::clean::SpillableValues;

// The values pushed into a store spilled after the first `spill_after`.
SpillableValues spilled_store(const std::vector<double>& values, std::size_t spill_after) {
  SpillableValues store;
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i == spill_after) store.spill(::testing::TempDir());
    store.push_back(values[i]);
  }
  return store;
}

void expect_every_rank(const std::vector<double>& values, std::uint64_t max_memory) {
  const SpillableValues store = spilled_store(values, values.size() / 3);
  ASSERT_TRUE(store.spilled());
  ASSERT_EQ(store.size(), values.size());
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  const auto identity = [](double x) { return x; };
  for (std::size_t k = 0; k < sorted.size(); k += 1 + sorted.size() / 97) {
    ASSERT_EQ(store.kth(k, identity, max_memory), sorted[k]) << "rank " << k;
  }
  ASSERT_EQ(store.kth(sorted.size() - 1, identity, max_memory), sorted.back());
}

TEST(SpillableValues, SelectsEveryRankOfMixedSignsTiesAndHugeMagnitudes) {
  std::mt19937_64 random(7);
  std::normal_distribution<double> normal(0, 1e3);
  std::vector<double> values;
  for (int i = 0; i < 30000; ++i) values.push_back(normal(random));
  for (int i = 0; i < 2000; ++i) values.push_back(42.5);  // ties
  values.insert(values.end(), {-1e308, 1e308, 0.0, -0.0, 5e-324, -5e-324, 1e-300});
  std::shuffle(values.begin(), values.end(), random);
  expect_every_rank(values, 0);  // 64 KiB: the in-memory step needs a narrow bucket
  // Never spilled: nth_element over the values, or over a copy of f(x).
  SpillableValues in_memory;
  for (double x : values) in_memory.push_back(x);
  std::vector<double> sorted = values, magnitudes;
  std::sort(sorted.begin(), sorted.end());
  for (double x : values) magnitudes.push_back(std::fabs(x));
  std::sort(magnitudes.begin(), magnitudes.end());
  for (std::size_t k = 0; k < sorted.size(); k += 997) {
    ASSERT_EQ(in_memory.kth(k, 0), sorted[k]) << "rank " << k;
    ASSERT_EQ(in_memory.kth(
                  k, [](double x) { return std::fabs(x); }, 0),
              magnitudes[k]);
  }
  EXPECT_FALSE(in_memory.spilled());
}

TEST(SpillableValues, NarrowsBucketsThatStayLargeAndReturnsRepeatedValues) {
  // 100,000 values in [1, 1.0001) share their top 16 key bits: one read is not enough.
  std::mt19937_64 random(11);
  std::uniform_real_distribution<double> narrow(1.0, 1.0001);
  std::vector<double> values;
  for (int i = 0; i < 100000; ++i) values.push_back(narrow(random));
  expect_every_rank(values, 0);
  // Every value the same: all 64 key bits are fixed by counting alone.
  expect_every_rank(std::vector<double>(50000, -3.25), 0);
}

TEST(SpillableValues, AppendKeepsBothSidesAndMediansFollowNumpy) {
  SpillableValues in_memory;
  for (double x : {5.0, 1.0, 4.0}) in_memory.push_back(x);
  SpillableValues on_disk = spilled_store({2.0, 3.0, 6.0}, 0);
  in_memory.append(on_disk);
  EXPECT_TRUE(in_memory.spilled());
  EXPECT_TRUE(on_disk.empty());
  const auto at = [&](std::uint64_t k) {
    return in_memory.kth(
        k, [](double x) { return x; }, 0);
  };
  // numpy.median([1, 2, 3, 4, 5, 6]) == 3.5; numpy.quantile(..., 0.25) == 2.25
  EXPECT_EQ(median_by_rank(in_memory.size(), at), 3.5);
  EXPECT_EQ(quantile_by_rank(in_memory.size(), 0.25, at), 2.25);
  // |x - 3.5| = 2.5 1.5 0.5 0.5 1.5 2.5: the MAD, numpy.median of them, is 1.5
  EXPECT_EQ(median_by_rank(in_memory.size(),
                           [&](std::uint64_t k) {
                             return in_memory.kth(
                                 k, [](double x) { return std::fabs(x - 3.5); }, 0);
                           }),
            1.5);
}

}  // namespace
