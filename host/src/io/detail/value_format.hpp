#pragma once
//! \file
//! Values -> text for the sinks.

#include "quarry/io/chunk.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace quarry::io::detail {

//! Appends the decimal form of `value`.
void append_int64(std::string& out, std::int64_t value);

//! Room format_float64() needs.
inline constexpr std::size_t kFloat64TextSize = 48;

//! Writes the shortest text that reads back as exactly `value` ("nan", "inf", "-inf" for
//! specials) to `out` (kFloat64TextSize bytes) and returns its length. With `mark_float`,
//! integral values get ".0" so they read back as floats.
std::size_t format_float64(double value, bool mark_float, char* out);

//! Appends format_float64()'s text.
void append_float64(std::string& out, double value, bool mark_float);

//! Appends ISO 8601 text of microseconds since the epoch, UTC ("…Z") or as `text` asks (see
//! format_timestamp()).
void append_timestamp(std::string& out, std::int64_t micros,
                      TimestampText text = TimestampText::kUtc);

//! Appends `text` as a JSON string literal (quotes and escapes included).
void append_json_string(std::string& out, std::string_view text);

//! Appends a CSV field, quoted only when it must be (see sink.hpp).
void append_csv_field(std::string& out, std::string_view text, char delimiter);

//! Throws std::invalid_argument unless `chunk` has `schema`.
void check_chunk_schema(const Schema& schema, const Chunk& chunk, std::string_view sink);

}  // namespace quarry::io::detail
