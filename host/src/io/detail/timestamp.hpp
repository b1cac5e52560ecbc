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

//! True when `text` is a date alone, "YYYY-MM-DD" (which sdk::parse_iso8601 reads as
//! midnight UTC), not a date and time.
[[nodiscard]] inline bool is_date_only_text(std::string_view text) noexcept {
  return text.size() == 10 && text[4] == '-' && text[7] == '-';
}

//! Room needed by format_timestamp().
inline constexpr std::size_t kTimestampTextSize = 40;

//! Writes "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" (fraction only when non-zero, trailing zeros
//! dropped) into `out` and returns its length; with `date_at_midnight`, a value at midnight
//! UTC is written as its date alone, "YYYY-MM-DD" (for columns read from dates).
std::size_t format_timestamp(std::int64_t micros, char* out,
                             bool date_at_midnight = false) noexcept;

}  // namespace quarry::io::detail
