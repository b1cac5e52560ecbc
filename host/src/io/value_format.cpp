#include "io/detail/value_format.hpp"

#include "io/detail/short_decimal_format.hpp"
#include "io/detail/timestamp.hpp"

#include <charconv>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace quarry::io::detail {

void append_int64(std::string& out, std::int64_t value) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, result.ptr);
}

std::size_t format_float64(double value, bool mark_float, char* out) {
  if (std::isnan(value)) {
    std::memcpy(out, "nan", 3);
    return 3;
  }
  static_assert(kFloat64TextSize >= kShortDecimalRoom &&
                kFloat64TextSize >= kShortDecimalMaxSize + 2);
  std::size_t size = format_short_decimal(value, out);
  if (size != 0) {
    // The fast path covers magnitudes in [1e-3, 1e15) in fixed notation: its text has a '.'
    // exactly when the value is not integral.
    if (mark_float && static_cast<double>(static_cast<std::int64_t>(value)) == value) {
      out[size++] = '.';
      out[size++] = '0';
    }
    return size;
  }
  size = static_cast<std::size_t>(std::to_chars(out, out + kFloat64TextSize - 2, value).ptr - out);
  if (mark_float && std::isfinite(value) &&
      std::string_view(out, size).find_first_of(".e") == std::string_view::npos) {
    out[size++] = '.';
    out[size++] = '0';
  }
  return size;
}

void append_float64(std::string& out, double value, bool mark_float) {
  char buffer[kFloat64TextSize];
  out.append(buffer, format_float64(value, mark_float, buffer));
}

void append_timestamp(std::string& out, std::int64_t micros, TimestampText text) {
  char buffer[kTimestampTextSize];
  out.append(buffer, format_timestamp(micros, buffer, text));
}

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text, start, i - start);
    start = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  out.append(text, start, text.size() - start);
  out += '"';
}

namespace {

bool spells_null(std::string_view text) {
  return text.empty() || text == "NA" || text == "N/A" || text == "null" || text == "NULL";
}

//! True when `text` holds a character that only a quoted field can carry. (A plain loop:
//! find_first_of with a set of four calls memchr once per character of the text.)
bool has_special(std::string_view text, char delimiter) {
  for (const char c : text) {
    if (c == delimiter || c == '"' || c == '\r' || c == '\n') return true;
  }
  return false;
}

}  // namespace

void append_csv_field(std::string& out, std::string_view text, char delimiter) {
  const bool quote = spells_null(text) || has_special(text, delimiter);
  if (!quote) {
    out += text;
    return;
  }
  out += '"';
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void check_chunk_schema(const Schema& schema, const Chunk& chunk, std::string_view sink) {
  if (chunk.schema() == schema) return;
  throw std::invalid_argument(std::string(sink) +
                              " sink: the chunk's columns differ from the sink's schema");
}

}  // namespace quarry::io::detail
