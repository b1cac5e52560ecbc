#pragma once
//! \file
//! The share of the call's memory budget a stats state may keep (values for exact
//! quantiles, category tables, group tables, rows for ranks).

#include <cstddef>
#include <cstdint>
#include <string>

#include "quarry/sdk.hpp"

namespace quarry::stats {

//! Memory a stats state may keep, derived from quarry_call_v1::memory_budget_bytes (the
//! stage's share of memory.budget_mb). The executor opens a partial state per chunk and folds
//! them into one in chunk order: besides the combined state, the one being folded in and a
//! few waiting (each a chunk's worth) are alive at once, and a switch to a sketch briefly
//! holds more, so each state keeps at most a quarter of it (256 MiB when the host sets no
//! budget).
class Budget {
 public:
  //! The limit used when the host gives no budget.
  static constexpr std::uint64_t kUnbudgeted = 256ULL << 20;

  //! The budget of `call`.
  explicit Budget(const sdk::Call& call) : total_(call.memory_budget_bytes()) {}
  //! A budget of `total` bytes (0 = none given).
  explicit Budget(std::uint64_t total) : total_(total) {}

  //! Bytes one state may keep.
  [[nodiscard]] std::size_t limit() const noexcept {
    return static_cast<std::size_t>(total_ > 0 ? total_ / 4 : kUnbudgeted);
  }

  //! "32 MiB (a quarter of this call's 128 MiB memory budget, ...)" for messages.
  [[nodiscard]] std::string describe() const {
    if (total_ == 0)
      return mib(limit()) + " (the stats plugin's limit when no memory budget is set)";
    return mib(limit()) + " (a quarter of this call's " + mib(total_) +
           " memory budget, which memory.budget_mb sets)";
  }

  //! Bytes as "12.5 MiB".
  [[nodiscard]] static std::string mib(std::uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g MiB", static_cast<double>(bytes) / (1 << 20));
    return buf;
  }

 private:
  std::uint64_t total_;
};

}  // namespace quarry::stats
