#pragma once
//! \file
//! Reading text cells as typed values (what a column of text "would be"): integers,
//! floating-point numbers, booleans and ISO 8601 dates/times; and writing them back.

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace quarry::clean {

//! `text` without leading and trailing ASCII blanks (space, TAB, CR, LF).
inline std::string_view trim_blanks(std::string_view text) noexcept {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

//! Parses a whole (trimmed) text as a base-10 int64 ("+5" allowed).
inline bool parse_int64(std::string_view text, std::int64_t& out) noexcept {
  text = trim_blanks(text);
  if (text.size() > 1 && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

//! Parses a whole (trimmed) text as a finite double ("1e3", "-2.5", "+4"); NaN and
//! infinities are not numbers here.
inline bool parse_finite(std::string_view text, double& out) noexcept {
  text = trim_blanks(text);
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
  if (text.empty()) return false;
  const auto [end, ec] =
      std::from_chars(text.data(), text.data() + text.size(), out, std::chars_format::general);
  return ec == std::errc() && end == text.data() + text.size() && std::isfinite(out);
}

//! Case-insensitive equality of ASCII text.
inline bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

//! Parses true/false, yes/no, t/f, y/n, on/off (any case; not 1/0, which are numbers).
inline bool parse_bool_word(std::string_view text, bool& out) noexcept {
  text = trim_blanks(text);
  for (std::string_view t : {"true", "yes", "t", "y", "on"}) {
    if (iequals(text, t)) return out = true, true;
  }
  for (std::string_view f : {"false", "no", "f", "n", "off"}) {
    if (iequals(text, f)) return out = false, true;
  }
  return false;
}

//! Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
inline std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

//! The number of days in month `m` of year `y`.
inline unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

namespace parse_detail {
inline bool digits(std::string_view t, std::size_t& pos, std::size_t n, unsigned& out) noexcept {
  if (pos + n > t.size()) return false;
  unsigned v = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned d = static_cast<unsigned char>(t[pos + i]) - '0';
    if (d > 9) return false;
    v = v * 10 + d;
  }
  pos += n;
  out = v;
  return true;
}
}  // namespace parse_detail

//! Parses ISO 8601 "YYYY-MM-DD" optionally followed by "T" or " " and "HH:MM[:SS[.f…]]",
//! optionally "Z" or "±HH[:]MM": microseconds since the epoch, UTC (a missing offset means
//! UTC). Checks calendar ranges (no 2023-02-30).
inline bool parse_iso_timestamp(std::string_view text, std::int64_t& micros) noexcept {
  using parse_detail::digits;
  text = trim_blanks(text);
  std::size_t p = 0;
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
  if (!digits(text, p, 4, y) || p >= text.size() || text[p++] != '-') return false;
  if (!digits(text, p, 2, mo) || p >= text.size() || text[p++] != '-') return false;
  if (!digits(text, p, 2, d)) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo)) return false;
  std::int64_t fraction = 0;
  std::int64_t offset_minutes = 0;
  if (p < text.size()) {
    if (text[p] != 'T' && text[p] != ' ') return false;
    ++p;
    if (!digits(text, p, 2, h) || p >= text.size() || text[p++] != ':') return false;
    if (!digits(text, p, 2, mi)) return false;
    if (p < text.size() && text[p] == ':') {
      ++p;
      if (!digits(text, p, 2, s)) return false;
      if (p < text.size() && (text[p] == '.' || text[p] == ',')) {
        ++p;
        std::int64_t scale = 100000;
        std::size_t n = 0;
        while (p < text.size() && text[p] >= '0' && text[p] <= '9') {
          fraction += (text[p] - '0') * scale;
          scale /= 10;
          ++p;
          ++n;
        }
        if (n == 0) return false;
      }
    }
    if (h > 23 || mi > 59 || s > 59) return false;
    if (p < text.size() && text[p] == 'Z') {
      ++p;
    } else if (p < text.size() && (text[p] == '+' || text[p] == '-')) {
      const int sign = text[p++] == '-' ? -1 : 1;
      unsigned oh = 0, om = 0;
      if (!digits(text, p, 2, oh)) return false;
      if (p < text.size() && text[p] == ':') ++p;
      if (!digits(text, p, 2, om) || oh > 23 || om > 59) return false;
      offset_minutes = sign * static_cast<std::int64_t>(oh * 60 + om);
    }
    if (p != text.size()) return false;
  }
  const std::int64_t seconds =
      days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s - offset_minutes * 60;
  micros = seconds * 1000000 + fraction;
  return true;
}

//! The shortest text that reads back as exactly `value`.
inline std::string exact_text(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(value);
}

}  // namespace quarry::clean
