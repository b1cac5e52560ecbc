#pragma once
//! \file
//! The chunk encoders of the text sinks (CSV, JSON Lines), shared by the sinks and by
//! open_encoder.

#include "quarry/io/sink.hpp"

#include <memory>

namespace quarry::io::detail {

//! Encodes rows as CSV lines (no header) with `options`' delimiter, decimal separator and
//! date columns.
//! Throws OutputError for a delimiter or decimal separator a CSV file cannot have.
[[nodiscard]] std::unique_ptr<ChunkEncoder> make_csv_encoder(const SinkOptions& options);

//! Encodes rows as JSON Lines objects keyed by the chunk's column names (`options`' date
//! columns as dates where they can be).
[[nodiscard]] std::unique_ptr<ChunkEncoder> make_jsonl_encoder(const SinkOptions& options);

}  // namespace quarry::io::detail
