#pragma once
//! \file
//! Timestamps (int64 microseconds since the Unix epoch, UTC) as ISO 8601 text, and a cheap
//! test for text that may be one. Parsing is sdk::parse_iso8601 (quarry/sdk/iso8601.hpp),
//! shared with the plugins so they read text as the readers type it.

#include "quarry/io/types.hpp"

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

//! True when `text` (a timestamp) ends with a UTC designator or offset: "Z", "+02:00",
//! "-0500" (a date's own '-' come before index 10).
[[nodiscard]] inline bool has_utc_offset(std::string_view text) noexcept {
  return text.size() > 10 && text.find_first_of("Zz+-", 10) != std::string_view::npos;
}

//! How a column whose values read as timestamps was written: dates alone unless a value had a
//! time of day, local unless one had a UTC designator or offset.
[[nodiscard]] inline TimestampText timestamp_text_of(bool time_of_day, bool utc_offset) noexcept {
  return utc_offset    ? TimestampText::kUtc
         : time_of_day ? TimestampText::kLocal
                       : TimestampText::kDate;
}

//! True when `text` fits a column guessed as `guess` (a date alone for kDate, no designator
//! or offset for kLocal).
[[nodiscard]] inline bool fits_timestamp_text(std::string_view text, TimestampText guess) noexcept {
  switch (guess) {
    case TimestampText::kDate:
      return is_date_only_text(text);
    case TimestampText::kLocal:
      return !has_utc_offset(text);
    case TimestampText::kUtc:
      break;
  }
  return true;
}

//! Room needed by format_timestamp().
inline constexpr std::size_t kTimestampTextSize = 40;

//! Writes "YYYY-MM-DDTHH:MM:SS[.ffffff]Z" (fraction only when non-zero, trailing zeros
//! dropped) into `out` and returns its length; as `text` asks, without the 'Z' (kLocal), and
//! for a value at midnight as its date alone, "YYYY-MM-DD" (kDate).
std::size_t format_timestamp(std::int64_t micros, char* out,
                             TimestampText text = TimestampText::kUtc) noexcept;

}  // namespace quarry::io::detail
