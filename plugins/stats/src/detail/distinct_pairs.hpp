#pragma once
//! \file
//! DistinctPairs: the distinct (group, value) pairs of one value column, for stats_groupby's
//! nunique. Each pair is kept once, as the group id's 4 bytes followed by the value's bytes,
//! in one growing byte arena indexed by a KeyIndex, so a pair costs its bytes plus about 40
//! (the index slot and the arena offset) and nothing is allocated per pair. Distinct counts
//! per group are read off once at the end; merging re-adds the other column's pairs under
//! this state's group ids.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "detail/key_index.hpp"

namespace quarry::stats {

//! Distinct (group, value) pairs (see the file comment).
class DistinctPairs {
 public:
  //! Adds the pair (`group`, `value`), where `value` is the value's bytes in one encoding per
  //! column (an int64's 8 bytes, a double's bits, a text's bytes). Adding a pair again does
  //! nothing.
  void add(std::uint32_t group, std::string_view value) {
    scratch_.resize(sizeof group);
    std::memcpy(scratch_.data(), &group, sizeof group);
    scratch_.append(value.data(), value.size());
    add_encoded(scratch_);
  }

  //! Folds in the pairs of `other`, whose group ids `group_of(id)` maps to this one's.
  template <class GroupOf>
  void merge(const DistinctPairs& other, GroupOf&& group_of) {
    for (std::size_t id = 0; id < other.ends_.size(); ++id) {
      const std::string_view pair = other.pair(id);
      std::uint32_t group = 0;
      std::memcpy(&group, pair.data(), sizeof group);
      add(group_of(group), pair.substr(sizeof group));
    }
  }

  //! The number of distinct values of each group 0 .. groups - 1.
  [[nodiscard]] std::vector<std::int64_t> counts(std::size_t groups) const {
    std::vector<std::int64_t> out(groups, 0);
    for (std::size_t id = 0; id < ends_.size(); ++id) {
      std::uint32_t group = 0;
      std::memcpy(&group, pair(id).data(), sizeof group);
      ++out[group];
    }
    return out;
  }

  //! Distinct pairs held.
  [[nodiscard]] std::size_t size() const noexcept { return ends_.size(); }

  //! Bytes held (arena, offsets and index slots), for memory budgets.
  [[nodiscard]] std::size_t bytes() const noexcept {
    return arena_.size() + ends_.size() * (sizeof(std::uint64_t) + KeyIndex::kBytesPerKey);
  }

 private:
  [[nodiscard]] std::string_view pair(std::size_t id) const noexcept {
    const std::size_t begin = id == 0 ? 0 : ends_[id - 1];
    return std::string_view(arena_).substr(begin, ends_[id] - begin);
  }

  void add_encoded(std::string_view pair_bytes) {
    const std::uint64_t h = KeyIndex::hash(pair_bytes);
    const std::uint32_t found = index_.find(
        pair_bytes, h, [this](std::uint32_t id) -> std::string_view { return pair(id); });
    if (found != KeyIndex::kAbsent) return;
    index_.insert(h, static_cast<std::uint32_t>(ends_.size()));
    arena_.append(pair_bytes.data(), pair_bytes.size());
    ends_.push_back(arena_.size());
  }

  KeyIndex index_;
  std::string arena_;                // the pairs' bytes, one after another
  std::vector<std::uint64_t> ends_;  // where each pair's bytes end in arena_
  std::string scratch_;              // the pair being added
};

}  // namespace quarry::stats
