#pragma once
//! \file
//! The CSV parse pass: one chunk's byte range -> typed columns.

#include "io/detail/csv_layout.hpp"
#include "io/detail/input_file.hpp"
#include "quarry/io/buffer.hpp"

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

//! Reads the records of `range` from `file` a piece at a time through `buffer` (reused
//! between calls) and parses them into chunk number `sequence`. Safe to call concurrently
//! with different buffers.
[[nodiscard]] ParsedChunk parse_csv_range(const CsvParseContext& context, const ChunkRange& range,
                                          const InputFile& file, AlignedBuffer& buffer,
                                          std::uint64_t sequence);

}  // namespace quarry::io::detail
