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

#include "detail/key_index.hpp"

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

//! Approximate bytes one table entry costs (entry with its string header, index slots).
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
  void add(std::string_view label) noexcept { add_hash(KeyIndex::hash(label)); }

  //! Adds a label by its KeyIndex::hash (remixed: the register index takes the top bits).
  void add_hash(std::uint64_t label_hash) noexcept {
    const std::uint64_t h = mix(label_hash);
    const auto index = static_cast<std::size_t>(h >> (64 - kPrecision));
    const std::uint64_t rest = (h << kPrecision) | (std::uint64_t{1} << (kPrecision - 1));
    const auto rank = static_cast<std::uint8_t>(std::countl_zero(rest) + 1);
    registers_[index] = std::max(registers_[index], rank);
  }

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
  std::vector<std::uint8_t> registers_;
};

//! Counts of labels: exact until to_summary(), then a Misra–Gries summary + HyperLogLog.
//!
//! Labels and counts live in one vector, found through a KeyIndex (open addressing over the
//! labels' hashes): describe counts every row of a text column here, and a node-based map's
//! allocation, std::hash and out-of-line compare per row cost more than the rest of the row.
class CategoryCounter {
 public:
  //! Counters kept by the summary; counts are then at most total() / (kCapacity + 1) low.
  static constexpr std::size_t kCapacity = 4096;

  //! Counts `label` `count` times.
  void add(std::string_view label, std::int64_t count = 1) {
    total_ += count;
    const std::uint64_t h = KeyIndex::hash(label);
    if (hll_) hll_->add_hash(h);
    const std::uint32_t found = index_.find(
        label, h, [this](std::uint32_t id) -> std::string_view { return entries_[id].label; });
    if (found != KeyIndex::kAbsent) {
      entries_[found].count += count;
      return;
    }
    insert(std::string(label), h, count);
    if (summary_ && entries_.size() > 2 * kCapacity) prune(kCapacity);
  }

  //! Folds `other` in (its labels move here; it is left for destruction). The caller made both
  //! exact or both summaries.
  void merge(CategoryCounter& other) {
    if (other.summary_) to_summary();
    if (summary_) {
      other.to_summary();
      hll_->merge(*other.hll_);
      error_ += other.error_;
    }
    total_ += other.total_;
    for (Entry& entry : other.entries_) {
      const std::uint32_t found =
          index_.find(entry.label, entry.hash,
                      [this](std::uint32_t id) -> std::string_view { return entries_[id].label; });
      if (found != KeyIndex::kAbsent) {
        entries_[found].count += entry.count;
      } else {
        insert(std::move(entry.label), entry.hash, entry.count);
      }
    }
    if (summary_ && entries_.size() > kCapacity) prune(kCapacity);
  }

  //! Switches to the bounded summary (idempotent).
  void to_summary() {
    if (summary_) return;
    summary_ = true;
    hll_.emplace();
    for (const Entry& entry : entries_) hll_->add_hash(entry.hash);
    if (entries_.size() > kCapacity) prune(kCapacity);
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
    return hll_ ? std::round(hll_->estimate()) : static_cast<double>(entries_.size());
  }

  //! The `k` most frequent labels, by count (descending) then label.
  [[nodiscard]] std::vector<std::pair<std::string, std::int64_t>> top(std::size_t k) const {
    std::vector<std::pair<std::string_view, std::int64_t>> items;
    items.reserve(entries_.size());
    for (const Entry& entry : entries_) items.emplace_back(entry.label, entry.count);
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
    std::vector<std::pair<std::string, std::int64_t>> out;
    out.reserve(items.size());
    for (const auto& [label, count] : items) out.emplace_back(std::string(label), count);
    return out;
  }

 private:
  struct Entry {
    std::string label;
    std::uint64_t hash;
    std::int64_t count;
  };

  void insert(std::string label, std::uint64_t h, std::int64_t count) {
    bytes_ += label.size() + kEntryOverhead;
    index_.insert(h, static_cast<std::uint32_t>(entries_.size()));
    entries_.push_back({std::move(label), h, count});
  }

  // Misra–Gries: subtract the (capacity+1)-th largest count from every counter and drop
  // those left at zero; that amount bounds how much any count is too low.
  void prune(std::size_t capacity) {
    std::vector<std::int64_t> counts;
    counts.reserve(entries_.size());
    for (const Entry& entry : entries_) counts.push_back(entry.count);
    std::nth_element(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(capacity),
                     counts.end(), std::greater<>());
    const std::int64_t cut = counts[capacity];
    std::vector<Entry> kept;
    kept.reserve(capacity);
    bytes_ = 0;
    index_ = KeyIndex();
    for (Entry& entry : entries_) {
      entry.count -= cut;
      if (entry.count > 0) {
        bytes_ += entry.label.size() + kEntryOverhead;
        index_.insert(entry.hash, static_cast<std::uint32_t>(kept.size()));
        kept.push_back(std::move(entry));
      }
    }
    entries_.swap(kept);
    error_ += cut;
  }

  std::vector<Entry> entries_;
  KeyIndex index_;                  // label hash -> position in entries_
  std::optional<HyperLogLog> hll_;  // from to_summary() on
  bool summary_ = false;
  std::int64_t total_ = 0;
  std::int64_t error_ = 0;
  std::size_t bytes_ = 0;
};

}  // namespace quarry::stats
