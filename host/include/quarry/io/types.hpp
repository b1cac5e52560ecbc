#pragma once
//! \file
//! Column types and schemas shared by every source, sink and chunk.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace quarry::io {

//! The logical type of a column; each maps to one Arrow format.
enum class ColumnType : std::uint8_t {
  kInt64,      //!< Arrow "l"
  kFloat64,    //!< Arrow "g"
  kBool,       //!< Arrow "b" (bit-packed)
  kString,     //!< Arrow "u" (int32 offsets) or "U" (int64 offsets), UTF-8
  kTimestamp,  //!< Arrow "tsu:UTC": int64 microseconds since the Unix epoch, UTC
};

//! How a timestamp column's values were written, so that writers write them so again.
enum class TimestampText : std::uint8_t {
  //! "2024-01-05T10:00:00Z": with a UTC designator or offset (values written with an offset
  //! are stored as the instant and written back in UTC); the default.
  kUtc,
  //! "2024-01-05T10:00:00": no value had a designator or offset (local times, as pandas'
  //! naive datetimes), so none is written.
  kLocal,
  //! "2024-01-05": dates alone; values at midnight are written as dates, others as kLocal.
  kDate,
};

//! "int64", "float64", "bool", "string", "timestamp".
[[nodiscard]] std::string_view to_string(ColumnType type) noexcept;
//! Parses the names above (and "int", "float", "double", "str", "datetime"); nullopt otherwise.
[[nodiscard]] std::optional<ColumnType> parse_column_type(std::string_view name) noexcept;

//! A named, typed column.
struct Field {
  std::string name;
  ColumnType type = ColumnType::kString;

  //! Same name and type.
  friend bool operator==(const Field&, const Field&) = default;
};

//! The ordered columns of a table. Names are unique (readers make them so).
class Schema {
 public:
  //! No columns.
  Schema() = default;
  //! Takes the fields as given; with duplicate names, lookups find the first.
  explicit Schema(std::vector<Field> fields);

  //! The columns, in order.
  [[nodiscard]] const std::vector<Field>& fields() const noexcept { return fields_; }
  //! Number of columns.
  [[nodiscard]] std::size_t size() const noexcept { return fields_.size(); }
  //! Column `i` (< size()).
  [[nodiscard]] const Field& operator[](std::size_t i) const { return fields_[i]; }
  //! The index of the column named `name`, or nullopt.
  [[nodiscard]] std::optional<std::size_t> index_of(std::string_view name) const noexcept;
  //! The field named `name`, or nullptr.
  [[nodiscard]] const Field* find(std::string_view name) const noexcept;

  //! Same fields in the same order.
  friend bool operator==(const Schema& a, const Schema& b) { return a.fields_ == b.fields_; }

 private:
  std::vector<Field> fields_;
  std::unordered_map<std::string_view, std::size_t> index_;
};

}  // namespace quarry::io
