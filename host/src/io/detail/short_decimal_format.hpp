#pragma once
//! \file
//! A fast path for writing the doubles most files hold: decimals with a few fractional digits
//! (12.0924, -338.1442). It gives exactly the text std::to_chars(value) (shortest round trip)
//! gives, or reports that it cannot and the caller uses std::to_chars.
//!
//! Why it is exact: |value| times 10^(14 - e), e its decimal exponent, rounds to the nearest
//! 15-significant-digit decimal (the power of ten is exact and the product's error is far below
//! one half). Trailing zeros stripped, one correctly rounded division of exact operands checks
//! that the decimal reads back as |value|. A 15-digit decimal grid is at least four times finer
//! than the spacing of doubles, so at most one such decimal reads back: when this one does, it
//! is the shortest text, and when it does not the value needs 16 or 17 digits (to_chars's
//! case). Where to_chars would print scientific notation (by its length rule) it is left to it.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace quarry::io::detail {

namespace short_decimal_detail {

//! Characters std::to_chars needs for the scientific form with `significant` digits and
//! decimal exponent `exponent` (sign excluded).
[[nodiscard]] inline int scientific_length(int significant, int exponent) noexcept {
  const int magnitude = exponent < 0 ? -exponent : exponent;
  return significant + (significant > 1 ? 1 : 0) + 2 + (magnitude >= 100 ? 3 : 2);
}

}  // namespace short_decimal_detail

//! Longest text format_short_decimal writes.
inline constexpr std::size_t kShortDecimalMaxSize = 24;

//! Writes std::to_chars's text for `value` to `out` (room for kShortDecimalMaxSize) and
//! returns its length, or returns 0 when this fast path does not apply (zero, non-finite,
//! from 10^15 or below 10^-3, more than 15 significant digits, or scientific notation).
[[nodiscard]] inline std::size_t format_short_decimal(double value, char* out) noexcept {
  using short_decimal_detail::scientific_length;
  static constexpr double kPowers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8, 1e9,
                                       1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18};
  static constexpr std::int64_t kDigits15 = 1'000'000'000'000'000;
  const bool negative = value < 0;
  const double magnitude = negative ? -value : value;
  if (!(magnitude >= 1e-3 && magnitude < 1e15)) return 0;  // also NaN
  // The decimal exponent: floor(log10(2) · binary exponent), then one correction.
  const int binary =
      static_cast<int>((std::bit_cast<std::uint64_t>(magnitude) >> 52) & 0x7ff) - 1023;
  static constexpr double kDecades[] = {1e-3, 1e-2, 1e-1, 1e0,  1e1,  1e2,  1e3,  1e4,  1e5, 1e6,
                                        1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  int exponent = (binary * 78913) >> 18;                // -4 to 14 here
  if (magnitude >= kDecades[exponent + 4]) ++exponent;  // kDecades[e + 4] is 10^(e + 1)
  // 15 significant digits: `magnitude` times 10^(14 - exponent), rounded. Both factors and the
  // rounding error are small enough that this is the nearest 15-digit decimal.
  int k = 14 - exponent;
  auto m = static_cast<std::int64_t>(magnitude * kPowers[k] + 0.5);
  if (m >= kDigits15 || m == 0) return 0;
  if (m % 100'000'000 == 0 && k >= 8) {
    m /= 100'000'000;
    k -= 8;
  }
  if (m % 10'000 == 0 && k >= 4) {
    m /= 10'000;
    k -= 4;
  }
  while (k > 0 && m % 10 == 0) {
    m /= 10;
    --k;
  }
  // Fifteen digits are finer than a double near the value, so at most one such decimal
  // reads back as it; if this one does not, the shortest text needs 16 or 17 digits.
  if (static_cast<double>(m) / kPowers[k] != magnitude) return 0;
  char digits_text[16];  // written from the right
  char* first = digits_text + sizeof digits_text;
  for (auto rest = static_cast<std::uint64_t>(m); rest != 0; rest /= 10) {
    *--first = static_cast<char>('0' + rest % 10);
  }
  const auto digits = static_cast<int>(digits_text + sizeof digits_text - first);
  int significant = digits;
  if (k == 0) {
    while (significant > 1 && first[significant - 1] == '0') --significant;
  }
  const int fixed = k == 0 ? digits : (digits > k ? digits + 1 : k + 2);
  if (scientific_length(significant, digits - 1 - k) < fixed) return 0;
  char* p = out;
  if (negative) *p++ = '-';
  if (digits > k) {
    std::memcpy(p, first, static_cast<std::size_t>(digits - k));
    p += digits - k;
    if (k > 0) *p++ = '.';
  } else {
    *p++ = '0';
    *p++ = '.';
    for (int z = digits; z < k; ++z) *p++ = '0';
  }
  const int fraction = digits > k ? k : digits;
  std::memcpy(p, first + digits - fraction, static_cast<std::size_t>(fraction));
  return static_cast<std::size_t>(p + fraction - out);
}

}  // namespace quarry::io::detail
