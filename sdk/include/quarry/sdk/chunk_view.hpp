#pragma once
//! \file
//! Light, read-only views over borrowed Arrow chunks: a struct-typed ArrowArray
//! with one child per column, described by a struct-typed ArrowSchema. Views
//! never copy and never own; they are valid while the chunk is (for a stage,
//! during the consume/transform call). Offsets (the chunk's and each column's)
//! and validity bitmaps are handled for you.

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include "quarry/arrow_c_data.h"
#include "quarry/sdk/column_type.hpp"
#include "quarry/sdk/detail/arrow_format.hpp"
#include "quarry/sdk/error.hpp"

namespace quarry::sdk {

//! One field (column) of a schema: name, Arrow format and the SDK's reading of it.
class FieldView {
 public:
  //! Wraps a borrowed field schema (not NULL).
  explicit FieldView(const ArrowSchema* schema) noexcept
      : schema_(schema), info_(detail::parse_format(schema->format)) {}

  //! The field name ("" when the producer gave none).
  [[nodiscard]] std::string_view name() const noexcept {
    return schema_->name == nullptr ? std::string_view() : std::string_view(schema_->name);
  }
  //! The Arrow format string, e.g. "l" or "tsu:UTC".
  [[nodiscard]] std::string_view format() const noexcept {
    return schema_->format == nullptr ? std::string_view() : std::string_view(schema_->format);
  }
  //! The column type; ColumnType::other for formats the SDK does not read.
  [[nodiscard]] ColumnType type() const noexcept { return info_.type; }
  //! The unit of a timestamp column (meaningless for other types).
  [[nodiscard]] TimeUnit time_unit() const noexcept { return info_.unit; }
  //! The time zone of a timestamp column; empty for naive timestamps.
  [[nodiscard]] std::string_view timezone() const noexcept { return info_.timezone; }
  //! True when the field is declared nullable (ARROW_FLAG_NULLABLE).
  [[nodiscard]] bool nullable() const noexcept {
    return (schema_->flags & ARROW_FLAG_NULLABLE) != 0;
  }
  //! The borrowed C struct.
  [[nodiscard]] const ArrowSchema* raw() const noexcept { return schema_; }

 private:
  const ArrowSchema* schema_;
  detail::FormatInfo info_;
};

//! The columns of a struct-typed schema (format "+s"), e.g. a stage's input.
class SchemaView {
 public:
  //! Wraps a borrowed schema. NULL gives an empty schema; a schema that is not a
  //! struct throws Error(QUARRY_INVALID_ARGUMENT).
  explicit SchemaView(const ArrowSchema* schema) : schema_(schema) {
    if (schema_ == nullptr) return;
    if (schema_->format == nullptr || std::strcmp(schema_->format, "+s") != 0) {
      throw Error::invalid_argument("expected a struct-typed Arrow schema (\"+s\"), got \"" +
                                    std::string(schema_->format ? schema_->format : "") + "\"");
    }
    if (schema_->n_children > 0 && schema_->children == nullptr) {
      throw Error::invalid_argument("Arrow schema has children but no children array");
    }
    for (std::int64_t i = 0; i < schema_->n_children; ++i) {
      if (schema_->children[i] == nullptr) {
        throw Error::invalid_argument("Arrow schema child " + std::to_string(i) + " is NULL");
      }
    }
  }

  //! The number of columns.
  [[nodiscard]] std::int64_t columns() const noexcept {
    return schema_ == nullptr ? 0 : schema_->n_children;
  }
  //! Column `i` (0 <= i < columns(); unchecked).
  [[nodiscard]] FieldView field(std::int64_t i) const noexcept {
    return FieldView(schema_->children[i]);
  }
  //! The index of the first column named `name`, or std::nullopt.
  [[nodiscard]] std::optional<std::int64_t> find(std::string_view name) const noexcept {
    for (std::int64_t i = 0; i < columns(); ++i) {
      if (field(i).name() == name) return i;
    }
    return std::nullopt;
  }
  //! The index of column `name`; throws Error(QUARRY_INVALID_ARGUMENT) naming the
  //! available columns when there is none.
  [[nodiscard]] std::int64_t index_of(std::string_view name) const {
    if (auto i = find(name)) return *i;
    std::string known;
    for (std::int64_t i = 0; i < columns(); ++i) {
      known += (i == 0 ? "" : ", ") + std::string(field(i).name());
    }
    throw Error::invalid_argument("no column named '" + std::string(name) +
                                  "' (columns: " + (known.empty() ? "none" : known) + ")");
  }
  //! The borrowed C struct (may be NULL).
  [[nodiscard]] const ArrowSchema* raw() const noexcept { return schema_; }

 private:
  const ArrowSchema* schema_;
};

//! A typed view of a fixed-width column (int64, float64, timestamp as int64).
template <class T>
class PrimitiveColumn {
 public:
  //! Values from logical row 0 (nulls hold unspecified values).
  PrimitiveColumn(const T* values, std::int64_t size, detail::Validity validity) noexcept
      : values_(values), size_(size), validity_(validity) {}

  //! The number of rows.
  [[nodiscard]] std::int64_t size() const noexcept { return size_; }
  //! True when row `i` is null.
  [[nodiscard]] bool is_null(std::int64_t i) const noexcept { return !validity_.valid(i); }
  //! True when row `i` holds a value.
  [[nodiscard]] bool is_valid(std::int64_t i) const noexcept { return validity_.valid(i); }
  //! True when no row can be null (no bitmaps), so is_valid() checks may be skipped.
  [[nodiscard]] bool all_valid() const noexcept { return validity_.all_valid(); }
  //! The validity of rows [first, first + count) as bits (bit j set when row first + j holds
  //! a value), for 1 <= count <= 64 and first + count <= size(). Unchecked.
  [[nodiscard]] std::uint64_t valid_mask(std::int64_t first, int count) const noexcept {
    return validity_.mask(first, count);
  }
  //! The value of row `i`, unspecified when null. Unchecked.
  [[nodiscard]] T operator[](std::int64_t i) const noexcept { return values_[i]; }
  //! The value of row `i`, or std::nullopt when null.
  [[nodiscard]] std::optional<T> get(std::int64_t i) const noexcept {
    return is_valid(i) ? std::optional<T>(values_[i]) : std::nullopt;
  }
  //! The contiguous values, logical row 0 first (for vectorised loops).
  [[nodiscard]] const T* data() const noexcept { return values_; }

 private:
  const T* values_;
  std::int64_t size_;
  detail::Validity validity_;
};

//! A typed view of a bit-packed boolean column.
class BoolColumn {
 public:
  //! `bits` holds the values; `offset` is the bit index of logical row 0.
  BoolColumn(const std::uint8_t* bits, std::int64_t offset, std::int64_t size,
             detail::Validity validity) noexcept
      : bits_(bits), offset_(offset), size_(size), validity_(validity) {}

  //! The number of rows.
  [[nodiscard]] std::int64_t size() const noexcept { return size_; }
  //! True when row `i` is null.
  [[nodiscard]] bool is_null(std::int64_t i) const noexcept { return !validity_.valid(i); }
  //! True when row `i` holds a value.
  [[nodiscard]] bool is_valid(std::int64_t i) const noexcept { return validity_.valid(i); }
  //! The value of row `i`, unspecified when null. Unchecked.
  [[nodiscard]] bool operator[](std::int64_t i) const noexcept {
    return detail::bit_is_set(bits_, offset_ + i);
  }
  //! The value of row `i`, or std::nullopt when null.
  [[nodiscard]] std::optional<bool> get(std::int64_t i) const noexcept {
    return is_valid(i) ? std::optional<bool>((*this)[i]) : std::nullopt;
  }

 private:
  const std::uint8_t* bits_;
  std::int64_t offset_;
  std::int64_t size_;
  detail::Validity validity_;
};

//! A typed view of a UTF-8 string column ("u" or "U").
class StringColumn {
 public:
  //! Exactly one of `offsets32` / `offsets64` is set, pointing at logical row 0.
  StringColumn(const std::int32_t* offsets32, const std::int64_t* offsets64, const char* data,
               std::int64_t size, detail::Validity validity) noexcept
      : offsets32_(offsets32),
        offsets64_(offsets64),
        data_(data),
        size_(size),
        validity_(validity) {}

  //! The number of rows.
  [[nodiscard]] std::int64_t size() const noexcept { return size_; }
  //! True when row `i` is null.
  [[nodiscard]] bool is_null(std::int64_t i) const noexcept { return !validity_.valid(i); }
  //! True when row `i` holds a value.
  [[nodiscard]] bool is_valid(std::int64_t i) const noexcept { return validity_.valid(i); }
  //! The bytes of row `i` (empty when null), borrowed from the chunk. Unchecked.
  [[nodiscard]] std::string_view operator[](std::int64_t i) const noexcept {
    const std::int64_t begin = offsets32_ ? offsets32_[i] : offsets64_[i];
    const std::int64_t end = offsets32_ ? offsets32_[i + 1] : offsets64_[i + 1];
    return end <= begin ? std::string_view()
                        : std::string_view(data_ + begin, static_cast<std::size_t>(end - begin));
  }
  //! The value of row `i`, or std::nullopt when null.
  [[nodiscard]] std::optional<std::string_view> get(std::int64_t i) const noexcept {
    return is_valid(i) ? std::optional<std::string_view>((*this)[i]) : std::nullopt;
  }

 private:
  const std::int32_t* offsets32_;
  const std::int64_t* offsets64_;
  const char* data_;
  std::int64_t size_;
  detail::Validity validity_;
};

//! One column of a chunk. Cheap to copy. Typed access goes through int64s(),
//! float64s(), bools(), strings() or timestamps(), which check the type once.
class ColumnView {
 public:
  //! Column `array` described by `field`, seen through a parent struct with
  //! `parent_offset`, `rows` rows and validity `outer_bits` (may be NULL).
  ColumnView(const ArrowArray* array, const ArrowSchema* field, std::int64_t parent_offset,
             std::int64_t rows, const std::uint8_t* outer_bits) noexcept
      : array_(array), field_(field), base_(array->offset + parent_offset), rows_(rows) {
    validity_.offset = base_;
    if (array->null_count != 0 && array->n_buffers > 0 && array->buffers != nullptr) {
      validity_.bits = static_cast<const std::uint8_t*>(array->buffers[0]);
    }
    validity_.outer_bits = outer_bits;
    validity_.outer_offset = parent_offset;
    parent_offset_ = parent_offset;
  }

  //! The field: name, format, type.
  [[nodiscard]] const FieldView& field() const noexcept { return field_; }
  //! The column name.
  [[nodiscard]] std::string_view name() const noexcept { return field_.name(); }
  //! The column type.
  [[nodiscard]] ColumnType type() const noexcept { return field_.type(); }
  //! The number of rows (the chunk's).
  [[nodiscard]] std::int64_t size() const noexcept { return rows_; }
  //! True when row `i` is null (0 <= i < size(); unchecked).
  [[nodiscard]] bool is_null(std::int64_t i) const noexcept { return !validity_.valid(i); }
  //! True when row `i` holds a value.
  [[nodiscard]] bool is_valid(std::int64_t i) const noexcept { return validity_.valid(i); }

  //! The number of null rows (from the producer's count when it covers exactly
  //! these rows, counted from the bitmaps otherwise).
  [[nodiscard]] std::int64_t null_count() const noexcept {
    if (validity_.all_valid()) return 0;
    if (validity_.outer_bits == nullptr && parent_offset_ == 0 && array_->length == rows_ &&
        array_->null_count >= 0) {
      return array_->null_count;
    }
    std::int64_t nulls = 0;
    for (std::int64_t i = 0; i < rows_; ++i) nulls += validity_.valid(i) ? 0 : 1;
    return nulls;
  }

  //! An int64 ("l") column; throws Error(QUARRY_INVALID_ARGUMENT) for other types.
  [[nodiscard]] PrimitiveColumn<std::int64_t> int64s() const {
    expect(ColumnType::int64);
    return PrimitiveColumn<std::int64_t>(buffer<std::int64_t>(1) + base_, rows_, validity_);
  }
  //! A float64 ("g") column; throws for other types.
  [[nodiscard]] PrimitiveColumn<double> float64s() const {
    expect(ColumnType::float64);
    return PrimitiveColumn<double>(buffer<double>(1) + base_, rows_, validity_);
  }
  //! A timestamp ("ts?:…") column as raw int64 counts of time_unit(); throws for
  //! other types.
  [[nodiscard]] PrimitiveColumn<std::int64_t> timestamps() const {
    expect(ColumnType::timestamp);
    return PrimitiveColumn<std::int64_t>(buffer<std::int64_t>(1) + base_, rows_, validity_);
  }
  //! A boolean ("b") column; throws for other types.
  [[nodiscard]] BoolColumn bools() const {
    expect(ColumnType::boolean);
    return BoolColumn(buffer<std::uint8_t>(1), base_, rows_, validity_);
  }
  //! A UTF-8 ("u" or "U") column; throws for other types.
  [[nodiscard]] StringColumn strings() const {
    expect(ColumnType::utf8);
    const char* data = buffer<char>(2, /*may_be_null=*/true);
    if (detail::parse_format(field_.raw()->format).large_offsets) {
      return StringColumn(nullptr, buffer<std::int64_t>(1) + base_, data, rows_, validity_);
    }
    return StringColumn(buffer<std::int32_t>(1) + base_, nullptr, data, rows_, validity_);
  }

  //! Row `i` of a numeric column (int64, float64, bool, timestamp) as a double, or
  //! std::nullopt when null. Throws Error(QUARRY_INVALID_ARGUMENT) for strings and
  //! other types. Convenient, but the typed views are faster in loops.
  [[nodiscard]] std::optional<double> number(std::int64_t i) const {
    switch (type()) {
      case ColumnType::int64:
      case ColumnType::timestamp:
        if (!is_valid(i)) return std::nullopt;
        return static_cast<double>(buffer<std::int64_t>(1)[base_ + i]);
      case ColumnType::float64:
        if (!is_valid(i)) return std::nullopt;
        return buffer<double>(1)[base_ + i];
      case ColumnType::boolean:
        if (!is_valid(i)) return std::nullopt;
        return detail::bit_is_set(buffer<std::uint8_t>(1), base_ + i) ? 1.0 : 0.0;
      default:
        throw Error::invalid_argument("column '" + std::string(name()) + "' has type " +
                                      std::string(type_name(type())) +
                                      ", expected a numeric column");
    }
  }

  //! The borrowed C array of this column (its own offset not applied).
  [[nodiscard]] const ArrowArray* raw() const noexcept { return array_; }

 private:
  void expect(ColumnType wanted) const {
    if (type() != wanted) {
      throw Error::invalid_argument("column '" + std::string(name()) + "' has type " +
                                    std::string(type_name(type())) + " (\"" +
                                    std::string(field_.format()) + "\"), expected " +
                                    std::string(type_name(wanted)));
    }
  }
  // Buffer `index`, checked to exist; NULL only when the producer may omit it
  // (an empty string data buffer).
  template <class T>
  const T* buffer(std::int64_t index, bool may_be_null = false) const {
    if (array_->n_buffers <= index || array_->buffers == nullptr) {
      throw Error::invalid_argument("column '" + std::string(name()) + "' has " +
                                    std::to_string(array_->n_buffers) + " buffers, expected " +
                                    std::to_string(index + 1));
    }
    const void* data = array_->buffers[index];
    if (data == nullptr && array_->length > 0 && !may_be_null) {
      throw Error::invalid_argument("column '" + std::string(name()) + "' has a NULL data buffer");
    }
    return static_cast<const T*>(data);
  }

  const ArrowArray* array_;
  FieldView field_;
  std::int64_t base_;  // index of logical row 0 in the column's buffers
  std::int64_t rows_;
  std::int64_t parent_offset_ = 0;
  detail::Validity validity_;
};

//! A borrowed chunk: a struct-typed ArrowArray and its schema. The constructor
//! checks the layout (struct format, matching children, lengths) and throws
//! Error(QUARRY_INVALID_ARGUMENT) when it does not hold.
class ChunkView {
 public:
  //! Wraps borrowed `chunk` and `schema` (neither NULL).
  ChunkView(const ArrowArray* chunk, const ArrowSchema* schema) : chunk_(chunk), schema_(schema) {
    if (chunk_ == nullptr || schema == nullptr) {
      throw Error::invalid_argument("chunk or schema is NULL");
    }
    if (chunk_->length < 0 || chunk_->offset < 0) {
      throw Error::invalid_argument("chunk has a negative length or offset");
    }
    if (chunk_->n_children != schema_.columns()) {
      throw Error::invalid_argument("chunk has " + std::to_string(chunk_->n_children) +
                                    " columns but its schema has " +
                                    std::to_string(schema_.columns()));
    }
    if (chunk_->n_children > 0 && chunk_->children == nullptr) {
      throw Error::invalid_argument("chunk has columns but no children array");
    }
    for (std::int64_t i = 0; i < chunk_->n_children; ++i) {
      const ArrowArray* child = chunk_->children[i];
      if (child == nullptr || child->offset < 0 ||
          child->length < chunk_->offset + chunk_->length) {
        throw Error::invalid_argument("column " + std::to_string(i) + " ('" +
                                      std::string(schema_.field(i).name()) +
                                      "') is shorter than the chunk");
      }
    }
    if (chunk_->null_count != 0 && chunk_->n_buffers > 0 && chunk_->buffers != nullptr) {
      outer_bits_ = static_cast<const std::uint8_t*>(chunk_->buffers[0]);
    }
  }

  //! The number of rows.
  [[nodiscard]] std::int64_t rows() const noexcept { return chunk_->length; }
  //! The number of columns.
  [[nodiscard]] std::int64_t columns() const noexcept { return chunk_->n_children; }
  //! The schema.
  [[nodiscard]] const SchemaView& schema() const noexcept { return schema_; }
  //! Column `i` (0 <= i < columns(); throws Error(QUARRY_INVALID_ARGUMENT) otherwise).
  [[nodiscard]] ColumnView column(std::int64_t i) const {
    if (i < 0 || i >= columns()) {
      throw Error::invalid_argument("column index " + std::to_string(i) + " out of range (" +
                                    std::to_string(columns()) + " columns)");
    }
    return ColumnView(chunk_->children[i], schema_.field(i).raw(), chunk_->offset, chunk_->length,
                      outer_bits_);
  }
  //! The column named `name`; throws Error(QUARRY_INVALID_ARGUMENT) listing the
  //! columns when there is none.
  [[nodiscard]] ColumnView column(std::string_view name) const {
    return column(schema_.index_of(name));
  }
  //! The column named `name`, or std::nullopt.
  [[nodiscard]] std::optional<ColumnView> find(std::string_view name) const {
    if (auto i = schema_.find(name)) return column(*i);
    return std::nullopt;
  }
  //! The borrowed C array.
  [[nodiscard]] const ArrowArray* raw() const noexcept { return chunk_; }

 private:
  const ArrowArray* chunk_;
  SchemaView schema_;
  const std::uint8_t* outer_bits_ = nullptr;
};

}  // namespace quarry::sdk
