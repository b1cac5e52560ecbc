#pragma once
//! \file
//! Fast non-cryptographic hashing: 64-bit mixing of values and 128-bit hashes of byte
//! strings (wyhash-style multiply-fold lanes). Used for row identity (clean_dedup) and
//! distinct counts (clean_profile). Deterministic across runs and platforms of the same
//! endianness.

#include <cstdint>
#include <cstring>
#include <string_view>

namespace quarry::clean {

//! A 128-bit hash value.
struct Hash128 {
  std::uint64_t lo = 0;  //!< low half
  std::uint64_t hi = 0;  //!< high half
  //! Equality of both halves.
  friend bool operator==(const Hash128& a, const Hash128& b) noexcept {
    return a.lo == b.lo && a.hi == b.hi;
  }
};

namespace hash_detail {
inline constexpr std::uint64_t kP0 = 0xa0761d6478bd642fULL;
inline constexpr std::uint64_t kP1 = 0xe7037ed1a0b428dbULL;
inline constexpr std::uint64_t kP2 = 0x8ebc6af09c88c6e3ULL;
inline constexpr std::uint64_t kP3 = 0x589965cc75374cc3ULL;
inline constexpr std::uint64_t kP4 = 0x1d8e4e27c47d124fULL;
inline constexpr std::uint64_t kP5 = 0x9e3779b97f4a7c15ULL;

__extension__ typedef unsigned __int128 Uint128;  // GCC/Clang; __extension__ keeps -Wpedantic quiet

//! The 128-bit product of a and b folded to 64 bits.
inline std::uint64_t mum(std::uint64_t a, std::uint64_t b) noexcept {
  const Uint128 r = static_cast<Uint128>(a) * b;
  return static_cast<std::uint64_t>(r) ^ static_cast<std::uint64_t>(r >> 64);
}

inline std::uint64_t read64(const char* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

inline std::uint64_t read_tail(const char* p, std::size_t n) noexcept {
  std::uint64_t v = 0;
  std::memcpy(&v, p, n);
  return v;
}
}  // namespace hash_detail

//! A 64-bit hash of a 64-bit value with a seed (e.g. a type tag).
inline std::uint64_t hash64(std::uint64_t value, std::uint64_t seed = 0) noexcept {
  using namespace hash_detail;
  return mum(value ^ kP0 ^ seed, mum(seed ^ kP1, kP2) ^ kP3);
}

//! A 128-bit hash of `bytes` (two independent lanes).
inline Hash128 hash_bytes(std::string_view bytes, std::uint64_t seed = 0) noexcept {
  using namespace hash_detail;
  const char* p = bytes.data();
  std::size_t n = bytes.size();
  std::uint64_t a = seed ^ kP0 ^ (n * kP5);
  std::uint64_t b = seed ^ kP4 ^ n;
  while (n >= 16) {
    const std::uint64_t x = read64(p);
    const std::uint64_t y = read64(p + 8);
    a = mum(a ^ x ^ kP1, y ^ kP2 ^ b);
    b = mum(b ^ y ^ kP3, x ^ kP4) + a;
    p += 16;
    n -= 16;
  }
  const std::uint64_t x = n > 8 ? read64(p) : read_tail(p, n);
  const std::uint64_t y = n > 8 ? read_tail(p + 8, n - 8) : 0;
  a = mum(a ^ x ^ kP1, y ^ kP2 ^ b);
  b = mum(b ^ y ^ kP3, x ^ kP5 ^ a);
  return {mum(a ^ kP4, b ^ kP0), mum(b ^ kP2, a ^ kP3) ^ b};
}

//! Folds the hash of one more field into a row's running hash (order matters).
inline void combine(Hash128& row, Hash128 field) noexcept {
  using namespace hash_detail;
  const std::uint64_t lo = mum(row.lo ^ field.lo ^ kP0, row.hi ^ kP1);
  const std::uint64_t hi = mum(row.hi ^ field.hi ^ kP2, row.lo ^ kP3) ^ lo;
  row = {lo, hi};
}

//! Mixes a 64-bit value with a type tag into a row's hash in two multiplications (the row's
//! lanes are already well mixed, so the value needs no hash of its own first).
inline void combine_value(Hash128& row, std::uint64_t value, std::uint64_t tag) noexcept {
  using namespace hash_detail;
  const std::uint64_t lo = mum(row.lo ^ value ^ kP0, row.hi ^ tag ^ kP1);
  const std::uint64_t hi = mum(row.hi ^ value ^ kP2, row.lo ^ tag ^ kP3) ^ lo;
  row = {lo, hi};
}

}  // namespace quarry::clean
