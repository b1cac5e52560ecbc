#pragma once
//! \file
//! The share of the call's memory budget one cleaning state may keep (hash sets of rows,
//! values for exact medians and quartiles, value counts for modes, null runs).

#include <cstdint>
#include <cstdio>
#include <string>

#include "quarry/sdk.hpp"

namespace quarry::clean {

//! Memory a state may keep, from quarry_call_v1::memory_budget_bytes (the stage's share of
//! memory.budget_mb). Mergeable states exist once per worker and merging briefly holds two,
//! so each keeps at most a quarter (the stats plugin's rule, plugins/stats/src/detail/
//! budget.hpp, kept separate so the plugins build independently); an ordered stage has a
//! single state, which may keep the whole share. 256 MiB when the host gives no budget.
class Budget {
 public:
  //! The limit used when the host gives no budget.
  static constexpr std::uint64_t kUnbudgeted = 256ULL << 20;

  //! The budget of `call` for a stage of `mode`.
  Budget(const sdk::Call& call, sdk::StageMode mode)
      : total_(call.memory_budget_bytes()), single_(mode != sdk::StageMode::mergeable) {}
  //! A budget of `total` bytes (0 = none given) for a stage of `mode`.
  Budget(std::uint64_t total, sdk::StageMode mode)
      : total_(total), single_(mode != sdk::StageMode::mergeable) {}

  //! Bytes one state may keep.
  [[nodiscard]] std::uint64_t limit() const noexcept {
    if (total_ == 0) return kUnbudgeted;
    return single_ ? total_ : total_ / 4;
  }

  //! Throws Error(QUARRY_OUT_OF_MEMORY) when `bytes` exceed limit(); `what` says what is
  //! kept (e.g. "the row hashes of clean_dedup") and `fix` what else the user can do.
  void check(std::uint64_t bytes, const std::string& what, const std::string& fix = {}) const {
    if (bytes <= limit()) return;
    throw sdk::Error::out_of_memory(what + " would take " + mib(bytes) + ", more than " +
                                    describe() + "; raise memory.budget_mb" +
                                    (fix.empty() ? "" : " or " + fix));
  }

  //! "32 MiB (a quarter of this call's 128 MiB memory budget, ...)" for messages.
  [[nodiscard]] std::string describe() const {
    if (total_ == 0) return mib(limit()) + " (the clean plugin's limit when no budget is set)";
    return mib(limit()) + (single_ ? " (this stage's " : " (a quarter of this stage's ") +
           mib(total_) + " share of memory.budget_mb)";
  }

  //! Bytes as "12.5 MiB".
  [[nodiscard]] static std::string mib(std::uint64_t bytes) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g MiB", static_cast<double>(bytes) / (1 << 20));
    return buf;
  }

 private:
  std::uint64_t total_;
  bool single_;
};

}  // namespace quarry::clean
