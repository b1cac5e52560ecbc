#pragma once
//! \file
//! Where rows come from: a Source yields typed, columnar chunks in order.

#include "quarry/io/chunk.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>

namespace quarry::io {

//! Thrown by next() or read_chunk() of a source whose schema was guessed from a sample when
//! the input contradicts the guess (see Source::schema_guess_failed()). Not a problem with
//! the input: the reader starts again after Source::infer_schema_fully().
class SchemaGuessFailed : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

//! A stream of chunks sharing one schema. Not thread-safe: the executor pulls from one thread
//! (the flow graph's input node). Sources infer types over the whole input when they are
//! opened, or guess them from a sample and check every value against the guess as they read
//! it; either way every chunk read to the end has the final schema and no value is lost to a
//! late type change.
class Source {
 public:
  virtual ~Source() = default;
  //! The schema of every chunk; known before the first chunk is read.
  [[nodiscard]] virtual const Schema& schema() const = 0;
  //! The next chunk (sequence numbers 0, 1, 2, …), or nullptr at the end. Throws InputError
  //! on malformed input.
  virtual std::shared_ptr<const Chunk> next() = 0;
  //! Bytes consumed so far, for progress.
  [[nodiscard]] virtual std::uint64_t bytes_read() const = 0;
  //! Total bytes expected (the file size), or nullopt when unknown.
  [[nodiscard]] virtual std::optional<std::uint64_t> total_bytes() const = 0;
  //! What the reader coerced or recovered, per column (complete after the last chunk).
  [[nodiscard]] virtual ReadReport report() const = 0;
  //! Starts again from the first chunk (same schema, same chunks), for stages that need
  //! two passes. Throws InputError when the input cannot be read twice.
  virtual void rewind();
  //! The number of chunks when the source can parse them in any order, from several
  //! threads at once (read_chunk); nullopt for a sequential-only source.
  [[nodiscard]] virtual std::optional<std::size_t> parallel_chunks() const { return std::nullopt; }
  //! Parses chunk `index` (sequence number `index`); thread-safe and const. Only for
  //! sources with parallel_chunks(), and instead of next(), never mixed with it.
  [[nodiscard]] virtual std::shared_ptr<const Chunk> read_chunk(std::size_t index) const;
  //! True when opening the source read the whole input once already (to infer types), so
  //! reading its chunks is the second read; for progress.
  [[nodiscard]] virtual bool scanned_on_open() const { return false; }
  //! True when reading the input again (after rewind) costs about a copy of its decoded
  //! columns rather than another parse — a CSV file kept in the column cache, a recording.
  //! The executor records the stream of a first pass over a source that says no, so the
  //! passes after it replay that instead of parsing again.
  [[nodiscard]] virtual bool rereads_cheaply() const { return false; }
  //! True once a read has thrown SchemaGuessFailed: whatever was computed from this source's
  //! chunks is void, and the run must start again after infer_schema_fully().
  [[nodiscard]] virtual bool schema_guess_failed() const { return false; }
  //! Infers the schema over the whole input (it may differ from the guess) and starts again
  //! from the first chunk. Throws InputError for malformed input.
  virtual void infer_schema_fully() {}
};

}  // namespace quarry::io
