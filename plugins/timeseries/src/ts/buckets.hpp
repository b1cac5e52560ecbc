#pragma once
//! \file
//! Time buckets for resampling: which bucket an instant falls in for a frequency (fixed
//! durations, Monday-based weeks, calendar months) in a fixed UTC offset, and where each bucket
//! starts. Buckets are closed on the left and labelled by their start, like pandas'
//! resample("1h"/"1D"/"MS"/"QS"/"AS"/"W-MON", closed="left", label="left").

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "quarry/sdk.hpp"
#include "ts/frequency.hpp"
#include "ts/time.hpp"

namespace quarry::ts {

namespace detail {

//! Reads exactly `count` digits at `pos` into `out`; advances `pos`.
inline bool digits(std::string_view text, std::size_t& pos, std::size_t count,
                   unsigned& out) noexcept {
  if (pos + count > text.size()) return false;
  unsigned value = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const unsigned digit = static_cast<unsigned char>(text[pos + i]) - '0';
    if (digit > 9) return false;
    value = value * 10 + digit;
  }
  pos += count;
  out = value;
  return true;
}

}  // namespace detail

//! Parses a time zone given as a fixed offset: "UTC", "Z", "+02:00", "-0530", "+05". Throws
//! Error(QUARRY_INVALID_ARGUMENT) for names such as "Europe/Paris" (no time zone database in
//! the plugin: daylight-saving changes are not modelled) saying what to write instead.
[[nodiscard]] inline std::int64_t parse_utc_offset(std::string_view text) {
  if (text.empty() || text == "UTC" || text == "Z" || text == "utc" || text == "GMT") return 0;
  std::size_t pos = 0;
  if (text.substr(0, 3) == "UTC") pos = 3;
  if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    unsigned h = 0, m = 0;
    if (detail::digits(text, pos, 2, h) && h <= 23) {
      if (pos < text.size() && text[pos] == ':') ++pos;
      if (pos == text.size() ||
          (detail::digits(text, pos, 2, m) && m <= 59 && pos == text.size())) {
        return sign * static_cast<std::int64_t>(h * 3600 + m * 60) * kMicrosPerSecond;
      }
    }
  }
  throw sdk::Error::invalid_argument(
      "timezone \"" + std::string(text) +
      "\" is not a fixed UTC offset; write \"UTC\" or an offset such as \"+02:00\" or "
      "\"-05:00\" (named zones like Europe/Paris are not supported: daylight-saving shifts "
      "would need a time zone database)");
}

//! "Z" or "+02:00" for an offset in microseconds.
[[nodiscard]] inline std::string offset_text(std::int64_t offset) {
  if (offset == 0) return "Z";
  const std::int64_t minutes = (offset < 0 ? -offset : offset) / (60 * kMicrosPerSecond);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%c%02lld:%02lld", offset < 0 ? '-' : '+',
                static_cast<long long>(minutes / 60), static_cast<long long>(minutes % 60));
  return buf;
}

//! The buckets of one frequency in one UTC offset.
class Bucketing {
 public:
  //! Buckets of `frequency` in local time `offset` (microseconds east of UTC).
  Bucketing(Frequency frequency, std::int64_t offset) : f_(std::move(frequency)), offset_(offset) {}

  //! Fixes the origin of fixed buckets that do not divide a day (e.g. "7min", "2D"): midnight of
  //! the local day of `first` (pandas' origin="start_day" for the earliest row).
  void anchor(std::int64_t first) {
    if (anchored_) return;
    anchored_ = true;
    if (!f_.calendar() && !f_.week && kMicrosPerDay % f_.micros != 0) {
      origin_ = floor_div(first + offset_, kMicrosPerDay) * kMicrosPerDay;
    }
  }

  //! The bucket index of instant `t` (microseconds since the epoch, UTC).
  [[nodiscard]] std::int64_t index(std::int64_t t) const {
    const std::int64_t local = t + offset_;
    if (f_.calendar()) {
      const sdk::CivilDate c = sdk::civil_from_days(floor_div(local, kMicrosPerDay));
      return floor_div(c.year * 12 + static_cast<std::int64_t>(c.month) - 1, f_.months);
    }
    if (f_.week) return floor_div(local - 4 * kMicrosPerDay, f_.micros);  // 1970-01-05: Monday
    return floor_div(local - origin_, f_.micros);
  }

  //! The instant (UTC microseconds) where bucket `i` starts.
  [[nodiscard]] std::int64_t start(std::int64_t i) const {
    if (f_.calendar()) {
      const std::int64_t month = i * f_.months;
      const std::int64_t year = floor_div(month, 12);
      const auto m = static_cast<unsigned>(month - year * 12 + 1);
      return sdk::days_from_civil(year, m, 1) * kMicrosPerDay - offset_;
    }
    if (f_.week) return i * f_.micros + 4 * kMicrosPerDay - offset_;
    return origin_ + i * f_.micros - offset_;
  }

  //! ISO 8601 text of the start of bucket `i` in local time with its offset.
  [[nodiscard]] std::string label(std::int64_t i) const {
    std::string text = iso_text(start(i) + offset_);
    text.pop_back();  // the "Z" of the UTC rendering of local time
    return text + offset_text(offset_);
  }

  //! The frequency.
  [[nodiscard]] const Frequency& frequency() const noexcept { return f_; }

 private:
  Frequency f_;
  std::int64_t offset_;
  std::int64_t origin_ = 0;
  bool anchored_ = false;
};

}  // namespace quarry::ts
