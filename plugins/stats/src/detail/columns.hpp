#pragma once
//! \file
//! Choosing columns (by name or by type) with clear errors, and reading them as numbers
//! or as category labels while counting what had to be left out.

#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "detail/double2.hpp"
#include "detail/format.hpp"
#include "quarry/sdk.hpp"

namespace quarry::stats {

//! What a tool needs a column to hold.
enum class Need {
  any,       //!< any type the SDK reads
  number,    //!< int64, float64, bool (0/1) or text that parses as numbers
  category,  //!< labels: text, int64, bool, timestamp or float64
};

//! A chosen column of the input.
struct ColumnRef {
  std::int64_t index = 0;                         //!< position in the input schema
  std::string name;                               //!< column name
  sdk::ColumnType type = sdk::ColumnType::other;  //!< column type
  sdk::TimeUnit unit = sdk::TimeUnit::micro;      //!< unit of timestamp columns
};

//! "a (int64), b (utf8)": the input columns with their types, for messages.
inline std::string list_columns(const sdk::SchemaView& schema) {
  std::string out;
  for (std::int64_t i = 0; i < schema.columns(); ++i) {
    const sdk::FieldView field = schema.field(i);
    out += (i == 0 ? "" : ", ") + std::string(field.name()) + " (" +
           std::string(sdk::type_name(field.type())) + ")";
  }
  return out.empty() ? "none" : out;
}

namespace detail {

inline bool fits(sdk::ColumnType type, Need need) noexcept {
  switch (need) {
    case Need::number:
      return type == sdk::ColumnType::int64 || type == sdk::ColumnType::float64 ||
             type == sdk::ColumnType::boolean || type == sdk::ColumnType::utf8;
    default:
      return type != sdk::ColumnType::other;
  }
}

inline ColumnRef make_ref(const sdk::SchemaView& schema, std::int64_t index) {
  const sdk::FieldView field = schema.field(index);
  return {index, std::string(field.name()), field.type(), field.time_unit()};
}

inline bool selector_matches(std::string_view selector, sdk::ColumnType type, Need need) {
  using sdk::ColumnType;
  if (selector == "numeric") return type == ColumnType::int64 || type == ColumnType::float64;
  if (selector == "string") return type == ColumnType::utf8;
  if (selector == "bool") return type == ColumnType::boolean;
  if (selector == "timestamp") return type == ColumnType::timestamp;
  // "all": every column the tool can use; text counts as numbers only when named.
  if (need == Need::number) return fits(type, need) && type != ColumnType::utf8;
  return fits(type, need);
}

}  // namespace detail

//! The column named `name`, checked to suit `need`. Throws Error(QUARRY_INVALID_ARGUMENT)
//! naming the available columns (with types) when it is missing or unsuitable; `role`
//! says which argument named it (e.g. "column").
inline ColumnRef require_column(const sdk::SchemaView& schema, std::string_view name, Need need,
                                std::string_view role) {
  const auto index = schema.find(name);
  if (!index) {
    throw sdk::Error::invalid_argument("no column named '" + std::string(name) + "' (argument '" +
                                       std::string(role) +
                                       "'); available columns: " + list_columns(schema));
  }
  ColumnRef ref = detail::make_ref(schema, *index);
  if (!detail::fits(ref.type, need)) {
    throw sdk::Error::invalid_argument("column '" + ref.name + "' (argument '" + std::string(role) +
                                       "') has type " + std::string(sdk::type_name(ref.type)) +
                                       (need == Need::number
                                            ? ", but this tool needs numbers; numeric columns: "
                                            : ", which this tool cannot read; columns: ") +
                                       list_columns(schema));
  }
  return ref;
}

//! The columns chosen by argument `key`: a list of names, one of the selectors "all",
//! "numeric", "string", "bool", "timestamp" (`fallback` when absent), or any other text as one
//! name. Throws Error(QUARRY_INVALID_ARGUMENT) for unknown names and empty selections.
inline std::vector<ColumnRef> select_columns(const sdk::Args& args, std::string_view key,
                                             const sdk::SchemaView& schema,
                                             std::string_view fallback, Need need) {
  std::vector<ColumnRef> out;
  const nlohmann::json& value = args.has(key) ? args.json().at(std::string(key)) : nlohmann::json();
  if (value.is_array()) {
    for (const auto& name : args.get<std::vector<std::string>>(key)) {
      out.push_back(require_column(schema, name, need, key));
    }
    if (out.empty()) throw sdk::Error::invalid_argument("'" + std::string(key) + "' is empty");
    return out;
  }
  const std::string selector = value.is_string() ? value.get<std::string>() : std::string(fallback);
  if (selector != "all" && selector != "numeric" && selector != "string" && selector != "bool" &&
      selector != "timestamp") {
    return {require_column(schema, selector, need, key)};  // one column by name
  }
  for (std::int64_t i = 0; i < schema.columns(); ++i) {
    if (detail::selector_matches(selector, schema.field(i).type(), need)) {
      out.push_back(detail::make_ref(schema, i));
    }
  }
  if (out.empty()) {
    throw sdk::Error::invalid_argument("no " + selector + " columns to work on (\"" +
                                       std::string(key) + "\": \"" + selector +
                                       "\"); columns: " + list_columns(schema));
  }
  return out;
}

//! How the values of a numeric column were read: what was usable and what was left out.
struct ValueCounts {
  std::int64_t rows = 0;              //!< rows seen
  std::int64_t nulls = 0;             //!< null cells
  std::int64_t nans = 0;              //!< NaN values (treated as missing, like pandas)
  std::int64_t pos_inf = 0;           //!< +inf values (left out)
  std::int64_t neg_inf = 0;           //!< -inf values (left out)
  std::int64_t non_numeric = 0;       //!< text that is not a number
  std::vector<std::string> examples;  //!< the first few non-numeric texts

  //! Adds `other`'s counts (and examples, up to three).
  void merge(const ValueCounts& other) {
    rows += other.rows;
    nulls += other.nulls;
    nans += other.nans;
    pos_inf += other.pos_inf;
    neg_inf += other.neg_inf;
    non_numeric += other.non_numeric;
    for (const auto& e : other.examples) note_example(e);
  }
  //! Records a non-numeric text (kept when fewer than three are).
  void note_example(std::string_view text) {
    if (examples.size() < 3) examples.emplace_back(text.substr(0, 40));
  }
  //! Null or NaN: missing values, as pandas counts them.
  [[nodiscard]] std::int64_t missing() const noexcept { return nulls + nans; }
  //! Infinite values.
  [[nodiscard]] std::int64_t infinite() const noexcept { return pos_inf + neg_inf; }
  //! Values used: rows less everything left out.
  [[nodiscard]] std::int64_t usable() const noexcept {
    return rows - nulls - nans - pos_inf - neg_inf - non_numeric;
  }
};

//! A sentence on how infinities were treated, or "" when there were none.
inline std::string infinity_note(const std::string& column, const ValueCounts& c) {
  if (c.infinite() == 0) return {};
  return "column '" + column + "': " + std::to_string(c.infinite()) + " infinite value" +
         (c.infinite() == 1 ? "" : "s") + " (+inf " + std::to_string(c.pos_inf) + ", -inf " +
         std::to_string(c.neg_inf) + ") left out of the statistics";
}

//! Throws Error(QUARRY_INVALID_ARGUMENT) when a text column held values that are not
//! numbers and `skip` is false; says which column, how many values and shows examples.
inline void check_numeric(const std::string& column, const ValueCounts& c, bool skip) {
  if (c.non_numeric == 0 || skip) return;
  std::string examples;
  for (const auto& e : c.examples) examples += (examples.empty() ? "" : ", ") + json(e).dump();
  throw sdk::Error::invalid_argument(
      "column '" + column + "' holds text, not numbers: " + std::to_string(c.non_numeric) + " of " +
      std::to_string(c.rows - c.nulls) + " non-null values are not numbers (e.g. " + examples +
      "); choose a numeric column, clean the data, or pass \"non_numeric\": \"skip\" to leave "
      "them out");
}

namespace detail {

//! Parses a whole text as a number ("1e3", " -2.5 ", "+4", "inf", "nan").
inline bool parse_number(std::string_view text, double& out) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.size() > 1 && text.front() == '+' && text[1] != '-') text.remove_prefix(1);
  if (text.empty()) return false;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

//! True when x is finite; otherwise counts it in `c` as NaN, +inf or -inf.
inline bool counted_finite(double x, ValueCounts& c) noexcept {
  if (std::isfinite(x)) return true;
  if (std::isnan(x)) {
    ++c.nans;
  } else if (x > 0) {
    ++c.pos_inf;
  } else {
    ++c.neg_inf;
  }
  return false;
}

//! Stores x (or NaN, counting why) at *out.
inline void store(double x, double* out, ValueCounts& c) noexcept {
  *out = counted_finite(x, c) ? x : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace detail

//! Scratch columns of doubles for the chunk a stage is consuming, one set per thread and
//! reused from chunk to chunk: the host opens a mergeable stage's state per chunk, so scratch
//! kept in the state would be allocated and zeroed again for every chunk. Valid until the
//! thread's next call; a consume call must not hold it across chunks.
inline std::vector<std::vector<double>>& chunk_scratch(std::size_t columns) {
  thread_local std::vector<std::vector<double>> scratch;
  if (scratch.size() < columns) scratch.resize(columns);
  return scratch;
}

namespace detail {

//! True when x[0..count) are all finite (x - x is 0 for finite x and NaN otherwise).
inline bool all_finite(const double* x, std::size_t count) noexcept {
  Double2 a = splat2(0);
  Double2 b = splat2(0);
  std::size_t i = 0;
  for (; i + 4 <= count; i += 4) {
    const Double2 u = load2(x + i);
    const Double2 v = load2(x + i + 2);
    a += u - u;
    b += v - v;
  }
  double rest = lane_sum(a + b);
  for (; i < count; ++i) rest += x[i] - x[i];
  return rest == 0;
}

//! The rows of a 64-row block, as a mask of `count` bits.
inline std::uint64_t block_bits(int count) noexcept {
  return count >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << count) - 1;
}

//! Copies the values of the valid rows of `v` (as doubles, in row order) to out[0..);
//! returns how many. `out` has room for v.size() values.
template <class T>
std::size_t copy_valid(const sdk::PrimitiveColumn<T>& v, double* out) noexcept {
  const T* x = v.data();
  const std::int64_t rows = v.size();
  std::size_t kept = 0;
  for (std::int64_t at = 0; at < rows; at += 64) {
    const int n = static_cast<int>(std::min<std::int64_t>(64, rows - at));
    const std::uint64_t valid = v.valid_mask(at, n);
    if (valid == block_bits(n)) {
      for (int j = 0; j < n; ++j) out[kept + j] = static_cast<double>(x[at + j]);
      kept += static_cast<std::size_t>(n);
      continue;
    }
    // Every value is written and the null ones overwritten by the next: no branch to miss.
    for (int j = 0; j < n; ++j) {
      out[kept] = static_cast<double>(x[at + j]);
      kept += (valid >> j) & 1U;
    }
  }
  return kept;
}

//! Leaves out the NaN and infinite values of x[0..count) (in place, order kept), counting
//! them in `c`; returns how many remain.
inline std::size_t drop_non_finite(double* x, std::size_t count, ValueCounts& c) noexcept {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < count; ++i) {
    x[kept] = x[i];
    kept += counted_finite(x[i], c) ? 1 : 0;
  }
  return kept;
}

//! Leaves out the NaNs of x[0..count) (in place, order kept, branch-free); returns how many
//! values remain.
inline std::size_t drop_nans(double* x, std::size_t count) noexcept {
  std::size_t kept = 0;
  for (std::size_t i = 0; i < count; ++i) {
    x[kept] = x[i];
    kept += std::isnan(x[i]) ? 0 : 1;
  }
  return kept;
}

}  // namespace detail

//! Reads every row of `col` into out[0..rows): the value, or NaN when it is null, NaN,
//! infinite or text that is not a number (each counted in `c`).
inline void read_numbers(const sdk::ColumnView& col, std::vector<double>& out, ValueCounts& c) {
  const std::int64_t rows = col.size();
  out.resize(static_cast<std::size_t>(rows));
  c.rows += rows;
  double* dst = out.data();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  switch (col.type()) {
    case sdk::ColumnType::float64: {
      // A 64-row block at a time: copied whole, then its nulls (from the validity bits) set
      // to NaN; only a block holding a NaN or an infinity is looked at value by value.
      const auto v = col.float64s();
      const double* x = v.data();
      for (std::int64_t at = 0; at < rows; at += 64) {
        const int n = static_cast<int>(std::min<std::int64_t>(64, rows - at));
        const std::uint64_t nulls = ~v.valid_mask(at, n) & detail::block_bits(n);
        std::memcpy(dst + at, x + at, static_cast<std::size_t>(n) * sizeof(double));
        if (!detail::all_finite(x + at, static_cast<std::size_t>(n))) {
          for (int j = 0; j < n; ++j) {
            if (((nulls >> j) & 1U) == 0) detail::store(x[at + j], dst + at + j, c);
          }
        }
        for (std::uint64_t m = nulls; m != 0; m &= m - 1) dst[at + std::countr_zero(m)] = nan;
        c.nulls += std::popcount(nulls);
      }
      return;
    }
    case sdk::ColumnType::int64: {
      const auto v = col.int64s();
      const std::int64_t* x = v.data();
      for (std::int64_t at = 0; at < rows; at += 64) {
        const int n = static_cast<int>(std::min<std::int64_t>(64, rows - at));
        const std::uint64_t nulls = ~v.valid_mask(at, n) & detail::block_bits(n);
        for (int j = 0; j < n; ++j) dst[at + j] = static_cast<double>(x[at + j]);
        for (std::uint64_t m = nulls; m != 0; m &= m - 1) dst[at + std::countr_zero(m)] = nan;
        c.nulls += std::popcount(nulls);
      }
      return;
    }
    case sdk::ColumnType::boolean: {
      const auto v = col.bools();
      for (std::int64_t i = 0; i < rows; ++i) {
        const bool ok = v.is_valid(i);
        dst[i] = ok ? (v[i] ? 1.0 : 0.0) : nan;
        c.nulls += ok ? 0 : 1;
      }
      return;
    }
    case sdk::ColumnType::utf8: {
      const auto v = col.strings();
      for (std::int64_t i = 0; i < rows; ++i) {
        double x = nan;
        if (!v.is_valid(i)) {
          ++c.nulls;
        } else if (detail::parse_number(v[i], x)) {
          detail::store(x, dst + i, c);
          continue;
        } else {
          ++c.non_numeric;
          c.note_example(v[i]);
        }
        dst[i] = nan;
      }
      return;
    }
    default:
      throw sdk::Error::invalid_argument("column '" + std::string(col.name()) + "' has type " +
                                         std::string(sdk::type_name(col.type())) + ", not numbers");
  }
}

//! Keeps the non-NaN values of `values` (in order) in `out`.
inline void keep_finite(const std::vector<double>& values, std::vector<double>& out) {
  out = values;
  out.resize(detail::drop_nans(out.data(), out.size()));
}

//! The usable values of `col` (finite numbers, in row order), counting what was left out in
//! `c` as read_numbers does. A view of the column itself when every row holds a finite
//! float64, else of `scratch`; valid while both are.
inline std::span<const double> finite_numbers(const sdk::ColumnView& col,
                                              std::vector<double>& scratch, ValueCounts& c) {
  const std::int64_t rows = col.size();
  const auto all = static_cast<std::size_t>(rows);
  std::size_t kept = 0;
  switch (col.type()) {
    case sdk::ColumnType::float64: {
      c.rows += rows;
      const auto v = col.float64s();
      if (v.all_valid() && detail::all_finite(v.data(), all)) return {v.data(), all};
      scratch.resize(all);
      kept = detail::copy_valid(v, scratch.data());
      c.nulls += rows - static_cast<std::int64_t>(kept);
      if (!detail::all_finite(scratch.data(), kept)) {
        kept = detail::drop_non_finite(scratch.data(), kept, c);
      }
      break;
    }
    case sdk::ColumnType::int64: {
      c.rows += rows;
      scratch.resize(all);
      kept = detail::copy_valid(col.int64s(), scratch.data());
      c.nulls += rows - static_cast<std::int64_t>(kept);
      break;
    }
    default:
      read_numbers(col, scratch, c);
      kept = detail::drop_nans(scratch.data(), scratch.size());
  }
  return {scratch.data(), kept};
}

//! Reads row labels of a category column as text: strings as they are, numbers in their
//! shortest exact form, booleans as "true"/"false", timestamps in ISO 8601.
class LabelReader {
 public:
  //! A reader of column `ref` of `chunk`.
  LabelReader(const sdk::ChunkView& chunk, const ColumnRef& ref)
      : column_(chunk.column(ref.index)), ref_(ref) {
    switch (ref.type) {
      case sdk::ColumnType::utf8:
        strings_.emplace(column_.strings());
        break;
      case sdk::ColumnType::int64:
        ints_.emplace(column_.int64s());
        break;
      case sdk::ColumnType::timestamp:
        ints_.emplace(column_.timestamps());
        break;
      case sdk::ColumnType::float64:
        floats_.emplace(column_.float64s());
        break;
      case sdk::ColumnType::boolean:
        bools_.emplace(column_.bools());
        break;
      default:
        throw sdk::Error::invalid_argument("column '" + ref.name + "' has type " +
                                           std::string(sdk::type_name(ref.type)) +
                                           ", which cannot be read as labels");
    }
  }

  //! True when row `i` has a label (not null, not NaN).
  [[nodiscard]] bool valid(std::int64_t i) const noexcept {
    if (!column_.is_valid(i)) return false;
    return !floats_ || !std::isnan((*floats_)[i]);
  }

  //! The label of valid row `i`; valid until the next call.
  [[nodiscard]] std::string_view label(std::int64_t i) {
    if (strings_) return (*strings_)[i];
    if (bools_) return (*bools_)[i] ? "true" : "false";
    if (floats_) {
      const double x = (*floats_)[i];
      buffer_ = exact_text(x == 0.0 ? 0.0 : x);  // -0.0 is the group of 0.0, as in pandas
    } else if (ref_.type == sdk::ColumnType::timestamp) {
      buffer_ = sdk::iso8601_text((*ints_)[i], ref_.unit);
    } else {
      buffer_ = std::to_string((*ints_)[i]);
    }
    return buffer_;
  }

 private:
  sdk::ColumnView column_;
  ColumnRef ref_;
  std::optional<sdk::StringColumn> strings_;
  std::optional<sdk::PrimitiveColumn<std::int64_t>> ints_;
  std::optional<sdk::PrimitiveColumn<double>> floats_;
  std::optional<sdk::BoolColumn> bools_;
  std::string buffer_;
};

}  // namespace quarry::stats
