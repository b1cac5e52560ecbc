#pragma once
//! \file
//! UTF-8 copies, with LF line breaks, of text files the readers cannot read in place: UTF-16
//! and UTF-32 files ("Unicode text" as spreadsheets save it) and files whose lines end with a
//! bare CR (classic Mac OS, and the "CSV (Macintosh)" format Excel still offers); and JSON
//! Lines copies of JSON files holding an array of records. The readers read UTF-8 lines ending
//! in LF or CRLF, one record a line.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace quarry::io::detail {

//! Bytes at the start of a text that decide whether its lines end with a bare CR.
inline constexpr std::size_t kLineBreakSampleBytes = 64 * 1024;

//! True when `sample` has CR line breaks but no LF at all (classic Mac line endings).
[[nodiscard]] bool has_only_cr_line_breaks(std::string_view sample) noexcept;

//! A converted copy of a text file.
struct TextCopy {
  std::filesystem::path path;
  //! Code units that did not form a character (an unpaired surrogate, a value beyond U+10FFFF,
  //! a truncated unit at the end), each written as U+FFFD.
  std::uint64_t replaced = 0;
  //! The source's lines ended with a bare CR; every CR of the copy is an LF.
  bool cr_line_breaks = false;
};

//! Writes the text of `source`, encoded as `encoding` ("UTF-16LE", "UTF-16BE", "UTF-32LE" or
//! "UTF-32BE", as wide_unicode_encoding() names them; "" for UTF-8, copied as it is), as UTF-8
//! to a new file in `directory` (created if missing) and returns it; a byte-order mark is
//! dropped. When the first kLineBreakSampleBytes of the text have only CR line breaks, every
//! CR becomes an LF (line numbers stay those of the source). The caller removes the copy.
//! Throws InputError when the source cannot be read or the copy cannot be written.
TextCopy copy_as_utf8(const std::filesystem::path& source, std::string_view encoding,
                      const std::filesystem::path& directory);

//! A JSON Lines copy of a JSON file.
struct JsonLinesCopy {
  std::filesystem::path path;
  //! Top-level values copied (the array's elements).
  std::uint64_t records = 0;
  //! The file held an array (else objects one after another, as in JSON Lines).
  bool array = false;
};

//! Writes the records of the JSON file `source` as JSON Lines to a new file in `directory`
//! (created if missing) and returns it. `source` holds one array of records
//! (`[{...}, {...}]`, as pandas' to_json(orient="records") and most APIs write it), or
//! top-level values one after another (JSON Lines, or pretty-printed objects). Each record
//! goes on the copy's line where it starts in the source, so messages about the copy name the
//! source's lines; records sharing a source line get lines of their own. Only the nesting is
//! checked here (brackets, strings); the records' own syntax is the reader's. Throws
//! InputError naming the line for a file that is not an array or values, an array left open,
//! or text after it, and for one object whose members are all objects or arrays (pandas'
//! default orient="columns", or a wrapper such as {"data": [...]}), naming the fix.
JsonLinesCopy copy_json_as_lines(const std::filesystem::path& source,
                                 const std::filesystem::path& directory,
                                 const std::string& display_name);

}  // namespace quarry::io::detail
