#pragma once
//! \file
//! 128-bit hashes of rows over chosen columns, computed column by column for a whole chunk.
//! Values are hashed by type (so 1 and "1" differ); null and NaN hash alike and -0.0 hashes
//! as 0.0, so rows pandas' duplicated() sees as equal hash equal.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <new>
#include <vector>

#include "detail/columns.hpp"
#include "detail/hash.hpp"
#include "detail/reserved_memory.hpp"
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
//! most 70% full. The slots live in reserved memory and double in place (see grow()).
class RowHashTable {
 public:
  //! A table that may grow to `max_bytes` (keys and values together) without moving; past
  //! that it moves to a larger reservation. `with_values` keeps an int64 per key.
  RowHashTable(bool with_values, std::uint64_t max_bytes)
      : slot_bytes_(with_values ? 24 : 16), with_values_(with_values), max_bytes_(max_bytes) {}
  //! Bytes held now.
  [[nodiscard]] std::uint64_t bytes() const noexcept { return slots_ * slot_bytes_; }
  //! Entries held.
  [[nodiscard]] std::uint64_t size() const noexcept { return size_; }
  //! Inserts `h` with `value` when absent (returns true), else sets *existing to the slot's
  //! value (when given) and returns false.
  bool insert(Hash128 h, std::int64_t value, std::int64_t** existing = nullptr) {
    if ((size_ + 1) * 10 > slots_ * 7) grow();
    if (h.lo == 0 && h.hi == 0) h.hi = 1;  // (0, 0) marks an empty slot
    for (std::size_t i = h.lo & mask_;; i = (i + 1) & mask_) {
      if (is_empty(i)) {
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
    if (slots_ != 0) __builtin_prefetch(&keys_[h.lo & mask_]);
  }
  //! The value of `h`, or nullptr.
  [[nodiscard]] const std::int64_t* find(Hash128 h) const {
    if (slots_ == 0) return nullptr;
    if (h.lo == 0 && h.hi == 0) h.hi = 1;
    for (std::size_t i = h.lo & mask_;; i = (i + 1) & mask_) {
      if (is_empty(i)) return nullptr;
      if (keys_[i] == h) return with_values_ ? &values_[i] : &kNoValue;
    }
  }
  //! Calls fn(hash) for every key.
  template <class Fn>
  void for_each_key(Fn fn) const {
    for (std::size_t i = 0; i < slots_; ++i) {
      if (!is_empty(i)) fn(keys_[i]);
    }
  }
  //! Calls fn(hash, value) for every key (value 0 in a table without values).
  template <class Fn>
  void for_each_entry(Fn fn) const {
    for (std::size_t i = 0; i < slots_; ++i) {
      if (!is_empty(i)) fn(keys_[i], with_values_ ? values_[i] : std::int64_t{0});
    }
  }
  //! Frees everything.
  void clear() {
    key_memory_ = ReservedMemory();
    value_memory_ = ReservedMemory();
    keys_ = nullptr;
    values_ = nullptr;
    slots_ = mask_ = size_ = 0;
  }
  //! Bytes after the next growth (to check the budget before it happens).
  [[nodiscard]] std::uint64_t bytes_after_insert() const noexcept {
    if ((size_ + 1) * 10 > slots_ * 7)
      return std::max<std::uint64_t>(kMinSlots, slots_ * 2) * slot_bytes_;
    return bytes();
  }

 private:
  static constexpr std::size_t kMinSlots = 1024;
  static constexpr std::int64_t kNoValue = 0;

  [[nodiscard]] bool is_empty(std::size_t i) const noexcept {
    return keys_[i].lo == 0 && keys_[i].hi == 0;
  }

  // Doubles the slots. Within the reservation the table doubles in place: the new upper
  // half arrives zeroed, and every key is moved to where probing from its new home finds it.
  void grow() {
    const std::size_t slots = std::max<std::size_t>(kMinSlots, slots_ * 2);
    if (slots * sizeof(Hash128) > key_memory_.reserved()) {
      move_to_new_reservation(slots);
      return;
    }
    key_memory_.grow_to(slots * sizeof(Hash128));
    if (with_values_) value_memory_.grow_to(slots * sizeof(std::int64_t));
    const std::size_t old_slots = slots_;
    slots_ = slots;
    mask_ = slots - 1;
    if (old_slots != 0) rehash_lower_half(old_slots);
  }

  // Moves every key of the old slots [0, old_slots) to its place in the doubled table. The
  // walk starts after an empty slot and goes once round the old slots, so each run of
  // occupied slots is met from its start, and a key taken out is put back where a probe from
  // its new home finds it:
  // - a new home in the lower half is its old home h: the key lands between h and the slot
  //   it left (now empty), among keys already moved;
  // - a new home h + old_slots lands at most old_slots above the slot it left: the upper
  //   half holds only keys moved before it, each at most old_slots above its old slot, so
  //   of the slots from h + old_slots up to that bound the keys before it fill at most all
  //   but one. So no probe runs off the top of the table into slots not moved yet, except
  //   for keys of a run that wrapped round the old table's end, which the walk meets last.
  // Nothing the walk takes out lies on an earlier key's probe path, so no key is lost.
  void rehash_lower_half(std::size_t old_slots) {
    std::size_t empty = 0;
    while (!is_empty(empty)) ++empty;  // at most 70% full: there is one
    for (std::size_t step = 1; step <= old_slots; ++step) {
      const std::size_t at = (empty + step) & (old_slots - 1);
      if (is_empty(at)) continue;
      const Hash128 key = keys_[at];
      std::size_t i = key.lo & mask_;
      if (i == at) continue;  // already home
      const std::int64_t value = with_values_ ? values_[at] : 0;
      keys_[at] = Hash128{0, 0};
      while (!is_empty(i)) i = (i + 1) & mask_;
      keys_[i] = key;
      if (with_values_) values_[i] = value;
    }
  }

  // Past the reservation (a caller outgrowing max_bytes): a reservation twice as large, and
  // every key inserted anew.
  void move_to_new_reservation(std::size_t slots) {
    ReservedMemory old_keys = std::move(key_memory_);
    ReservedMemory old_values = std::move(value_memory_);
    const Hash128* keys = keys_;
    const std::int64_t* values = values_;
    const std::size_t old_slots = slots_;
    // Under an address-space limit (ulimit -v), settle for less room to grow in place.
    const std::uint64_t needed = 2 * slots * slot_bytes_;
    std::uint64_t reserve = std::max<std::uint64_t>(max_bytes_, needed);
    for (;;) {
      try {
        key_memory_ = ReservedMemory(reserve);
        if (with_values_) value_memory_ = ReservedMemory(reserve / 2);
        break;
      } catch (const std::bad_alloc&) {
        key_memory_ = ReservedMemory();
        if (reserve <= needed) throw;
        reserve = std::max(reserve / 4, needed);
      }
    }
    key_memory_.grow_to(slots * sizeof(Hash128));
    if (with_values_) value_memory_.grow_to(slots * sizeof(std::int64_t));
    keys_ = reinterpret_cast<Hash128*>(key_memory_.data());
    values_ = reinterpret_cast<std::int64_t*>(value_memory_.data());
    max_bytes_ = reserve;
    slots_ = slots;
    mask_ = slots - 1;
    size_ = 0;
    for (std::size_t i = 0; i < old_slots; ++i) {
      if (keys[i].lo != 0 || keys[i].hi != 0) insert(keys[i], with_values_ ? values[i] : 0);
    }
  }

  std::uint64_t slot_bytes_;
  bool with_values_;
  std::uint64_t max_bytes_;
  ReservedMemory key_memory_;
  ReservedMemory value_memory_;
  Hash128* keys_ = nullptr;
  std::int64_t* values_ = nullptr;
  std::size_t slots_ = 0;
  std::size_t mask_ = 0;
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
