#pragma once
//! \file
//! Retrying work that failed for a reason that may pass (a busy or flaky file
//! system), with exponential backoff.

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace quarry::pipeline {

//! How often and how patiently to retry.
struct RetryPolicy {
  //! Attempts after the first.
  std::uint32_t retries = 2;
  //! Wait before the first retry; each further wait doubles, up to max_delay.
  std::chrono::milliseconds first_delay{200};
  std::chrono::milliseconds max_delay{5000};

  //! The wait before attempt `attempt` (2, 3, …).
  [[nodiscard]] std::chrono::milliseconds delay_before(std::uint32_t attempt) const {
    auto delay = first_delay;
    for (std::uint32_t i = 2; i < attempt && delay < max_delay; ++i) delay *= 2;
    return std::min(delay, max_delay);
  }
};

//! Calls `attempt(n)` for n = 1, 2, … until its outcome is not `transient(outcome)`,
//! the retries are used up, or `stop()` says to give up; `sleep(delay)` waits between
//! attempts (and may return early when stopping). Returns the last outcome.
template <typename Attempt, typename Transient, typename Stop, typename Sleep>
auto with_retries(const RetryPolicy& policy, Attempt&& attempt, Transient&& transient, Stop&& stop,
                  Sleep&& sleep) {
  std::uint32_t n = 1;
  auto outcome = attempt(n);
  while (transient(outcome) && n <= policy.retries && !stop()) {
    ++n;
    sleep(policy.delay_before(n));
    if (stop()) break;
    outcome = attempt(n);
  }
  return outcome;
}

}  // namespace quarry::pipeline
