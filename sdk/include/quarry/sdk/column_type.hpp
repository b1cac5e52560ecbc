#pragma once
//! \file
//! The column types and timestamp units of Arrow chunks as the SDK sees them.

#include <string_view>

namespace quarry::sdk {

//! The column types the SDK reads and writes; everything else is `other` and is
//! reachable only through the raw Arrow structs.
enum class ColumnType {
  int64,      //!< Arrow "l".
  float64,    //!< Arrow "g".
  boolean,    //!< Arrow "b" (bit-packed).
  utf8,       //!< Arrow "u" (int32 offsets) or "U" (large, int64 offsets).
  timestamp,  //!< Arrow "ts?:tz" (int64 counts of TimeUnit since the epoch).
  other,      //!< Any other Arrow format.
};

//! Units of timestamp columns; the value is the Arrow format letter.
enum class TimeUnit : char {
  second = 's',  //!< "tss:"
  milli = 'm',   //!< "tsm:"
  micro = 'u',   //!< "tsu:"
  nano = 'n',    //!< "tsn:"
};

//! A readable name of a column type ("int64", "float64", "bool", "utf8", "timestamp", "other").
[[nodiscard]] constexpr std::string_view type_name(ColumnType type) noexcept {
  switch (type) {
    case ColumnType::int64:
      return "int64";
    case ColumnType::float64:
      return "float64";
    case ColumnType::boolean:
      return "bool";
    case ColumnType::utf8:
      return "utf8";
    case ColumnType::timestamp:
      return "timestamp";
    default:
      return "other";
  }
}

}  // namespace quarry::sdk
