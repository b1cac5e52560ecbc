#pragma once
//! \file
//! clean_profile: per column, what it holds and what it should be stored as — inferred
//! type, nulls, distinct values, min/max, bad values, values that would be coerced, and
//! the smallest safe storage type with the memory it saves (pandas' memory model).

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "detail/columns.hpp"
#include "detail/datetime_format.hpp"
#include "detail/distinct.hpp"
#include "detail/format.hpp"
#include "detail/hash.hpp"
#include "detail/parse.hpp"
#include "quarry/sdk.hpp"

namespace quarry::clean {

//! The smallest signed integer type holding [lo, hi]: "int8", "int16", "int32" or "int64".
inline std::string smallest_int(std::int64_t lo, std::int64_t hi) {
  if (lo >= -128 && hi <= 127) return "int8";
  if (lo >= -32768 && hi <= 32767) return "int16";
  if (lo >= std::numeric_limits<std::int32_t>::min() &&
      hi <= std::numeric_limits<std::int32_t>::max())
    return "int32";
  return "int64";
}

//! Bytes per value of a NumPy type name from smallest_int or "float32"/"float64"/"bool".
inline std::int64_t width_of(const std::string& type) {
  if (type == "int8" || type == "bool") return 1;
  if (type == "int16") return 2;
  if (type == "int32" || type == "float32") return 4;
  return 8;
}

//! CPython's sys.getsizeof of a str holding UTF-8 `text` (compact ASCII 49 + n; Latin-1
//! 73 + n; UCS-2 74 + 2n; UCS-4 76 + 4n), which pandas' memory_usage(deep=True) sums.
inline std::int64_t python_str_bytes(std::string_view text) {
  std::int64_t points = 0;
  std::uint32_t widest = 0;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::uint32_t cp = c;
    std::size_t len = 1;
    if (c >= 0xF0 && i + 3 < text.size() + 0) {
      cp = ((c & 0x07U) << 18) | ((text[i + 1] & 0x3FU) << 12) | ((text[i + 2] & 0x3FU) << 6) |
           (text[i + 3] & 0x3FU);
      len = 4;
    } else if (c >= 0xE0 && i + 2 < text.size()) {
      cp = ((c & 0x0FU) << 12) | ((text[i + 1] & 0x3FU) << 6) | (text[i + 2] & 0x3FU);
      len = 3;
    } else if (c >= 0xC0 && i + 1 < text.size()) {
      cp = ((c & 0x1FU) << 6) | (text[i + 1] & 0x3FU);
      len = 2;
    }
    widest = std::max(widest, cp);
    ++points;
    i += len;
  }
  if (widest < 0x80) return 49 + points;
  if (widest < 0x100) return 73 + points;
  if (widest < 0x10000) return 74 + 2 * points;
  return 76 + 4 * points;
}

//! What one column holds, accumulated over chunks; mergeable.
struct ColumnProfile {
  ColumnRef ref;
  std::int64_t rows = 0;
  std::int64_t nulls = 0;
  DistinctCounter distinct;
  // Numbers (int64/float64 columns, and text that parses as numbers).
  std::int64_t int_min = std::numeric_limits<std::int64_t>::max();
  std::int64_t int_max = std::numeric_limits<std::int64_t>::min();
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
  std::int64_t nans = 0;
  std::int64_t infinities = 0;
  bool float32_lossless = true;  // every finite value survives a round trip through float
  bool integral = true;          // every finite value is a whole number in int64 range
  std::int64_t trues = 0;
  // Text: how many values parse as each type, and the memory pandas would use.
  std::int64_t as_int = 0, as_float = 0, as_bool = 0, as_time = 0;
  std::int64_t time_min = std::numeric_limits<std::int64_t>::max();
  std::int64_t time_max = std::numeric_limits<std::int64_t>::min();
  std::int64_t python_bytes = 0;               // sum of sys.getsizeof of the values
  std::set<std::string> fail_int, fail_float;  // smallest few texts that are not numbers
  std::set<std::string> fail_bool, fail_time;  // … not booleans / not dates
  // Numbers written as identifiers ("02134", "+15551234567"): a number type would change them.
  std::int64_t identifier_numbers = 0;
  std::set<std::string> identifier_examples;
  // Text clean_normalize would parse: numbers written for people ("$1,234.50"), the same with
  // a decimal comma ("1.234,5"), and dates per the detected format that reads them first.
  std::int64_t as_people_number = 0, as_decimal_comma = 0, as_some_date = 0;
  // Of those with a decimal comma, the ones with nothing else ("12,5", "-3"): a column of only
  // these reads as numbers when the file is read with decimal ",".
  std::int64_t as_plain_decimal_comma = 0;
  std::vector<std::int64_t> date_formats;  // counts by index into detected_formats()
  // Distinct texts with their sizes while few (for the categorical estimate).
  std::set<std::string> categories;
  bool categories_complete = true;
  std::int64_t categories_bytes = 0;

  static constexpr std::size_t kExamples = 3;
  static constexpr std::size_t kCategoryLimit = 4096;

  static void keep_smallest(std::set<std::string>& set, std::string_view text) {
    if (set.size() >= kExamples && std::string_view(*set.rbegin()) <= text) return;
    set.emplace(clip_text(text, 60));
    if (set.size() > kExamples) set.erase(std::prev(set.end()));
  }

  void note_number(double x) {
    min = std::min(min, x);
    max = std::max(max, x);
    if (static_cast<double>(static_cast<float>(x)) != x) float32_lossless = false;
    if (!(std::trunc(x) == x && std::fabs(x) < 9.2e18)) {
      integral = false;
    } else {
      int_min = std::min(int_min, static_cast<std::int64_t>(x));
      int_max = std::max(int_max, static_cast<std::int64_t>(x));
    }
  }

  void note_text(std::string_view s) {
    python_bytes += python_str_bytes(s);
    std::int64_t i = 0;
    double d = 0;
    bool b = false;
    std::int64_t t = 0;
    if (parse_int64(s, i)) {
      ++as_int;
    } else {
      keep_smallest(fail_int, s);
    }
    const bool finite = parse_finite(s, d);
    if (finite && is_identifier_number(s)) {
      ++identifier_numbers;
      keep_smallest(identifier_examples, s);
    }
    if (finite) {
      ++as_float;
      note_number(d);
    } else {
      keep_smallest(fail_float, s);
    }
    if (parse_bool_word(s, b)) {
      ++as_bool;
    } else {
      keep_smallest(fail_bool, s);
    }
    if (parse_iso_timestamp(s, t)) {
      ++as_time;
      time_min = std::min(time_min, t);
      time_max = std::max(time_max, t);
    } else {
      keep_smallest(fail_time, s);
    }
    // A plain number is one written for people too (no separators to check).
    as_people_number += finite || reads_as_grouped_number(s, ',', '.') ? 1 : 0;
    as_decimal_comma += reads_as_grouped_number(s, '.', ',') ? 1 : 0;
    as_plain_decimal_comma += is_plain_decimal_comma(s) ? 1 : 0;
    note_date_formats(s);
    if (categories_complete && categories.size() <= kCategoryLimit) {
      if (categories.emplace(s).second) categories_bytes += python_str_bytes(s);
      if (categories.size() > kCategoryLimit) drop_categories();
    }
  }

  // [+-]digits[,digits]: a number as files with a decimal comma write it, and nothing else.
  static bool is_plain_decimal_comma(std::string_view s) {
    std::size_t at = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
    const auto digits = [&] {
      const std::size_t from = at;
      while (at < s.size() && s[at] >= '0' && s[at] <= '9') ++at;
      return at > from;
    };
    if (!digits()) return false;
    if (at < s.size() && s[at] == ',') {
      ++at;
      if (!digits()) return false;
    }
    return at == s.size();
  }

  // A number clean_normalize reads with `thousands` and `decimal` whose thousands separators
  // each start a group of three digits: "1,5" is not 15 with thousands ",", but may be 1.5.
  static bool reads_as_grouped_number(std::string_view s, char thousands, char decimal) {
    double value = 0;
    if (!parse_human_number(s, thousands, decimal, value)) return false;
    for (std::size_t at = s.find(thousands); at != std::string_view::npos;
         at = s.find(thousands, at + 1)) {
      std::size_t digits = 0;
      while (at + 1 + digits < s.size() && s[at + 1 + digits] >= '0' && s[at + 1 + digits] <= '9')
        ++digits;
      if (digits != 3) return false;
    }
    return true;
  }

  // Counts, per detected format, the values it reads (every format, not the first that reads:
  // 03/04/2024 is read by month-first and day-first alike, 15/04/2024 only by day-first), and
  // the values some format reads.
  void note_date_formats(std::string_view s) {
    // Every detected format starts with a digit or a month name; currency, words and the like
    // are skipped without trying any.
    if (s.empty() || !std::isalnum(static_cast<unsigned char>(s.front()))) return;
    if (std::none_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return;
    const std::vector<std::string>& formats = detected_formats();
    static const std::vector<unsigned> kFormatMarks = [&formats] {
      std::vector<unsigned> marks;
      for (const std::string& f : formats) marks.push_back(date_marks(f, true));
      return marks;
    }();
    // Only formats whose separators all occur in the text can read it.
    const unsigned marks = date_marks(s, false);
    DateTime when;
    bool any = false;
    for (std::size_t f = 0; f < formats.size(); ++f) {
      if ((kFormatMarks[f] & ~marks) != 0 || !parse_datetime(s, formats[f], when)) continue;
      date_formats.resize(formats.size());
      ++date_formats[f];
      any = true;
    }
    as_some_date += any ? 1 : 0;
  }

  // Which of the separators - / . : , space and T occur in `text` (a bit each); in a format
  // (`is_format`), outside its % directives.
  static unsigned date_marks(std::string_view text, bool is_format) noexcept {
    static constexpr std::string_view kMarks = "-/.:, T";
    unsigned marks = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (is_format && text[i] == '%') {
        ++i;
        continue;
      }
      if (const std::size_t m = kMarks.find(text[i]); m != std::string_view::npos) marks |= 1U << m;
    }
    return marks;
  }

  //! For a text column no type reads: the clean_normalize operations that would parse most of
  //! its `count` values (number, number with a decimal comma, or date), or null.
  [[nodiscard]] json normalize_suggestion(std::int64_t count) const;

  void drop_categories() {
    categories_complete = false;
    std::set<std::string>().swap(categories);
  }

  void consume(const sdk::ColumnView& column) {
    const std::int64_t n = column.size();
    rows += n;
    switch (ref.type) {
      case sdk::ColumnType::int64:
      case sdk::ColumnType::timestamp: {
        const auto v = ref.type == sdk::ColumnType::int64 ? column.int64s() : column.timestamps();
        for (std::int64_t r = 0; r < n; ++r) {
          if (!v.is_valid(r)) {
            ++nulls;
            continue;
          }
          int_min = std::min(int_min, v[r]);
          int_max = std::max(int_max, v[r]);
          distinct.add(hash64(static_cast<std::uint64_t>(v[r]), 1));
        }
        return;
      }
      case sdk::ColumnType::float64: {
        const auto v = column.float64s();
        for (std::int64_t r = 0; r < n; ++r) {
          if (!v.is_valid(r)) {
            ++nulls;
            continue;
          }
          const double x = v[r];
          if (std::isnan(x)) {
            ++nans;
            continue;
          }
          if (std::isinf(x)) ++infinities;
          note_number(x);
          const double key = x == 0.0 ? 0.0 : x;  // -0.0 and 0.0 are one value
          std::uint64_t bits;
          std::memcpy(&bits, &key, 8);
          distinct.add(hash64(bits, 2));
        }
        return;
      }
      case sdk::ColumnType::boolean: {
        const auto v = column.bools();
        for (std::int64_t r = 0; r < n; ++r) {
          if (!v.is_valid(r)) {
            ++nulls;
          } else {
            trues += v[r] ? 1 : 0;
            distinct.add(hash64(v[r] ? 1 : 0, 3));
          }
        }
        return;
      }
      case sdk::ColumnType::utf8: {
        const auto v = column.strings();
        for (std::int64_t r = 0; r < n; ++r) {
          if (!v.is_valid(r)) {
            ++nulls;
            continue;
          }
          note_text(v[r]);
          distinct.add(hash_bytes(v[r], 4).lo);
        }
        return;
      }
      default:
        rows -= n;
        throw sdk::Error::unsupported("column '" + ref.name +
                                      "' has a type clean_profile cannot read");
    }
  }

  static void merge_examples(std::set<std::string>& into, const std::set<std::string>& from) {
    for (const auto& s : from) keep_smallest(into, s);
  }

  void merge(const ColumnProfile& o) {
    rows += o.rows;
    nulls += o.nulls;
    distinct.merge(o.distinct);
    int_min = std::min(int_min, o.int_min);
    int_max = std::max(int_max, o.int_max);
    min = std::min(min, o.min);
    max = std::max(max, o.max);
    nans += o.nans;
    infinities += o.infinities;
    float32_lossless = float32_lossless && o.float32_lossless;
    integral = integral && o.integral;
    trues += o.trues;
    as_int += o.as_int;
    as_float += o.as_float;
    as_bool += o.as_bool;
    as_time += o.as_time;
    as_people_number += o.as_people_number;
    as_decimal_comma += o.as_decimal_comma;
    as_plain_decimal_comma += o.as_plain_decimal_comma;
    as_some_date += o.as_some_date;
    if (date_formats.size() < o.date_formats.size()) date_formats.resize(o.date_formats.size());
    for (std::size_t f = 0; f < o.date_formats.size(); ++f) date_formats[f] += o.date_formats[f];
    time_min = std::min(time_min, o.time_min);
    time_max = std::max(time_max, o.time_max);
    python_bytes += o.python_bytes;
    merge_examples(fail_int, o.fail_int);
    merge_examples(fail_float, o.fail_float);
    merge_examples(fail_bool, o.fail_bool);
    merge_examples(fail_time, o.fail_time);
    identifier_numbers += o.identifier_numbers;
    merge_examples(identifier_examples, o.identifier_examples);
    if (categories_complete && o.categories_complete) {
      for (const auto& s : o.categories) {
        if (categories.insert(s).second) categories_bytes += python_str_bytes(s);
      }
      if (categories.size() > kCategoryLimit) drop_categories();
    } else {
      drop_categories();
    }
  }

  [[nodiscard]] json render() const;
};

//! Storage advice for one column under pandas' memory model.
struct StorageAdvice {
  std::string current;          //!< the dtype pandas would use reading the file
  std::string smallest;         //!< the smallest dtype holding every value exactly
  std::int64_t current_bytes;   //!< memory_usage(deep=True) with `current`
  std::int64_t smallest_bytes;  //!< estimated bytes with `smallest`
};

//! The smallest integer dtype of [lo, hi], as pandas' nullable type ("Int16") when the
//! column has nulls (one mask byte more per row).
inline std::pair<std::string, std::int64_t> integer_storage(std::int64_t lo, std::int64_t hi,
                                                            std::int64_t rows, bool nulls) {
  std::string t = smallest_int(lo, hi);
  const std::int64_t bytes = rows * (width_of(t) + (nulls ? 1 : 0));
  if (nulls) t[0] = 'I';
  return {t, bytes};
}

inline json ColumnProfile::normalize_suggestion(std::int64_t count) const {
  std::int64_t parses = as_people_number;
  json operations = {{"parse", "number"}};
  if (as_decimal_comma > parses) {
    parses = as_decimal_comma;
    operations = {{"parse", "number"}, {"thousands", "."}, {"decimal", ","}};
  }
  std::size_t top = 0;  // the format that reads most values (the earlier one on a tie)
  for (std::size_t f = 0; f < date_formats.size(); ++f) {
    if (date_formats[f] > date_formats[top]) top = f;
  }
  if (as_some_date > parses) {
    parses = as_some_date;
    operations = {{"parse", "date"}};
    // One format for all when one reads most, so that 01/02/2024 means the same day as
    // 15/02/2024 does; the values it does not read are then reported as failed.
    if (2 * date_formats[top] > count) {
      parses = date_formats[top];
      operations["formats"] = {detected_formats()[top]};
    }
  }
  if (2 * parses <= count) return nullptr;
  json suggestion = {{"tool", "clean_normalize"},
                     {"columns", {{ref.name, operations}}},
                     {"parses", parses},
                     {"of", count}};
  // Every value a plain decimal-comma number: the file was written that way, and reading it
  // with decimal "," types the column as numbers with no step in between.
  if (operations.contains("decimal") && as_plain_decimal_comma == count) {
    suggestion["read_with"] = {{"decimal", ","}};
  }
  return suggestion;
}

inline json ColumnProfile::render() const {
  const std::int64_t count = rows - nulls;
  const std::int64_t valid_numbers = count - nans;
  json c = {{"name", ref.name},
            {"type", std::string(sdk::type_name(ref.type))},
            {"count", count},
            {"null_count", nulls},
            {"distinct", distinct.count()},
            {"distinct_exact", distinct.exact()},
            {"min", nullptr},
            {"max", nullptr},
            {"bad_values", {{"count", 0}, {"examples", json::array()}}},
            {"coercible", nullptr}};
  std::string inferred(sdk::type_name(ref.type));
  StorageAdvice s{"object", "object", rows * 8, rows * 8};
  auto examples = [](const std::set<std::string>& set) {
    json out = json::array();
    for (const auto& e : set) out.push_back(e);
    return out;
  };
  switch (ref.type) {
    case sdk::ColumnType::int64: {
      if (count > 0) c["min"] = int_min, c["max"] = int_max;
      // pandas reads an integer column with empty cells as float64.
      s.current = nulls > 0 ? "float64" : "int64";
      s.current_bytes = rows * 8;
      auto [t, bytes] = count > 0 ? integer_storage(int_min, int_max, rows, nulls > 0)
                                  : std::pair<std::string, std::int64_t>{"float64", rows * 8};
      s.smallest = t;
      s.smallest_bytes = bytes;
      break;
    }
    case sdk::ColumnType::float64: {
      if (valid_numbers > 0) c["min"] = num(min), c["max"] = num(max);
      s.current = "float64";
      s.current_bytes = rows * 8;
      if (nans + infinities > 0) {
        json ex = json::array();
        if (nans > 0) ex.push_back("nan");
        if (infinities > 0) ex.push_back("inf");
        c["bad_values"] = {{"count", nans + infinities}, {"examples", ex}};
      }
      if (valid_numbers > 0 && integral && infinities == 0 && nulls + nans == 0) {
        inferred = "int64";
        auto [t, bytes] = integer_storage(int_min, int_max, rows, false);
        s.smallest = t;
        s.smallest_bytes = bytes;
      } else {
        s.smallest = float32_lossless ? "float32" : "float64";
        s.smallest_bytes = rows * width_of(s.smallest);
      }
      break;
    }
    case sdk::ColumnType::boolean:
      c["true_count"] = trues;
      c["false_count"] = count - trues;
      s.current = nulls > 0 ? "object" : "bool";
      s.current_bytes = nulls > 0 ? rows * 8 : rows;
      s.smallest = nulls > 0 ? "boolean" : "bool";
      s.smallest_bytes = nulls > 0 ? rows * 2 : rows;
      break;
    case sdk::ColumnType::timestamp: {
      if (count > 0) {
        c["min"] = sdk::iso8601_text(int_min, ref.unit);
        c["max"] = sdk::iso8601_text(int_max, ref.unit);
      }
      s.current = s.smallest = "datetime64[ns]";
      s.current_bytes = s.smallest_bytes = rows * 8;
      break;
    }
    default: {
      // An object column: 8-byte pointers plus each str (an empty cell is a NaN float, 24).
      s.current_bytes = rows * 8 + python_bytes + nulls * 24;
      s.smallest_bytes = s.current_bytes;
      // The type most values parse as, narrowest first; the rest are bad values.
      struct Candidate {
        const char* type;
        std::int64_t ok;
        const std::set<std::string>* fails;
      };
      // A number written as an identifier (zip code, ID, phone number) makes the column one:
      // no number type is suggested, since converting would change such values.
      const bool identifiers = identifier_numbers > 0;
      if (identifiers) {
        c["identifier_numbers"] = {{"count", identifier_numbers},
                                   {"examples", examples(identifier_examples)}};
      }
      const Candidate candidates[] = {{"bool", as_bool, &fail_bool},
                                      {"int64", identifiers ? 0 : as_int, &fail_int},
                                      {"float64", identifiers ? 0 : as_float, &fail_float},
                                      {"timestamp", as_time, &fail_time}};
      const Candidate* best = nullptr;
      for (const auto& cand : candidates) {
        if (count > 0 && 2 * cand.ok > count && (best == nullptr || cand.ok > best->ok)) {
          best = &cand;
        }
      }
      if (best != nullptr) {
        inferred = best->type;
        c["bad_values"] = {{"count", count - best->ok}, {"examples", examples(*best->fails)}};
        c["coercible"] = {{"to", best->type}, {"count", best->ok}};
        const bool clean = best->ok == count;  // converting loses nothing
        const bool any_null = nulls > 0 || !clean;
        if (inferred == "int64") {
          c["min"] = int_min, c["max"] = int_max;
          if (clean) {
            auto [t, bytes] = integer_storage(int_min, int_max, rows, any_null);
            s.smallest = t, s.smallest_bytes = bytes;
          }
        } else if (inferred == "float64") {
          c["min"] = num(min), c["max"] = num(max);
          if (clean) {
            s.smallest = float32_lossless ? "float32" : "float64";
            s.smallest_bytes = rows * width_of(s.smallest);
          }
        } else if (inferred == "bool" && clean) {
          s.smallest = any_null ? "boolean" : "bool";
          s.smallest_bytes = rows * (any_null ? 2 : 1);
        } else if (inferred == "timestamp") {
          c["min"] = sdk::iso8601_text(time_min, sdk::TimeUnit::micro);
          c["max"] = sdk::iso8601_text(time_max, sdk::TimeUnit::micro);
          if (clean) s.smallest = "datetime64[ns]", s.smallest_bytes = rows * 8;
        }
      }
      if (best == nullptr && count > 0 && !identifiers) {
        if (json suggestion = normalize_suggestion(count); !suggestion.is_null()) {
          c["suggestion"] = std::move(suggestion);
        }
      }
      if (s.smallest == "object" && count > 0) {
        // Categorical: integer codes plus one str per category (and its pointer).
        const std::int64_t k = distinct.count();
        if (2 * k <= count) {
          const std::int64_t category_bytes =
              categories_complete ? categories_bytes + 8 * k
                                  : k * (8 + python_bytes / std::max<std::int64_t>(count, 1));
          const std::int64_t code = k < 128 ? 1 : k < 32768 ? 2 : 4;
          const std::int64_t bytes = rows * code + category_bytes;
          if (bytes < s.current_bytes) s.smallest = "category", s.smallest_bytes = bytes;
        }
      }
      break;
    }
  }
  c["inferred_type"] = inferred;
  c["storage"] = {{"current", s.current},
                  {"smallest", s.smallest},
                  {"current_bytes", s.current_bytes},
                  {"smallest_bytes", s.smallest_bytes},
                  {"saving_bytes", s.current_bytes - s.smallest_bytes}};
  if (ref.type == sdk::ColumnType::utf8 && !c["bad_values"].contains("count")) {
    c["bad_values"] = {{"count", 0}, {"examples", json::array()}};
  }
  return c;
}

//! The clean_profile stage: mergeable, one ColumnProfile per chosen column.
class ProfileStage {
 public:
  static constexpr sdk::StageMode mode = sdk::StageMode::mergeable;

  //! Chooses the columns (all by default).
  ProfileStage(sdk::Call&, const sdk::Args& args, const sdk::SchemaView& input) {
    for (auto& ref : columns_or_all(args, "columns", input)) {
      if (ref.type == sdk::ColumnType::other) {
        throw sdk::Error::invalid_argument("column '" + ref.name +
                                           "' has a type clean_profile cannot read");
      }
      ColumnProfile p;
      p.ref = std::move(ref);
      columns_.push_back(std::move(p));
    }
  }

  //! Profiles one chunk.
  void consume(sdk::Call& call, const sdk::ChunkView& chunk) {
    call.throw_if_cancelled();
    rows_ += chunk.rows();
    for (auto& c : columns_) c.consume(chunk.column(c.ref.index));
  }

  //! Folds another worker's profile in.
  void merge(ProfileStage& other, sdk::Call&) {
    rows_ += other.rows_;
    for (std::size_t i = 0; i < columns_.size(); ++i) columns_[i].merge(other.columns_[i]);
  }

  //! The report.
  sdk::Result finish(sdk::Call&) const {
    json columns = json::array();
    std::int64_t current = 0, smallest = 0;
    std::vector<std::vector<std::string>> table;
    for (const auto& c : columns_) {
      json r = c.render();
      current += r["storage"]["current_bytes"].get<std::int64_t>();
      smallest += r["storage"]["smallest_bytes"].get<std::int64_t>();
      table.push_back({c.ref.name, r["type"], r["inferred_type"], std::to_string(c.nulls),
                       (r["distinct_exact"].get<bool>() ? "" : "~") + r["distinct"].dump(),
                       r["min"].is_string() ? r["min"].get<std::string>() : r["min"].dump(),
                       r["max"].is_string() ? r["max"].get<std::string>() : r["max"].dump(),
                       r["bad_values"]["count"].dump(),
                       r["storage"]["current"].get<std::string>() + " -> " +
                           r["storage"]["smallest"].get<std::string>()});
      columns.push_back(std::move(r));
    }
    const double saving =
        current > 0 ? 100.0 * static_cast<double>(current - smallest) / static_cast<double>(current)
                    : 0.0;
    json data = {{"rows", rows_},
                 {"columns", columns},
                 {"memory",
                  {{"current_bytes", current},
                   {"optimized_bytes", smallest},
                   {"saving_bytes", current - smallest},
                   {"saving_percent", std::round(saving * 10) / 10}}}};
    char head[160];
    std::snprintf(head, sizeof head,
                  "%lld rows, %zu columns; memory as pandas holds it %.1f MiB, %.1f MiB with the "
                  "smallest safe types (-%.1f%%)\n",
                  static_cast<long long>(rows_), columns_.size(), current / 1048576.0,
                  smallest / 1048576.0, saving);
    std::string text = head + sdk::text_table({"column", "type", "inferred", "nulls", "distinct",
                                               "min", "max", "bad", "storage"},
                                              table);
    for (const json& c : columns) {
      if (c.contains("identifier_numbers")) {
        const json& found = c["identifier_numbers"];
        const bool one = found["count"].get<std::int64_t>() == 1;
        text += c["name"].get<std::string>() + ": " + found["count"].dump() +
                (one ? " number" : " numbers") + " written as an identifier (e.g. " +
                found["examples"][0].get<std::string>() +
                "; a leading zero, or '+' and 8 or more digits): kept as text, as a number type "
                "would change them\n";
      }
      if (!c.contains("suggestion")) continue;
      const json& hint = c["suggestion"];
      text += c["name"].get<std::string>() + ": clean_normalize with columns " +
              hint["columns"].dump() + " parses " + hint["parses"].dump() + " of its " +
              hint["of"].dump() + " values" +
              (hint.contains("read_with") ? "; or read the input with " + hint["read_with"].dump()
                                          : std::string()) +
              "\n";
    }
    return sdk::Result::structured(std::move(data), std::move(text));
  }

 private:
  std::vector<ColumnProfile> columns_;
  std::int64_t rows_ = 0;
};

}  // namespace quarry::clean
