#pragma once
//! \file
//! Arrow format-string parsing and bitmap access shared by the chunk views and
//! builders. Private.

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "quarry/sdk/column_type.hpp"

namespace quarry::sdk {

namespace detail {

//! What a format string says, for the types the SDK supports.
struct FormatInfo {
  ColumnType type = ColumnType::other;
  bool large_offsets = false;       //!< utf8 with int64 offsets ("U").
  TimeUnit unit = TimeUnit::micro;  //!< Timestamps only.
  std::string_view timezone;        //!< Timestamps only; empty when naive.
};

//! Parses an Arrow format string (NULL gives `other`).
inline FormatInfo parse_format(const char* format) noexcept {
  FormatInfo info;
  if (format == nullptr) return info;
  const std::string_view f(format, std::strlen(format));
  if (f == "l") {
    info.type = ColumnType::int64;
  } else if (f == "g") {
    info.type = ColumnType::float64;
  } else if (f == "b") {
    info.type = ColumnType::boolean;
  } else if (f == "u" || f == "U") {
    info.type = ColumnType::utf8;
    info.large_offsets = f == "U";
  } else if (f.size() >= 4 && f[0] == 't' && f[1] == 's' && f[3] == ':' &&
             (f[2] == 's' || f[2] == 'm' || f[2] == 'u' || f[2] == 'n')) {
    info.type = ColumnType::timestamp;
    info.unit = static_cast<TimeUnit>(f[2]);
    info.timezone = f.substr(4);
  }
  return info;
}

//! Bit `i` of an LSB-first Arrow bitmap.
inline bool bit_is_set(const std::uint8_t* bits, std::int64_t i) noexcept {
  return ((bits[i >> 3] >> (i & 7)) & 1U) != 0;
}

//! Validity of one column: its own bitmap and, for a column of a struct-typed
//! chunk, the struct's bitmap (a null struct row makes every field null).
struct Validity {
  const std::uint8_t* bits = nullptr;        //!< Column bitmap; NULL = all valid.
  std::int64_t offset = 0;                   //!< Bit index of logical row 0.
  const std::uint8_t* outer_bits = nullptr;  //!< Struct bitmap; NULL = all valid.
  std::int64_t outer_offset = 0;             //!< Bit index of logical row 0.

  [[nodiscard]] bool valid(std::int64_t row) const noexcept {
    return (bits == nullptr || bit_is_set(bits, offset + row)) &&
           (outer_bits == nullptr || bit_is_set(outer_bits, outer_offset + row));
  }
  [[nodiscard]] bool all_valid() const noexcept { return bits == nullptr && outer_bits == nullptr; }
  //! The validity of rows [row, row + count) (1 <= count <= 64) as bits, row `row` in bit 0.
  [[nodiscard]] std::uint64_t mask(std::int64_t row, int count) const noexcept {
    std::uint64_t out = count >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1;
    if (bits != nullptr) out &= bits_from(bits, offset + row, count);
    if (outer_bits != nullptr) out &= bits_from(outer_bits, outer_offset + row, count);
    return out;
  }

 private:
  //! Bits [first, first + count) of a bitmap, reading no byte past the last one they touch.
  static std::uint64_t bits_from(const std::uint8_t* bitmap, std::int64_t first,
                                 int count) noexcept {
    const std::uint8_t* at = bitmap + (first >> 3);
    const int shift = static_cast<int>(first & 7);
    const int bytes = (shift + count + 7) >> 3;  // 1 to 9
    std::uint64_t word = 0;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    constexpr bool little_endian = true;
#else
    constexpr bool little_endian = false;
#endif
    if (bytes >= 8 && little_endian) {
      std::memcpy(&word, at, 8);
    } else {
      for (int i = 0; i < std::min(bytes, 8); ++i) word |= std::uint64_t{at[i]} << (8 * i);
    }
    word >>= shift;
    if (bytes == 9) word |= std::uint64_t{at[8]} << (64 - shift);
    return word;
  }
};

}  // namespace detail
}  // namespace quarry::sdk
