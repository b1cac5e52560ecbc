#pragma once
//! \file
//! Fast paths for the numbers most files are made of: at most 16 characters, an optional sign,
//! digits and at most one '.', not written as an identifier (a leading zero, '+' and 8 digits).
//! Recognition is branch-light (SSE2 compares) and the values come from SWAR digit conversion;
//! decimals with up to 15 significant digits use the exact Clinger fast path (integer mantissa
//! divided by an exact power of ten), the same result fast_float gives. Anything else returns
//! "unknown" and goes through the general parsers.
//!
//! Every function here reads 16 bytes from the start of the text, so the text must sit in a
//! buffer with at least 16 readable bytes past its start (CSV buffers have 64 bytes padding).

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include <fast_float/fast_float.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace quarry::io::detail {

//! What a short text is, as far as the fast path can tell.
struct ShortNumber {
  // All members are word-sized: byte members spilled to the stack and re-read as a word
  // defeat store forwarding, which cost more than the parsing itself.
  enum class Kind : std::uint32_t { kUnknown, kInteger, kDecimal };
  Kind kind = Kind::kUnknown;
  std::uint32_t negative = 0;
  //! Index of the first digit (after the sign).
  std::uint32_t start = 0;
  //! Index of the '.', for decimals.
  std::uint32_t dot = 0;
};

//! Classifies [p, p + size) (16 bytes readable at p).
[[nodiscard]] inline ShortNumber scan_short_number(const char* p, std::size_t size) noexcept {
  ShortNumber out;
#if defined(__SSE2__)
  if (size == 0 || size > 16) return out;
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const auto digits = static_cast<std::uint32_t>(
      _mm_movemask_epi8(_mm_and_si128(_mm_cmpgt_epi8(bytes, _mm_set1_epi8('0' - 1)),
                                      _mm_cmplt_epi8(bytes, _mm_set1_epi8('9' + 1)))));
  const auto dots =
      static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('.'))));
  // The sign comes from vector masks rather than from comparing p[0]: compilers turn such
  // compares into branches, and random signs then cost a misprediction per value.
  const auto minus =
      static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('-'))));
  const auto plus =
      static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('+'))));
  out.negative = minus & 1U;
  out.start = (minus | plus) & 1U;
  const std::uint32_t body = ((1U << size) - 1) & ~((1U << out.start) - 1);
  const std::uint32_t other = body & ~digits;
  if ((body & digits) == 0) return out;  // (no popcount: not in baseline x86-64)
  // A '0' followed by a digit at the start ("02134"), or '+' and 8 or more digits, is text to
  // the readers (see is_identifier_number in values.hpp); the general path decides.
  const auto zeros =
      static_cast<std::uint32_t>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('0'))));
  if (((zeros & ((digits & body) >> 1)) >> out.start) & 1U) return out;
  if ((plus & 1U) != 0 && size >= 9 && other == 0) return out;
  if (other == 0) {
    out.kind = ShortNumber::Kind::kInteger;
  } else if ((other & (other - 1)) == 0 && (other & dots) != 0) {
    out.kind = ShortNumber::Kind::kDecimal;
    out.dot = static_cast<std::uint32_t>(std::countr_zero(other));
  }
#else
  (void)p;
  (void)size;
#endif
  return out;
}

//! The value of `count` (0 to 16) ASCII digits at `p` (16 readable bytes at p).
[[nodiscard]] inline std::uint64_t short_digits_value(const char* p, std::size_t count) noexcept {
  auto eight = [](const char* at, std::size_t n) -> std::uint64_t {  // n in 1..8
    std::uint64_t word;
    std::memcpy(&word, at, 8);
    if (n < 8) word = (word << (8 * (8 - n))) | (0x3030303030303030ULL >> (8 * n));
    return fast_float::parse_eight_digits_unrolled(word);
  };
  if (count == 0) return 0;
  if (count <= 8) return eight(p, count);
  return eight(p, count - 8) * 100000000ULL + eight(p + count - 8, 8);
}

//! The int64 value of a kInteger short number (at most 16 digits: never overflows).
[[nodiscard]] inline std::int64_t short_integer_value(const char* p, std::size_t size,
                                                      const ShortNumber& n) noexcept {
  const auto magnitude = static_cast<std::int64_t>(short_digits_value(p + n.start, size - n.start));
  const auto sign = -static_cast<std::int64_t>(n.negative);  // 0 or -1: branch-free negation
  return (magnitude ^ sign) - sign;
}

//! The double value of a kInteger short number ("-0" gives -0.0, as fast_float does).
[[nodiscard]] inline double short_integer_as_double(const char* p, std::size_t size,
                                                    const ShortNumber& n) noexcept {
  // Via int64 (the value is below 10^16): unsigned -> double conversion needs extra steps.
  const auto magnitude = static_cast<double>(
      static_cast<std::int64_t>(short_digits_value(p + n.start, size - n.start)));
  return std::bit_cast<double>(std::bit_cast<std::uint64_t>(magnitude) |
                               (static_cast<std::uint64_t>(n.negative) << 63));
}

//! The double value of a kDecimal short number when exactly computable by the fast path.
[[nodiscard]] inline bool short_decimal_value(const char* p, std::size_t size, const ShortNumber& n,
                                              double& out) noexcept {
  static constexpr double kPowers[] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  static constexpr std::uint64_t kScales[] = {1ULL,
                                              10ULL,
                                              100ULL,
                                              1'000ULL,
                                              10'000ULL,
                                              100'000ULL,
                                              1'000'000ULL,
                                              10'000'000ULL,
                                              100'000'000ULL,
                                              1'000'000'000ULL,
                                              10'000'000'000ULL,
                                              100'000'000'000ULL,
                                              1'000'000'000'000ULL,
                                              10'000'000'000'000ULL,
                                              100'000'000'000'000ULL,
                                              1'000'000'000'000'000ULL};
  const std::size_t whole = n.dot - n.start;
  const std::size_t fraction = size - n.dot - 1;
  if (whole + fraction > 15) return false;  // beyond 2^53: let fast_float round
  const std::uint64_t mantissa = short_digits_value(p + n.start, whole) * kScales[fraction] +
                                 short_digits_value(p + n.dot + 1, fraction);
  // mantissa < 10^15 < 2^53 and kPowers[fraction] are exact, so the one division rounds once.
  const double value = static_cast<double>(static_cast<std::int64_t>(mantissa)) / kPowers[fraction];
  // Sets the sign bit without a branch: signs are random in real data and mispredicted.
  out = std::bit_cast<double>(std::bit_cast<std::uint64_t>(value) |
                              (static_cast<std::uint64_t>(n.negative) << 63));
  return true;
}

}  // namespace quarry::io::detail
