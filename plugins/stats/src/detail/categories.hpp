#pragma once
//! \file
//! Counting labels (distinct values and the most frequent ones): an exact table while it
//! fits the budget, then a Misra–Gries summary (frequent items, with a tracked bound on
//! how much any count may be too low) plus a HyperLogLog sketch for the distinct count.

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace quarry::stats {

//! Hash for string keys that also accepts std::string_view lookups.
struct StringHash {
  using is_transparent = void;  //!< enables heterogeneous lookup
  //! The hash of `s`.
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};

//! A string → count table with string_view lookups.
using CountTable = std::unordered_map<std::string, std::int64_t, StringHash, std::equal_to<>>;

//! Approximate bytes one table entry costs (node, hash slot, string header).
inline constexpr std::size_t kEntryOverhead = 80;

//! HyperLogLog with 2^14 registers: distinct counts within about ±0.8% (one standard error).
class HyperLogLog {
 public:
  //! Log2 of the number of registers.
  static constexpr int kPrecision = 14;
  //! Relative standard error of estimate().
  static constexpr double kStandardError = 1.04 / 128.0;

  HyperLogLog() : registers_(std::size_t{1} << kPrecision, 0) {}

  //! Adds a label.
  void add(std::string_view label) noexcept { add_hash(mix(std::hash<std::string_view>{}(label))); }

  //! Folds `other` in.
  void merge(const HyperLogLog& other) noexcept {
    for (std::size_t i = 0; i < registers_.size(); ++i) {
      registers_[i] = std::max(registers_[i], other.registers_[i]);
    }
  }

  //! The estimated number of distinct labels.
  [[nodiscard]] double estimate() const noexcept {
    const double m = static_cast<double>(registers_.size());
    double sum = 0;
    std::size_t zeros = 0;
    for (std::uint8_t r : registers_) {
      sum += std::ldexp(1.0, -r);
      zeros += r == 0 ? 1 : 0;
    }
    const double raw = 0.7213 / (1 + 1.079 / m) * m * m / sum;
    if (raw <= 2.5 * m && zeros > 0) return m * std::log(m / static_cast<double>(zeros));
    return raw;
  }

 private:
  static std::uint64_t mix(std::uint64_t x) noexcept {  // splitmix64 finaliser
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
  }
  void add_hash(std::uint64_t h) noexcept {
    const auto index = static_cast<std::size_t>(h >> (64 - kPrecision));
    const std::uint64_t rest = (h << kPrecision) | (std::uint64_t{1} << (kPrecision - 1));
    const auto rank = static_cast<std::uint8_t>(std::countl_zero(rest) + 1);
    registers_[index] = std::max(registers_[index], rank);
  }

  std::vector<std::uint8_t> registers_;
};

//! Counts of labels: exact until to_summary(), then a Misra–Gries summary + HyperLogLog.
class CategoryCounter {
 public:
  //! Counters kept by the summary; counts are then at most total() / (kCapacity + 1) low.
  static constexpr std::size_t kCapacity = 4096;

  //! Counts `label` `count` times.
  void add(std::string_view label, std::int64_t count = 1) {
    total_ += count;
    if (hll_) hll_->add(label);
    auto it = table_.find(label);
    if (it != table_.end()) {
      it->second += count;
      return;
    }
    table_.emplace(std::string(label), count);
    bytes_ += label.size() + kEntryOverhead;
    if (summary_ && table_.size() > 2 * kCapacity) prune(kCapacity);
  }

  //! Folds `other` in; the caller made both exact or both summaries.
  void merge(CategoryCounter& other) {
    if (other.summary_) to_summary();
    if (summary_) {
      other.to_summary();
      hll_->merge(*other.hll_);
      error_ += other.error_;
    }
    total_ += other.total_;
    for (auto& [label, count] : other.table_) {
      auto [it, inserted] = table_.try_emplace(label, 0);
      it->second += count;
      if (inserted) bytes_ += label.size() + kEntryOverhead;
    }
    if (summary_ && table_.size() > kCapacity) prune(kCapacity);
  }

  //! Switches to the bounded summary (idempotent).
  void to_summary() {
    if (summary_) return;
    summary_ = true;
    hll_.emplace();
    for (const auto& entry : table_) hll_->add(entry.first);
    if (table_.size() > kCapacity) prune(kCapacity);
  }

  //! True while counts and the distinct count are exact.
  [[nodiscard]] bool exact() const noexcept { return !summary_; }
  //! Labels counted (with repetition).
  [[nodiscard]] std::int64_t total() const noexcept { return total_; }
  //! Bytes held by the table.
  [[nodiscard]] std::size_t bytes() const noexcept { return bytes_; }
  //! How much any reported count may be below the true count (0 while exact).
  [[nodiscard]] std::int64_t count_error() const noexcept { return error_; }
  //! The number of distinct labels (an estimate once summarised).
  [[nodiscard]] double distinct() const noexcept {
    return hll_ ? std::round(hll_->estimate()) : static_cast<double>(table_.size());
  }
  //! The exact table (complete only while exact()).
  [[nodiscard]] const CountTable& table() const noexcept { return table_; }

  //! The `k` most frequent labels, by count (descending) then label.
  [[nodiscard]] std::vector<std::pair<std::string, std::int64_t>> top(std::size_t k) const {
    std::vector<std::pair<std::string, std::int64_t>> items(table_.begin(), table_.end());
    auto order = [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    };
    if (items.size() > k) {
      std::partial_sort(items.begin(), items.begin() + static_cast<std::ptrdiff_t>(k), items.end(),
                        order);
      items.resize(k);
    } else {
      std::sort(items.begin(), items.end(), order);
    }
    return items;
  }

 private:
  // Misra–Gries: subtract the (capacity+1)-th largest count from every counter and drop
  // those left at zero; that amount bounds how much any count is too low.
  void prune(std::size_t capacity) {
    std::vector<std::int64_t> counts;
    counts.reserve(table_.size());
    for (const auto& entry : table_) counts.push_back(entry.second);
    std::nth_element(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(capacity),
                     counts.end(), std::greater<>());
    const std::int64_t cut = counts[capacity];
    for (auto it = table_.begin(); it != table_.end();) {
      it->second -= cut;
      if (it->second <= 0) {
        bytes_ -= it->first.size() + kEntryOverhead;
        it = table_.erase(it);
      } else {
        ++it;
      }
    }
    error_ += cut;
  }

  CountTable table_;
  std::optional<HyperLogLog> hll_;  // from to_summary() on
  bool summary_ = false;
  std::int64_t total_ = 0;
  std::int64_t error_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace quarry::stats
