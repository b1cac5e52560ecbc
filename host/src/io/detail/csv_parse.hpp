#pragma once
//! \file
//! The CSV parse pass: one chunk's byte range -> typed columns.

#include "io/detail/csv_layout.hpp"

#include <memory>
#include <string>

namespace quarry::io::detail {

//! A parsed chunk and what was coerced or repaired in it.
struct ParsedChunk {
  std::shared_ptr<const Chunk> chunk;
  //! Per-column counts (columns empty when nothing happened) and rows read.
  ReadReport report;
};

//! Everything parse_csv_range() needs besides the bytes; shared, read-only, by all threads.
struct CsvParseContext {
  const CsvLayout& layout;
  const NullSpellings& nulls;
  const std::string& file;
  const ReadLimits& limits;
  RaggedRowPolicy on_ragged_row;
  //! Where chunk buffers come from and return to.
  const std::shared_ptr<BufferPool>& pool;
};

//! Parses the records of `range` held in [data, data + size) (readable to size + 64) into
//! chunk number `sequence`. Safe to call concurrently.
[[nodiscard]] ParsedChunk parse_csv_range(const CsvParseContext& context, const ChunkRange& range,
                                          const char* data, std::size_t size,
                                          std::uint64_t sequence);

}  // namespace quarry::io::detail
