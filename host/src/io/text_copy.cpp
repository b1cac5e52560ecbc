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
    copy_failed("could not write the UTF-8 copy", path, error);
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

}  // namespace

bool has_only_cr_line_breaks(std::string_view sample) noexcept {
  return sample.find('\n') == std::string_view::npos &&
         std::count(sample.begin(), sample.end(), '\r') >= 2;
}

TextCopy copy_as_utf8(const std::filesystem::path& source, std::string_view encoding,
                      const std::filesystem::path& directory) {
  CopyText converter(encoding);
  const posix::UniqueFd in(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) copy_failed("could not open", source, errno);
  std::error_code ignored;
  std::filesystem::create_directories(directory, ignored);
  std::string name = (directory / "quarry-utf8-XXXXXX").string();
  const posix::UniqueFd out(::mkostemp(name.data(), O_CLOEXEC));
  if (out.get() < 0) copy_failed("could not create a UTF-8 copy in", directory, errno);
  TextCopy copy{name};
  try {
    std::vector<char> buffer(1 << 20);
    std::string text;
    for (;;) {
      const ssize_t got = ::read(in.get(), buffer.data(), buffer.size());
      if (got < 0) {
        if (errno == EINTR) continue;
        copy_failed("could not read", source, errno);
      }
      if (got == 0) break;
      converter.convert(std::string_view(buffer.data(), static_cast<std::size_t>(got)), text);
      write_all(out.get(), text, copy.path);
    }
    converter.finish(text);
    write_all(out.get(), text, copy.path);
  } catch (...) {
    std::filesystem::remove(copy.path, ignored);
    throw;
  }
  copy.replaced = converter.replaced();
  copy.cr_line_breaks = converter.cr_line_breaks();
  return copy;
}

}  // namespace quarry::io::detail
