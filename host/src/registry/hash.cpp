#include "quarry/registry/hash.hpp"

#include "quarry/posix/unique_fd.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

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

constexpr std::size_t kStripe = 32;

//! XXH64's four lanes over whole 32-byte stripes, fed in any number of pieces.
class StripeLanes {
 public:
  //! Consumes every whole stripe of `bytes`; returns how many bytes that was.
  std::size_t consume(std::span<const std::byte> bytes) {
    const std::byte* p = bytes.data();
    const std::byte* const end = p + bytes.size() / kStripe * kStripe;
    for (; p != end; p += kStripe) {
      v1_ = mix_round(v1_, read64(p));
      v2_ = mix_round(v2_, read64(p + 8));
      v3_ = mix_round(v3_, read64(p + 16));
      v4_ = mix_round(v4_, read64(p + 24));
    }
    return bytes.size() / kStripe * kStripe;
  }
  //! The lanes folded into one accumulator.
  [[nodiscard]] std::uint64_t combine() const {
    std::uint64_t h =
        std::rotl(v1_, 1) + std::rotl(v2_, 7) + std::rotl(v3_, 12) + std::rotl(v4_, 18);
    h = merge_round(h, v1_);
    h = merge_round(h, v2_);
    h = merge_round(h, v3_);
    return merge_round(h, v4_);
  }

 private:
  std::uint64_t v1_ = kPrime1 + kPrime2, v2_ = kPrime2, v3_ = 0, v4_ = 0 - kPrime1;
};

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

//! XXH64's ending: the stripes' accumulator (or the short-input seed), the length, the tail.
std::uint64_t finish(const StripeLanes& lanes, std::uint64_t length,
                     std::span<const std::byte> tail) {
  std::uint64_t h = length >= kStripe ? lanes.combine() : kPrime5;
  h += length;
  return hash_tail(h, tail.data(), tail.data() + tail.size());
}

}  // namespace

std::uint64_t content_hash(std::span<const std::byte> bytes) {
  StripeLanes lanes;
  const std::size_t consumed = lanes.consume(bytes);
  return finish(lanes, bytes.size(), bytes.subspan(consumed));
}

std::uint64_t hash_file(const std::filesystem::path& file) {
  // Read, not mapped: on virtual machines, setting up the page tables of a mapping costs
  // several times more than copying the same bytes from the page cache.
  const posix::UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) throw std::system_error(errno, std::generic_category(), "cannot open " + file.string());
  constexpr std::size_t kPiece = 128 << 10;  // a multiple of the stripe, small enough for L2
  std::vector<std::byte> buffer(kPiece + kStripe);
  StripeLanes lanes;
  std::uint64_t length = 0;
  std::size_t held = 0;  // bytes at the front of `buffer` not yet consumed (< one stripe)
  while (true) {
    const ssize_t n = ::read(fd.get(), buffer.data() + held, kPiece);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw std::system_error(errno, std::generic_category(), "cannot read " + file.string());
    if (n == 0) break;
    length += static_cast<std::uint64_t>(n);
    held += static_cast<std::size_t>(n);
    const std::size_t consumed = lanes.consume(std::span(buffer.data(), held));
    std::memmove(buffer.data(), buffer.data() + consumed, held - consumed);
    held -= consumed;
  }
  return finish(lanes, length, std::span(buffer.data(), held));
}

}  // namespace quarry::registry
