#pragma once
//! \file
//! Decoding single-byte encoded text (Windows-1252, Latin-1) to UTF-8.

#include <cstddef>
#include <string_view>

#include "quarry/io/text_encoding.hpp"

namespace quarry::io::detail {

//! True when `text` has a byte above 0x7F (ASCII text reads the same in every encoding).
[[nodiscard]] bool has_high_bytes(std::string_view text) noexcept;

//! Writes `text`, encoded as `encoding` (a single-byte one), to `out` as UTF-8 and returns
//! the bytes written; `out` must have room for 3 * text.size() bytes. Returns 0 for kUtf8.
std::size_t decode_single_byte(std::string_view text, TextEncoding encoding, char* out) noexcept;

}  // namespace quarry::io::detail
