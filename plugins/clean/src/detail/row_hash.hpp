#pragma once
//! \file
//! 128-bit hashes of rows over chosen columns, computed column by column for a whole chunk.
//! Values are hashed by type (so 1 and "1" differ); null and NaN hash alike and -0.0 hashes
//! as 0.0, so rows pandas' duplicated() sees as equal hash equal.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "detail/columns.hpp"
#include "detail/hash.hpp"
#include "quarry/sdk.hpp"

namespace quarry::clean {

//! Sets hashes[i] to the hash of row i of `chunk` over `columns` (indices, in order).
inline void hash_rows(const sdk::ChunkView& chunk, const std::vector<std::int64_t>& columns,
                      std::vector<Hash128>& hashes) {
  constexpr std::uint64_t kNull = 0x6e756c6c, kInt = 1, kFloat = 2, kBool = 3, kTime = 4, kText = 5;
  const std::int64_t n = chunk.rows();
  hashes.assign(static_cast<std::size_t>(n), Hash128{0x243f6a8885a308d3ULL, 0x13198a2e03707344ULL});
  for (std::int64_t c : columns) {
    const sdk::ColumnView col = chunk.column(c);
    switch (col.type()) {
      case sdk::ColumnType::int64:
      case sdk::ColumnType::timestamp: {
        const bool ts = col.type() == sdk::ColumnType::timestamp;
        const auto v = ts ? col.timestamps() : col.int64s();
        const std::uint64_t tag = ts ? kTime : kInt;
        for (std::int64_t i = 0; i < n; ++i) {
          const bool valid = v.is_valid(i);
          combine_value(hashes[i], valid ? static_cast<std::uint64_t>(v[i]) : 0,
                        valid ? tag : kNull);
        }
        break;
      }
      case sdk::ColumnType::float64: {
        const auto v = col.float64s();
        for (std::int64_t i = 0; i < n; ++i) {
          double x = v[i];
          const bool valid = v.is_valid(i) && !std::isnan(x);  // NaN equals null, as in pandas
          if (x == 0.0) x = 0.0;                               // -0.0 equals 0.0
          std::uint64_t bits;
          std::memcpy(&bits, &x, sizeof bits);
          combine_value(hashes[i], valid ? bits : 0, valid ? kFloat : kNull);
        }
        break;
      }
      case sdk::ColumnType::boolean: {
        const auto v = col.bools();
        for (std::int64_t i = 0; i < n; ++i) {
          const bool valid = v.is_valid(i);
          combine_value(hashes[i], valid && v[i] ? 1 : 0, valid ? kBool : kNull);
        }
        break;
      }
      case sdk::ColumnType::utf8: {
        const auto v = col.strings();
        for (std::int64_t i = 0; i < n; ++i) {
          if (v.is_valid(i)) {
            combine(hashes[i], hash_bytes(v[i], kText));
          } else {
            combine_value(hashes[i], 0, kNull);
          }
        }
        break;
      }
      default:
        throw sdk::Error::unsupported("column '" + std::string(col.name()) +
                                      "' has a type that cannot be compared for duplicates");
    }
  }
}

//! An open-addressing hash table of 128-bit row hashes, optionally with an int64 per entry
//! (e.g. the last row holding that key). Memory: 16 bytes per slot (24 with values), at
//! most 70% full.
class RowHashTable {
 public:
  //! A table; `with_values` keeps an int64 per key.
  explicit RowHashTable(bool with_values)
      : slot_bytes_(with_values ? 24 : 16), with_values_(with_values) {}

  //! Bytes held now.
  [[nodiscard]] std::uint64_t bytes() const noexcept { return keys_.size() * slot_bytes_; }
  //! Entries held.
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }

  //! Inserts `h` with `value` when absent (returns true), else sets *existing to the slot's
  //! value (when given) and returns false.
  bool insert(Hash128 h, std::int64_t value, std::int64_t** existing = nullptr) {
    if ((size_ + 1) * 10 > keys_.size() * 7) grow();
    if (h.lo == 0 && h.hi == 0) h.hi = 1;  // (0, 0) marks an empty slot
    const std::size_t mask = keys_.size() - 1;
    for (std::size_t i = h.lo & mask;; i = (i + 1) & mask) {
      if (keys_[i].lo == 0 && keys_[i].hi == 0) {
        keys_[i] = h;
        if (with_values_) values_[i] = value;
        ++size_;
        return true;
      }
      if (keys_[i] == h) {
        if (existing != nullptr && with_values_) *existing = &values_[i];
        return false;
      }
    }
  }

  //! Hints the CPU to load the slot `h` starts probing at (call a few keys ahead).
  void prefetch(const Hash128& h) const noexcept {
    if (!keys_.empty()) __builtin_prefetch(&keys_[h.lo & (keys_.size() - 1)]);
  }

  //! The value of `h`, or nullptr.
  [[nodiscard]] const std::int64_t* find(Hash128 h) const {
    if (keys_.empty()) return nullptr;
    if (h.lo == 0 && h.hi == 0) h.hi = 1;
    const std::size_t mask = keys_.size() - 1;
    for (std::size_t i = h.lo & mask;; i = (i + 1) & mask) {
      if (keys_[i].lo == 0 && keys_[i].hi == 0) return nullptr;
      if (keys_[i] == h) return &values_[i];
    }
  }

  //! Calls fn(hash) for every key.
  template <class Fn>
  void for_each_key(Fn fn) const {
    for (const Hash128& k : keys_) {
      if (k.lo != 0 || k.hi != 0) fn(k);
    }
  }

  //! Frees everything.
  void clear() {
    Keys().swap(keys_);
    Values().swap(values_);
    size_ = 0;
  }

  //! Bytes after the next growth (to check the budget before it happens).
  [[nodiscard]] std::uint64_t bytes_after_insert() const noexcept {
    if ((size_ + 1) * 10 > keys_.size() * 7)
      return std::max<std::uint64_t>(1024, keys_.size() * 2) * slot_bytes_;
    return bytes();
  }

 private:
  void grow() {
    Keys old_keys(std::max<std::size_t>(1024, keys_.size() * 2));
    Values old_values(with_values_ ? old_keys.size() : 0);
    old_keys.swap(keys_);
    old_values.swap(values_);
    size_ = 0;
    for (std::size_t i = 0; i < old_keys.size(); ++i) {
      if (old_keys[i].lo != 0 || old_keys[i].hi != 0)
        insert(old_keys[i], with_values_ ? old_values[i] : 0);
    }
  }

  using Keys = std::vector<Hash128, sdk::HugePageAllocator<Hash128>>;
  using Values = std::vector<std::int64_t, sdk::HugePageAllocator<std::int64_t>>;

  std::uint64_t slot_bytes_;
  bool with_values_;
  Keys keys_;
  Values values_;
  std::uint64_t size_ = 0;
};

//! A cache-line-blocked Bloom filter of row hashes: each key sets 8 bits within one
//! 512-bit block (one memory access). Used by clean_dedup's approximate mode.
class BlockedBloom {
 public:
  //! A filter of about `bytes` bytes (at least one block).
  explicit BlockedBloom(std::uint64_t bytes)
      : blocks_(std::max<std::uint64_t>(1, bytes / sizeof(Block))) {}

  //! Adds `h`; returns true when it may have been present already (all 8 bits were set).
  bool insert(Hash128 h) {
    Block& b = blocks_[h.lo % blocks_.size()];
    bool present = true;
    std::uint64_t x = h.hi;
    for (int k = 0; k < kBits; ++k) {
      const unsigned bit = static_cast<unsigned>(x & 511U);
      x = k == 5 ? h.lo >> 24 : x >> 9;  // 6 x 9 bits from hi, 2 from lo's upper half
      std::uint64_t& word = b.words[bit >> 6];
      const std::uint64_t mask = std::uint64_t{1} << (bit & 63U);
      present = present && (word & mask) != 0;
      word |= mask;
    }
    return present;
  }

  //! The probability that a new key is taken for a duplicate, from the bits set now:
  //! the mean over blocks of (bits set / 512)^8.
  [[nodiscard]] double false_positive_rate() const {
    double sum = 0;
    for (const Block& b : blocks_) {
      int set = 0;
      for (std::uint64_t w : b.words) set += __builtin_popcountll(w);
      sum += std::pow(set / 512.0, kBits);
    }
    return sum / static_cast<double>(blocks_.size());
  }

  //! Bytes held.
  [[nodiscard]] std::uint64_t bytes() const noexcept { return blocks_.size() * sizeof(Block); }

 private:
  static constexpr int kBits = 8;
  struct alignas(64) Block {
    std::uint64_t words[8] = {};
  };
  std::vector<Block> blocks_;
};

}  // namespace quarry::clean
