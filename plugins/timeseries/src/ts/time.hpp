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
#include "quarry/sdk/iso8601.hpp"

namespace quarry::ts {

using stats::json;

//! Microseconds per second, minute, hour and day.
inline constexpr std::int64_t kMicrosPerSecond = 1'000'000;
inline constexpr std::int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

//! floor(a / b) for b > 0.
[[nodiscard]] constexpr std::int64_t floor_div(std::int64_t a, std::int64_t b) noexcept {
  const std::int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

//! Microseconds since the epoch of ISO 8601 text, spaces around it ignored (see
//! sdk::parse_iso8601 for the forms read).
[[nodiscard]] inline std::optional<std::int64_t> parse_iso(std::string_view text) noexcept {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return sdk::parse_iso8601(text);
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
  return sdk::iso8601_text(micros, sdk::TimeUnit::micro);
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

  //! Throws Error(QUARRY_INVALID_ARGUMENT) when any text could not be parsed, saying how many,
  //! showing examples and naming the tool that converts other date formats.
  void check() const {
    if (unparseable_ == 0) return;
    std::string shown;
    for (const auto& e : examples_) shown += (shown.empty() ? "" : ", ") + json(e).dump();
    // Not column_types {"…": "timestamp"}: the reader reads only ISO 8601 as timestamps and
    // turns every other value into null, so those rows would vanish from the series.
    throw sdk::Error::invalid_argument(
        "time_column '" + ref_.name + "': " + std::to_string(unparseable_) +
        " values are not ISO 8601 timestamps (e.g. " + shown +
        "); expected forms like 2024-01-31, 2024-01-31T12:00:00, 2024-01-31 12:00:00.5+02:00. "
        "Convert the column first with clean_normalize {\"columns\": {\"" +
        ref_.name +
        "\": {\"parse\": \"date\"}}, \"output\": {...}} (it reads mixed date formats, or the "
        "strptime 'formats' you list, and writes ISO 8601) and run this tool on its output. "
        "column_types {\"" +
        ref_.name + "\": \"timestamp\"} does not help: values not in ISO 8601 become null");
  }

  //! The note for `rows` rows left out for a null time. A timestamp column may have been text
  //! read with column_types {"…": "timestamp"}, which makes every value not in ISO 8601 null.
  [[nodiscard]] std::string no_time_note(std::int64_t rows) const {
    std::string note = std::to_string(rows) + " rows without a time (null or empty) were left out";
    if (ref_.type == sdk::ColumnType::timestamp) {
      note += "; if column_types made '" + ref_.name +
              "' a timestamp, these may be dates in other formats (read as null): convert them "
              "with clean_normalize {\"columns\": {\"" +
              ref_.name + "\": {\"parse\": \"date\"}}} instead";
    }
    return note;
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
