#include "io/detail/utf8.hpp"

#include "quarry/io/error.hpp"

#include <algorithm>
#include <string>

namespace quarry::io::detail {
namespace {

bool in(unsigned char c, unsigned char low, unsigned char high) {
  return c >= low && c <= high;
}

//! The allowed range of the second byte after lead `c`, and the sequence length (0 = bad lead).
struct Lead {
  int length;
  unsigned char low;
  unsigned char high;
};

Lead lead_of(unsigned char c) noexcept {
  if (c < 0x80) return {1, 0, 0};
  if (in(c, 0xC2, 0xDF)) return {2, 0x80, 0xBF};
  if (c == 0xE0) return {3, 0xA0, 0xBF};
  if (in(c, 0xE1, 0xEC) || in(c, 0xEE, 0xEF)) return {3, 0x80, 0xBF};
  if (c == 0xED) return {3, 0x80, 0x9F};
  if (c == 0xF0) return {4, 0x90, 0xBF};
  if (in(c, 0xF1, 0xF3)) return {4, 0x80, 0xBF};
  if (c == 0xF4) return {4, 0x80, 0x8F};
  return {0, 0, 0};
}

}  // namespace

int utf8_step(const unsigned char* data, std::size_t size) noexcept {
  const Lead lead = lead_of(data[0]);
  if (lead.length == 1) return 1;
  if (lead.length == 0) return -1;
  if (size < 2 || !in(data[1], lead.low, lead.high)) return -1;
  for (int i = 2; i < lead.length; ++i) {
    if (static_cast<std::size_t>(i) >= size || !in(data[i], 0x80, 0xBF)) return -i;
  }
  return lead.length;
}

bool is_valid_utf8(const char* data, std::size_t size) noexcept {
  if (is_ascii(data, size)) return true;
  const auto* bytes = reinterpret_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size;) {
    if (bytes[i] < 0x80) {
      ++i;
      continue;
    }
    const int step = utf8_step(bytes + i, size - i);
    if (step < 0) return false;
    i += static_cast<std::size_t>(step);
  }
  return true;
}

std::size_t encode_utf8(char32_t cp, char* out) noexcept {
  if (cp < 0x80) {
    out[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    out[0] = static_cast<char>(0xC0 | (cp >> 6));
    out[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = static_cast<char>(0xE0 | (cp >> 12));
    out[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = static_cast<char>(0xF0 | (cp >> 18));
  out[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  out[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  out[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

std::size_t repair_utf8(std::string_view in_text, char* out, std::uint64_t& replaced) noexcept {
  const auto* bytes = reinterpret_cast<const unsigned char*>(in_text.data());
  const std::size_t size = in_text.size();
  std::size_t written = 0;
  for (std::size_t i = 0; i < size;) {
    const int step = bytes[i] < 0x80 ? 1 : utf8_step(bytes + i, size - i);
    if (step > 0) {
      std::memcpy(out + written, bytes + i, static_cast<std::size_t>(step));
      written += static_cast<std::size_t>(step);
      i += static_cast<std::size_t>(step);
    } else {
      std::memcpy(out + written, "\xEF\xBF\xBD", 3);
      written += 3;
      i += static_cast<std::size_t>(-step);
      ++replaced;
    }
  }
  return written;
}

std::string repaired_utf8(std::string_view in_text, std::uint64_t* replaced) {
  std::uint64_t count = 0;
  std::string out(in_text.size() * 3, '\0');
  out.resize(repair_utf8(in_text, out.data(), count));
  if (replaced != nullptr) *replaced += count;
  return out;
}

std::string_view wide_unicode_encoding(std::string_view head) noexcept {
  const auto starts = [&](std::string_view mark) { return head.substr(0, mark.size()) == mark; };
  using namespace std::string_view_literals;
  if (starts("\xFF\xFE\0\0"sv)) return "UTF-32LE";
  if (starts("\0\0\xFE\xFF"sv)) return "UTF-32BE";
  if (starts("\xFF\xFE"sv)) return "UTF-16LE";
  if (starts("\xFE\xFF"sv)) return "UTF-16BE";
  // No mark: ASCII text in a wide encoding has NUL in the high bytes of every code unit.
  const std::size_t n = std::min<std::size_t>(head.size(), 512) & ~std::size_t{3};
  if (n < 8) return {};
  std::size_t nul_at[4] = {};
  for (std::size_t i = 0; i < n; ++i) nul_at[i % 4] += head[i] == '\0' ? 1 : 0;
  const std::size_t quarter = n / 4;
  const auto mostly = [&](std::size_t count) { return count * 10 >= quarter * 9; };
  const auto rarely = [&](std::size_t count) { return count * 10 <= quarter; };
  if (mostly(nul_at[1]) && mostly(nul_at[2]) && mostly(nul_at[3]) && rarely(nul_at[0])) {
    return "UTF-32LE";
  }
  if (mostly(nul_at[0]) && mostly(nul_at[1]) && mostly(nul_at[2]) && rarely(nul_at[3])) {
    return "UTF-32BE";
  }
  if (mostly(nul_at[1]) && mostly(nul_at[3]) && rarely(nul_at[0]) && rarely(nul_at[2])) {
    return "UTF-16LE";
  }
  if (mostly(nul_at[0]) && mostly(nul_at[2]) && rarely(nul_at[1]) && rarely(nul_at[3])) {
    return "UTF-16BE";
  }
  return {};
}

void refuse_wide_unicode(std::string_view head, const std::string& name) {
  const std::string_view encoding = wide_unicode_encoding(head);
  if (encoding.empty()) return;
  throw InputError("the file is encoded as " + std::string(encoding) +
                       " (as spreadsheets save \"Unicode text\"); Quarry reads UTF-8",
                   "convert it to UTF-8, e.g. `iconv -f " + std::string(encoding) +
                       " -t UTF-8 FILE > FILE.utf8`, or save it from the spreadsheet as CSV UTF-8",
                   ErrorLocation{name, 0, {}});
}

}  // namespace quarry::io::detail
