#pragma once
//! \file
//! UTF-8 copies of UTF-16 and UTF-32 text files ("Unicode text" as spreadsheets save it), so
//! the readers, which read UTF-8, can read them.

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace quarry::io::detail {

//! A UTF-8 copy of a wide-encoded file.
struct Utf8Copy {
  std::filesystem::path path;
  //! Code units that did not form a character (an unpaired surrogate, a value beyond U+10FFFF,
  //! a truncated unit at the end), each written as U+FFFD.
  std::uint64_t replaced = 0;
};

//! Writes the text of `source`, encoded as `encoding` ("UTF-16LE", "UTF-16BE", "UTF-32LE" or
//! "UTF-32BE", as wide_unicode_encoding() names them), as UTF-8 to a new file in `directory`
//! (created if missing) and returns it; a byte-order mark is dropped. The caller removes the
//! copy. Throws InputError when the source cannot be read or the copy cannot be written.
Utf8Copy copy_as_utf8(const std::filesystem::path& source, std::string_view encoding,
                      const std::filesystem::path& directory);

}  // namespace quarry::io::detail
