#pragma once
//! \file
//! Where rows come from: a Source yields typed, columnar chunks in order.

#include "quarry/io/chunk.hpp"

#include <cstdint>
#include <memory>
#include <optional>

namespace quarry::io {

//! A stream of chunks sharing one schema. Not thread-safe: the executor pulls from one thread
//! (the flow graph's input node). Sources infer types over the whole input when they are
//! opened, so every chunk has the final schema and no value is lost to a late type change.
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
};

}  // namespace quarry::io
