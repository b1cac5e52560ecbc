#pragma once
//! \file
//! Group keys: the values of one or more key columns in a row, encoded as one byte string
//! (type tag + payload per column) so a hash table can index groups, and decoded back to
//! typed JSON values for results. Encoded keys compare in the order results are sorted:
//! per column, numbers numerically, text bytewise, false before true, nulls last.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "detail/columns.hpp"
#include "detail/format.hpp"
#include "quarry/sdk.hpp"

namespace quarry::stats {

namespace key_tag {
inline constexpr char kInt = 1;    //!< int64 or timestamp: 8 bytes
inline constexpr char kFloat = 2;  //!< float64: 8 bytes
inline constexpr char kBool = 3;   //!< 1 byte
inline constexpr char kText = 4;   //!< 4-byte length + bytes
inline constexpr char kNull = 9;   //!< no payload; sorts last
}  // namespace key_tag

//! Bytes before the text in a text key part: the tag and the 4-byte length.
inline constexpr std::size_t kTextHeaderBytes = 5;

//! Appends one text key part (tag, length, bytes) to `out`.
inline void append_text(std::string& out, std::string_view text) {
  out.push_back(key_tag::kText);
  const auto len = static_cast<std::uint32_t>(text.size());
  out.append(reinterpret_cast<const char*>(&len), sizeof len);
  out.append(text.data(), text.size());
}

//! Encodes the key columns of one chunk's rows.
class KeyEncoder {
 public:
  //! An encoder over `keys` of `chunk`.
  KeyEncoder(const sdk::ChunkView& chunk, const std::vector<ColumnRef>& keys) {
    for (const auto& ref : keys) {
      Part part{chunk.column(ref.index), ref.type, {}, {}, {}, {}};
      switch (ref.type) {
        case sdk::ColumnType::utf8:
          part.strings.emplace(part.column.strings());
          break;
        case sdk::ColumnType::int64:
          part.ints.emplace(part.column.int64s());
          break;
        case sdk::ColumnType::timestamp:
          part.ints.emplace(part.column.timestamps());
          break;
        case sdk::ColumnType::float64:
          part.floats.emplace(part.column.float64s());
          break;
        case sdk::ColumnType::boolean:
          part.bools.emplace(part.column.bools());
          break;
        default:
          throw sdk::Error::invalid_argument("column '" + ref.name + "' cannot be a group key");
      }
      parts_.push_back(std::move(part));
    }
  }

  //! Encodes row `i` into `out`; returns false when some key is null (or NaN).
  bool encode(std::int64_t i, std::string& out) const {
    out.clear();
    bool complete = true;
    for (const Part& p : parts_) {
      if (!p.column.is_valid(i) || (p.floats && std::isnan((*p.floats)[i]))) {
        out.push_back(key_tag::kNull);
        complete = false;
      } else if (p.strings) {
        append_text(out, (*p.strings)[i]);
      } else if (p.ints) {
        append(out, key_tag::kInt, (*p.ints)[i]);
      } else if (p.floats) {
        const double v = (*p.floats)[i];
        append(out, key_tag::kFloat, v == 0 ? 0.0 : v);  // -0 and 0 are one group
      } else {
        out.push_back(key_tag::kBool);
        out.push_back((*p.bools)[i] ? 1 : 0);
      }
    }
    return complete;
  }

 private:
  struct Part {
    sdk::ColumnView column;
    sdk::ColumnType type;
    std::optional<sdk::StringColumn> strings;
    std::optional<sdk::PrimitiveColumn<std::int64_t>> ints;
    std::optional<sdk::PrimitiveColumn<double>> floats;
    std::optional<sdk::BoolColumn> bools;
  };

  template <class T>
  static void append(std::string& out, char tag, T value) {
    out.push_back(tag);
    out.append(reinterpret_cast<const char*>(&value), sizeof value);
  }

  std::vector<Part> parts_;
};

namespace detail {

template <class T>
T read_payload(std::string_view key, std::size_t& at) {
  T value;
  std::memcpy(&value, key.data() + at, sizeof value);
  at += sizeof value;
  return value;
}

}  // namespace detail

//! The key columns of an encoded key as JSON values (timestamps as ISO 8601 text).
inline json decode_key(std::string_view key, const std::vector<ColumnRef>& refs) {
  json out = json::array();
  std::size_t at = 0;
  for (const auto& ref : refs) {
    const char tag = key[at++];
    if (tag == key_tag::kNull) {
      out.push_back(nullptr);
    } else if (tag == key_tag::kText) {
      const auto len = detail::read_payload<std::uint32_t>(key, at);
      out.push_back(std::string(key.substr(at, len)));
      at += len;
    } else if (tag == key_tag::kInt) {
      const auto v = detail::read_payload<std::int64_t>(key, at);
      out.push_back(ref.type == sdk::ColumnType::timestamp ? json(sdk::iso8601_text(v, ref.unit))
                                                           : json(v));
    } else if (tag == key_tag::kFloat) {
      out.push_back(detail::read_payload<double>(key, at));
    } else {
      out.push_back(key[at++] != 0);
    }
  }
  return out;
}

//! Orders encoded keys column by column: values ascending, nulls last.
inline bool key_less(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const char ta = a[i++], tb = b[j++];
    if (ta != tb) return ta < tb;  // only differs against kNull, which is largest
    if (ta == key_tag::kNull) continue;
    if (ta == key_tag::kText) {
      const auto la = detail::read_payload<std::uint32_t>(a, i);
      const auto lb = detail::read_payload<std::uint32_t>(b, j);
      const std::string_view sa = a.substr(i, la), sb = b.substr(j, lb);
      if (sa != sb) return sa < sb;
      i += la;
      j += lb;
    } else if (ta == key_tag::kInt) {
      const auto va = detail::read_payload<std::int64_t>(a, i);
      const auto vb = detail::read_payload<std::int64_t>(b, j);
      if (va != vb) return va < vb;
    } else if (ta == key_tag::kFloat) {
      const auto va = detail::read_payload<double>(a, i);
      const auto vb = detail::read_payload<double>(b, j);
      if (va != vb) return va < vb;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return false;
}

}  // namespace quarry::stats
