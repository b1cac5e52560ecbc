#include "io/detail/values.hpp"
#include "quarry/sdk/iso8601.hpp"

#include <algorithm>

namespace quarry::io::detail {
namespace {

bool starts_number(char c) noexcept {
  return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
}

bool starts_special_float(char c) noexcept {
  return c == 'n' || c == 'N' || c == 'i' || c == 'I';
}

bool starts_bool(char c) noexcept {
  return c == 't' || c == 'T' || c == 'f' || c == 'F';
}

std::uint8_t classify_numeric(std::string_view text, std::uint8_t candidates,
                              bool& int_overflow) noexcept {
  if (is_identifier_number(text)) candidates &= ~(kClassInt | kClassFloat);
  if ((candidates & kClassInt) != 0) {
    std::int64_t ignored = 0;
    switch (parse_int64(text, ignored)) {
      case IntParse::kOk:
        return candidates & (kClassInt | kClassFloat);
      case IntParse::kOverflow:
        int_overflow = true;
        return candidates & kClassFloat;
      case IntParse::kNotInteger:
        break;
    }
  }
  if ((candidates & kClassTimestamp) != 0 && may_be_timestamp(text) && sdk::parse_iso8601(text)) {
    return kClassTimestamp;
  }
  if ((candidates & kClassFloat) == 0) return 0;
  if (is_decimal_text(text)) return kClassFloat;
  double value = 0;  // "-inf", "+nan", …
  return parse_float64(text, value) ? kClassFloat : 0;
}

}  // namespace

std::uint8_t classify(std::string_view text, std::uint8_t candidates, bool& int_overflow) noexcept {
  if (text.empty() || candidates == 0) return 0;
  const char first = text[0];
  if (starts_number(first)) return classify_numeric(text, candidates, int_overflow);
  double number = 0;
  if ((candidates & kClassFloat) != 0 && starts_special_float(first) &&
      parse_float64(text, number)) {
    return kClassFloat;
  }
  bool flag = false;
  if ((candidates & kClassBool) != 0 && starts_bool(first) && parse_bool(text, flag)) {
    return kClassBool;
  }
  return 0;
}

CommaDecimal read_comma_decimal(std::string_view text) noexcept {
  std::size_t i = 0;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) ++i;
  const auto digits = [&] {
    const std::size_t from = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i - from;
  };
  if (digits() == 0) return CommaDecimal::kNo;
  if (i == text.size()) return CommaDecimal::kPlainInteger;
  if (text[i] != ',') return CommaDecimal::kNo;
  ++i;
  return digits() > 0 && i == text.size() ? CommaDecimal::kYes : CommaDecimal::kNo;
}

namespace {

//! Writes `text` to `scratch` without its thousands separators when they group its whole
//! part in threes ("-1.234.567,5" with '.' and ','); false (scratch unspecified) otherwise.
bool strip_thousands(std::string_view text, char thousands, char decimal, std::string& scratch) {
  if (text.find(thousands) == std::string_view::npos) return false;
  const auto digit = [&](std::size_t at) {
    return at < text.size() && text[at] >= '0' && text[at] <= '9';
  };
  std::size_t i = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
  const std::size_t digits_from = i;
  while (digit(i)) ++i;
  if (i == digits_from || i - digits_from > 3) return false;
  scratch.assign(text.substr(0, i));
  while (i < text.size() && text[i] == thousands) {
    if (!digit(i + 1) || !digit(i + 2) || !digit(i + 3) || digit(i + 4)) return false;
    scratch.append(text.substr(i + 1, 3));
    i += 4;
  }
  if (i < text.size() && text[i] != decimal && text[i] != 'e' && text[i] != 'E') return false;
  if (text.substr(i).find(thousands) != std::string_view::npos) return false;  // past the point
  scratch.append(text.substr(i));
  return true;
}

}  // namespace

std::string_view with_decimal_point(std::string_view text, char decimal, char thousands,
                                    std::string& scratch) {
  if (thousands != '\0' && strip_thousands(text, thousands, decimal, scratch)) {
    std::replace(scratch.begin(), scratch.end(), decimal, '.');
    return scratch;
  }
  if (decimal == '.') return text;
  bool separator = false;
  for (const char c : text) {
    const bool number_character = (c >= '0' && c <= '9') || c == '-' || c == '+' || c == 'e' ||
                                  c == 'E' || c == '.' || c == decimal;
    if (!number_character) return text;
    separator = separator || c == '.' || c == decimal;
  }
  if (!separator) return text;
  scratch.assign(text);
  for (char& c : scratch) {
    if (c == decimal) {
      c = '.';
    } else if (c == '.') {
      c = decimal;
    }
  }
  return scratch;
}

NullSpellings::NullSpellings(const std::vector<std::string>& spellings) {
  for (const std::string& spelling : spellings) {
    if (spelling.empty()) continue;
    spellings_.push_back(spelling);
    first_[static_cast<unsigned char>(spelling[0])] = true;
    if (spelling.size() > max_size_) max_size_ = spelling.size();
    if (starts_number(spelling[0])) may_spell_number_ = true;
  }
}

}  // namespace quarry::io::detail
