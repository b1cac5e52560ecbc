#pragma once
//! \file
//! DistinctCounter: exact distinct count of hashed values up to a limit, HyperLogLog
//! (2^14 registers, about 0.8% standard error) past it. Merging is a set union and a
//! register maximum, so the result does not depend on order or merging.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <unordered_set>
#include <vector>

namespace quarry::clean {

//! Counts distinct 64-bit hashes.
class DistinctCounter {
 public:
  //! Distinct values counted exactly (by their 64-bit hashes) before switching to the sketch.
  static constexpr std::size_t kExactLimit = 1 << 14;

  //! Adds one value's hash.
  void add(std::uint64_t hash) {
    const std::size_t bucket = hash >> (64 - kBits);
    const std::uint64_t rest = (hash << kBits) | (std::uint64_t{1} << (kBits - 1));
    const auto rank = static_cast<std::uint8_t>(__builtin_clzll(rest) + 1);
    if (registers_.empty()) registers_.assign(kRegisters, 0);
    registers_[bucket] = std::max(registers_[bucket], rank);
    if (exact_) {
      seen_.insert(hash);
      if (seen_.size() > kExactLimit) drop_exact();
    }
  }

  //! Folds `other` in.
  void merge(const DistinctCounter& other) {
    if (!other.registers_.empty()) {
      if (registers_.empty()) registers_.assign(kRegisters, 0);
      for (std::size_t i = 0; i < kRegisters; ++i) {
        registers_[i] = std::max(registers_[i], other.registers_[i]);
      }
    }
    if (exact_ && other.exact_) {
      seen_.insert(other.seen_.begin(), other.seen_.end());
      if (seen_.size() > kExactLimit) drop_exact();
    } else {
      drop_exact();
    }
  }

  //! True while the count is exact (up to 64-bit hash collisions).
  [[nodiscard]] bool exact() const noexcept { return exact_; }

  //! The distinct count (exact, or the HyperLogLog estimate).
  [[nodiscard]] std::int64_t count() const {
    if (exact_) return static_cast<std::int64_t>(seen_.size());
    double sum = 0;
    std::size_t zeros = 0;
    for (std::uint8_t r : registers_) {
      sum += std::ldexp(1.0, -r);
      zeros += r == 0 ? 1 : 0;
    }
    const double m = kRegisters;
    const double raw = 0.7213 / (1 + 1.079 / m) * m * m / sum;
    if (raw <= 2.5 * m && zeros > 0) {
      return std::llround(m * std::log(m / static_cast<double>(zeros)));  // linear counting
    }
    return std::llround(raw);
  }

 private:
  static constexpr int kBits = 14;
  static constexpr std::size_t kRegisters = std::size_t{1} << kBits;

  void drop_exact() {
    exact_ = false;
    std::unordered_set<std::uint64_t>().swap(seen_);
  }

  std::vector<std::uint8_t> registers_;
  std::unordered_set<std::uint64_t> seen_;
  bool exact_ = true;
};

}  // namespace quarry::clean
