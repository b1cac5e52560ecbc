#pragma once
//! \file
//! Turning numbers, timestamps and durations into JSON values and short texts.

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

namespace quarry::stats {

using json = nlohmann::json;

//! A finite number as JSON, NaN and infinities as null (JSON has no NaN).
inline json num(double value) {
  return std::isfinite(value) ? json(value) : json(nullptr);
}

//! Numbers as a JSON array, each as num() writes it.
inline json nums(const std::vector<double>& values) {
  json out = json::array();
  for (const double value : values) out.push_back(num(value));
  return out;
}

//! The shortest text that reads back as exactly `value` ("nan", "inf", "-inf" otherwise).
inline std::string exact_text(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[32];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  return ec == std::errc() ? std::string(buf, end) : std::to_string(value);
}

//! `text` cut to at most `max_bytes` (at a UTF-8 character boundary) with "…" appended when
//! cut, so one huge cell cannot flood a result.
inline std::string clip_text(std::string_view text, std::size_t max_bytes = 200) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t end = max_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return std::string(text.substr(0, end)) + "\u2026";
}

//! A number for people with `digits` significant digits ("-" for NaN, "inf", "-inf").
inline std::string digits_text(double value, int digits) {
  if (std::isnan(value)) return "-";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*g", digits, value);
  return buf;
}

//! A number for people: 6 significant digits.
inline std::string short_text(double value) {
  return digits_text(value, 6);
}

//! An aggregate of the data for people (a group's sum, a resampled mean): 10 significant
//! digits, so a model quoting the text gives totals to the cent (151546.84, not 151547).
inline std::string value_text(double value) {
  return digits_text(value, 10);
}

//! A number for people with enough digits to show differences of size `scale` (e.g. a
//! column's std): 1000000000010187 rather than 1e+15 when the spread is 1e4.
//! `digits` is the precision used when |value| <= scale.
inline std::string short_text(double value, double scale, int digits = 6) {
  if (!std::isfinite(value) || !(scale > 0) || !std::isfinite(scale)) return short_text(value);
  const double ratio = std::fabs(value) / scale;
  const int extra = ratio > 1 ? static_cast<int>(std::ceil(std::log10(ratio))) : 0;
  return digits_text(value, std::min(digits + extra, 17));
}

//! A p-value for people: 4 significant digits, "< 1e-300" below that (0 means underflow).
inline std::string p_text(double p) {
  if (std::isnan(p)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, p < 1e-300 ? "< 1e-300" : "%.4g", p);  // 0: underflow
  return buf;
}

//! Microseconds per unit of a timestamp column.
[[nodiscard]] inline double micros_per_unit(sdk::TimeUnit unit) noexcept {
  switch (unit) {
    case sdk::TimeUnit::second:
      return 1e6;
    case sdk::TimeUnit::milli:
      return 1e3;
    case sdk::TimeUnit::micro:
      return 1.0;
    default:
      return 1e-3;
  }
}

//! A duration in seconds for people, e.g. "3 days 04:05:06" or "00:00:01.5".
inline std::string duration_text(double seconds) {
  const auto whole = static_cast<std::int64_t>(std::floor(seconds));
  const double frac = seconds - static_cast<double>(whole);
  const std::int64_t days = whole / 86400;
  const std::int64_t rest = whole % 86400;
  char buf[96];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld:%02lld", static_cast<long long>(rest / 3600),
                static_cast<long long>(rest / 60 % 60), static_cast<long long>(rest % 60));
  std::string out = buf;
  if (frac > 0) {
    std::snprintf(buf, sizeof buf, "%.6g", frac);
    out += std::string_view(buf).substr(1);  // ".5"
  }
  if (days > 0) out = std::to_string(days) + (days == 1 ? " day " : " days ") + out;
  return out;
}

}  // namespace quarry::stats
