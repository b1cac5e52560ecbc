// with_retries / RetryPolicy: transient failures are retried with doubling waits,
// permanent ones are not, and stopping ends the retries.

#include "quarry/pipeline/retry.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace quarry::pipeline {
namespace {

using std::chrono::milliseconds;

struct Outcome {
  int attempt = 0;
  bool transient = false;
};

struct Recorder {
  std::vector<milliseconds> waits;
  void operator()(milliseconds delay) { waits.push_back(delay); }
};

TEST(Retry, DelaysDoubleFromTheFirstUpToTheMaximum) {
  RetryPolicy policy{5, milliseconds(100), milliseconds(350)};
  EXPECT_EQ(policy.delay_before(2), milliseconds(100));
  EXPECT_EQ(policy.delay_before(3), milliseconds(200));
  EXPECT_EQ(policy.delay_before(4), milliseconds(350));
  EXPECT_EQ(policy.delay_before(9), milliseconds(350));
}

TEST(Retry, TransientFailuresAreRetriedUntilSuccess) {
  Recorder sleep;
  const auto outcome = with_retries(
      RetryPolicy{3, milliseconds(10), milliseconds(1000)},
      [](std::uint32_t n) {
        return Outcome{static_cast<int>(n), n < 3};
      },
      [](const Outcome& o) { return o.transient; }, [] { return false; }, std::ref(sleep));
  EXPECT_EQ(outcome.attempt, 3);
  EXPECT_FALSE(outcome.transient);
  EXPECT_EQ(sleep.waits, (std::vector<milliseconds>{milliseconds(10), milliseconds(20)}));
}

TEST(Retry, GivesUpAfterTheRetriesAndReturnsTheLastFailure) {
  Recorder sleep;
  const auto outcome = with_retries(
      RetryPolicy{2, milliseconds(1), milliseconds(10)},
      [](std::uint32_t n) {
        return Outcome{static_cast<int>(n), true};
      },
      [](const Outcome& o) { return o.transient; }, [] { return false; }, std::ref(sleep));
  EXPECT_EQ(outcome.attempt, 3);  // the first attempt and two retries
  EXPECT_EQ(sleep.waits.size(), 2u);
}

TEST(Retry, PermanentFailuresAreNotRetried) {
  Recorder sleep;
  const auto outcome = with_retries(
      RetryPolicy{},
      [](std::uint32_t n) {
        return Outcome{static_cast<int>(n), false};
      },
      [](const Outcome& o) { return o.transient; }, [] { return false; }, std::ref(sleep));
  EXPECT_EQ(outcome.attempt, 1);
  EXPECT_TRUE(sleep.waits.empty());
}

TEST(Retry, StoppingEndsTheRetries) {
  Recorder sleep;
  const auto outcome = with_retries(
      RetryPolicy{5, milliseconds(1), milliseconds(10)},
      [](std::uint32_t n) {
        return Outcome{static_cast<int>(n), true};
      },
      [](const Outcome& o) { return o.transient; }, [] { return true; }, std::ref(sleep));
  EXPECT_EQ(outcome.attempt, 1);
}

}  // namespace
}  // namespace quarry::pipeline
