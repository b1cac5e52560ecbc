#include "io/detail/text_copy.hpp"

#include "io/detail/utf8.hpp"
#include "quarry/io/error.hpp"
#include "quarry/posix/unique_fd.hpp"
#include "quarry/posix/write_all.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

namespace quarry::io::detail {
namespace {

//! Decodes code units into UTF-8, carrying a unit or surrogate split across reads.
class WideDecoder {
 public:
  WideDecoder(unsigned unit_bytes, bool little_endian)
      : unit_bytes_(unit_bytes), little_endian_(little_endian) {}

  //! Decodes `bytes` (after any left over from the last call), appending UTF-8 to `out`.
  void decode(std::string_view bytes, std::string& out) {
    pending_.append(bytes);
    std::size_t at = 0;
    for (; at + unit_bytes_ <= pending_.size(); at += unit_bytes_) add_unit(unit_at(at), out);
    pending_.erase(0, at);
  }

  //! Ends the text: a truncated unit or a high surrogate left unpaired becomes U+FFFD.
  void finish(std::string& out) {
    if (high_surrogate_ != 0) replace(out);
    if (!pending_.empty()) replace(out);
    high_surrogate_ = 0;
    pending_.clear();
  }

  [[nodiscard]] std::uint64_t replaced() const noexcept { return replaced_; }

 private:
  [[nodiscard]] char32_t unit_at(std::size_t at) const noexcept {
    char32_t unit = 0;
    for (unsigned i = 0; i < unit_bytes_; ++i) {
      const auto byte = static_cast<unsigned char>(pending_[at + i]);
      const unsigned shift = 8 * (little_endian_ ? i : unit_bytes_ - 1 - i);
      unit |= static_cast<char32_t>(byte) << shift;
    }
    return unit;
  }

  void add_unit(char32_t unit, std::string& out) {
    if (unit_bytes_ == 4)
      return unit <= 0x10FFFF && (unit < 0xD800 || unit > 0xDFFF) ? append(unit, out)
                                                                  : replace(out);
    if (unit >= 0xD800 && unit <= 0xDBFF) {  // a high surrogate: its pair follows
      if (high_surrogate_ != 0) replace(out);
      high_surrogate_ = unit;
      return;
    }
    if (unit >= 0xDC00 && unit <= 0xDFFF) {
      if (high_surrogate_ == 0) return replace(out);
      append(0x10000 + ((high_surrogate_ - 0xD800) << 10) + (unit - 0xDC00), out);
      high_surrogate_ = 0;
      return;
    }
    if (high_surrogate_ != 0) {
      replace(out);
      high_surrogate_ = 0;
    }
    append(unit, out);
  }

  void replace(std::string& out) {
    ++replaced_;
    append(0xFFFD, out);
  }

  static void append(char32_t cp, std::string& out) {
    char bytes[4];
    out.append(bytes, encode_utf8(cp, bytes));
  }

  unsigned unit_bytes_;
  bool little_endian_;
  std::string pending_;  // bytes of a unit split across reads
  char32_t high_surrogate_ = 0;
  std::uint64_t replaced_ = 0;
};

[[noreturn]] void copy_failed(const std::string& what, const std::filesystem::path& path,
                              int error) {
  throw InputError(what + " " + path.string() + ": " + std::strerror(error),
                   "check the disk and that the cache directory (plugins.cache_dir) is writable");
}

void write_all(int fd, std::string_view text, const std::filesystem::path& path) {
  if (const int error = posix::write_all(fd, text); error != 0)
    copy_failed("could not write the copy", path, error);
}

//! Turns the bytes read from a source into the copy's text: UTF-8 without a byte-order mark,
//! and with LF line breaks when the first block read shows only bare CRs.
class CopyText {
 public:
  explicit CopyText(std::string_view encoding) {
    if (!encoding.empty())
      decoder_.emplace(encoding.starts_with("UTF-32") ? 4U : 2U, encoding.ends_with("LE"));
  }

  //! The text of the next `bytes` of the source, in `out` (replaced).
  void convert(std::string_view bytes, std::string& out) {
    out.clear();
    if (decoder_) {
      decoder_->decode(bytes, out);
    } else {
      out.assign(bytes);
    }
    finish_block(out);
  }

  //! What is left at the end of the source (a truncated unit), in `out` (replaced).
  void finish(std::string& out) {
    out.clear();
    if (decoder_) decoder_->finish(out);
    finish_block(out);
  }

  [[nodiscard]] std::uint64_t replaced() const noexcept {
    return decoder_ ? decoder_->replaced() : 0;
  }
  [[nodiscard]] bool cr_line_breaks() const noexcept { return cr_line_breaks_; }

 private:
  void finish_block(std::string& text) {
    if (first_) {
      if (text.starts_with("\xEF\xBB\xBF")) text.erase(0, 3);  // the byte-order mark
      if (text.empty()) return;  // the mark alone, or a unit split across reads
      first_ = false;
      cr_line_breaks_ =
          has_only_cr_line_breaks(std::string_view(text).substr(0, kLineBreakSampleBytes));
    }
    if (cr_line_breaks_) std::replace(text.begin(), text.end(), '\r', '\n');
  }

  std::optional<WideDecoder> decoder_;
  bool first_ = true;
  bool cr_line_breaks_ = false;
};

//! Turns the bytes of a JSON file into JSON Lines, one top-level value (or array element) a
//! line, on the line where it starts in the source (see copy_json_as_lines).
class JsonRecordsToLines {
 public:
  explicit JsonRecordsToLines(std::string file_name) : file_name_(std::move(file_name)) {}

  //! Appends the copy of the next `bytes` of the source to `out`.
  void convert(std::string_view bytes, std::string& out) {
    if (!started_) {
      started_ = true;
      if (bytes.starts_with("\xEF\xBB\xBF")) bytes.remove_prefix(3);  // the byte-order mark
    }
    std::size_t i = 0;
    while (i < bytes.size()) {
      // Runs of bytes that change no state are copied whole: the copy must keep pace with
      // the reader.
      if (in_record_ && !escaped_ && (in_string_ || depth_ > 0)) {
        const std::size_t run = plain_run(bytes.substr(i));
        out.append(bytes.data() + i, run);
        i += run;
        if (i == bytes.size()) break;
      }
      if (!in_record_ || !add_to_record(bytes[i], out)) between_records(bytes[i], out);
      ++i;
    }
  }

  //! Ends the copy (a last line break), or throws when the source ends inside a value.
  void finish(std::string& out) {
    if (in_record_ && depth_ == 0 && !in_string_) end_record();
    if (in_record_) {
      fail("the file ends inside the value that starts at line " + std::to_string(record_line_) +
               (in_string_ ? " (in a string)" : ""),
           "close its brackets and quotes, or check that the file was written completely");
    }
    if (top_ == Top::kArray) {
      fail("the file ends before the JSON array that opens it is closed with ']'",
           "check that the file was written completely");
    }
    if (top_ == Top::kValues && records_ == 1 && (first_value_ == '{' || first_value_ == '[')) {
      throw InputError(
          "the file is one JSON object whose members hold objects or arrays (the layout of "
          "pandas' to_json() default, orient=\"columns\", or a wrapper such as {\"data\": "
          "[...]}), not records",
          "write the rows as an array of objects (pandas: to_json(path, orient=\"records\")) or "
          "as JSON Lines (to_json(path, orient=\"records\", lines=True))",
          ErrorLocation{file_name_, 1, {}});
    }
    if (records_ > 0) out += '\n';
  }

  [[nodiscard]] std::uint64_t records() const noexcept { return records_; }
  [[nodiscard]] bool array() const noexcept { return array_; }

 private:
  enum class Top : std::uint8_t { kUnknown, kArray, kValues, kClosed };
  enum class Expect : std::uint8_t { kValueOrClose, kValue, kCommaOrClose };

  //! How many bytes at the start of `bytes` can be copied as they are: in a string, up to a
  //! quote, backslash or line break; else up to a bracket, quote, colon or white space.
  [[nodiscard]] std::size_t plain_run(std::string_view bytes) const noexcept {
    std::size_t at = 0;
    if (in_string_) {
      while (at < bytes.size() && bytes[at] != '"' && bytes[at] != '\\' && bytes[at] != '\n') ++at;
      return at;
    }
    if (awaiting_first_value_) return 0;
    while (at < bytes.size() && !structural(bytes[at])) ++at;
    return at;
  }

  [[nodiscard]] static bool structural(char c) noexcept {
    switch (c) {
      case '"':
      case '{':
      case '}':
      case '[':
      case ']':
      case ':':
      case ' ':
      case '\t':
      case '\r':
      case '\n':
        return true;
      default:
        return false;
    }
  }

  [[noreturn]] void fail(std::string problem, std::string fix) const {
    throw InputError(std::move(problem), std::move(fix), ErrorLocation{file_name_, line_, {}});
  }

  //! Adds `c` to the open record; false when `c` ends a record without belonging to it (the
  //! delimiter after a number, true, false or null), to be read again between records.
  bool add_to_record(char c, std::string& out) {
    if (in_string_) {
      out += c;
      if (c == '\n') ++line_;  // not valid JSON: the reader says so, on this line
      if (escaped_) {
        escaped_ = false;
      } else if (c == '\\') {
        escaped_ = true;
      } else if (c == '"') {
        in_string_ = false;
        if (depth_ == 0) end_record();
      }
      return true;
    }
    const bool space = c == ' ' || c == '\t' || c == '\r' || c == '\n';
    if (depth_ == 0 && (space || c == ',' || c == ']' || c == '}')) {
      end_record();
      return false;
    }
    if (space) {
      if (c == '\n') {
        ++line_;
        ++pending_lines_;
      }
      return true;
    }
    if (awaiting_first_value_) {
      first_value_ = c;
      awaiting_first_value_ = false;
    }
    out += c;
    switch (c) {
      case '"':
        in_string_ = true;
        break;
      case '{':
      case '[':
        ++depth_;
        break;
      case '}':
      case ']':
        if (--depth_ == 0) end_record();
        break;
      case ':':
        awaiting_first_value_ = top_ == Top::kValues && records_ == 1 && depth_ == 1 &&
                                first_value_ == '\0' && !first_member_seen_;
        first_member_seen_ = first_member_seen_ || depth_ == 1;
        break;
      default:
        break;
    }
    return true;
  }

  void between_records(char c, std::string& out) {
    if (c == ' ' || c == '\t' || c == '\r') return;
    if (c == '\n') {
      ++line_;
      ++pending_lines_;
      return;
    }
    switch (top_) {
      case Top::kUnknown:
        if (c == '[') {
          top_ = Top::kArray;
          array_ = true;
          return;
        }
        if (c != '{') {
          fail(
              std::string("the file does not start with a JSON array or object (it starts with '") +
                  c + "')",
              "a .json file holds an array of records ([{\"a\": 1}, {\"a\": 2}]) or objects one "
              "after another; for another format name it with the format argument");
        }
        top_ = Top::kValues;
        return start_record(c, out);
      case Top::kArray:
        if (c == ']' && expect_ != Expect::kValue) {
          top_ = Top::kClosed;
          return;
        }
        if (expect_ == Expect::kCommaOrClose) {
          if (c != ',') {
            fail("expected ',' or ']' after the array's record " + std::to_string(records_) +
                     ", found '" + std::string(1, c) + "'",
                 "separate the array's records with commas");
          }
          expect_ = Expect::kValue;
          return;
        }
        if (c == ',' || c == ']') {
          fail(std::string("the array has '") + c + "' where a record should be",
               "remove the extra comma");
        }
        return start_record(c, out);
      case Top::kValues:
        return start_record(c, out);
      case Top::kClosed:
        fail("text after the end of the JSON array",
             "remove it, or put every record inside the one array");
    }
  }

  void start_record(char c, std::string& out) {
    if (c == '}' || c == ']') {
      fail(std::string("a '") + c + "' closes nothing", "remove it, or add what it should close");
    }
    // On the source's line, so messages about the copy name it; a line of its own at least.
    const std::uint64_t breaks = std::max<std::uint64_t>(pending_lines_, records_ > 0 ? 1 : 0);
    out.append(breaks, '\n');
    pending_lines_ = 0;
    ++records_;
    record_line_ = line_;
    in_record_ = true;
    first_member_seen_ = false;
    add_to_record(c, out);
  }

  void end_record() {
    in_record_ = false;
    expect_ = Expect::kCommaOrClose;
  }

  std::string file_name_;
  bool started_ = false;
  Top top_ = Top::kUnknown;
  Expect expect_ = Expect::kValueOrClose;
  bool array_ = false;
  bool in_record_ = false;
  bool in_string_ = false;
  bool escaped_ = false;
  int depth_ = 0;  // brackets open in the record
  std::uint64_t line_ = 1;
  std::uint64_t pending_lines_ = 0;  // source line breaks not yet in the copy
  std::uint64_t records_ = 0;
  std::uint64_t record_line_ = 0;
  // For telling a pandas orient="columns" object from one record.
  bool first_member_seen_ = false;
  bool awaiting_first_value_ = false;
  char first_value_ = '\0';
};

//! A new file in `directory` (created if missing) named from `prefix`.
posix::UniqueFd create_copy(const std::filesystem::path& directory, std::string_view prefix,
                            std::string& name) {
  std::error_code ignored;
  std::filesystem::create_directories(directory, ignored);
  name = (directory / (std::string(prefix) + "-XXXXXX")).string();
  posix::UniqueFd out(::mkostemp(name.data(), O_CLOEXEC));
  if (out.get() < 0) copy_failed("could not create a copy in", directory, errno);
  return out;
}

//! Reads `source` a block at a time, handing each to `convert(bytes, text)` and writing the
//! text to `out`, then `finish(text)`; removes the copy at `copy_path` when anything throws.
template <class Convert, class Finish>
void copy_converted(const std::filesystem::path& source, int out,
                    const std::filesystem::path& copy_path, Convert&& convert, Finish&& finish) {
  const posix::UniqueFd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  try {
    if (in.get() < 0) copy_failed("could not open", source, errno);
    std::vector<char> buffer(1 << 20);
    std::string text;
    for (;;) {
      const ssize_t got = ::read(in.get(), buffer.data(), buffer.size());
      if (got < 0) {
        if (errno == EINTR) continue;
        copy_failed("could not read", source, errno);
      }
      if (got == 0) break;
      text.clear();
      convert(std::string_view(buffer.data(), static_cast<std::size_t>(got)), text);
      write_all(out, text, copy_path);
    }
    text.clear();
    finish(text);
    write_all(out, text, copy_path);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(copy_path, ignored);
    throw;
  }
}

}  // namespace

bool has_only_cr_line_breaks(std::string_view sample) noexcept {
  return sample.find('\n') == std::string_view::npos &&
         std::count(sample.begin(), sample.end(), '\r') >= 2;
}

TextCopy copy_as_utf8(const std::filesystem::path& source, std::string_view encoding,
                      const std::filesystem::path& directory) {
  CopyText converter(encoding);
  TextCopy copy;
  std::string name;
  const posix::UniqueFd out = create_copy(directory, "quarry-utf8", name);
  copy.path = name;
  copy_converted(
      source, out.get(), copy.path,
      [&](std::string_view bytes, std::string& text) { converter.convert(bytes, text); },
      [&](std::string& text) { converter.finish(text); });
  copy.replaced = converter.replaced();
  copy.cr_line_breaks = converter.cr_line_breaks();
  return copy;
}

JsonLinesCopy copy_json_as_lines(const std::filesystem::path& source,
                                 const std::filesystem::path& directory,
                                 const std::string& display_name) {
  JsonRecordsToLines converter(display_name.empty() ? source.string() : display_name);
  JsonLinesCopy copy;
  std::string name;
  const posix::UniqueFd out = create_copy(directory, "quarry-jsonl", name);
  copy.path = name;
  copy_converted(
      source, out.get(), copy.path,
      [&](std::string_view bytes, std::string& text) { converter.convert(bytes, text); },
      [&](std::string& text) { converter.finish(text); });
  copy.records = converter.records();
  copy.array = converter.array();
  return copy;
}

}  // namespace quarry::io::detail
