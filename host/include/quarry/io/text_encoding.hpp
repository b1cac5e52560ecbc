#pragma once
//! \file
//! The text encodings the CSV reader reads: UTF-8, and the single-byte encodings spreadsheets
//! and older systems export ("ANSI" CSV from Excel on Western Windows), decoded to UTF-8.

#include <optional>
#include <string_view>

namespace quarry::io {

//! How a CSV file's text is encoded.
enum class TextEncoding {
  //! UTF-8 (ASCII included); invalid sequences become U+FFFD and are counted.
  kUtf8,
  //! Windows-1252: Latin-1 plus € ‚ ƒ „ … † ‡ ˆ ‰ Š ‹ Œ Ž ‘ ’ “ ” • – — ˜ ™ š › œ ž Ÿ in
  //! bytes 0x80-0x9F (the five bytes it leaves undefined become U+FFFD).
  kWindows1252,
  //! ISO-8859-1: every byte is the code point of the same value.
  kLatin1,
};

//! The encoding named `name` ("utf-8", "windows-1252" or "latin-1"), or nullopt.
[[nodiscard]] std::optional<TextEncoding> parse_text_encoding(std::string_view name) noexcept;

//! The name of `encoding`, as parse_text_encoding() reads it.
[[nodiscard]] std::string_view to_string(TextEncoding encoding) noexcept;

}  // namespace quarry::io
