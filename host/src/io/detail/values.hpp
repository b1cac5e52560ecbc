#pragma once
//! \file
//! Text -> typed value: the classification used by type inference and the parsers used when
//! materialising chunks. Both passes use these same functions, so a value classified as a
//! number in the first pass always parses as one in the second.

#include "io/detail/timestamp.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fast_float/fast_float.h>

namespace quarry::io::detail {

//! Classes a value may belong to (bits); a column's type is the best class shared by all of
//! its non-null values, else string.
enum ValueClass : std::uint8_t {
  kClassInt = 1,
  kClassFloat = 2,
  kClassBool = 4,
  kClassTimestamp = 8,
  kClassAll = 15,
};

//! `text` without leading and trailing spaces and tabs.
[[nodiscard]] inline std::string_view trim(std::string_view text) noexcept {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  return text.substr(begin, end - begin);
}

//! Outcome of parse_int64().
enum class IntParse : std::uint8_t { kOk, kNotInteger, kOverflow };

//! Parses [+-]digits exactly; kOverflow when the digits are fine but exceed int64.
[[nodiscard]] inline IntParse parse_int64(std::string_view text, std::int64_t& out) noexcept {
  const char* p = text.data();
  const char* end = p + text.size();
  if (p == end) return IntParse::kNotInteger;
  const bool negative = *p == '-';
  if (*p == '-' || *p == '+') ++p;
  if (p == end) return IntParse::kNotInteger;
  std::uint64_t value = 0;
  if (end - p <= 18) {  // cannot overflow
    for (; p != end; ++p) {
      const unsigned digit = static_cast<unsigned char>(*p) - '0';
      if (digit > 9) return IntParse::kNotInteger;
      value = value * 10 + digit;
    }
    out = negative ? -static_cast<std::int64_t>(value) : static_cast<std::int64_t>(value);
    return IntParse::kOk;
  }
  bool overflow = false;
  for (; p != end; ++p) {
    const unsigned digit = static_cast<unsigned char>(*p) - '0';
    if (digit > 9) return IntParse::kNotInteger;
    overflow |= __builtin_mul_overflow(value, 10U, &value);
    overflow |= __builtin_add_overflow(value, digit, &value);
  }
  const std::uint64_t limit = negative ? (std::uint64_t{1} << 63) : (std::uint64_t{1} << 63) - 1;
  if (overflow || value > limit) return IntParse::kOverflow;
  out = negative ? static_cast<std::int64_t>(0 - value) : static_cast<std::int64_t>(value);
  return IntParse::kOk;
}

//! True when `text` is a decimal or scientific number that parse_float64() accepts:
//! [+-]digits[.digits][(e|E)[+-]digits] with at least one mantissa digit. Checks the syntax
//! only (cheaper than parsing); nan/inf spellings are not covered.
[[nodiscard]] inline bool is_decimal_text(std::string_view text) noexcept {
  const char* p = text.data();
  const char* end = p + text.size();
  auto is_digit = [](char c) {
    return static_cast<unsigned>(static_cast<unsigned char>(c) - '0') <= 9;
  };
  if (p != end && *p == '+')
    ++p;
  else if (p != end && *p == '-')
    ++p;
  const char* digits = p;
  while (p != end && is_digit(*p)) ++p;
  std::ptrdiff_t count = p - digits;
  if (p != end && *p == '.') {
    const char* fraction = ++p;
    while (p != end && is_digit(*p)) ++p;
    count += p - fraction;
  }
  if (count == 0) return false;
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p != end && (*p == '+' || *p == '-')) ++p;
    if (p == end || !is_digit(*p)) return false;
    while (p != end && is_digit(*p)) ++p;
  }
  return p == end;
}

//! True when `text` is a number (is_decimal_text()) written as identifiers are: with a leading
//! zero ("02134", "-007", "00.5": zip codes, IDs) or as a phone number in international form
//! ('+' and 8 or more digits: "+15551234567"). A number type would change them (02134 written
//! back as 2134), so such values read as text. A lone zero before the point ("0", "0.5") is no
//! leading zero, and text that is no number ("007 Bond", "01/02/2024") is none of this.
[[nodiscard]] inline bool is_identifier_number(std::string_view text) noexcept {
  const auto is_digit = [](char c) {
    return static_cast<unsigned>(static_cast<unsigned char>(c) - '0') <= 9;
  };
  const std::size_t at = !text.empty() && (text[0] == '-' || text[0] == '+') ? 1 : 0;
  const bool leading_zero = text.size() > at + 1 && text[at] == '0' && is_digit(text[at + 1]);
  const bool phone = at == 1 && text[0] == '+' && text.size() >= 9 &&
                     std::all_of(text.begin() + 1, text.end(), is_digit);
  return (leading_zero || phone) && is_decimal_text(text);
}

//! Parses a decimal or scientific number, or nan / inf / infinity in any letter case with an
//! optional sign, exactly (round-to-nearest, via fast_float). The whole text must be used.
[[nodiscard]] inline bool parse_float64(std::string_view text, double& out) noexcept {
  const char* p = text.data();
  const char* end = p + text.size();
  if (p != end && *p == '+') {
    ++p;
    if (p != end && *p == '-') return false;
  }
  if (p == end) return false;
  const auto result = fast_float::from_chars(p, end, out);
  return result.ec == std::errc() && result.ptr == end;
}

//! Parses true/false, True/False, TRUE/FALSE.
[[nodiscard]] inline bool parse_bool(std::string_view text, bool& out) noexcept {
  if (text == "true" || text == "True" || text == "TRUE") {
    out = true;
    return true;
  }
  if (text == "false" || text == "False" || text == "FALSE") {
    out = false;
    return true;
  }
  return false;
}

//! `text` as the number parsers read it when the file writes numbers with `decimal` as the
//! decimal separator: unchanged for '.'; for ',' a text of number characters (digits, signs,
//! 'e', ',' and '.') has its ',' and '.' swapped into `scratch`, so that 12,5 reads as 12.5
//! and 1.234 reads as no number. Other texts (dates, times, words) are returned unchanged.
//! With a `thousands` separator ('\0': none), a number whose whole part it groups in threes
//! (1.234.567,5) first loses the separators; one that is not so grouped is left to the
//! rules above (with thousands '.' and decimal ',', 1.5 reads as no number, not as 15).
[[nodiscard]] std::string_view with_decimal_point(std::string_view text, char decimal,
                                                  char thousands, std::string& scratch);

//! How a text reads as a number written with a decimal comma, as the reader with decimal ","
//! would read it: [+-]digits,digits ("1,5", "-0,25").
enum class CommaDecimal : std::uint8_t {
  kNo,
  //! [+-]digits only: fits either separator.
  kPlainInteger,
  kYes,
};
[[nodiscard]] CommaDecimal read_comma_decimal(std::string_view text) noexcept;

//! The classes (within `candidates`) that `text` (trimmed, not null) belongs to. Sets
//! `int_overflow` when `text` is an integer beyond int64 (then classed as float only). A
//! number written as an identifier (is_identifier_number()) is neither int nor float.
[[nodiscard]] std::uint8_t classify(std::string_view text, std::uint8_t candidates,
                                    bool& int_overflow) noexcept;

//! The set of texts read as null ("", "NA", …), matched exactly.
class NullSpellings {
 public:
  //! `spellings` may include ""; the empty text is always null anyway.
  explicit NullSpellings(const std::vector<std::string>& spellings);

  [[nodiscard]] bool contains(std::string_view text) const noexcept {
    if (text.empty()) return true;
    // The first-byte test comes first: it is the same for a whole numeric column, while the
    // length test would be data-dependent (and mispredicted) there.
    if (!first_[static_cast<unsigned char>(text[0])] || text.size() > max_size_) return false;
    for (const std::string& spelling : spellings_) {
      if (spelling == text) return true;
    }
    return false;
  }
  //! True when a spelling could be read as a number (e.g. "-999"): then numbers must be
  //! checked against the spellings before the fast number paths may take them.
  [[nodiscard]] bool may_spell_number() const noexcept { return may_spell_number_; }

 private:
  std::vector<std::string> spellings_;
  bool may_spell_number_ = false;
  std::array<bool, 256> first_{};
  std::size_t max_size_ = 0;
};

}  // namespace quarry::io::detail
