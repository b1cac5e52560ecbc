#include "io/detail/timestamp.hpp"

#include "quarry/sdk/iso8601.hpp"

#include <cstdio>

namespace quarry::io::detail {
namespace {

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;

}  // namespace

std::size_t format_timestamp(std::int64_t micros, char* out, TimestampText text) noexcept {
  std::int64_t seconds = micros / kMicrosPerSecond;
  std::int64_t fraction_us = micros % kMicrosPerSecond;
  if (fraction_us < 0) {
    fraction_us += kMicrosPerSecond;
    --seconds;
  }
  std::int64_t days = seconds / kSecondsPerDay;
  std::int64_t second_of_day = seconds % kSecondsPerDay;
  if (second_of_day < 0) {
    second_of_day += kSecondsPerDay;
    --days;
  }
  const sdk::CivilDate date = sdk::civil_from_days(days);
  if (text == TimestampText::kDate && second_of_day == 0 && fraction_us == 0) {
    return static_cast<std::size_t>(std::snprintf(out, kTimestampTextSize, "%04lld-%02u-%02u",
                                                  static_cast<long long>(date.year), date.month,
                                                  date.day));
  }
  int n = std::snprintf(out, kTimestampTextSize, "%04lld-%02u-%02uT%02lld:%02lld:%02lld",
                        static_cast<long long>(date.year), date.month, date.day,
                        static_cast<long long>(second_of_day / 3600),
                        static_cast<long long>(second_of_day / 60 % 60),
                        static_cast<long long>(second_of_day % 60));
  if (fraction_us != 0) {
    n += std::snprintf(out + n, kTimestampTextSize - static_cast<std::size_t>(n), ".%06lld",
                       static_cast<long long>(fraction_us));
    while (out[n - 1] == '0') --n;
  }
  if (text == TimestampText::kUtc) out[n++] = 'Z';
  return static_cast<std::size_t>(n);
}

}  // namespace quarry::io::detail
