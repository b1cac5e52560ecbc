#pragma once
//! \file
//! Timestamps (int64 microseconds since the Unix epoch, UTC) as ISO 8601 text, and a cheap
//! test for text that may be one. Parsing is sdk::parse_iso8601 (quarry/sdk/iso8601.hpp),
//! shared with the plugins so they read text as the readers type it.

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace quarry::io::detail {

//! Cheap pre-check: could `text` be a timestamp ("DDDD-" prefix, long enough)?
[[nodiscard]] inline bool may_be_timestamp(std::string_view text) noexcept {
  return text.size() >= 10 && text[4] == '-' && text[0] >= '0' && text[0] <= '9';
}

//! Room needed by format_timestamp().
inline constexpr std::size_t kTimestampTextSize = 40;

//! Writes "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" (fraction only when non-zero, trailing zeros
//! dropped) into `out` and returns its length.
std::size_t format_timestamp(std::int64_t micros, char* out) noexcept;

}  // namespace quarry::io::detail
