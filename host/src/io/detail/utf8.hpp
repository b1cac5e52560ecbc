#pragma once
//! \file
//! UTF-8 validation and repair: invalid sequences become U+FFFD, one per maximal subpart
//! (the Unicode "substitution of maximal subparts" practice).

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace quarry::io::detail {

//! True when every byte of [data, data+size) is ASCII.
[[nodiscard]] inline bool is_ascii(const char* data, std::size_t size) noexcept {
  std::size_t i = 0;
  std::uint64_t any = 0;
  for (; i + 8 <= size; i += 8) {
    std::uint64_t word;
    std::memcpy(&word, data + i, 8);
    any |= word;
  }
  for (; i < size; ++i) any |= static_cast<unsigned char>(data[i]);
  return (any & 0x8080808080808080ULL) == 0;
}

//! The length of the valid UTF-8 sequence at `data` (1 to 4), or, when invalid, minus the
//! length of its maximal subpart (-1 to -3). `size` > 0.
[[nodiscard]] int utf8_step(const unsigned char* data, std::size_t size) noexcept;

//! True when [data, data+size) is valid UTF-8.
[[nodiscard]] bool is_valid_utf8(const char* data, std::size_t size) noexcept;

//! Writes code point `cp` (at most U+10FFFF, not a surrogate) to `out` (room for 4 bytes) as
//! UTF-8; returns the bytes written (1 to 4).
std::size_t encode_utf8(char32_t cp, char* out) noexcept;

//! Writes `in` to `out` (room for 3 * in.size() bytes) with invalid sequences replaced by
//! U+FFFD; returns the bytes written and adds the replacements to `replaced`.
std::size_t repair_utf8(std::string_view in, char* out, std::uint64_t& replaced) noexcept;

//! `in` with invalid sequences replaced by U+FFFD.
[[nodiscard]] std::string repaired_utf8(std::string_view in, std::uint64_t* replaced = nullptr);

//! The name of the UTF-16 or UTF-32 encoding a file starting with `head` is in ("UTF-16LE",
//! …), by its byte-order mark or, without one, by NUL bytes in every other (or every fourth)
//! position of text; empty for anything else. Spreadsheets save "Unicode text" this way.
[[nodiscard]] std::string_view wide_unicode_encoding(std::string_view head) noexcept;

//! Throws InputError naming the encoding and the conversion when `head`, the start of the
//! file `name`, is UTF-16 or UTF-32 (wide_unicode_encoding), which the readers do not read.
void refuse_wide_unicode(std::string_view head, const std::string& name);

}  // namespace quarry::io::detail
