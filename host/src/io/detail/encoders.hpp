#pragma once
//! \file
//! The chunk encoders of the text sinks (CSV, JSON Lines), shared by the sinks and by
//! open_encoder.

#include "quarry/io/sink.hpp"

#include <memory>

namespace quarry::io::detail {

//! Encodes rows as CSV lines with `delimiter`, floats with `decimal` as their point (no header).
[[nodiscard]] std::unique_ptr<ChunkEncoder> make_csv_encoder(char delimiter, char decimal);

//! Encodes rows as JSON Lines objects keyed by the chunk's column names.
[[nodiscard]] std::unique_ptr<ChunkEncoder> make_jsonl_encoder();

}  // namespace quarry::io::detail
