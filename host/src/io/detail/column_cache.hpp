#pragma once
//! \file
//! The column cache: typed columns of CSV files read before, kept on disk so that the next
//! tool asking about the same file skips tokenising and parsing it.
//!
//! An entry is a directory named by a hash of the read's identity (the file's path, device,
//! inode, size, modification and change times, and every option that shapes the chunks);
//! the identity itself is stored in the entry and compared, so a hash collision or a changed
//! file is a miss, never a wrong answer. It holds `layout.json` (the file's column names, the
//! rows and source bytes of every chunk, the file-level part of the read report) and one
//! `col-<n>.bin` per cached file column n: the column's Arrow buffers chunk after chunk, then
//! a JSON trailer (name, type, the column's read report, where each chunk's buffers are),
//! its size and a magic number. Files are written under temporary names and renamed into
//! place, so readers only ever see complete files.
//!
//! A read records the columns it parses (and the entry lacks) only when it reads every chunk;
//! a failed, cancelled or partial read leaves nothing behind. Entries are evicted least
//! recently used first once the directory outgrows its budget. The cache is an optimisation:
//! any problem with it (unwritable directory, full disk, damaged file) is logged to stderr
//! by the caller at most, and the read goes on from the CSV file.

#include "io/detail/csv_layout.hpp"
#include "io/detail/input_file.hpp"
#include "quarry/io/buffer.hpp"
#include "quarry/io/chunk.hpp"
#include "quarry/io/csv_reader.hpp"
#include "quarry/io/report.hpp"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace quarry::io::detail {

//! What makes two reads of a file interchangeable: the file as it is now and the options
//! that shape its chunks and values (not threads or projections, which never change them).
[[nodiscard]] std::string cache_identity(const InputFile& file, const std::filesystem::path& path,
                                         const CsvOptions& options);

//! One chunk as the layout records it.
struct CachedChunk {
  std::int64_t rows = 0;
  //! Bytes of the CSV file the chunk was parsed from (for progress).
  std::uint64_t source_bytes = 0;
};

//! A complete cache entry serving a read of some of its columns.
class CachedColumns {
 public:
  //! The entry for `identity` when it holds every column named in `wanted` (empty: every
  //! column of the file); nullptr when it does not, or anything in it is stale or damaged.
  [[nodiscard]] static std::unique_ptr<CachedColumns> open(const ColumnCacheOptions& options,
                                                           const std::string& identity,
                                                           const std::vector<std::string>& wanted);
  ~CachedColumns();
  CachedColumns(const CachedColumns&) = delete;
  CachedColumns& operator=(const CachedColumns&) = delete;

  //! The columns served, in file order.
  [[nodiscard]] const std::shared_ptr<const Schema>& schema() const noexcept { return schema_; }
  //! The chunks, in order.
  [[nodiscard]] const std::vector<CachedChunk>& chunks() const noexcept { return chunks_; }
  //! The delimiter and quote the file was read with.
  [[nodiscard]] const Dialect& dialect() const noexcept { return dialect_; }
  //! Every column of the file (the header).
  [[nodiscard]] const std::vector<std::string>& file_names() const noexcept { return file_names_; }
  //! The report a fresh read of these columns ends with, before its rows and bytes are counted.
  [[nodiscard]] const ReadReport& report() const noexcept { return report_; }
  //! Chunk `index` (sequence number `index`), its buffers taken from `pool`. Thread-safe.
  //! Throws std::runtime_error when the file cannot be read back.
  [[nodiscard]] std::shared_ptr<const Chunk> read(std::size_t index,
                                                  const std::shared_ptr<BufferPool>& pool) const;

 private:
  struct Column;
  CachedColumns() = default;

  std::shared_ptr<const Schema> schema_;
  std::vector<CachedChunk> chunks_;
  Dialect dialect_;
  std::vector<std::string> file_names_;
  ReadReport report_;
  std::vector<std::unique_ptr<Column>> columns_;
};

//! Writes the parsed columns of one read into the cache as its chunks arrive, and commits
//! them once every chunk has been recorded. Thread-safe.
class ColumnRecorder {
 public:
  //! A recorder for the columns of `layout` that the entry for `identity` lacks, or nullptr
  //! when there is nothing to record, no room for it, or the directory cannot be written (then
  //! `why_not`, when given, gets a note for the user saying so and what to change).
  //! `unchanged()` is asked before committing: a file modified during the read is not cached.
  [[nodiscard]] static std::unique_ptr<ColumnRecorder> start(
      const ColumnCacheOptions& options, std::string identity, const CsvLayout& layout,
      std::uint64_t file_bytes, std::function<bool()> unchanged, std::string* why_not = nullptr);
  //! Removes whatever was not committed.
  ~ColumnRecorder();
  ColumnRecorder(const ColumnRecorder&) = delete;
  ColumnRecorder& operator=(const ColumnRecorder&) = delete;

  //! Records chunk `index` (again: ignored). Once every chunk is in, commits the entry with
  //! `report` (the read's report, every chunk merged; called under the caller's lock) and
  //! returns true. A write error abandons the recording (see failure()).
  bool record(std::size_t index, const Chunk& chunk, const std::function<ReadReport()>& report);
  //! True once the entry is complete on disk.
  [[nodiscard]] bool committed() {
    const std::lock_guard lock(mutex_);
    return committed_;
  }
  //! Why the recording was given up, for the read's notes (a write error, or the file
  //! changing while it was read); empty when it was not, or for no reason worth a note.
  [[nodiscard]] std::string failure();

 private:
  struct Output;
  ColumnRecorder() = default;
  void commit(const ReadReport& report);
  //! Gives up and removes the temporaries; `why` (first one kept) is for failure().
  void abandon(std::string why) noexcept;
  [[nodiscard]] std::string write_failure(int error) const;

  ColumnCacheOptions options_;
  std::string identity_;
  std::function<bool()> unchanged_;
  std::filesystem::path entry_;
  const CsvLayout* layout_ = nullptr;
  std::vector<std::unique_ptr<Output>> outputs_;
  std::mutex mutex_;
  std::vector<bool> recorded_;
  //! Rows of each chunk recorded (a guessed layout knows them only once parsed).
  std::vector<std::int64_t> rows_;
  std::size_t recorded_count_ = 0;
  std::size_t in_flight_ = 0;  //!< chunks being written outside the lock
  bool failed_ = false;
  bool committed_ = false;
  std::string failure_;
};

//! Deletes entries of the cache directory, least recently used first, until it holds at
//! most `max_bytes` (never `keep`, unless it alone is larger), and temporaries older than an
//! hour that interrupted recordings left.
void evict_column_cache(const std::filesystem::path& directory, std::uint64_t max_bytes,
                        const std::filesystem::path& keep);

}  // namespace quarry::io::detail
