#pragma once
//! \file
//! Durations and calendar frequencies written the pandas way: "60s", "5min", "15T", "1h",
//! "1D", "1W", "1M"/"1MS" (calendar months), "1Q"/"1QS" (quarters), "1Y"/"1A"/"1AS" (years).
//! Fixed durations are microsecond counts; calendar frequencies count months.

#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "quarry/sdk.hpp"
#include "ts/time.hpp"

namespace quarry::ts {

//! A frequency: either a fixed duration or a number of calendar months.
struct Frequency {
  std::int64_t micros = 0;  //!< fixed duration in microseconds (0 for calendar frequencies)
  std::int64_t months = 0;  //!< calendar months (0 for fixed durations)
  bool week = false;        //!< weeks anchored on Sunday like pandas' "W" (= "W-SUN")
  std::string text;         //!< as given

  //! True for month/quarter/year frequencies.
  [[nodiscard]] bool calendar() const noexcept { return months > 0; }
};

//! Parses `text` ("<count><unit>", count optional, default 1). Throws
//! Error(QUARRY_INVALID_ARGUMENT) naming the accepted units. Month-like units are accepted only
//! when `allow_calendar` (rolling windows need fixed durations).
[[nodiscard]] inline Frequency parse_frequency(std::string_view text, std::string_view role,
                                               bool allow_calendar) {
  std::size_t pos = 0;
  std::int64_t count = 0;
  bool any = false;
  while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
    count = count * 10 + (text[pos] - '0');
    if (count > 1'000'000'000) break;
    any = true;
    ++pos;
  }
  if (!any) count = 1;
  const std::string unit(text.substr(pos));
  Frequency f;
  f.text = std::string(text);
  const std::int64_t s = kMicrosPerSecond;
  if (unit == "us" || unit == "U") {
    f.micros = count;
  } else if (unit == "ms" || unit == "L") {
    f.micros = count * 1000;
  } else if (unit == "s" || unit == "S" || unit == "sec") {
    f.micros = count * s;
  } else if (unit == "min" || unit == "T") {
    f.micros = count * 60 * s;
  } else if (unit == "h" || unit == "H") {
    f.micros = count * 3600 * s;
  } else if (unit == "D" || unit == "d") {
    f.micros = count * kMicrosPerDay;
  } else if (unit == "W" && allow_calendar) {
    f.micros = count * 7 * kMicrosPerDay;
    f.week = true;
  } else if ((unit == "M" || unit == "MS") && allow_calendar) {
    f.months = count;
  } else if ((unit == "Q" || unit == "QS") && allow_calendar) {
    f.months = 3 * count;
  } else if ((unit == "Y" || unit == "A" || unit == "AS" || unit == "YS") && allow_calendar) {
    f.months = 12 * count;
  } else {
    throw sdk::Error::invalid_argument(
        std::string(role) + " \"" + std::string(text) + "\" is not a " +
        (allow_calendar ? "frequency" : "duration") +
        ": write a count and a unit, e.g. 30s, 5min, 1h, 1D" +
        (allow_calendar ? ", 1W, 1M (month), 1Q, 1Y" : " (calendar units are not fixed)"));
  }
  if (count <= 0 || count > 1'000'000'000) {
    throw sdk::Error::invalid_argument(std::string(role) + " \"" + std::string(text) +
                                       "\" needs a positive count below 10^9");
  }
  return f;
}

}  // namespace quarry::ts
