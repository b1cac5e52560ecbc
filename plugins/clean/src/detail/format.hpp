#pragma once
//! \file
//! Rendering for results: numbers as JSON and short texts, clipped texts. (ISO 8601 text and
//! plain-text tables come from the SDK: quarry/sdk/iso8601.hpp, quarry/sdk/text_table.hpp.)

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "quarry/sdk/column_type.hpp"

namespace quarry::clean {

using json = nlohmann::json;

//! A finite number as JSON, NaN and infinities as null (JSON has no NaN).
inline json num(double value) {
  return std::isfinite(value) ? json(value) : json(nullptr);
}

//! `text` cut to at most `max_bytes` (at a UTF-8 character boundary) with "…" appended when
//! cut, so one huge cell cannot flood a result.
inline std::string clip_text(std::string_view text, std::size_t max_bytes = 200) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "\u2026";
}

//! Keeps in `least` the smaller of it and `text` ("" in `least`: none yet), so an example
//! shown for many values is the same whatever order workers met them in.
inline void keep_least(std::string& least, std::string_view text) {
  if (!text.empty() && (least.empty() || text < least)) least = text;
}

//! A number for people: 6 significant digits ("-" for NaN).
inline std::string short_text(double value) {
  if (std::isnan(value)) return "-";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  return buf;
}

}  // namespace quarry::clean
