#pragma once
//! \file
//! Timestamps (int64 microseconds since the Unix epoch, UTC) as ISO 8601 text, and a cheap
//! test for text that may be one. Parsing is sdk::parse_iso8601 (quarry/sdk/iso8601.hpp),
//! shared with the plugins so they read text as the readers type it.

#include "quarry/io/types.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
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

//! What the values of a column that read as timestamps show of how they were written, as the
//! readers gather it for ColumnReport::timestamp_text.
struct TimestampWriting {
  //! A value had a time of day, and one had a UTC designator or offset.
  bool time_of_day = false;
  bool utc_offset = false;
  //! Where the first time of day without an offset is (a line, or what the reader counts;
  //! 0: none), for the note when the column also has offsets.
  std::uint64_t first_local = 0;

  //! Takes `text`, a value that reads as a timestamp, found `at` (> 0).
  void observe(std::string_view text, std::uint64_t at) noexcept {
    if (is_date_only_text(text)) return;
    time_of_day = true;
    if (has_utc_offset(text)) {
      utc_offset = true;
    } else if (first_local == 0) {
      first_local = at;
    }
  }
  //! Adds what a later part of the file showed, its positions shifted by `offset`.
  void merge(const TimestampWriting& later, std::uint64_t offset) noexcept {
    time_of_day = time_of_day || later.time_of_day;
    utc_offset = utc_offset || later.utc_offset;
    if (first_local == 0 && later.first_local > 0) first_local = later.first_local + offset;
  }
  //! Dates alone unless a value had a time of day, local unless one had an offset.
  [[nodiscard]] TimestampText text() const noexcept {
    return utc_offset    ? TimestampText::kUtc
           : time_of_day ? TimestampText::kLocal
                         : TimestampText::kDate;
  }
  //! The note for a column whose times without an offset were taken as UTC, since others have
  //! one ("" when there are none); `where` names first_local ("line 12").
  [[nodiscard]] std::string local_times_note(const std::string& where) const {
    if (!utc_offset || first_local == 0) return "";
    return "times without a UTC offset (first on " + where +
           ") were taken as UTC, since other values have one; outputs write the column in UTC "
           "(give every value an offset, or none, to keep the times as written)";
  }
};

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
