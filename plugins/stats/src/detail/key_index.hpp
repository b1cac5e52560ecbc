#pragma once
//! \file
//! KeyIndex: group ids by encoded key, for stats_groupby's per-row lookup.
//!
//! An open-addressing table of (hash, id) pairs; the key bytes themselves live in the
//! caller's list of groups, so a lookup costs one hash of the key, a probe of 16-byte
//! slots, and one comparison on a hit. It replaced a std::unordered_map<std::string>,
//! whose node chasing, std::hash and out-of-line memcmp took about a sixth of a group-by.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

namespace quarry::stats {

//! Maps keys to dense ids 0, 1, 2, … (see the file comment).
class KeyIndex {
 public:
  //! No id.
  static constexpr std::uint32_t kAbsent = 0xFFFFFFFFU;

  //! The hash find() and insert() expect for `key` (64-bit multiply-mix, 8 bytes a step).
  [[nodiscard]] static std::uint64_t hash(std::string_view key) noexcept {
    std::uint64_t h = 0x9E3779B97F4A7C15ULL ^ key.size();
    std::size_t at = 0;
    for (; at + 8 <= key.size(); at += 8) {
      std::uint64_t word;
      std::memcpy(&word, key.data() + at, 8);
      h = mix(h ^ word);
    }
    if (at < key.size()) {
      std::uint64_t word = 0;
      std::memcpy(&word, key.data() + at, key.size() - at);
      h = mix(h ^ word);
    }
    return mix(h);
  }

  //! The id of `key` (whose hash is `h`), or kAbsent. `key_of(id)` gives an id's key.
  template <class KeyOf>
  [[nodiscard]] std::uint32_t find(std::string_view key, std::uint64_t h, KeyOf&& key_of) const {
    return find_if(h, [&](std::uint32_t id) { return same_bytes(key_of(id), key); });
  }

  //! a == b, a word at a time inline: keys are mostly short labels, and a libc memcmp call per
  //! lookup cost more than the lookup around it.
  [[nodiscard]] static bool same_bytes(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    const char* x = a.data();
    const char* y = b.data();
    std::size_t n = a.size();
    for (; n >= 8; n -= 8, x += 8, y += 8) {
      std::uint64_t u, v;
      std::memcpy(&u, x, 8);
      std::memcpy(&v, y, 8);
      if (u != v) return false;
    }
    for (; n > 0; --n) {
      if (*x++ != *y++) return false;
    }
    return true;
  }

  //! The id under hash `h` for which `is_key(id)` holds, or kAbsent: for callers that
  //! compare keys in another form than the bytes they were hashed from.
  template <class IsKey>
  [[nodiscard]] std::uint32_t find_if(std::uint64_t h, IsKey&& is_key) const {
    if (slots_.empty()) return kAbsent;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot& s = slots_[i];
      if (s.id == kAbsent) return kAbsent;
      if (s.hash == h && is_key(s.id)) return s.id;
    }
  }

  //! Adds `id` under hash `h` (the key must not be present).
  void insert(std::uint64_t h, std::uint32_t id) {
    if ((size_ + 1) * 10 > slots_.size() * 7) grow();
    place(h, id);
    ++size_;
  }

  //! Bytes per key, table slack included (for memory budgets).
  static constexpr std::size_t kBytesPerKey = 2 * sizeof(std::uint64_t) * 2;

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t id = kAbsent;
  };

  static std::uint64_t mix(std::uint64_t x) noexcept {
    x ^= x >> 32;
    x *= 0xD6E8FEB86659FD93ULL;
    x ^= x >> 32;
    return x;
  }

  void place(std::uint64_t h, std::uint32_t id) noexcept {
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = h & mask;
    while (slots_[i].id != kAbsent) i = (i + 1) & mask;
    slots_[i] = Slot{h, id};
  }

  void grow() {
    std::vector<Slot> old(slots_.empty() ? kFirstSlots : slots_.size() * 2);
    old.swap(slots_);
    for (const Slot& s : old) {
      if (s.id != kAbsent) place(s.hash, s.id);
    }
  }

  // Slots of a new table (16 KiB). Most group-bys and label counts see a few dozen keys; in 64
  // slots, where the table started before, 9 of the benchmark's 20 labels shared a first slot,
  // and each lookup of a displaced one mispredicted the probe loop (a later stats_groupby of
  // 10M rows: 0.13 s with 64, 0.10 s with 1024).
  static constexpr std::size_t kFirstSlots = 1024;

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
};

}  // namespace quarry::stats
