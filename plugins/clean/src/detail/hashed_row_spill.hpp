#pragma once
//! \file
//! (row hash, row number) pairs kept on disk in partitions by the hash's top bits, for when
//! the distinct keys of a file outgrow the memory budget: each partition holds about 1/64 of
//! the keys and is resolved in memory on its own (and split again by the next bits when even
//! that is too much). The files have no name, so they vanish with the call, whatever happens.

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "detail/hash.hpp"
#include "detail/scratch_file.hpp"
#include "quarry/sdk.hpp"

namespace quarry::clean {

//! One row's key hash and its row number in the input.
struct HashedRow {
  Hash128 hash;      //!< the key's 128-bit hash
  std::int64_t row;  //!< 0-based row of the input
};

//! HashedRows spread over 64 files by 6 bits of the hash (`level` 0: the top 6 bits of
//! `hi`, level 1 the next 6, and so on), buffered in memory up to a few thousand rows each.
class HashedRowSpill {
 public:
  //! Partitions split by the hash bits of `level`, as files under `directory`, buffered in
  //! about `buffer_bytes` of memory together (16 to 2,048 rows each).
  HashedRowSpill(std::string_view directory, unsigned level, std::uint64_t buffer_bytes)
      : directory_(directory),
        shift_(64 - kBits * (level + 1)),
        level_(level),
        buffer_rows_(static_cast<std::size_t>(std::clamp<std::uint64_t>(
            buffer_bytes / (std::uint64_t{1} << kBits) / sizeof(HashedRow), 16, 2048))) {}

  //! Bits of the hash a level uses.
  static constexpr unsigned kBits = 6;
  //! Levels the 64 bits of `hi` allow.
  static constexpr unsigned kLevels = 64 / kBits;

  //! Adds one row.
  void add(const HashedRow& row) {
    Partition& p = partitions_[(row.hash.hi >> shift_) & ((1ULL << kBits) - 1)];
    if (p.buffer.capacity() == 0) p.buffer.reserve(buffer_rows_);
    p.buffer.push_back(row);
    if (p.buffer.size() == buffer_rows_) flush(p);
  }

  //! Bytes on disk and in buffers.
  [[nodiscard]] std::uint64_t bytes() const noexcept {
    std::uint64_t total = 0;
    for (const Partition& p : partitions_) {
      total += p.buffer.size() * sizeof(HashedRow) + (p.file ? p.file->size() : 0);
    }
    return total;
  }

  //! Calls read(partition) for each non-empty partition in turn, where `read(fn)` calls
  //! fn(span of HashedRow) for its rows a block at a time; every buffer is written out and
  //! freed first. `resolve` returns false when the partition was too large to handle; its
  //! rows are then split by the next level's bits and handed over again, part by part.
  template <class Resolve>
  void resolve_each(Resolve& resolve) {
    for (Partition& p : partitions_) {
      if (!p.buffer.empty()) flush(p);
      std::vector<HashedRow>().swap(p.buffer);
    }
    for (Partition& p : partitions_) {
      if (!p.file) continue;
      const ScratchFile& file = *p.file;
      auto read = [this, &file](auto&& fn) { read_blocks(file, fn); };
      if (!resolve(read)) {
        if (level_ + 1 >= kLevels) {
          throw sdk::Error::out_of_memory(
              "clean_dedup cannot split its keys finely enough to fit the memory budget; raise "
              "memory.budget_mb");
        }
        HashedRowSpill finer(directory_, level_ + 1,
                             buffer_rows_ * (std::uint64_t{1} << kBits) * sizeof(HashedRow));
        read([&finer](std::span<const HashedRow> rows) {
          for (const HashedRow& row : rows) finer.add(row);
        });
        p.file.reset();
        finer.resolve_each(resolve);
      }
      p.file.reset();
    }
  }

 private:
  struct Partition {
    std::vector<HashedRow> buffer;
    std::unique_ptr<ScratchFile> file;
  };

  void flush(Partition& p) {
    if (!p.file) p.file = std::make_unique<ScratchFile>(directory_);
    p.file->append(std::as_bytes(std::span<const HashedRow>(p.buffer)));
    p.buffer.clear();
  }

  template <class Fn>
  void read_blocks(const ScratchFile& file, Fn& fn) const {
    std::vector<HashedRow> block(buffer_rows_ * 8);
    const std::uint64_t rows = file.size() / sizeof(HashedRow);
    for (std::uint64_t at = 0; at < rows; at += block.size()) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(block.size(), rows - at));
      file.read(at * sizeof(HashedRow), std::as_writable_bytes(std::span(block.data(), n)));
      fn(std::span<const HashedRow>(block.data(), n));
    }
  }

  std::string directory_;
  unsigned shift_;
  unsigned level_;
  std::size_t buffer_rows_;
  std::array<Partition, (1U << kBits)> partitions_;
};

}  // namespace quarry::clean
