#pragma once
//! \file
//! A fast path for writing the doubles most files hold: decimals with a few fractional digits
//! (12.0924, -338.1442). It gives exactly the text std::to_chars(value) (shortest round trip)
//! gives, or reports that it cannot and the caller uses std::to_chars.
//!
//! Why it is exact: |value| times 10^(14 - e), e its decimal exponent, rounds to the nearest
//! 15-significant-digit decimal (the power of ten is exact and the product's error is far below
//! one half). One correctly rounded division of exact operands checks that this decimal reads
//! back as |value|. A 15-digit decimal grid is at least four times finer than the spacing of
//! doubles, so at most one such decimal reads back: when this one does, it is the shortest text
//! once its trailing zeros go, and when it does not the value needs 16 or 17 digits (to_chars's
//! case). Where to_chars would print scientific notation (by its length rule) it is left to it.
//!
//! Why it is fast: nothing in it loops or branches on the digits. Values of at most eight
//! significant digits (most measured data) take one SWAR conversion of eight digits; the others
//! take two, for fifteen digits; trailing zeros are counted with a bit scan, and
//! the text is laid out with fixed-size copies that may write past its end (hence the room
//! the caller provides).

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace quarry::io::detail {

//! Longest text format_short_decimal writes.
inline constexpr std::size_t kShortDecimalMaxSize = 24;
//! Bytes of room format_short_decimal needs at `out` (it writes past the text's end).
inline constexpr std::size_t kShortDecimalRoom = 40;

namespace short_decimal_detail {

//! 10^0 to 10^18, each exact.
inline constexpr double kPowersOfTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8, 1e9,
                                          1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};

//! Characters std::to_chars needs for the scientific form with `significant` digits and
//! decimal exponent `exponent` (sign excluded).
[[nodiscard]] inline int scientific_length(int significant, int exponent) noexcept {
  const int magnitude = exponent < 0 ? -exponent : exponent;
  return significant + (significant > 1 ? 1 : 0) + 2 + (magnitude >= 100 ? 3 : 2);
}

//! The eight decimal digits of `x` (< 10^8) as ASCII, first digit in the lowest byte: both
//! halves divided by 10^4, each lane by 100, then by 10, all lanes in one word at a time.
[[nodiscard]] inline std::uint64_t eight_digits(std::uint32_t x) noexcept {
  const std::uint64_t halves = (x / 10000) | (static_cast<std::uint64_t>(x % 10000) << 32);
  const std::uint64_t hundreds = ((halves * 10486) >> 20) & 0x0000007F0000007FULL;
  const std::uint64_t pairs = hundreds | ((halves - hundreds * 100) << 16);
  const std::uint64_t tens = ((pairs * 103) >> 10) & 0x000F000F000F000FULL;
  const std::uint64_t digits = tens | ((pairs - tens * 10) << 8);
  return digits + 0x3030303030303030ULL;
}

//! How many of the last bytes of `ascii_digits` (eight ASCII digits, first in the lowest
//! byte) are '0'.
[[nodiscard]] inline int trailing_zero_digits(std::uint64_t ascii_digits) noexcept {
  const std::uint64_t values = ascii_digits - 0x3030303030303030ULL;  // each byte 0..9
  const std::uint64_t nonzero = (values + 0x7F7F7F7F7F7F7F7FULL) & 0x8080808080808080ULL;
  return std::countl_zero(nonzero) / 8;  // 8 when all are zero
}

//! format_short_decimal for decimals of at most eight significant digits and a decimal
//! exponent from -3 to 6 (most measured values): one eight-digit conversion instead of two.
//! Writes the text of `magnitude` at `out` (past its end too) and returns its length, or 0.
[[nodiscard]] inline std::size_t eight_digit_text(double magnitude, int exponent,
                                                  char* out) noexcept {
  const int scale = 7 - exponent;  // 1 to 10
  const auto m = static_cast<std::int64_t>(magnitude * kPowersOfTen[scale] + 0.5);
  // An eight-digit grid is far coarser than doubles: if this decimal does not read back, none
  // with eight digits does.
  if (m >= 100'000'000 || static_cast<double>(m) / kPowersOfTen[scale] != magnitude) return 0;
  const std::uint64_t digits = eight_digits(static_cast<std::uint32_t>(m));
  const int significant = 8 - trailing_zero_digits(digits);
  if (exponent >= 0) {
    const int whole = exponent + 1;  // 1 to 7
    const int fraction = significant > whole ? significant - whole : 0;
    const int length = whole + (fraction > 0 ? 1 + fraction : 0);
    if (fraction == 0 && scientific_length(significant, exponent) < length) return 0;
    const std::uint64_t after_point = digits >> (8 * whole);
    std::memcpy(out, &digits, 8);
    std::memcpy(out + whole + 1, &after_point, 8);
    out[whole] = '.';
    return static_cast<std::size_t>(length);
  }
  const int leading = -exponent - 1;  // zeros between the point and the first digit
  const int length = 2 + leading + significant;
  if (scientific_length(significant, exponent) < length) return 0;
  std::memcpy(out, "0.00", 4);
  std::memcpy(out + 2 + leading, &digits, 8);
  return static_cast<std::size_t>(length);
}

}  // namespace short_decimal_detail

//! Writes std::to_chars's text for `value` to `out` (kShortDecimalRoom bytes of room) and
//! returns its length, or returns 0 when this fast path does not apply (zero, non-finite,
//! from 10^15 or below 10^-3, more than 15 significant digits, or scientific notation).
[[nodiscard]] inline std::size_t format_short_decimal(double value, char* out) noexcept {
  using short_decimal_detail::eight_digit_text;
  using short_decimal_detail::eight_digits;
  using short_decimal_detail::kPowersOfTen;
  using short_decimal_detail::scientific_length;
  using short_decimal_detail::trailing_zero_digits;
  static constexpr std::int64_t kDigits15 = 1'000'000'000'000'000;
  const std::uint64_t bits = std::bit_cast<std::uint64_t>(value);
  const auto negative = static_cast<std::size_t>(bits >> 63);
  const double magnitude = std::bit_cast<double>(bits & ~(std::uint64_t{1} << 63));
  if (!(magnitude >= 1e-3 && magnitude < 1e15)) return 0;  // also NaN
  // The decimal exponent: floor(log10(2) · binary exponent), then one correction.
  const int binary = static_cast<int>((bits >> 52) & 0x7ff) - 1023;
  static constexpr double kDecades[] = {1e-3, 1e-2, 1e-1, 1e0,  1e1,  1e2,  1e3,  1e4,  1e5, 1e6,
                                        1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  int exponent = (binary * 78913) >> 18;                // -4 to 14 here
  if (magnitude >= kDecades[exponent + 4]) ++exponent;  // kDecades[e + 4] is 10^(e + 1)
  out[0] = '-';  // kept when negative; overwritten by the first digit otherwise
  if (exponent <= 6) {
    const std::size_t length = eight_digit_text(magnitude, exponent, out + negative);
    if (length != 0) return negative + length;
  }
  // 15 significant digits: `magnitude` times 10^(14 - exponent), rounded. Both factors and the
  // rounding error are small enough that this is the nearest 15-digit decimal.
  const int scale = 14 - exponent;
  const auto m = static_cast<std::int64_t>(magnitude * kPowersOfTen[scale] + 0.5);
  if (m >= kDigits15 || m == 0) return 0;
  // Fifteen digits are finer than a double near the value, so at most one such decimal
  // reads back as it; if this one does not, the shortest text needs 16 or 17 digits.
  if (static_cast<double>(m) / kPowersOfTen[scale] != magnitude) return 0;

  // digits[1..15] are the fifteen digits (m >= 10^14: the first is not 0); the rest is room
  // for the fixed-size copies below.
  char digits[48] = {};
  const std::uint64_t high = eight_digits(static_cast<std::uint32_t>(m / 100'000'000));
  const std::uint64_t low = eight_digits(static_cast<std::uint32_t>(m % 100'000'000));
  std::memcpy(digits, &high, 8);
  std::memcpy(digits + 8, &low, 8);
  const int low_zeros = trailing_zero_digits(low);
  const int zeros = low_zeros + (low_zeros == 8 ? trailing_zero_digits(high) : 0);
  const int significant = 15 - zeros;
  const char* first = digits + 1;

  out[0] = '-';  // kept when negative; overwritten by the first digit otherwise
  int length = 0;
  if (exponent >= 0) {
    const int whole = exponent + 1;
    const int fraction = significant > whole ? significant - whole : 0;
    length = whole + (fraction > 0 ? 1 + fraction : 0);
    if (fraction == 0 && scientific_length(significant, exponent) < length) return 0;
    char* p = out + negative;
    std::memcpy(p, first, 16);
    std::memcpy(p + whole + 1, first + whole, 16);
    p[whole] = '.';
  } else {
    const int leading = -exponent - 1;  // zeros between the point and the first digit
    length = 2 + leading + significant;
    if (scientific_length(significant, exponent) < length) return 0;
    char* p = out + negative;
    std::memcpy(p, "0.00", 4);
    std::memcpy(p + 2 + leading, first, 16);
  }
  return negative + static_cast<std::size_t>(length);
}

}  // namespace quarry::io::detail
