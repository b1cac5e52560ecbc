#pragma once
//! \file
//! strptime-style parsing of dates and times with explicit formats (%Y %y %m %d %H %I %M %S
//! %f %p %b %B %z %%; other characters match themselves, a space matches any run of blanks),
//! a list of common formats tried in order when none is given, and ISO 8601 output.

#include <cctype>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "detail/parse.hpp"
#include "quarry/sdk/iso8601.hpp"

namespace quarry::clean {

//! A parsed date and time, local to the UTC offset it was written with, if any.
struct DateTime {
  std::int64_t year = 1970;
  unsigned month = 1, day = 1, hour = 0, minute = 0, second = 0;
  std::int64_t micros = 0;
  bool has_time = false;    //!< the format had a time part
  bool has_offset = false;  //!< the text gave a UTC offset (%z)
  int offset_minutes = 0;   //!< that offset: local time minus UTC
};

namespace datetime_detail {
inline bool number(std::string_view t, std::size_t& p, std::size_t min, std::size_t max,
                   std::int64_t& out) {
  std::size_t n = 0;
  std::int64_t v = 0;
  while (p + n < t.size() && n < max && t[p + n] >= '0' && t[p + n] <= '9')
    v = v * 10 + (t[p + n++] - '0');
  if (n < min) return false;
  p += n;
  out = v;
  return true;
}
inline bool month_name(std::string_view t, std::size_t& p, bool full, std::int64_t& out) {
  static constexpr const char* kNames[12] = {"january",   "february", "march",    "april",
                                             "may",       "june",     "july",     "august",
                                             "september", "october",  "november", "december"};
  for (int m = 0; m < 12; ++m) {
    const std::string_view name(kNames[m]);
    const std::size_t len = full ? name.size() : 3;
    if (p + len <= t.size() && iequals(t.substr(p, len), name.substr(0, len))) {
      p += len;
      out = m + 1;
      return true;
    }
  }
  return false;
}
//! %z as pandas' to_datetime reads it: Z (or z), or a sign with HH, HHMM or HH:MM.
inline bool utc_offset(std::string_view t, std::size_t& p, int& minutes) {
  if (p < t.size() && (t[p] == 'Z' || t[p] == 'z')) {
    ++p;
    minutes = 0;
    return true;
  }
  if (p >= t.size() || (t[p] != '+' && t[p] != '-')) return false;
  const int sign = t[p] == '-' ? -1 : 1;
  std::size_t q = p + 1;
  std::int64_t hours = 0, mins = 0;
  if (!number(t, q, 2, 2, hours)) return false;
  const bool colon = q < t.size() && t[q] == ':';
  if (colon) ++q;
  const bool has_minutes = q < t.size() && t[q] >= '0' && t[q] <= '9';
  if ((colon || has_minutes) && !number(t, q, 2, 2, mins)) return false;
  if (hours > 23 || mins > 59) return false;
  p = q;
  minutes = sign * static_cast<int>(hours * 60 + mins);
  return true;
}
}  // namespace datetime_detail

//! Parses all of `text` with `format`; checks calendar ranges.
inline bool parse_datetime(std::string_view text, std::string_view format, DateTime& out) {
  using namespace datetime_detail;
  text = trim_blanks(text);
  DateTime d;
  std::size_t p = 0;
  bool pm = false, twelve = false;
  for (std::size_t f = 0; f < format.size(); ++f) {
    const char c = format[f];
    if (c == ' ') {
      if (p >= text.size() || !std::isspace(static_cast<unsigned char>(text[p]))) return false;
      while (p < text.size() && std::isspace(static_cast<unsigned char>(text[p]))) ++p;
      continue;
    }
    if (c != '%' || f + 1 >= format.size()) {
      if (p >= text.size() || text[p] != c) return false;
      ++p;
      continue;
    }
    std::int64_t v = 0;
    switch (format[++f]) {
      case 'Y':
        if (!number(text, p, 4, 4, v)) return false;
        d.year = v;
        break;
      case 'y':
        if (!number(text, p, 2, 2, v)) return false;
        d.year = v < 69 ? 2000 + v : 1900 + v;  // POSIX strptime's pivot
        break;
      case 'm':
        if (!number(text, p, 1, 2, v)) return false;
        d.month = static_cast<unsigned>(v);
        break;
      case 'd':
        if (!number(text, p, 1, 2, v)) return false;
        d.day = static_cast<unsigned>(v);
        break;
      case 'H':
      case 'I':
        if (!number(text, p, 1, 2, v)) return false;
        d.hour = static_cast<unsigned>(v);
        twelve = format[f] == 'I';
        d.has_time = true;
        break;
      case 'M':
        if (!number(text, p, 1, 2, v)) return false;
        d.minute = static_cast<unsigned>(v);
        d.has_time = true;
        break;
      case 'S':
        if (!number(text, p, 1, 2, v)) return false;
        d.second = static_cast<unsigned>(v);
        d.has_time = true;
        break;
      case 'f': {
        const std::size_t start = p;
        if (!number(text, p, 1, 6, v)) return false;
        for (std::size_t n = p - start; n < 6; ++n) v *= 10;
        d.micros = v;
        break;
      }
      case 'p':
        if (p + 2 > text.size()) return false;
        if (iequals(text.substr(p, 2), "pm")) {
          pm = true;
        } else if (!iequals(text.substr(p, 2), "am")) {
          return false;
        }
        p += 2;
        break;
      case 'b':
      case 'B':
        if (!month_name(text, p, format[f] == 'B', v)) return false;
        d.month = static_cast<unsigned>(v);
        break;
      case 'z':
        if (!utc_offset(text, p, d.offset_minutes)) return false;
        d.has_offset = true;
        break;
      case '%':
        if (p >= text.size() || text[p] != '%') return false;
        ++p;
        break;
      default:
        return false;
    }
  }
  if (p != text.size()) return false;
  if (twelve) {
    if (d.hour < 1 || d.hour > 12) return false;
    d.hour = d.hour % 12 + (pm ? 12 : 0);
  }
  if (d.month < 1 || d.month > 12 || d.day < 1 || d.day > sdk::days_in_month(d.year, d.month))
    return false;
  if (d.hour > 23 || d.minute > 59 || d.second > 59) return false;
  out = d;
  return true;
}

//! The formats tried in order when none is given: ISO 8601 first (with or without a UTC
//! offset), then month-first before day-first like pandas' to_datetime (dayfirst=False), then
//! other common spellings. Two-digit years (03/15/24) take strptime's pivot: 69-99 are 19xx.
inline const std::vector<std::string>& detected_formats() {
  static const std::vector<std::string> kFormats = {"%Y-%m-%d",
                                                    "%Y-%m-%dT%H:%M:%S",
                                                    "%Y-%m-%d %H:%M:%S",
                                                    "%Y-%m-%dT%H:%M:%S.%f",
                                                    "%Y-%m-%d %H:%M:%S.%f",
                                                    "%Y-%m-%dT%H:%M",
                                                    "%Y-%m-%d %H:%M",
                                                    "%Y-%m-%dT%H:%M:%S%z",
                                                    "%Y-%m-%d %H:%M:%S%z",
                                                    "%Y-%m-%dT%H:%M:%S.%f%z",
                                                    "%Y-%m-%d %H:%M:%S.%f%z",
                                                    "%Y-%m-%dT%H:%M%z",
                                                    "%Y/%m/%d",
                                                    "%Y/%m/%d %H:%M:%S",
                                                    "%m/%d/%Y",
                                                    "%m/%d/%Y %H:%M:%S",
                                                    "%m/%d/%Y %H:%M",
                                                    "%m/%d/%Y %I:%M %p",
                                                    "%m/%d/%Y %I:%M:%S %p",
                                                    "%m/%d/%y",
                                                    "%m/%d/%y %H:%M",
                                                    "%d/%m/%Y",
                                                    "%d/%m/%Y %H:%M:%S",
                                                    "%d/%m/%y",
                                                    "%d.%m.%Y",
                                                    "%d.%m.%Y %H:%M:%S",
                                                    "%d.%m.%y",
                                                    "%d-%m-%Y",
                                                    "%d %b %Y",
                                                    "%d %B %Y",
                                                    "%b %d %Y",
                                                    "%b %d, %Y",
                                                    "%B %d %Y",
                                                    "%B %d, %Y",
                                                    "%Y%m%d"};
  return kFormats;
}

//! ISO 8601 text: "YYYY-MM-DD" for dates, "YYYY-MM-DDTHH:MM:SS[.ffffff]" with a time, and a
//! time read with a UTC offset as that instant in UTC, marked "Z" (as pandas' utc=True).
inline std::string iso_text(const DateTime& d) {
  if (d.has_offset) {
    const std::int64_t seconds = sdk::days_from_civil(d.year, d.month, d.day) * 86400 +
                                 d.hour * 3600 + d.minute * 60 + d.second -
                                 std::int64_t{d.offset_minutes} * 60;
    return sdk::iso8601_text(seconds * 1'000'000 + d.micros, sdk::TimeUnit::micro);
  }
  char buf[48];
  if (!d.has_time) {
    std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(d.year), d.month,
                  d.day);
    return buf;
  }
  const int n =
      std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02u:%02u:%02u",
                    static_cast<long long>(d.year), d.month, d.day, d.hour, d.minute, d.second);
  if (d.micros != 0)
    std::snprintf(buf + n, sizeof buf - static_cast<std::size_t>(n), ".%06lld",
                  static_cast<long long>(d.micros));
  return buf;
}

}  // namespace quarry::clean
