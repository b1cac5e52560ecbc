#pragma once
//! \file
//! Reading text cells as typed values (what a column of text "would be"): integers,
//! floating-point numbers, booleans and ISO 8601 dates/times; and writing them back.

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "quarry/sdk/iso8601.hpp"

namespace quarry::clean {

//! `text` without leading and trailing ASCII blanks (space, TAB, CR, LF).
inline std::string_view trim_blanks(std::string_view text) noexcept {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!text.empty() && blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && blank(text.back())) text.remove_suffix(1);
  return text;
}

//! True when `text` is a number written as identifiers are: with a leading zero ("02134",
//! "00.5": zip codes, IDs) or as a phone number in international form ('+' and 8 or more
//! digits). The host reads such columns as text (io/detail/values.hpp), and a number type
//! would change them. A lone zero before the point ("0", "0.5") is no leading zero. Callers
//! check that `text` is a number.
inline bool is_identifier_number(std::string_view text) noexcept {
  text = trim_blanks(text);
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  const std::size_t at = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
  if (text.size() > at + 1 && text[at] == '0' && is_digit(text[at + 1])) return true;
  return at == 1 && text[0] == '+' && text.size() >= 9 &&
         std::all_of(text.begin() + 1, text.end(), is_digit);
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

//! Reads ISO 8601 text, blanks around it ignored, as microseconds since the epoch (UTC);
//! see sdk::parse_iso8601 for the forms read. Checks calendar ranges (no 2023-02-30).
inline bool parse_iso_timestamp(std::string_view text, std::int64_t& micros) noexcept {
  const std::optional<std::int64_t> parsed = sdk::parse_iso8601(trim_blanks(text));
  if (parsed) micros = *parsed;
  return parsed.has_value();
}

//! Parses a number written for people: "$1,234.50", "1.234,5 €" (with thousands "." and
//! decimal ","), "(12)" = -12, "-€3". Currency signs $ € £ ¥ ₹ and blanks around are ignored.
inline bool parse_human_number(std::string_view text, char thousands, char decimal, double& out) {
  std::string digits;
  bool negative = false, paren = false, any = false;
  // Thousands separators only between groups of three digits of the whole part ("1,234",
  // not "1,2,3" or "999,5"), so that a decimal comma read with thousands "," fails instead of
  // giving another number.
  bool grouped = false, fraction = false;
  int group = 0;  // digits of the whole part since the last separator
  const auto groups_end_well = [&] { return !grouped || fraction || group == 3; };
  std::size_t i = 0;
  text = trim_blanks(text);
  if (!text.empty() && text.front() == '(' && text.back() == ')') {
    paren = true;
    text = text.substr(1, text.size() - 2);
  }
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      any = true;
      if (!fraction) ++group;
    } else if (c == decimal) {
      if (!groups_end_well()) return false;
      digits += '.';
      fraction = true;
    } else if (c == thousands) {
      if (!any || fraction || group == 0 || group > 3 || (grouped && group != 3)) return false;
      grouped = true;
      group = 0;
    } else if (c == '-' && !any && !negative) {
      negative = true;
    } else if (c == '+' && !any) {
    } else if (c == '$' || c == ' ') {
    } else if (static_cast<unsigned char>(c) >= 0x80) {  // € £ ¥ ₹ (multi-byte signs)
      static constexpr std::string_view kSigns[] = {"\u20ac", "\u00a3", "\u00a5", "\u20b9",
                                                    "\u00a0"};
      bool sign = false;
      for (std::string_view s : kSigns) {
        if (text.substr(i, s.size()) == s) {
          i += s.size() - 1;
          sign = true;
          break;
        }
      }
      if (!sign) return false;
    } else if ((c == 'e' || c == 'E') && any) {
      if (!groups_end_well()) return false;
      fraction = true;  // (the exponent's digits are no group)
      digits += 'e';
      if (i + 1 < text.size() && (text[i + 1] == '-' || text[i + 1] == '+')) digits += text[++i];
    } else {
      return false;
    }
  }
  if (!any || !groups_end_well() || !parse_finite(digits, out)) return false;
  if (negative != paren) out = -out;
  if (negative && paren) return false;
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
