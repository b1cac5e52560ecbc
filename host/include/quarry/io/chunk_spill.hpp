#pragma once
//! \file
//! Chunk spills: a stream of chunks written once, in order, to an anonymous temporary file
//! and then read back as a Source (chunks in any order, from several threads). The executor
//! records a pipeline's intermediate stream in one, so that a later pass replays it instead
//! of computing it again. The file has no name: it disappears with the last handle, even
//! when the process is killed.

#include "quarry/io/chunk.hpp"
#include "quarry/io/source.hpp"
#include "quarry/posix/unique_fd.hpp"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace quarry::io {

//! Chunks on disk. Appends come from one thread at a time; once appending is over, any number
//! of sources may read the spill at once.
class ChunkSpill {
 public:
  //! A spill in an anonymous file under `directory` (created when missing) that takes at
  //! most `max_bytes`, and never more than half the disk space free there now. nullptr when
  //! the file cannot be made; then `why_not`, when given, says why.
  [[nodiscard]] static std::unique_ptr<ChunkSpill> create(const std::filesystem::path& directory,
                                                          std::uint64_t max_bytes,
                                                          std::string* why_not = nullptr);
  ~ChunkSpill();
  ChunkSpill(const ChunkSpill&) = delete;
  ChunkSpill& operator=(const ChunkSpill&) = delete;

  //! Appends the next chunk of the stream (its sequence number is its position). Returns
  //! false, and ignores every later chunk, once the spill is given up: a write error, the
  //! size limit, or a chunk whose schema differs from the first's (see failure()).
  bool append(const Chunk& chunk);
  //! True until the spill is given up.
  [[nodiscard]] bool intact() const noexcept { return failure_.empty(); }
  //! Why the spill was given up; empty while it is intact.
  [[nodiscard]] const std::string& failure() const noexcept { return failure_; }
  //! Chunks appended.
  [[nodiscard]] std::size_t chunks() const noexcept;
  //! Bytes of the file.
  [[nodiscard]] std::uint64_t bytes() const noexcept { return end_; }

  //! How a source reads a spill back.
  enum class ReadBack {
    kKeep,  //!< the spill stays whole: the source may be rewound, and other sources may read it
    //! Each chunk's disk space is given back as soon as it has been read, so the page cache
    //! it held serves whatever is written next. For the spill's last reader only; its
    //! rewind() throws.
    kOnce,
  };

  //! A source yielding the chunks of an intact spill in order (parallel_chunks() is their
  //! count). `schema` is what the source reports as its schema (each chunk keeps its own);
  //! the source keeps the spill alive.
  [[nodiscard]] static std::unique_ptr<Source> read_back(std::shared_ptr<const ChunkSpill> spill,
                                                         Schema schema,
                                                         ReadBack mode = ReadBack::kKeep);

 private:
  struct Spilled;
  class Reader;
  ChunkSpill(posix::UniqueFd fd, std::uint64_t max_bytes);
  void give_up(std::string why);

  posix::UniqueFd fd_;
  std::uint64_t max_bytes_;
  std::uint64_t end_ = 0;
  std::shared_ptr<const Schema> chunk_schema_;
  std::vector<Spilled> chunks_;
  std::uint64_t largest_chunk_ = 0;
  std::string failure_;
};

}  // namespace quarry::io
