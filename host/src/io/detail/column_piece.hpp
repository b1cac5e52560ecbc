#pragma once
//! \file
//! One column of one chunk as a file holds it: its Arrow buffers back to back, each padded
//! to 64 bytes so that they load into aligned memory. Shared by the column cache (one file
//! per column) and chunk spills (one file per run).

#include "quarry/io/buffer.hpp"
#include "quarry/io/chunk.hpp"

#include <cstdint>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

namespace quarry::io::detail {

//! `n` rounded up to the 64-byte alignment of every buffer in the file.
[[nodiscard]] constexpr std::uint64_t aligned(std::uint64_t n) noexcept {
  return (n + AlignedBuffer::kAlignment - 1) / AlignedBuffer::kAlignment *
         AlignedBuffer::kAlignment;
}
//! Bytes of a bitmap of `rows` bits.
[[nodiscard]] constexpr std::uint64_t bitmap_bytes(std::int64_t rows) noexcept {
  return (static_cast<std::uint64_t>(rows) + 7) / 8;
}

//! Reads `count` bytes at `offset`, resuming after short reads and EINTR; false (errno set:
//! ENODATA when the file ends first) on an error or end of file.
[[nodiscard]] bool read_all(int fd, std::uint64_t offset, void* out, std::uint64_t count);
//! Writes `count` bytes at `offset`, resuming after short writes and EINTR; false (errno
//! set: ENOSPC when a write moves nothing) on an error.
[[nodiscard]] bool write_all(int fd, std::uint64_t offset, const void* data, std::uint64_t count);

//! Where one chunk's buffers of a column are in a file, and their sizes.
struct Piece {
  std::uint64_t offset = 0;
  std::int64_t rows = 0;
  std::int64_t null_count = 0;
  std::uint64_t validity_bytes = 0;
  std::uint64_t values_bytes = 0;
  std::uint64_t data_bytes = 0;
  bool large_offsets = false;

  //! True when the sizes are those `rows` values of `type` take, so that no reader of the
  //! chunk can run past a buffer whatever the file says.
  [[nodiscard]] bool fits(ColumnType type) const;
  //! The offset just past the piece's last (padded) buffer.
  [[nodiscard]] std::uint64_t end() const {
    return offset + aligned(validity_bytes) + aligned(values_bytes) + aligned(data_bytes);
  }
  //! [offset, rows, null_count, validity_bytes, values_bytes, data_bytes, large_offsets].
  [[nodiscard]] nlohmann::json to_json() const;
  //! The inverse of to_json(); throws nlohmann::json::exception on another shape.
  [[nodiscard]] static Piece from_json(const nlohmann::json& j);
};

//! The sizes of a column's buffers as the chunk holds them (offset 0).
[[nodiscard]] Piece piece_of(const ColumnBuffers& buffers);

//! True when a string column's offsets start at 0, never decrease and end at `data_bytes`.
[[nodiscard]] bool offsets_fit(const ColumnBuffers& buffers, std::uint64_t data_bytes);

//! Writes `buffers` where `piece` (piece_of(buffers), placed) says; false (errno set) on an
//! error.
[[nodiscard]] bool store_piece(int fd, const Piece& piece, const ColumnBuffers& buffers);

//! Reads `piece`, a column of `type`, into buffers taken from `pool` (null: fresh ones)
//! and appended to `owned` (which then owns the memory the result points into); nullopt
//! when the file cannot be read.
[[nodiscard]] std::optional<ColumnBuffers> load_piece(int fd, const Piece& piece, ColumnType type,
                                                      BufferPool* pool,
                                                      std::vector<AlignedBuffer>& owned);

}  // namespace quarry::io::detail
