#pragma once
//! \file
//! Rendering for results: numbers as JSON, ISO 8601 timestamps, clipped texts and plain-text
//! tables. The same helpers as the stats plugin's detail/format.hpp and detail/text.hpp,
//! copied so the two plugins build independently (each is built like a third-party plugin).

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

//! A number for people: 6 significant digits ("-" for NaN).
inline std::string short_text(double value) {
  if (std::isnan(value)) return "-";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  return buf;
}

//! A timestamp (a count of `unit` since the Unix epoch) as ISO 8601 UTC,
//! e.g. "2024-01-31T12:34:56Z" or "2024-01-31T12:34:56.250000Z".
inline std::string iso_timestamp(std::int64_t count, sdk::TimeUnit unit) {
  std::int64_t per_second = 1;
  switch (unit) {
    case sdk::TimeUnit::second:
      per_second = 1;
      break;
    case sdk::TimeUnit::milli:
      per_second = 1000;
      break;
    case sdk::TimeUnit::micro:
      per_second = 1000000;
      break;
    case sdk::TimeUnit::nano:
      per_second = 1000000000;
      break;
  }
  std::int64_t seconds = count / per_second;
  std::int64_t fraction = count % per_second;
  if (fraction < 0) {
    fraction += per_second;
    seconds -= 1;
  }
  std::int64_t days = seconds / 86400;
  std::int64_t rest = seconds % 86400;
  if (rest < 0) {
    rest += 86400;
    days -= 1;
  }
  // Howard Hinnant's civil_from_days.
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  char buf[64];
  int len =
      std::snprintf(buf, sizeof buf, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld",
                    static_cast<long long>(year), static_cast<long long>(month),
                    static_cast<long long>(day), static_cast<long long>(rest / 3600),
                    static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
  std::string out(buf, static_cast<std::size_t>(len));
  if (fraction != 0) {
    const int digits = per_second == 1000 ? 3 : per_second == 1000000 ? 6 : 9;
    len = std::snprintf(buf, sizeof buf, ".%0*lld", digits, static_cast<long long>(fraction));
    out.append(buf, static_cast<std::size_t>(len));
  }
  return out + "Z";
}

//! A table with a header row; the first column is left-aligned, the others right-aligned,
//! columns separated by two spaces.
inline std::string text_table(const std::vector<std::string>& header,
                              const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(header.size(), 0);
  auto widen = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  };
  widen(header);
  for (const auto& row : rows) widen(row);
  std::string out;
  auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < width.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : std::string();
      const std::string pad(width[i] - std::min(width[i], cell.size()), ' ');
      if (i > 0) line += "  ";
      line += i == 0 ? cell + pad : pad + cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  emit(header);
  for (const auto& row : rows) emit(row);
  return out;
}

}  // namespace quarry::clean
