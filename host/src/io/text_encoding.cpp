#include "quarry/io/text_encoding.hpp"

#include "io/detail/single_byte_text.hpp"
#include "io/detail/utf8.hpp"

#include <cstdint>
#include <cstring>

namespace quarry::io {
namespace {

// Windows-1252's bytes 0x80-0x9F (0: undefined there, decoded as U+FFFD).
constexpr char16_t kWindows1252High[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178};

char32_t code_point(unsigned char byte, TextEncoding encoding) noexcept {
  if (encoding == TextEncoding::kWindows1252 && byte >= 0x80 && byte <= 0x9F) {
    const char16_t mapped = kWindows1252High[byte - 0x80];
    return mapped != 0 ? mapped : char32_t{0xFFFD};
  }
  return byte;
}

}  // namespace

std::optional<TextEncoding> parse_text_encoding(std::string_view name) noexcept {
  if (name == "utf-8") return TextEncoding::kUtf8;
  if (name == "windows-1252") return TextEncoding::kWindows1252;
  if (name == "latin-1") return TextEncoding::kLatin1;
  return std::nullopt;
}

std::string_view to_string(TextEncoding encoding) noexcept {
  switch (encoding) {
    case TextEncoding::kUtf8:
      return "utf-8";
    case TextEncoding::kWindows1252:
      return "windows-1252";
    case TextEncoding::kLatin1:
      return "latin-1";
  }
  return "?";
}

namespace detail {

bool has_high_bytes(std::string_view text) noexcept {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

std::size_t decode_single_byte(std::string_view text, TextEncoding encoding, char* out) noexcept {
  if (encoding == TextEncoding::kUtf8) return 0;
  char* at = out;
  for (const char c : text) {
    at += encode_utf8(code_point(static_cast<unsigned char>(c), encoding), at);
  }
  return static_cast<std::size_t>(at - out);
}

}  // namespace detail
}  // namespace quarry::io
