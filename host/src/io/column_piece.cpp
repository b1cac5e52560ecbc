//! Column pieces in files (see detail/column_piece.hpp).

#include "io/detail/column_piece.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace quarry::io::detail {
namespace {

//! Moves `count` bytes between `buffer` and the file at `offset` with pread or pwrite,
//! resuming after short transfers and EINTR; false on an error or when nothing more moves,
//! with errno set either way (`stalled_errno` for the latter: the file ends early, or the
//! disk takes no more), so callers' messages never show a stale errno.
template <class Transfer, class Buffer>
bool transfer_all(Transfer transfer, int fd, std::uint64_t offset, Buffer* buffer,
                  std::uint64_t count, int stalled_errno) {
  while (count > 0) {
    const ssize_t n = transfer(fd, buffer, count, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) {
      errno = stalled_errno;
      return false;
    }
    buffer += n;
    offset += static_cast<std::uint64_t>(n);
    count -= static_cast<std::uint64_t>(n);
  }
  return true;
}

}  // namespace

bool read_all(int fd, std::uint64_t offset, void* out, std::uint64_t count) {
  return transfer_all(::pread, fd, offset, static_cast<char*>(out), count, ENODATA);
}

bool write_all(int fd, std::uint64_t offset, const void* data, std::uint64_t count) {
  return transfer_all(::pwrite, fd, offset, static_cast<const char*>(data), count, ENOSPC);
}

bool Piece::fits(ColumnType type) const {
  const auto n = static_cast<std::uint64_t>(rows);
  if (rows < 0 || null_count < 0 || null_count > rows) return false;
  if (validity_bytes != 0 && validity_bytes != bitmap_bytes(rows)) return false;
  if ((validity_bytes == 0) != (null_count == 0)) return false;
  switch (type) {
    case ColumnType::kInt64:
    case ColumnType::kFloat64:
    case ColumnType::kTimestamp:
      return values_bytes == 8 * n && data_bytes == 0;
    case ColumnType::kBool:
      return values_bytes == bitmap_bytes(rows) && data_bytes == 0;
    case ColumnType::kString:
      return values_bytes == (large_offsets ? 8 : 4) * (n + 1);
  }
  return false;
}

nlohmann::json Piece::to_json() const {
  return nlohmann::json::array(
      {offset, rows, null_count, validity_bytes, values_bytes, data_bytes, large_offsets});
}

Piece Piece::from_json(const nlohmann::json& j) {
  return Piece{j.at(0).get<std::uint64_t>(), j.at(1).get<std::int64_t>(),
               j.at(2).get<std::int64_t>(),  j.at(3).get<std::uint64_t>(),
               j.at(4).get<std::uint64_t>(), j.at(5).get<std::uint64_t>(),
               j.at(6).get<bool>()};
}

Piece piece_of(const ColumnBuffers& b) {
  Piece p;
  p.rows = b.length;
  p.null_count = b.null_count;
  p.validity_bytes = b.validity != nullptr ? bitmap_bytes(b.length) : 0;
  p.large_offsets = b.large_offsets;
  switch (b.type) {
    case ColumnType::kInt64:
    case ColumnType::kFloat64:
    case ColumnType::kTimestamp:
      p.values_bytes = 8 * static_cast<std::uint64_t>(b.length);
      break;
    case ColumnType::kBool:
      p.values_bytes = bitmap_bytes(b.length);
      break;
    case ColumnType::kString: {
      const std::uint64_t width = b.large_offsets ? 8 : 4;
      p.values_bytes = width * static_cast<std::uint64_t>(b.length + 1);
      std::int64_t last = 0;
      if (b.large_offsets) {
        last = static_cast<const std::int64_t*>(b.values)[b.length];
      } else {
        last = static_cast<const std::int32_t*>(b.values)[b.length];
      }
      p.data_bytes = static_cast<std::uint64_t>(last);
      break;
    }
  }
  return p;
}

bool offsets_fit(const ColumnBuffers& b, std::uint64_t data_bytes) {
  auto check = [&](const auto* offsets) {
    if (offsets[0] != 0 || static_cast<std::uint64_t>(offsets[b.length]) != data_bytes) {
      return false;
    }
    for (std::int64_t r = 0; r < b.length; ++r) {
      if (offsets[r + 1] < offsets[r]) return false;
    }
    return true;
  };
  return b.large_offsets ? check(static_cast<const std::int64_t*>(b.values))
                         : check(static_cast<const std::int32_t*>(b.values));
}

bool store_piece(int fd, const Piece& p, const ColumnBuffers& b) {
  std::uint64_t at = p.offset;
  if (p.validity_bytes != 0 && !write_all(fd, at, b.validity, p.validity_bytes)) return false;
  at += aligned(p.validity_bytes);
  if (!write_all(fd, at, b.values, p.values_bytes)) return false;
  at += aligned(p.values_bytes);
  return p.data_bytes == 0 || write_all(fd, at, b.string_data, p.data_bytes);
}

std::optional<ColumnBuffers> load_piece(int fd, const Piece& p, ColumnType type, BufferPool* pool,
                                        std::vector<AlignedBuffer>& owned) {
  bool ok = true;
  auto load = [&](std::uint64_t offset, std::uint64_t bytes) -> const void* {
    const std::uint64_t room = std::max<std::uint64_t>(bytes, 1);
    AlignedBuffer buffer = pool != nullptr ? pool->take(room) : AlignedBuffer();
    buffer.reserve_uninitialized(room);
    ok = ok && read_all(fd, offset, buffer.data(), bytes);
    buffer.resize(bytes);
    const void* at = buffer.data();
    owned.push_back(std::move(buffer));
    return at;
  };
  ColumnBuffers b;
  b.type = type;
  b.length = p.rows;
  b.null_count = p.null_count;
  b.large_offsets = p.large_offsets;
  std::uint64_t at = p.offset;
  if (p.validity_bytes != 0) {
    b.validity = static_cast<const std::uint8_t*>(load(at, p.validity_bytes));
  }
  at += aligned(p.validity_bytes);
  b.values = load(at, p.values_bytes);
  at += aligned(p.values_bytes);
  if (type == ColumnType::kString) b.string_data = static_cast<const char*>(load(at, p.data_bytes));
  if (!ok) return std::nullopt;
  return b;
}

}  // namespace quarry::io::detail
