#pragma once
//! \file
//! Text helpers for configuration values written as strings (environment variables and
//! command-line overrides): trimming, quoting, integers, booleans, lists (and the edit distance
//! of quarry/text/nearest_name.hpp).
//! Private to the config library; header-only because only config.cpp includes it.

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "quarry/text/nearest_name.hpp"

namespace quarry::config::detail {

//! `text` without leading and trailing ASCII whitespace.
inline std::string_view trim(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const auto first = text.find_first_not_of(kSpace);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(kSpace);
  return text.substr(first, last - first + 1);
}

//! ASCII lower-case copy of `text` (locale-independent).
inline std::string to_lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

//! ASCII upper-case copy of `text` (locale-independent).
inline std::string to_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

//! `text` as a TOML basic string: double-quoted, with `"`, `\` and control characters escaped.
inline std::string quote(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char escaped[8];
          std::snprintf(escaped, sizeof escaped, "\\u%04X", static_cast<unsigned>(c));
          out += escaped;
        } else {
          out += c;
        }
    }
  }
  return out + '"';
}

//! Why a decimal integer could not be read.
enum class DecimalError { kNone, kNotANumber, kTooLarge };

//! Result of parse_decimal(): `value` is meaningful only when `error` is kNone.
struct Decimal {
  std::uint64_t value = 0;
  DecimalError error = DecimalError::kNone;
};

//! Parses a plain, non-negative decimal integer made only of the digits 0-9.
//! Signs, spaces, separators, hexadecimal and fractions are kNotANumber.
inline Decimal parse_decimal(std::string_view text) {
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  if (text.empty() || !std::all_of(text.begin(), text.end(), is_digit)) {
    return {0, DecimalError::kNotANumber};
  }
  Decimal out;
  const auto result = std::from_chars(text.data(), text.data() + text.size(), out.value);
  if (result.ec == std::errc::result_out_of_range) out.error = DecimalError::kTooLarge;
  return out;
}

//! Parses true/false, 1/0, yes/no, on/off (ASCII case-insensitive); nullopt otherwise.
inline std::optional<bool> parse_bool(std::string_view text) {
  const std::string word = to_lower(text);
  if (word == "true" || word == "1" || word == "yes" || word == "on") return true;
  if (word == "false" || word == "0" || word == "no" || word == "off") return false;
  return std::nullopt;
}

//! Splits a comma-separated list; items are trimmed and empty items dropped.
inline std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  while (true) {
    const auto comma = text.find(',');
    const std::string_view item = trim(text.substr(0, comma));
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) return items;
    text.remove_prefix(comma + 1);
  }
}

//! Parses a TOML array of strings such as `["a", 'b']`. On failure returns nullopt and sets
//! `error` to a short description of the problem.
inline std::optional<std::vector<std::string>> parse_string_array(std::string_view text,
                                                                  std::string& error) {
  toml::table document;
  try {
    document = toml::parse("value = " + std::string(text));
  } catch (const toml::parse_error& e) {
    error = "not a valid TOML array (" + std::string(e.description()) + ")";
    return std::nullopt;
  }
  const toml::array* array = document["value"].as_array();
  if (array == nullptr || document.size() != 1) {
    error = "not a single TOML array";
    return std::nullopt;
  }
  std::vector<std::string> items;
  for (const toml::node& element : *array) {
    const auto* item = element.as_string();
    if (item == nullptr) {
      error = "array element " + std::to_string(items.size() + 1) + " is not a string";
      return std::nullopt;
    }
    items.push_back(item->get());
  }
  return items;
}

using quarry::text::edit_distance;

//! Joins `items` with `separator`.
inline std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

}  // namespace quarry::config::detail
