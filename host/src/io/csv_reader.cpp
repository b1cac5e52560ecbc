#include "quarry/io/csv_reader.hpp"

#include "io/detail/csv_inference.hpp"
#include "io/detail/csv_parse.hpp"
#include "io/detail/input_file.hpp"

#include <atomic>
#include <mutex>

namespace quarry::io {

struct CsvReader::Impl {
  Impl(const std::filesystem::path& path, CsvOptions opts)
      : options(std::move(opts)),
        file(path, options.limits.max_file_bytes),
        layout(detail::infer_csv_layout(file, options)),
        nulls(options.null_values),
        pool(std::make_shared<BufferPool>(2 * options.chunk_bytes)),
        report(layout.report),
        consumed(layout.data_begin) {}

  CsvOptions options;
  detail::InputFile file;
  detail::CsvLayout layout;
  detail::NullSpellings nulls;
  std::shared_ptr<BufferPool> pool;
  mutable std::mutex report_mutex;
  mutable ReadReport report;
  mutable std::atomic<std::uint64_t> consumed;
  std::size_t next_chunk = 0;
  //! Reused by next() so sequential reads do not fault in a fresh buffer per chunk.
  AlignedBuffer next_buffer;

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
  impl_->report = impl_->layout.report;
  impl_->consumed = impl_->layout.data_begin;
  impl_->next_chunk = 0;
}

std::uint64_t CsvReader::bytes_read() const {
  return impl_->consumed.load();
}

std::optional<std::uint64_t> CsvReader::total_bytes() const {
  return impl_->file.size();
}

ReadReport CsvReader::report() const {
  const std::lock_guard lock(impl_->report_mutex);
  ReadReport copy = impl_->report;
  copy.bytes_read = impl_->consumed.load();
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

std::shared_ptr<const Chunk> CsvReader::Impl::parse(std::size_t index, AlignedBuffer& bytes) const {
  const detail::ChunkRange& range = layout.chunks.at(index);
  const auto size = static_cast<std::size_t>(range.end - range.begin);
  const detail::CsvParseContext context{
      layout, nulls, file.name(), options.limits, options.on_ragged_row, pool};
  detail::ParsedChunk parsed = detail::parse_csv_range(context, range, file, bytes, index);
  {
    const std::lock_guard lock(report_mutex);
    parsed.report.bytes_read = 0;  // tracked by `consumed`
    report.merge(parsed.report);
  }
  consumed += size;
  return std::move(parsed.chunk);
}

}  // namespace quarry::io
