#pragma once
//! \file
//! ISO 8601 timestamps <-> int64 microseconds since the Unix epoch (UTC).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace quarry::io::detail {

//! Parses "YYYY-MM-DD", optionally followed by 'T' or ' ' and "HH:MM[:SS[.fraction]]", and
//! then optionally 'Z' or an offset "±HH:MM" / "±HHMM" / "±HH". Values without an offset are
//! taken as UTC; fractions beyond microseconds are truncated. nullopt when `text` is anything
//! else or out of range (month 13, 31 April, hour 24, …).
[[nodiscard]] std::optional<std::int64_t> parse_timestamp(std::string_view text) noexcept;

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
