#pragma once
//! \file
//! Building Arrow chunks to hand to the host (a stage's transform output):
//! ChunkBuilder collects typed columns and finish() yields an OwnedChunk whose
//! memory is released through Arrow release callbacks living in the plugin.

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "quarry/arrow_c_data.h"
#include "quarry/sdk/chunk_view.hpp"
#include "quarry/sdk/column_type.hpp"
#include "quarry/sdk/detail/arrow_export.hpp"
#include "quarry/sdk/error.hpp"

namespace quarry::sdk {

//! A chunk the plugin owns: a struct-typed ArrowArray plus its ArrowSchema. The
//! destructor releases both unless they were handed over with export_to().
class OwnedChunk {
 public:
  //! An empty (released) chunk.
  OwnedChunk() noexcept = default;

  //! Takes ownership of `array` and `schema` by Arrow move semantics: the
  //! sources are marked released.
  OwnedChunk(ArrowArray* array, ArrowSchema* schema) noexcept {
    array_ = *array;
    schema_ = *schema;
    array->release = nullptr;
    schema->release = nullptr;
  }

  OwnedChunk(const OwnedChunk&) = delete;
  OwnedChunk& operator=(const OwnedChunk&) = delete;
  //! Moves; `other` becomes empty.
  OwnedChunk(OwnedChunk&& other) noexcept : array_(other.array_), schema_(other.schema_) {
    other.array_.release = nullptr;
    other.schema_.release = nullptr;
  }
  //! Releases what this holds, then moves; `other` becomes empty.
  OwnedChunk& operator=(OwnedChunk&& other) noexcept {
    if (this != &other) {
      reset();
      array_ = other.array_;
      schema_ = other.schema_;
      other.array_.release = nullptr;
      other.schema_.release = nullptr;
    }
    return *this;
  }
  //! Releases the chunk unless it was exported.
  ~OwnedChunk() { reset(); }

  //! True when nothing is held (released or exported).
  [[nodiscard]] bool empty() const noexcept { return array_.release == nullptr; }
  //! The number of rows (0 when empty).
  [[nodiscard]] std::int64_t rows() const noexcept { return empty() ? 0 : array_.length; }
  //! A read-only view; valid while this object holds the chunk.
  [[nodiscard]] ChunkView view() const { return ChunkView(&array_, &schema_); }
  //! The held array.
  [[nodiscard]] const ArrowArray& array() const noexcept { return array_; }
  //! The held schema.
  [[nodiscard]] const ArrowSchema& schema() const noexcept { return schema_; }

  //! Moves the chunk into `out_array` / `out_schema` (e.g. a transform's
  //! outputs); their new owner calls release. This object becomes empty.
  void export_to(ArrowArray* out_array, ArrowSchema* out_schema) noexcept {
    *out_array = array_;
    *out_schema = schema_;
    array_.release = nullptr;
    schema_.release = nullptr;
  }

  //! Releases what is held.
  void reset() noexcept {
    if (array_.release != nullptr) array_.release(&array_);
    if (schema_.release != nullptr) schema_.release(&schema_);
  }

 private:
  ArrowArray array_{};
  ArrowSchema schema_{};
};

//! The common part of typed column builders: name, length and nulls.
class ColumnBuilder {
 public:
  virtual ~ColumnBuilder() = default;
  ColumnBuilder(const ColumnBuilder&) = delete;
  ColumnBuilder& operator=(const ColumnBuilder&) = delete;

  //! The column name.
  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  //! The column type.
  [[nodiscard]] ColumnType type() const noexcept { return type_; }
  //! The number of rows appended so far.
  [[nodiscard]] std::int64_t size() const noexcept { return size_; }
  //! The number of nulls appended so far.
  [[nodiscard]] std::int64_t null_count() const noexcept { return nulls_; }

  //! Appends a null.
  void append_null() {
    push_placeholder();
    append_validity(false);
  }
  //! Appends row `row` of `column` (a value or a null). Throws
  //! Error(QUARRY_INVALID_ARGUMENT) when the column has another type.
  virtual void append_from(const ColumnView& column, std::int64_t row) = 0;
  //! Appends rows [begin, begin + count) of `column` (values and nulls, in order): the same
  //! as append_from for each row, with fixed-width values copied in one block. The range must
  //! lie within the column (unchecked). Throws Error(QUARRY_INVALID_ARGUMENT) when the column
  //! has another type.
  virtual void append_rows(const ColumnView& column, std::int64_t begin, std::int64_t count) {
    reserve(count);
    for (std::int64_t row = begin; row < begin + count; ++row) append_from(column, row);
  }
  //! Reserves room for `rows` more rows.
  virtual void reserve(std::int64_t rows) = 0;

 protected:
  //! A builder of `type` named `name`.
  ColumnBuilder(std::string name, ColumnType type) : name_(std::move(name)), type_(type) {}
  //! Records one more row, valid or null. Call after storing the value.
  void append_validity(bool valid) {
    if (!valid && !has_validity_) start_validity();
    if (has_validity_) {
      if (static_cast<std::size_t>(size_ >> 3) >= validity_.size()) validity_.push_back(0);
      write_bit(validity_.data(), size_, valid);
    }
    nulls_ += valid ? 0 : 1;
    ++size_;
  }
  //! Records rows [begin, begin + count) of `view` as valid or null, after their values were
  //! stored. Without nulls on either side only the length changes.
  template <class View>
  void append_validity_of(const View& view, std::int64_t begin, std::int64_t count) {
    if (view.all_valid() && !has_validity_) {
      size_ += count;
      return;
    }
    if (!has_validity_) start_validity();
    validity_.resize(static_cast<std::size_t>((size_ + count + 7) / 8), 0);
    // Locals, not the members: stores through the byte pointer could alias them, which kept
    // every row's counts in memory.
    std::uint8_t* bits = validity_.data();
    std::int64_t nulls = 0;
    for (std::int64_t i = 0; i < count; ++i) {
      const bool valid = view.is_valid(begin + i);
      write_bit(bits, size_ + i, valid);
      nulls += valid ? 0 : 1;
    }
    nulls_ += nulls;
    size_ += count;
  }
  //! Stores a value slot for a null row.
  virtual void push_placeholder() = 0;
  //! The Arrow format string.
  [[nodiscard]] virtual std::string format() const = 0;
  //! Moves the value buffers into `out` (buffers[1..]) and resets them.
  virtual void export_values(detail::ExportedArray& out) = 0;

 private:
  friend class ChunkBuilder;

  // The bitmap starts at the first null: every row before it was valid.
  void start_validity() {
    validity_.assign(static_cast<std::size_t>((size_ + 7) / 8), 0xFF);
    has_validity_ = true;
  }
  // Sets (valid) or clears bit `at` of `bits`, branch-free.
  static void write_bit(std::uint8_t* bits, std::int64_t at, bool valid) noexcept {
    const auto mask = static_cast<std::uint8_t>(1U << (at & 7));
    const auto byte = static_cast<std::size_t>(at >> 3);
    bits[byte] = static_cast<std::uint8_t>((bits[byte] & ~mask) | (valid ? mask : 0));
  }

  // Moves the column into `array` / `schema` and resets this builder to empty.
  void export_to(ArrowArray* array, ArrowSchema* schema) {
    auto data = std::make_unique<detail::ExportedArray>();
    auto meta = std::make_unique<detail::ExportedSchema>();
    meta->format = format();
    meta->name = name_;
    data->validity = std::move(validity_);
    data->buffers.push_back(nulls_ > 0 ? data->validity.data() : nullptr);
    export_values(*data);
    const std::int64_t length = size_;
    const std::int64_t nulls = nulls_;
    validity_.clear();
    has_validity_ = false;
    size_ = 0;
    nulls_ = 0;
    detail::publish_array(array, data.release(), length, nulls);
    detail::publish_schema(schema, meta.release(), ARROW_FLAG_NULLABLE);
  }

  std::string name_;
  ColumnType type_;
  std::int64_t size_ = 0;
  std::int64_t nulls_ = 0;
  std::vector<std::uint8_t> validity_;  // bitmap, kept from the first null on
  bool has_validity_ = false;
};

//! Builds an int64 ("l") column.
class Int64Builder : public ColumnBuilder {
 public:
  //! An empty column named `name`.
  explicit Int64Builder(std::string name) : ColumnBuilder(std::move(name), ColumnType::int64) {}
  //! Appends a value.
  void append(std::int64_t value) {
    values_.push_back(value);
    append_validity(true);
  }
  //! Appends row `row` of an int64 column.
  void append_from(const ColumnView& column, std::int64_t row) override {
    const auto values = column.int64s();
    values.is_valid(row) ? append(values[row]) : append_null();
  }
  //! Appends rows [begin, begin + count) of a column of this type, values in one block.
  void append_rows(const ColumnView& column, std::int64_t begin, std::int64_t count) override {
    const auto values = column.int64s();
    values_.insert(values_.end(), values.data() + begin, values.data() + begin + count);
    append_validity_of(values, begin, count);
  }
  //! Reserves room for `rows` more rows.
  void reserve(std::int64_t rows) override {
    values_.reserve(values_.size() + static_cast<std::size_t>(rows));
  }

 protected:
  void push_placeholder() override { values_.push_back(0); }
  [[nodiscard]] std::string format() const override { return "l"; }
  void export_values(detail::ExportedArray& out) override {
    out.int64s = std::move(values_);
    values_.clear();
    out.buffers.push_back(out.int64s.data());
  }

 private:
  std::vector<std::int64_t> values_;
};

//! Builds a float64 ("g") column.
class Float64Builder : public ColumnBuilder {
 public:
  //! An empty column named `name`.
  explicit Float64Builder(std::string name) : ColumnBuilder(std::move(name), ColumnType::float64) {}
  //! Appends a value.
  void append(double value) {
    values_.push_back(value);
    append_validity(true);
  }
  //! Appends row `row` of a float64 column.
  void append_from(const ColumnView& column, std::int64_t row) override {
    const auto values = column.float64s();
    values.is_valid(row) ? append(values[row]) : append_null();
  }
  //! Appends rows [begin, begin + count) of a column of this type, values in one block.
  void append_rows(const ColumnView& column, std::int64_t begin, std::int64_t count) override {
    const auto values = column.float64s();
    values_.insert(values_.end(), values.data() + begin, values.data() + begin + count);
    append_validity_of(values, begin, count);
  }
  //! Reserves room for `rows` more rows.
  void reserve(std::int64_t rows) override {
    values_.reserve(values_.size() + static_cast<std::size_t>(rows));
  }

 protected:
  void push_placeholder() override { values_.push_back(0.0); }
  [[nodiscard]] std::string format() const override { return "g"; }
  void export_values(detail::ExportedArray& out) override {
    out.float64s = std::move(values_);
    values_.clear();
    out.buffers.push_back(out.float64s.data());
  }

 private:
  std::vector<double> values_;
};

//! Builds a boolean ("b") column.
class BoolBuilder : public ColumnBuilder {
 public:
  //! An empty column named `name`.
  explicit BoolBuilder(std::string name) : ColumnBuilder(std::move(name), ColumnType::boolean) {}
  //! Appends a value.
  void append(bool value) {
    push_bit(value);
    append_validity(true);
  }
  //! Appends row `row` of a boolean column.
  void append_from(const ColumnView& column, std::int64_t row) override {
    const auto values = column.bools();
    values.is_valid(row) ? append(values[row]) : append_null();
  }
  //! Reserves room for `rows` more rows.
  void reserve(std::int64_t rows) override {
    bits_.reserve(bits_.size() + static_cast<std::size_t>(rows / 8 + 1));
  }

 protected:
  void push_placeholder() override { push_bit(false); }
  [[nodiscard]] std::string format() const override { return "b"; }
  void export_values(detail::ExportedArray& out) override {
    out.bits = std::move(bits_);
    bits_.clear();
    count_ = 0;
    out.buffers.push_back(out.bits.data());
  }

 private:
  void push_bit(bool value) {
    if ((count_ & 7) == 0) bits_.push_back(0);
    if (value) bits_.back() = static_cast<std::uint8_t>(bits_.back() | (1U << (count_ & 7)));
    ++count_;
  }

  std::vector<std::uint8_t> bits_;
  std::int64_t count_ = 0;
};

//! Builds a UTF-8 ("u", int32 offsets) column; one chunk holds at most 2 GiB of text.
class StringBuilder : public ColumnBuilder {
 public:
  //! An empty column named `name`.
  explicit StringBuilder(std::string name) : ColumnBuilder(std::move(name), ColumnType::utf8) {}
  //! Appends a value (bytes are copied; the SDK does not validate UTF-8).
  void append(std::string_view value) {
    if (chars_.size() + value.size() >
        static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
      throw Error("string column '" + name() + "' exceeds 2 GiB in one chunk; emit smaller chunks");
    }
    chars_.append(value.data(), value.size());
    offsets_.push_back(static_cast<std::int32_t>(chars_.size()));
    append_validity(true);
  }
  //! Appends row `row` of a utf8 column.
  void append_from(const ColumnView& column, std::int64_t row) override {
    const auto values = column.strings();
    values.is_valid(row) ? append(values[row]) : append_null();
  }
  //! Appends rows [begin, begin + count) of a utf8 column.
  void append_rows(const ColumnView& column, std::int64_t begin, std::int64_t count) override {
    const auto values = column.strings();
    reserve(count);
    for (std::int64_t row = begin; row < begin + count; ++row) {
      values.is_valid(row) ? append(values[row]) : append_null();
    }
  }
  //! Reserves room for `rows` more rows.
  void reserve(std::int64_t rows) override {
    offsets_.reserve(offsets_.size() + static_cast<std::size_t>(rows));
  }

 protected:
  void push_placeholder() override { offsets_.push_back(offsets_.back()); }
  [[nodiscard]] std::string format() const override { return "u"; }
  void export_values(detail::ExportedArray& out) override {
    out.offsets = std::move(offsets_);
    out.chars = std::move(chars_);
    offsets_.assign(1, 0);
    chars_.clear();
    out.buffers.push_back(out.offsets.data());
    out.buffers.push_back(out.chars.data());
  }

 private:
  std::vector<std::int32_t> offsets_{0};
  std::string chars_;
};

//! Builds a timestamp ("ts<unit>:<timezone>") column of int64 counts since the epoch.
class TimestampBuilder : public ColumnBuilder {
 public:
  //! An empty column named `name` in `unit`, with `timezone` ("" = naive).
  TimestampBuilder(std::string name, TimeUnit unit, std::string timezone = {})
      : ColumnBuilder(std::move(name), ColumnType::timestamp),
        unit_(unit),
        timezone_(std::move(timezone)) {}
  //! Appends a value (a count of unit() since 1970-01-01T00:00:00Z).
  void append(std::int64_t value) {
    values_.push_back(value);
    append_validity(true);
  }
  //! Appends row `row` of a timestamp column; the unit is not converted, so
  //! build the column with the source's unit.
  void append_from(const ColumnView& column, std::int64_t row) override {
    const auto values = column.timestamps();
    values.is_valid(row) ? append(values[row]) : append_null();
  }
  //! Appends rows [begin, begin + count) of a column of this type, values in one block.
  void append_rows(const ColumnView& column, std::int64_t begin, std::int64_t count) override {
    const auto values = column.timestamps();
    values_.insert(values_.end(), values.data() + begin, values.data() + begin + count);
    append_validity_of(values, begin, count);
  }
  //! Reserves room for `rows` more rows.
  void reserve(std::int64_t rows) override {
    values_.reserve(values_.size() + static_cast<std::size_t>(rows));
  }
  //! The unit.
  [[nodiscard]] TimeUnit unit() const noexcept { return unit_; }

 protected:
  void push_placeholder() override { values_.push_back(0); }
  [[nodiscard]] std::string format() const override {
    return std::string("ts") + static_cast<char>(unit_) + ":" + timezone_;
  }
  void export_values(detail::ExportedArray& out) override {
    out.int64s = std::move(values_);
    values_.clear();
    out.buffers.push_back(out.int64s.data());
  }

 private:
  std::vector<std::int64_t> values_;
  TimeUnit unit_;
  std::string timezone_;
};

//! Collects typed columns and turns them into an OwnedChunk. Reusable: finish()
//! empties the columns but keeps their definitions, so a stage can keep one
//! builder in its state and emit one chunk per input chunk.
class ChunkBuilder {
 public:
  //! A builder with no columns.
  ChunkBuilder() = default;

  //! A builder with the same column names and types as `schema`, e.g. for a
  //! filter. Large utf8 ("U") becomes utf8 ("u"). Throws
  //! Error(QUARRY_UNSUPPORTED) for column types the SDK cannot build.
  [[nodiscard]] static ChunkBuilder like(const SchemaView& schema) {
    ChunkBuilder builder;
    for (std::int64_t i = 0; i < schema.columns(); ++i) builder.add_like(schema.field(i));
    return builder;
  }

  //! Adds a column named like `field` holding `type` (default: the field's own type);
  //! a timestamp keeps the field's unit and time zone. Throws Error(QUARRY_UNSUPPORTED)
  //! for column types the SDK cannot build.
  ColumnBuilder& add_like(const FieldView& field, std::optional<ColumnType> type = {}) {
    std::string name(field.name());
    switch (type.value_or(field.type())) {
      case ColumnType::int64:
        return add_int64(std::move(name));
      case ColumnType::float64:
        return add_float64(std::move(name));
      case ColumnType::boolean:
        return add_bool(std::move(name));
      case ColumnType::utf8:
        return add_utf8(std::move(name));
      case ColumnType::timestamp:
        return add_timestamp(std::move(name), field.time_unit(), std::string(field.timezone()));
      default:
        throw Error::unsupported("column '" + name + "' has Arrow format \"" +
                                 std::string(field.format()) + "\", which the SDK cannot build");
    }
  }

  //! Adds an int64 column; the reference stays valid as long as the builder.
  Int64Builder& add_int64(std::string name) { return add<Int64Builder>(std::move(name)); }
  //! Adds a float64 column.
  Float64Builder& add_float64(std::string name) { return add<Float64Builder>(std::move(name)); }
  //! Adds a boolean column.
  BoolBuilder& add_bool(std::string name) { return add<BoolBuilder>(std::move(name)); }
  //! Adds a UTF-8 column.
  StringBuilder& add_utf8(std::string name) { return add<StringBuilder>(std::move(name)); }
  //! Adds a timestamp column.
  TimestampBuilder& add_timestamp(std::string name, TimeUnit unit, std::string timezone = {}) {
    return add<TimestampBuilder>(std::move(name), unit, std::move(timezone));
  }

  //! The number of columns.
  [[nodiscard]] std::int64_t columns() const noexcept {
    return static_cast<std::int64_t>(columns_.size());
  }
  //! Column `i` (unchecked).
  [[nodiscard]] ColumnBuilder& column(std::int64_t i) noexcept {
    return *columns_[static_cast<std::size_t>(i)];
  }
  //! Rows appended so far (those of the first column; 0 without columns).
  [[nodiscard]] std::int64_t rows() const noexcept {
    return columns_.empty() ? 0 : columns_.front()->size();
  }

  //! Appends row `row` of `from`, column i into column i. Throws
  //! Error(QUARRY_INVALID_ARGUMENT) when the column counts or types differ.
  void append_row(const ChunkView& from, std::int64_t row) {
    if (from.columns() != columns()) {
      throw Error::invalid_argument("append_row: the chunk has " + std::to_string(from.columns()) +
                                    " columns, the builder " + std::to_string(columns()));
    }
    for (std::int64_t i = 0; i < columns(); ++i) column(i).append_from(from.column(i), row);
  }

  //! Appends rows [begin, begin + count) of `from`, which has the builder's columns (checked)
  //! and those rows (unchecked).
  void append_rows(const ChunkView& from, std::int64_t begin, std::int64_t count) {
    if (from.columns() != columns()) {
      throw Error::invalid_argument("append_rows: the chunk has " + std::to_string(from.columns()) +
                                    " columns, the builder " + std::to_string(columns()));
    }
    for (std::int64_t i = 0; i < columns(); ++i)
      column(i).append_rows(from.column(i), begin, count);
  }

  //! Hands the rows built so far over as an OwnedChunk and empties the columns.
  //! Throws Error when the columns have different lengths.
  [[nodiscard]] OwnedChunk finish() {
    const std::int64_t length = rows();
    for (const auto& c : columns_) {
      if (c->size() != length) {
        throw Error("column '" + c->name() + "' has " + std::to_string(c->size()) +
                    " rows but column '" + columns_.front()->name() + "' has " +
                    std::to_string(length));
      }
    }
    auto data = std::make_unique<detail::ExportedArray>();
    auto meta = std::make_unique<detail::ExportedSchema>();
    meta->format = "+s";
    data->buffers.push_back(nullptr);  // no struct-level nulls
    data->children.resize(columns_.size());
    meta->children.resize(columns_.size());
    ArrowArray array{};
    ArrowSchema schema{};
    data->child_ptrs.reserve(columns_.size());
    meta->child_ptrs.reserve(columns_.size());
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      data->child_ptrs.push_back(&data->children[i]);
      meta->child_ptrs.push_back(&meta->children[i]);
    }
    try {
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        columns_[i]->export_to(&data->children[i], &meta->children[i]);
      }
    } catch (...) {  // release the children exported so far, then fail
      for (std::size_t i = 0; i < columns_.size(); ++i) {
        detail::release_exported_array(&data->children[i]);
        detail::release_exported_schema(&meta->children[i]);
      }
      throw;
    }
    detail::publish_array(&array, data.release(), length, 0);
    detail::publish_schema(&schema, meta.release(), 0);
    return OwnedChunk(&array, &schema);
  }

 private:
  template <class B, class... A>
  B& add(std::string name, A&&... extra) {
    auto column = std::make_unique<B>(std::move(name), std::forward<A>(extra)...);
    B& ref = *column;
    columns_.push_back(std::move(column));
    return ref;
  }

  std::vector<std::unique_ptr<ColumnBuilder>> columns_;
};

}  // namespace quarry::sdk
