#include "quarry/registry/hash.hpp"

#include "registry/detail/mapped_file.hpp"

#include <bit>
#include <cstring>

namespace quarry::registry {
namespace {

constexpr std::uint64_t kPrime1 = 0x9E3779B185EBCA87ULL;
constexpr std::uint64_t kPrime2 = 0xC2B2AE3D27D4EB4FULL;
constexpr std::uint64_t kPrime3 = 0x165667B19E3779F9ULL;
constexpr std::uint64_t kPrime4 = 0x85EBCA77C2B2AE63ULL;
constexpr std::uint64_t kPrime5 = 0x27D4EB2F165667C5ULL;

std::uint64_t read64(const std::byte* p) {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;  // little-endian hosts only (x86-64, aarch64); the hash is local to one machine
}

std::uint32_t read32(const std::byte* p) {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

std::uint64_t mix_round(std::uint64_t acc, std::uint64_t input) {
  acc += input * kPrime2;
  return std::rotl(acc, 31) * kPrime1;
}

std::uint64_t merge_round(std::uint64_t acc, std::uint64_t value) {
  acc ^= mix_round(0, value);
  return acc * kPrime1 + kPrime4;
}

// Consumes whole 32-byte stripes; returns the combined accumulator.
std::uint64_t hash_stripes(const std::byte*& p, const std::byte* end) {
  std::uint64_t v1 = kPrime1 + kPrime2, v2 = kPrime2, v3 = 0, v4 = 0 - kPrime1;
  for (; end - p >= 32; p += 32) {
    v1 = mix_round(v1, read64(p));
    v2 = mix_round(v2, read64(p + 8));
    v3 = mix_round(v3, read64(p + 16));
    v4 = mix_round(v4, read64(p + 24));
  }
  std::uint64_t h = std::rotl(v1, 1) + std::rotl(v2, 7) + std::rotl(v3, 12) + std::rotl(v4, 18);
  h = merge_round(h, v1);
  h = merge_round(h, v2);
  h = merge_round(h, v3);
  return merge_round(h, v4);
}

std::uint64_t hash_tail(std::uint64_t h, const std::byte* p, const std::byte* end) {
  for (; end - p >= 8; p += 8) h = std::rotl(h ^ mix_round(0, read64(p)), 27) * kPrime1 + kPrime4;
  if (end - p >= 4) {
    h = std::rotl(h ^ (std::uint64_t{read32(p)} * kPrime1), 23) * kPrime2 + kPrime3;
    p += 4;
  }
  for (; p < end; ++p)
    h = std::rotl(h ^ (std::to_integer<std::uint64_t>(*p) * kPrime5), 11) * kPrime1;
  h ^= h >> 33;
  h *= kPrime2;
  h ^= h >> 29;
  h *= kPrime3;
  return h ^ (h >> 32);
}

}  // namespace

std::uint64_t content_hash(std::span<const std::byte> bytes) {
  const std::byte* p = bytes.data();
  const std::byte* end = p + bytes.size();
  std::uint64_t h = bytes.size() >= 32 ? hash_stripes(p, end) : kPrime5;
  h += bytes.size();
  return hash_tail(h, p, end);
}

std::uint64_t hash_file(const std::filesystem::path& file) {
  const detail::MappedFile mapped(file);
  return content_hash(mapped.bytes());
}

}  // namespace quarry::registry
