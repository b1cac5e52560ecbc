#include "io/detail/flat_json.hpp"

#include "io/detail/utf8.hpp"

#include <fast_float/fast_float.h>

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <unordered_set>

namespace quarry::io::detail {
namespace {

using Json = nlohmann::ordered_json;

class FlatReader {
 public:
  explicit FlatReader(std::string_view text) : p_(text.data()), end_(text.data() + text.size()) {}

  bool read(std::vector<JsonMember>& members) {
    members.clear();
    skip_space();
    if (!take('{')) return false;
    skip_space();
    if (take('}')) return at_end();
    for (;;) {
      JsonMember& member = members.emplace_back();
      if (!take('"') || !read_string(member.key)) return false;
      skip_space();
      if (!take(':')) return false;
      skip_space();
      if (!read_value(member.value)) return false;
      skip_space();
      if (take(',')) {
        skip_space();
        continue;
      }
      if (!take('}')) return false;
      return at_end() && unique_keys(members);
    }
  }

 private:
  void skip_space() noexcept {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
  }
  bool take(char c) noexcept {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool at_end() noexcept {
    skip_space();
    return p_ == end_;
  }
  bool take_word(std::string_view word) noexcept {
    if (static_cast<std::size_t>(end_ - p_) < word.size() ||
        std::string_view(p_, word.size()) != word)
      return false;
    p_ += word.size();
    return true;
  }

  // After the opening quote: the string's text, escapes decoded, into `out`.
  bool read_string(std::string& out) {
    out.clear();
    for (;;) {
      const char* start = p_;
      while (p_ < end_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20) {
        ++p_;
      }
      out.append(start, p_);
      if (p_ == end_ || static_cast<unsigned char>(*p_) < 0x20) return false;
      if (*p_++ == '"') return true;
      if (!read_escape(out)) return false;
    }
  }

  bool read_escape(std::string& out) {
    if (p_ == end_) return false;
    switch (*p_++) {
      case '"':
        out += '"';
        return true;
      case '\\':
        out += '\\';
        return true;
      case '/':
        out += '/';
        return true;
      case 'b':
        out += '\b';
        return true;
      case 'f':
        out += '\f';
        return true;
      case 'n':
        out += '\n';
        return true;
      case 'r':
        out += '\r';
        return true;
      case 't':
        out += '\t';
        return true;
      case 'u':
        break;
      default:
        return false;
    }
    char32_t unit = 0;
    if (!read_hex(unit)) return false;
    if (unit >= 0xDC00 && unit <= 0xDFFF) return false;  // a low surrogate first
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      char32_t low = 0;
      if (!take('\\') || !take('u') || !read_hex(low) || low < 0xDC00 || low > 0xDFFF) {
        return false;
      }
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
    }
    char bytes[4];
    out.append(bytes, encode_utf8(unit, bytes));
    return true;
  }

  bool read_hex(char32_t& unit) noexcept {
    if (end_ - p_ < 4) return false;
    for (int i = 0; i < 4; ++i) {
      const char c = *p_++;
      unit <<= 4;
      if (c >= '0' && c <= '9') {
        unit |= static_cast<char32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        unit |= static_cast<char32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        unit |= static_cast<char32_t>(c - 'A' + 10);
      } else {
        return false;
      }
    }
    return true;
  }

  bool read_value(Json& value) {
    if (p_ == end_) return false;
    switch (*p_) {
      case '"': {
        ++p_;
        std::string text;
        if (!read_string(text)) return false;
        value = std::move(text);
        return true;
      }
      case 't':
        value = true;
        return take_word("true");
      case 'f':
        value = false;
        return take_word("false");
      case 'n':
        value = nullptr;
        return take_word("null");
      case '{':
      case '[':
        return read_nested(value);
      default:
        return read_number(value);
    }
  }

  // JSON's number grammar: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
  bool read_number(Json& value) {
    const char* start = p_;
    const bool negative = take('-');
    const char* digits = p_;
    if (p_ == end_ || *p_ < '0' || *p_ > '9') return false;
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    }
    const char* integer_end = p_;
    bool integral = true;
    if (p_ < end_ && *p_ == '.') {
      integral = false;
      ++p_;
      if (!skip_digits()) return false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      integral = false;
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (!skip_digits()) return false;
    }
    if (integral) {
      std::uint64_t magnitude = 0;
      const auto [at, error] = std::from_chars(digits, integer_end, magnitude);
      if (error == std::errc() && at == integer_end) {
        if (!negative) {
          value = magnitude;
          return true;
        }
        if (magnitude <= std::uint64_t{1} << 63) {
          value = static_cast<std::int64_t>(0 - magnitude);  // (two's complement: -2^63 fits)
          return true;
        }
      }
    }
    double number = 0;  // a fraction, an exponent, or an integer beyond 64 bits: a double
    const auto result = fast_float::from_chars(start, p_, number);
    // Beyond the double range a number is ±inf (and below it 0), as Python's json reads it:
    // it is valid JSON, which the full parser would refuse.
    const bool in_range = result.ec == std::errc() || result.ec == std::errc::result_out_of_range;
    if (!in_range || result.ptr != p_) return false;
    value = number;
    return true;
  }

  bool skip_digits() noexcept {
    const char* first = p_;
    while (p_ < end_ && *p_ >= '0' && *p_ <= '9') ++p_;
    return p_ != first;
  }

  // A nested object or array: its text, found by matching brackets outside strings, goes to
  // the full parser.
  bool read_nested(Json& value) {
    const char* start = p_;
    int depth = 0;
    bool in_string = false;
    for (; p_ < end_; ++p_) {
      const char c = *p_;
      if (in_string) {
        if (c == '\\') {
          ++p_;
        } else if (c == '"') {
          in_string = false;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) {
          ++p_;
          value = Json::parse(start, p_, nullptr, false);
          return !value.is_discarded();
        }
      }
    }
    return false;
  }

  // FNV-1a, inline: keys are short, and a library hash call per key cost more.
  static std::size_t key_hash(std::string_view key) noexcept {
    std::uint64_t hash = 0xCBF29CE484222325ULL;
    for (const char c : key) hash = (hash ^ static_cast<unsigned char>(c)) * 0x100000001B3ULL;
    return static_cast<std::size_t>(hash);
  }

  // Keys compared by hash first: most lines have a dozen short keys of equal length, and
  // comparing every pair's text took a quarter of the read.
  static bool unique_keys(const std::vector<JsonMember>& members) {
    if (members.size() <= 16) {
      std::size_t hashes[16];
      for (std::size_t i = 0; i < members.size(); ++i) {
        hashes[i] = key_hash(members[i].key);
        for (std::size_t j = 0; j < i; ++j) {
          if (hashes[j] == hashes[i] && members[i].key == members[j].key) return false;
        }
      }
      return true;
    }
    std::unordered_set<std::string_view> keys;
    for (const auto& member : members) {
      if (!keys.insert(member.key).second) return false;
    }
    return true;
  }

  const char* p_;
  const char* end_;
};

}  // namespace

bool read_flat_object(std::string_view text, std::vector<JsonMember>& members) {
  return FlatReader(text).read(members);
}

}  // namespace quarry::io::detail
