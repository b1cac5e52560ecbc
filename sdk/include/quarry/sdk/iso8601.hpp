#pragma once
//! \file
//! Dates and times as plugins meet them: the proleptic Gregorian calendar (days since
//! 1970-01-01 <-> year, month, day), ISO 8601 text -> microseconds since the Unix epoch, and
//! timestamp column values -> ISO 8601 text. The host's readers infer timestamp columns with
//! the same parser, so a plugin reading text accepts exactly what the host would have typed.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "quarry/sdk/column_type.hpp"

namespace quarry::sdk {

//! A date of the proleptic Gregorian calendar.
struct CivilDate {
  std::int64_t year;  //!< e.g. 2024; 0 is 1 BC
  unsigned month;     //!< 1..12
  unsigned day;       //!< 1..31
};

//! Days since 1970-01-01 of a date (H. Hinnant's days_from_civil); `month` 1..12.
[[nodiscard]] constexpr std::int64_t days_from_civil(std::int64_t year, unsigned month,
                                                     unsigned day) noexcept {
  year -= month <= 2 ? 1 : 0;
  const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
  const auto yoe = static_cast<unsigned>(year - era * 400);
  const unsigned doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

//! The date `days` days after 1970-01-01 (H. Hinnant's civil_from_days).
[[nodiscard]] constexpr CivilDate civil_from_days(std::int64_t days) noexcept {
  days += 719468;
  const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned day = doy - (153 * mp + 2) / 5 + 1;
  const unsigned month = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

//! True for Gregorian leap years.
[[nodiscard]] constexpr bool is_leap_year(std::int64_t year) noexcept {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

//! Days in `month` (1..12) of `year`.
[[nodiscard]] constexpr unsigned days_in_month(std::int64_t year, unsigned month) noexcept {
  constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && is_leap_year(year) ? 29 : kDays[month - 1];
}

namespace detail {

//! A cursor over ISO 8601 text.
class Iso8601Cursor {
 public:
  explicit constexpr Iso8601Cursor(std::string_view text) noexcept : text_(text) {}

  [[nodiscard]] constexpr bool at_end() const noexcept { return pos_ == text_.size(); }
  [[nodiscard]] constexpr bool next_is(char c) const noexcept {
    return pos_ < text_.size() && text_[pos_] == c;
  }
  //! Skips `c` if it is next.
  constexpr bool skip(char c) noexcept {
    if (!next_is(c)) return false;
    ++pos_;
    return true;
  }
  //! Reads exactly `count` digits.
  constexpr bool digits(std::size_t count, unsigned& out) noexcept {
    if (pos_ + count > text_.size()) return false;
    unsigned value = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const unsigned digit =
          static_cast<unsigned>(static_cast<unsigned char>(text_[pos_ + i])) - '0';
      if (digit > 9) return false;
      value = value * 10 + digit;
    }
    pos_ += count;
    out = value;
    return true;
  }
  //! Reads "[.,]digits" if there, as microseconds (digits past the sixth are cut off).
  constexpr bool fraction(std::int64_t& micros) noexcept {
    if (!skip('.') && !skip(',')) return true;
    const std::size_t start = pos_;
    std::int64_t scale = 100'000;
    for (; pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9'; ++pos_) {
      micros += (text_[pos_] - '0') * scale;
      scale /= 10;
    }
    return pos_ > start;
  }
  //! Reads "Z", "±HH", "±HHMM" or "±HH:MM" up to the end, or nothing at the end; the offset
  //! from UTC in seconds.
  constexpr bool zone(std::int64_t& offset_seconds) noexcept {
    if (at_end()) return true;
    if (skip('Z') || skip('z')) return at_end();
    const bool minus = next_is('-');
    if (!skip('+') && !skip('-')) return false;
    unsigned hours = 0, minutes = 0;
    if (!digits(2, hours) || hours > 23) return false;
    if (!at_end()) {
      skip(':');
      if (!digits(2, minutes) || minutes > 59) return false;
    }
    offset_seconds = (minus ? -1 : 1) * static_cast<std::int64_t>(hours * 3600 + minutes * 60);
    return at_end();
  }

 private:
  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace detail

//! Microseconds since 1970-01-01T00:00:00Z of ISO 8601 text "YYYY-MM-DD", optionally followed
//! by 'T' (or 't' or a space) and "HH:MM[:SS[.fraction]]", then optionally 'Z' or an offset
//! "±HH:MM" / "±HHMM" / "±HH". A time without an offset is taken as UTC; fraction digits past
//! microseconds are cut off. nullopt for anything else, surrounding spaces included, and for
//! dates and times that do not exist (month 13, 31 April, 29 February 2023, hour 24, second
//! 60).
[[nodiscard]] constexpr std::optional<std::int64_t> parse_iso8601(std::string_view text) noexcept {
  detail::Iso8601Cursor at(text);
  unsigned year = 0, month = 0, day = 0;
  if (!at.digits(4, year) || !at.skip('-') || !at.digits(2, month) || !at.skip('-') ||
      !at.digits(2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  std::int64_t seconds = 0, micros = 0, offset = 0;
  if (!at.at_end()) {
    if (!at.skip('T') && !at.skip('t') && !at.skip(' ')) return std::nullopt;
    unsigned hour = 0, minute = 0, second = 0;
    if (!at.digits(2, hour) || !at.skip(':') || !at.digits(2, minute)) return std::nullopt;
    if (at.skip(':') && (!at.digits(2, second) || !at.fraction(micros))) return std::nullopt;
    if (hour > 23 || minute > 59 || second > 59 || !at.zone(offset)) return std::nullopt;
    seconds = hour * 3600 + minute * 60 + second;
  }
  return (days_from_civil(year, month, day) * 86'400 + seconds - offset) * 1'000'000 + micros;
}

//! ISO 8601 UTC text of `count` units since the epoch: "2024-01-31T12:34:56Z", with a fraction
//! of as many digits as the unit has (3, 6 or 9) when it is not zero:
//! "2024-01-31T12:34:56.250000Z" for microseconds.
[[nodiscard]] inline std::string iso8601_text(std::int64_t count, TimeUnit unit) {
  std::int64_t per_second = 1;
  int fraction_digits = 0;
  switch (unit) {
    case TimeUnit::second:
      break;
    case TimeUnit::milli:
      per_second = 1'000;
      fraction_digits = 3;
      break;
    case TimeUnit::micro:
      per_second = 1'000'000;
      fraction_digits = 6;
      break;
    case TimeUnit::nano:
      per_second = 1'000'000'000;
      fraction_digits = 9;
      break;
  }
  // Floor division: times before 1970 count back from the second before.
  std::int64_t seconds = count / per_second;
  std::int64_t fraction = count % per_second;
  if (fraction < 0) {
    fraction += per_second;
    seconds -= 1;
  }
  std::int64_t days = seconds / 86'400;
  std::int64_t second_of_day = seconds % 86'400;
  if (second_of_day < 0) {
    second_of_day += 86'400;
    days -= 1;
  }
  const CivilDate date = civil_from_days(days);
  char text[64];
  int length = std::snprintf(
      text, sizeof text, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", static_cast<long long>(date.year),
      date.month, date.day, static_cast<long long>(second_of_day / 3600),
      static_cast<long long>(second_of_day / 60 % 60), static_cast<long long>(second_of_day % 60));
  if (fraction != 0) {
    length += std::snprintf(text + length, sizeof text - static_cast<std::size_t>(length),
                            ".%0*lld", fraction_digits, static_cast<long long>(fraction));
  }
  return std::string(text, static_cast<std::size_t>(length)) + "Z";
}

}  // namespace quarry::sdk
