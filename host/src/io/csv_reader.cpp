#include "quarry/io/csv_reader.hpp"

#include "io/detail/column_cache.hpp"
#include "io/detail/csv_inference.hpp"
#include "io/detail/csv_parse.hpp"
#include "io/detail/input_file.hpp"

#include <atomic>
#include <mutex>

namespace quarry::io {
namespace {

bool column_cache_on(const CsvOptions& options) {
  return !options.column_cache.directory.empty() && options.column_cache.max_bytes != 0;
}

//! The layout a read from the cache presents: the cached schema, chunks and report, with
//! byte ranges that add up to the file's data bytes (for progress).
detail::CsvLayout cached_layout(const detail::CachedColumns& cached, std::uint64_t file_bytes) {
  detail::CsvLayout layout;
  layout.dialect = cached.dialect();
  layout.schema = cached.schema();
  layout.shape.file_names = cached.file_names();
  layout.report = cached.report();
  std::uint64_t data_bytes = 0;
  for (const auto& chunk : cached.chunks()) data_bytes += chunk.source_bytes;
  layout.data_begin = file_bytes - std::min(file_bytes, data_bytes);
  std::uint64_t at = layout.data_begin;
  std::int64_t first_row = 0;
  for (const auto& chunk : cached.chunks()) {
    layout.chunks.push_back(
        detail::ChunkRange{at, at + chunk.source_bytes, 0, first_row, chunk.rows});
    at += chunk.source_bytes;
    first_row += chunk.rows;
  }
  return layout;
}

}  // namespace

struct CsvReader::Impl {
  Impl(const std::filesystem::path& path, CsvOptions opts)
      : options(std::move(opts)),
        file_path(path),
        file(path, options.limits.max_file_bytes, options.display_name),
        identity(column_cache_on(options) ? detail::cache_identity(file, path, options)
                                          : std::string()),
        cached(detail::CachedColumns::open(options.column_cache, identity, options.only_columns)),
        layout(cached ? cached_layout(*cached, file.size())
                      : detail::open_csv_layout(file, options)),
        nulls(options.null_values),
        pool(std::make_shared<BufferPool>(2 * options.chunk_bytes)),
        report(layout.report),
        consumed(layout.data_begin),
        recorder(cached ? nullptr : start_recorder()) {}

  std::unique_ptr<detail::ColumnRecorder> start_recorder() {
    return detail::ColumnRecorder::start(
        options.column_cache, identity, layout, file.size(),
        [this] { return detail::cache_identity(file, file_path, options) == identity; },
        &cache_note);
  }

  CsvOptions options;
  std::filesystem::path file_path;
  detail::InputFile file;
  //! What identifies this read in the column cache; empty when the cache is off.
  std::string identity;
  //! The cache entry serving this read, or null when the file is parsed.
  std::unique_ptr<detail::CachedColumns> cached;
  detail::CsvLayout layout;
  detail::NullSpellings nulls;
  std::shared_ptr<BufferPool> pool;
  mutable std::mutex report_mutex;
  mutable ReadReport report;
  mutable std::atomic<std::uint64_t> consumed;
  std::size_t next_chunk = 0;
  //! Reused by next() so sequential reads do not fault in a fresh buffer per chunk.
  AlignedBuffer next_buffer;
  //! Why this read is not kept in the column cache, for the report; empty when it is.
  std::string cache_note;
  //! Writes the parsed columns into the column cache, or null.
  std::unique_ptr<detail::ColumnRecorder> recorder;
  //! Rows parsed so far under a guessed layout (for limits.max_rows, which the inference
  //! pass checks otherwise).
  mutable std::atomic<std::uint64_t> guessed_rows{0};
  //! A chunk contradicted the guessed layout.
  mutable std::atomic<bool> guess_failed{false};

  std::shared_ptr<const Chunk> parse(std::size_t index, AlignedBuffer& bytes) const;
};

CsvReader::CsvReader(const std::filesystem::path& path, CsvOptions options)
    : impl_(std::make_unique<Impl>(path, std::move(options))) {}

CsvReader::~CsvReader() = default;

const Schema& CsvReader::schema() const {
  return *impl_->layout.schema;
}

std::shared_ptr<const Chunk> CsvReader::next() {
  if (impl_->next_chunk >= impl_->layout.chunks.size()) {
    impl_->consumed = impl_->file.size();
    return nullptr;
  }
  return impl_->parse(impl_->next_chunk++, impl_->next_buffer);
}

void CsvReader::rewind() {
  const std::lock_guard lock(impl_->report_mutex);
  // A pass that parsed the whole file has just filled the column cache: read it back in
  // the passes that follow. Its report is the one the parse ended with.
  if (!impl_->cached && impl_->recorder && impl_->recorder->committed()) {
    impl_->cached = detail::CachedColumns::open(impl_->options.column_cache, impl_->identity,
                                                impl_->options.only_columns);
  }
  impl_->report = impl_->cached ? impl_->cached->report() : impl_->layout.report;
  impl_->consumed = impl_->layout.data_begin;
  impl_->next_chunk = 0;
  impl_->guessed_rows = 0;
}

std::uint64_t CsvReader::bytes_read() const {
  return impl_->consumed.load();
}

std::optional<std::uint64_t> CsvReader::total_bytes() const {
  return impl_->file.size();
}

ReadReport CsvReader::report() const {
  // Asked before taking the report lock: the recorder calls back under its own lock to take
  // the report when it commits.
  const std::string cache_failure =
      impl_->recorder ? impl_->recorder->failure() : impl_->cache_note;
  const std::lock_guard lock(impl_->report_mutex);
  ReadReport copy = impl_->report;
  copy.bytes_read = impl_->consumed.load();
  if (!cache_failure.empty()) copy.notes.push_back(cache_failure);
  return copy;
}

char CsvReader::delimiter() const noexcept {
  return impl_->layout.dialect.delimiter;
}

std::size_t CsvReader::chunk_count() const noexcept {
  return impl_->layout.chunks.size();
}

std::shared_ptr<const Chunk> CsvReader::read_chunk(std::size_t index) const {
  // Parsed chunks copy what they keep, so each thread can reuse one raw buffer and
  // not fault in fresh pages for every chunk.
  thread_local AlignedBuffer bytes;
  return impl_->parse(index, bytes);
}

bool CsvReader::from_column_cache() const noexcept {
  return impl_->cached != nullptr;
}

bool CsvReader::scanned_on_open() const {
  return !impl_->cached && !impl_->layout.guess;
}

bool CsvReader::rereads_cheaply() const {
  return impl_->cached != nullptr || impl_->recorder != nullptr;
}

bool CsvReader::schema_guess_failed() const {
  return impl_->guess_failed;
}

void CsvReader::infer_schema_fully() {
  Impl& d = *impl_;
  if (!d.layout.guess) return rewind();
  d.recorder.reset();  // removes what it wrote
  d.cached.reset();
  d.layout = detail::infer_csv_layout(d.file, d.options);
  {
    const std::lock_guard lock(d.report_mutex);
    d.report = d.layout.report;
  }
  d.consumed = d.layout.data_begin;
  d.next_chunk = 0;
  d.guessed_rows = 0;
  d.guess_failed = false;
  d.cache_note.clear();
  d.recorder = d.start_recorder();
}

std::shared_ptr<const Chunk> CsvReader::Impl::parse(std::size_t index, AlignedBuffer& bytes) const {
  const detail::ChunkRange& range = layout.chunks.at(index);
  const auto size = static_cast<std::size_t>(range.end - range.begin);
  if (cached) {
    std::shared_ptr<const Chunk> chunk = cached->read(index, pool);
    {
      const std::lock_guard lock(report_mutex);
      report.rows_read += static_cast<std::uint64_t>(range.rows);
    }
    consumed += size;
    return chunk;
  }
  const detail::CsvParseContext context{
      layout, nulls, file.name(), options.limits, options.on_ragged_row, pool};
  detail::ParsedChunk parsed;
  try {
    parsed = detail::parse_csv_range(context, range, file, bytes, index);
    if (layout.guess && (guessed_rows += parsed.report.rows_read) > options.limits.max_rows) {
      throw SchemaGuessFailed("more rows than limits.max_rows");
    }
  } catch (const SchemaGuessFailed& e) {
    guess_failed = true;
    throw SchemaGuessFailed(file.name() + ": the column types guessed from a sample do not hold (" +
                            e.what() + ")");
  }
  {
    const std::lock_guard lock(report_mutex);
    parsed.report.bytes_read = 0;  // tracked by `consumed`
    report.merge(parsed.report);
  }
  consumed += size;
  if (recorder) {
    recorder->record(index, *parsed.chunk, [this] {
      const std::lock_guard lock(report_mutex);
      return report;
    });
  }
  return std::move(parsed.chunk);
}

}  // namespace quarry::io
