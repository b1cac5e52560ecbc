#include "io/detail/timestamp.hpp"

#include <cstdio>

namespace quarry::io::detail {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;

//! Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
  std::int64_t year;
  unsigned month;
  unsigned day;
};

Civil civil_from_days(std::int64_t z) noexcept {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

bool is_leap(std::int64_t y) noexcept {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

//! Reads exactly `n` digits at `pos`; advances `pos`.
bool digits(std::string_view text, std::size_t& pos, std::size_t n, unsigned& out) noexcept {
  if (pos + n > text.size()) return false;
  unsigned value = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned d = static_cast<unsigned char>(text[pos + i]) - '0';
    if (d > 9) return false;
    value = value * 10 + d;
  }
  pos += n;
  out = value;
  return true;
}

bool expect(std::string_view text, std::size_t& pos, char c) noexcept {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

//! Parses ".fraction" (any number of digits, truncated to microseconds).
bool fraction(std::string_view text, std::size_t& pos, std::int64_t& micros) noexcept {
  if (pos >= text.size() || (text[pos] != '.' && text[pos] != ',')) return true;
  ++pos;
  const std::size_t start = pos;
  std::int64_t value = 0;
  std::int64_t scale = 100'000;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    value += (text[pos] - '0') * scale;
    scale /= 10;
    ++pos;
  }
  micros = value;
  return pos > start;
}

//! Parses "", "Z", "±HH", "±HHMM" or "±HH:MM" up to the end; returns the offset in seconds.
bool zone(std::string_view text, std::size_t& pos, std::int64_t& offset_seconds) noexcept {
  offset_seconds = 0;
  if (pos == text.size()) return true;
  if (text[pos] == 'Z' || text[pos] == 'z') return ++pos == text.size();
  if (text[pos] != '+' && text[pos] != '-') return false;
  const int sign = text[pos++] == '-' ? -1 : 1;
  unsigned hours = 0;
  unsigned minutes = 0;
  if (!digits(text, pos, 2, hours) || hours > 23) return false;
  if (pos < text.size()) {
    expect(text, pos, ':');
    if (!digits(text, pos, 2, minutes) || minutes > 59) return false;
  }
  offset_seconds = sign * static_cast<std::int64_t>(hours * 3600 + minutes * 60);
  return pos == text.size();
}

//! Parses "HH:MM[:SS[.f]]" into seconds of the day and microseconds.
bool time_of_day(std::string_view text, std::size_t& pos, std::int64_t& seconds,
                 std::int64_t& micros) noexcept {
  unsigned h = 0;
  unsigned m = 0;
  unsigned s = 0;
  if (!digits(text, pos, 2, h) || !expect(text, pos, ':') || !digits(text, pos, 2, m)) return false;
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!digits(text, pos, 2, s) || !fraction(text, pos, micros)) return false;
  }
  if (h > 23 || m > 59 || s > 59) return false;
  seconds = h * 3600 + m * 60 + s;
  return true;
}

}  // namespace

std::optional<std::int64_t> parse_timestamp(std::string_view text) noexcept {
  std::size_t pos = 0;
  unsigned year = 0;
  unsigned month = 0;
  unsigned day = 0;
  if (!digits(text, pos, 4, year) || !expect(text, pos, '-') || !digits(text, pos, 2, month) ||
      !expect(text, pos, '-') || !digits(text, pos, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month)) return std::nullopt;
  std::int64_t seconds = 0;
  std::int64_t micros = 0;
  std::int64_t offset = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ' && text[pos] != 't') return std::nullopt;
    ++pos;
    if (!time_of_day(text, pos, seconds, micros) || !zone(text, pos, offset)) return std::nullopt;
  }
  const std::int64_t days = days_from_civil(year, month, day);
  return (days * kSecondsPerDay + seconds - offset) * kMicrosPerSecond + micros;
}

std::size_t format_timestamp(std::int64_t micros, char* out) noexcept {
  std::int64_t seconds = micros / kMicrosPerSecond;
  std::int64_t fraction_us = micros % kMicrosPerSecond;
  if (fraction_us < 0) {
    fraction_us += kMicrosPerSecond;
    --seconds;
  }
  std::int64_t days = seconds / kSecondsPerDay;
  std::int64_t second_of_day = seconds % kSecondsPerDay;
  if (second_of_day < 0) {
    second_of_day += kSecondsPerDay;
    --days;
  }
  const Civil date = civil_from_days(days);
  int n = std::snprintf(out, kTimestampTextSize, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(date.year), date.month, date.day,
                        static_cast<long long>(second_of_day / 3600),
                        static_cast<long long>(second_of_day / 60 % 60),
                        static_cast<long long>(second_of_day % 60));
  if (fraction_us != 0) {
    n += std::snprintf(out + n, kTimestampTextSize - static_cast<std::size_t>(n), ".%06lld",
                       static_cast<long long>(fraction_us));
    while (out[n - 1] == '0') --n;
  }
  out[n++] = 'Z';
  return static_cast<std::size_t>(n);
}

}  // namespace quarry::io::detail
