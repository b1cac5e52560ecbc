//! Unit tests for quarry/sdk/iso8601.hpp: the calendar, ISO 8601 text to microseconds and
//! timestamp values to text. Expected instants and day counts were computed with Python's
//! datetime (`(dt - datetime(1970,1,1,tzinfo=timezone.utc)) // timedelta(microseconds=1)`,
//! `(date(y,m,d) - date(1970,1,1)).days`).

#include "quarry/sdk/iso8601.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>

namespace {

using quarry::sdk::civil_from_days;
using quarry::sdk::days_from_civil;
using quarry::sdk::iso8601_text;
using quarry::sdk::parse_iso8601;
using quarry::sdk::TimeUnit;

TEST(Iso8601Calendar, DayCountsMatchPythonDatetimeAcrossEras) {
  EXPECT_EQ(days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(days_from_civil(1600, 3, 1), -135080);
  EXPECT_EQ(days_from_civil(2400, 2, 29), 157113);
  EXPECT_EQ(days_from_civil(1, 1, 1), -719162);
  for (std::int64_t days = -800'000; days <= 800'000; days += 997) {
    const quarry::sdk::CivilDate date = civil_from_days(days);
    ASSERT_EQ(days_from_civil(date.year, date.month, date.day), days) << days;
  }
}

TEST(Iso8601Calendar, LeapYearsFollowTheGregorianRule) {
  EXPECT_EQ(quarry::sdk::days_in_month(2024, 2), 29U);
  EXPECT_EQ(quarry::sdk::days_in_month(1900, 2), 28U);
  EXPECT_EQ(quarry::sdk::days_in_month(2000, 2), 29U);
  EXPECT_EQ(quarry::sdk::days_in_month(2023, 4), 30U);
}

TEST(Iso8601Parse, ReadsDatesTimesFractionsAndOffsets) {
  EXPECT_EQ(parse_iso8601("2024-02-29"), 1709164800000000);
  EXPECT_EQ(parse_iso8601("2024-01-31T12:34:56Z"), 1706704496000000);
  EXPECT_EQ(parse_iso8601("2024-01-31 12:34:56"), 1706704496000000);
  EXPECT_EQ(parse_iso8601("2024-01-31t12:34:56z"), 1706704496000000);
  EXPECT_EQ(parse_iso8601("2024-01-31T12:34:56.25+05:30"), 1706684696250000);
  EXPECT_EQ(parse_iso8601("2024-01-31T12:34:56,25+0530"), 1706684696250000);
  EXPECT_EQ(parse_iso8601("2024-01-31T12:34-08"), 1706733240000000);
  EXPECT_EQ(parse_iso8601("1969-12-31T23:59:59.999"), -1000);
  // Digits past microseconds are cut off, not rounded.
  EXPECT_EQ(parse_iso8601("1970-01-01T00:00:00.0000019"), 1);
}

TEST(Iso8601Parse, RejectsTextThatIsNotOneOrDatesThatDoNotExist) {
  for (const char* text :
       {"", "2024", "2024-1-31", "2024-13-01", "2023-02-29", "2024-04-31", "2024-01-31T24:00",
        "2024-01-31T12:60", "2024-01-31T12:34:60", "2024-01-31T12", "2024-01-31T12:34:56.",
        "2024-01-31T12:34+24:00", "2024-01-31T12:34Zx", "2024-01-31X12:34", " 2024-01-31",
        "2024-01-31 ", "31/01/2024"}) {
    EXPECT_EQ(parse_iso8601(text), std::nullopt) << '"' << text << '"';
  }
}

TEST(Iso8601Text, WritesTheUnitsFractionDigitsOnlyWhenNonZero) {
  EXPECT_EQ(iso8601_text(0, TimeUnit::second), "1970-01-01T00:00:00Z");
  EXPECT_EQ(iso8601_text(-1, TimeUnit::milli), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(iso8601_text(951782400000000, TimeUnit::micro), "2000-02-29T00:00:00Z");
  EXPECT_EQ(iso8601_text(1706704496250000, TimeUnit::micro), "2024-01-31T12:34:56.250000Z");
  EXPECT_EQ(iso8601_text(1706704496000000001, TimeUnit::nano), "2024-01-31T12:34:56.000000001Z");
}

TEST(Iso8601Text, ReadsBackAsTheSameInstant) {
  for (std::int64_t micros = -5'000'000'000'000'000; micros < 5'000'000'000'000'000;
       micros += 123'456'789'012'345) {
    ASSERT_EQ(parse_iso8601(iso8601_text(micros, TimeUnit::micro)), micros) << micros;
  }
}

}  // namespace
