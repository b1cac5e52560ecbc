#pragma once
//! \file
//! Reading a time column as microseconds since the Unix epoch (UTC): timestamp columns of any
//! unit, or text in ISO 8601 (the forms the host's CSV reader infers as timestamps, and a few
//! more), counting and showing what could not be parsed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detail/columns.hpp"
#include "quarry/sdk.hpp"

namespace quarry::ts {

using stats::json;

//! Microseconds per second, minute, hour and day.
inline constexpr std::int64_t kMicrosPerSecond = 1'000'000;
inline constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

//! Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
[[nodiscard]] constexpr std::int64_t days_from_civil(std::int64_t y, unsigned m,
                                                     unsigned d) noexcept {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

//! A civil date.
struct Civil {
  std::int64_t year;  //!< e.g. 2024
  unsigned month;     //!< 1..12
  unsigned day;       //!< 1..31
};

//! The civil date of a day count since 1970-01-01 (H. Hinnant's civil_from_days).
[[nodiscard]] constexpr Civil civil_from_days(std::int64_t z) noexcept {
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

//! floor(a / b) for b > 0.
[[nodiscard]] constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

namespace detail {

inline bool digits(std::string_view text, std::size_t& pos, std::size_t n, unsigned& out) noexcept {
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

inline bool is_leap(std::int64_t y) noexcept {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

inline unsigned days_in_month(std::int64_t y, unsigned m) noexcept {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

}  // namespace detail

//! Parses ISO 8601 "YYYY-MM-DD[(T| )HH:MM[:SS[.fraction]]][Z|±HH[:MM]]" into microseconds
//! since the epoch (UTC; a naive time counts as UTC). Fractions past microseconds are cut.
[[nodiscard]] inline std::optional<std::int64_t> parse_iso(std::string_view text) noexcept {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  std::size_t pos = 0;
  unsigned year = 0, month = 0, day = 0;
  auto expect = [&](char c) {
    if (pos >= text.size() || text[pos] != c) return false;
    ++pos;
    return true;
  };
  if (!detail::digits(text, pos, 4, year) || !expect('-') || !detail::digits(text, pos, 2, month) ||
      !expect('-') || !detail::digits(text, pos, 2, day)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > detail::days_in_month(year, month)) {
    return std::nullopt;
  }
  std::int64_t seconds = 0, micros = 0, offset = 0;
  if (pos < text.size()) {
    if (text[pos] != 'T' && text[pos] != ' ' && text[pos] != 't') return std::nullopt;
    ++pos;
    unsigned h = 0, m = 0, s = 0;
    if (!detail::digits(text, pos, 2, h) || !expect(':') || !detail::digits(text, pos, 2, m)) {
      return std::nullopt;
    }
    if (pos < text.size() && text[pos] == ':') {
      ++pos;
      if (!detail::digits(text, pos, 2, s)) return std::nullopt;
      if (pos < text.size() && (text[pos] == '.' || text[pos] == ',')) {
        ++pos;
        const std::size_t start = pos;
        std::int64_t scale = 100'000;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
          micros += (text[pos] - '0') * scale;
          scale /= 10;
          ++pos;
        }
        if (pos == start) return std::nullopt;
      }
    }
    if (h > 23 || m > 59 || s > 60) return std::nullopt;
    seconds = h * 3600 + m * 60 + s;
    if (pos < text.size()) {
      if (text[pos] == 'Z' || text[pos] == 'z') {
        if (++pos != text.size()) return std::nullopt;
      } else if (text[pos] == '+' || text[pos] == '-') {
        const int sign = text[pos++] == '-' ? -1 : 1;
        unsigned oh = 0, om = 0;
        if (!detail::digits(text, pos, 2, oh) || oh > 23) return std::nullopt;
        if (pos < text.size()) {
          if (text[pos] == ':') ++pos;
          if (!detail::digits(text, pos, 2, om) || om > 59) return std::nullopt;
        }
        if (pos != text.size()) return std::nullopt;
        offset = sign * static_cast<std::int64_t>(oh * 3600 + om * 60);
      } else {
        return std::nullopt;
      }
    }
  }
  return (days_from_civil(year, month, day) * 86'400 + seconds - offset) * kMicrosPerSecond +
         micros;
}

//! Microseconds per count of `unit`, as a multiplier (nanoseconds divide instead).
[[nodiscard]] inline std::int64_t micros_of(std::int64_t count, sdk::TimeUnit unit) noexcept {
  switch (unit) {
    case sdk::TimeUnit::second:
      return count * kMicrosPerSecond;
    case sdk::TimeUnit::milli:
      return count * 1000;
    case sdk::TimeUnit::micro:
      return count;
    default:
      return floor_div(count, 1000);
  }
}

//! ISO 8601 UTC text of microseconds since the epoch ("2024-01-31T12:00:00Z").
[[nodiscard]] inline std::string iso_text(std::int64_t micros) {
  return stats::iso_timestamp(micros, sdk::TimeUnit::micro);
}

//! The time column of a tool: where it is and how its values were read.
class TimeColumn {
 public:
  //! Column `name` of `schema`, which must hold timestamps or text. Throws
  //! Error(QUARRY_INVALID_ARGUMENT) naming the available columns otherwise.
  TimeColumn(const sdk::SchemaView& schema, const std::string& name) {
    ref_ = stats::require_column(schema, name, stats::Need::any, "time_column");
    if (ref_.type != sdk::ColumnType::timestamp && ref_.type != sdk::ColumnType::utf8) {
      std::string candidates;
      for (std::int64_t i = 0; i < schema.columns(); ++i) {
        const auto type = schema.field(i).type();
        if (type == sdk::ColumnType::timestamp || type == sdk::ColumnType::utf8) {
          candidates += (candidates.empty() ? "" : ", ") + std::string(schema.field(i).name());
        }
      }
      throw sdk::Error::invalid_argument(
          "time_column '" + name + "' has type " + std::string(sdk::type_name(ref_.type)) +
          "; it must hold timestamps or ISO 8601 text (candidates: " +
          (candidates.empty() ? "none" : candidates) + ")");
    }
  }

  //! Reads the rows of `chunk` into `out` (microseconds; nullopt for null cells). Text that is
  //! not IS 8601 is counted as unparseable and also read as nullopt.
  void read(const sdk::ChunkView& chunk, std::vector<std::optional<std::int64_t>>& out) {
    const sdk::ColumnView col = chunk.column(ref_.index);
    const std::int64_t rows = col.size();
    out.resize(static_cast<std::size_t>(rows));
    if (ref_.type == sdk::ColumnType::timestamp) {
      const auto v = col.timestamps();
      for (std::int64_t i = 0; i < rows; ++i) {
        out[static_cast<std::size_t>(i)] =
            v.is_valid(i) ? std::optional(micros_of(v[i], ref_.unit)) : std::nullopt;
        nulls_ += v.is_valid(i) ? 0 : 1;
      }
      return;
    }
    const auto v = col.strings();
    for (std::int64_t i = 0; i < rows; ++i) {
      auto& slot = out[static_cast<std::size_t>(i)];
      slot.reset();
      if (!v.is_valid(i) || v[i].empty()) {
        ++nulls_;
        continue;
      }
      slot = parse_iso(v[i]);
      if (!slot) {
        ++unparseable_;
        if (examples_.size() < 3) examples_.emplace_back(v[i].substr(0, 40));
      }
    }
  }

  //! Throws Error(QUARRY_INVALID_ARGUMENT) when any text could not be parsed, saying how many
  //! and showing examples.
  void check() const {
    if (unparseable_ == 0) return;
    std::string shown;
    for (const auto& e : examples_) shown += (shown.empty() ? "" : ", ") + json(e).dump();
    throw sdk::Error::invalid_argument(
        "time_column '" + ref_.name + "': " + std::to_string(unparseable_) +
        " values are not ISO 8601 timestamps (e.g. " + shown +
        "); expected forms like 2024-01-31, 2024-01-31T12:00:00, 2024-01-31 12:00:00.5+02:00. "
        "Fix the values or pass column_types {\"" +
        ref_.name + "\": \"timestamp\"} if the reader can parse them");
  }

  //! The column.
  [[nodiscard]] const stats::ColumnRef& ref() const noexcept { return ref_; }
  //! Null (or empty) cells seen.
  [[nodiscard]] std::int64_t nulls() const noexcept { return nulls_; }
  //! Text cells that were not ISO 8601.
  [[nodiscard]] std::int64_t unparseable() const noexcept { return unparseable_; }
  //! The time zone of a timestamp column ("" when naive or text).
  [[nodiscard]] std::string timezone(const sdk::SchemaView& schema) const {
    return std::string(schema.field(ref_.index).timezone());
  }

 private:
  stats::ColumnRef ref_;
  std::int64_t nulls_ = 0;
  std::int64_t unparseable_ = 0;
  std::vector<std::string> examples_;
};

}  // namespace quarry::ts
