//! Chunk spills (see quarry/io/chunk_spill.hpp).

#include "quarry/io/chunk_spill.hpp"

#include "io/detail/column_piece.hpp"
#include "quarry/io/error.hpp"

#include <fcntl.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace quarry::io {

namespace fs = std::filesystem;

//! One chunk of the file: its rows and where each column's buffers are.
struct ChunkSpill::Spilled {
  std::uint64_t offset = 0;
  std::int64_t rows = 0;
  std::uint64_t bytes = 0;
  std::vector<detail::Piece> columns;
};

namespace {

//! An anonymous file under `directory`: O_TMPFILE where the file system has it, else a
//! named file unlinked at once.
posix::UniqueFd anonymous_file(const fs::path& directory) {
  posix::UniqueFd fd(::open(directory.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600));
  if (fd.get() >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
  std::string name = (directory / "spill-XXXXXX").string();
  fd = posix::UniqueFd(::mkostemp(name.data(), O_CLOEXEC));
  if (fd.get() >= 0) ::unlink(name.c_str());
  return fd;
}

}  // namespace

std::unique_ptr<ChunkSpill> ChunkSpill::create(const fs::path& directory, std::uint64_t max_bytes,
                                               std::string* why_not) {
  const auto refuse = [&](const std::string& why) -> std::unique_ptr<ChunkSpill> {
    if (why_not != nullptr) *why_not = why;
    return nullptr;
  };
  std::error_code error;
  fs::create_directories(directory, error);
  if (error) return refuse("cannot create " + directory.string() + ": " + error.message());
  posix::UniqueFd fd = anonymous_file(directory);
  if (fd.get() < 0) {
    return refuse("cannot create a temporary file under " + directory.string() + ": " +
                  std::strerror(errno));
  }
  struct statvfs disk {};
  if (::fstatvfs(fd.get(), &disk) == 0) {
    const std::uint64_t free_bytes = static_cast<std::uint64_t>(disk.f_bavail) * disk.f_frsize;
    max_bytes = std::min(max_bytes, free_bytes / 2);
  }
  return std::unique_ptr<ChunkSpill>(new ChunkSpill(std::move(fd), max_bytes));
}

ChunkSpill::ChunkSpill(posix::UniqueFd fd, std::uint64_t max_bytes)
    : fd_(std::move(fd)), max_bytes_(max_bytes) {}

ChunkSpill::~ChunkSpill() = default;

std::size_t ChunkSpill::chunks() const noexcept {
  return chunks_.size();
}

void ChunkSpill::give_up(std::string why) {
  failure_ = std::move(why);
  chunks_.clear();
  chunks_.shrink_to_fit();
  if (::ftruncate(fd_.get(), 0) != 0) {
    // The space comes back when the file is closed anyway.
  }
}

bool ChunkSpill::append(const Chunk& chunk) {
  if (!intact()) return false;
  if (!chunk_schema_) {
    chunk_schema_ = chunk.schema_ptr();
  } else if (chunk_schema_ != chunk.schema_ptr() && *chunk_schema_ != chunk.schema()) {
    give_up("chunk " + std::to_string(chunks_.size()) + " has other columns than the first");
    return false;
  }
  Spilled spilled;
  spilled.offset = end_;
  spilled.rows = chunk.num_rows();
  spilled.columns.reserve(chunk.num_columns());
  std::uint64_t at = end_;
  for (std::size_t c = 0; c < chunk.num_columns(); ++c) {
    detail::Piece piece = detail::piece_of(chunk.column(c).buffers());
    piece.offset = at;
    at = piece.end();
    spilled.columns.push_back(piece);
  }
  if (at > max_bytes_) {
    give_up("the spill would outgrow " + std::to_string(max_bytes_ >> 20) +
            " MiB (half the free disk space, at most)");
    return false;
  }
  for (std::size_t c = 0; c < chunk.num_columns(); ++c) {
    if (!detail::store_piece(fd_.get(), spilled.columns[c], chunk.column(c).buffers())) {
      give_up(std::string("cannot write the spill: ") + std::strerror(errno));
      return false;
    }
  }
  spilled.bytes = at - end_;
  largest_chunk_ = std::max(largest_chunk_, spilled.bytes);
  end_ = at;
  chunks_.push_back(std::move(spilled));
  return true;
}

//! Reads an intact spill back, chunk by chunk, in parallel.
class ChunkSpill::Reader final : public Source {
 public:
  Reader(std::shared_ptr<const ChunkSpill> spill, Schema schema, ReadBack mode)
      : spill_(std::move(spill)),
        schema_(std::move(schema)),
        mode_(mode),
        pool_(std::make_shared<BufferPool>(4 * spill_->largest_chunk_)) {}

  const Schema& schema() const override { return schema_; }
  bool rereads_cheaply() const override { return true; }
  std::shared_ptr<const Chunk> next() override {
    if (next_ == spill_->chunks_.size()) return nullptr;
    return read_chunk(next_++);
  }
  std::uint64_t bytes_read() const override { return bytes_read_.load(); }
  std::optional<std::uint64_t> total_bytes() const override { return spill_->end_; }
  ReadReport report() const override { return {}; }
  void rewind() override {
    if (mode_ == ReadBack::kOnce && bytes_read_ != 0) {
      throw std::logic_error("a spill read once cannot be read again");
    }
    next_ = 0;
    bytes_read_ = 0;
  }
  std::optional<std::size_t> parallel_chunks() const override { return spill_->chunks_.size(); }

  std::shared_ptr<const Chunk> read_chunk(std::size_t index) const override {
    const Spilled& spilled = spill_->chunks_.at(index);
    Chunk::Parts parts;
    parts.schema = spill_->chunk_schema_;
    parts.num_rows = spilled.rows;
    parts.sequence = index;
    parts.pool = pool_;
    parts.columns.reserve(spilled.columns.size());
    for (std::size_t c = 0; c < spilled.columns.size(); ++c) {
      const auto buffers = detail::load_piece(spill_->fd_.get(), spilled.columns[c],
                                              (*parts.schema)[c].type, pool_.get(), parts.owned);
      if (!buffers) {
        throw InputError("cannot read back chunk " + std::to_string(index) +
                             " of the pipeline's temporary spill file (" + std::strerror(errno) +
                             ")",
                         "run the call again; if it fails again, check the disk under "
                         "plugins.cache_dir");
      }
      parts.columns.push_back(*buffers);
    }
    bytes_read_ += spilled.bytes;
    if (mode_ == ReadBack::kOnce) give_back(spilled);
    return std::make_shared<const Chunk>(std::move(parts));
  }

 private:
  // Frees the pages wholly inside the chunk's bytes (its first and last page may hold a
  // neighbour's bytes, not read yet). Best effort: the file goes when the spill does.
  void give_back(const Spilled& spilled) const {
    constexpr std::uint64_t kPage = 4096;
    const std::uint64_t first = (spilled.offset + kPage - 1) / kPage * kPage;
    const std::uint64_t end = (spilled.offset + spilled.bytes) / kPage * kPage;
    if (end > first) {
      (void)::fallocate(spill_->fd_.get(), FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                        static_cast<off_t>(first), static_cast<off_t>(end - first));
    }
  }

  std::shared_ptr<const ChunkSpill> spill_;
  Schema schema_;
  ReadBack mode_;
  std::shared_ptr<BufferPool> pool_;
  std::size_t next_ = 0;
  mutable std::atomic<std::uint64_t> bytes_read_{0};
};

std::unique_ptr<Source> ChunkSpill::read_back(std::shared_ptr<const ChunkSpill> spill,
                                              Schema schema, ReadBack mode) {
  if (!spill->intact()) {
    throw std::logic_error("a spill that was given up cannot be read back: " + spill->failure());
  }
  return std::make_unique<Reader>(std::move(spill), std::move(schema), mode);
}

}  // namespace quarry::io
