#pragma once
//! \file
//! Chunks: batches of rows in Arrow memory layout, the unit that flows through a pipeline;
//! their builder; and the zero-copy bridge to the Arrow C Data Interface.

#include "quarry/arrow_c_data.h"
#include "quarry/io/buffer.hpp"
#include "quarry/io/error.hpp"
#include "quarry/io/report.hpp"
#include "quarry/io/types.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace quarry::io {

//! Where one column's Arrow buffers are (offset 0, `length` rows). The pointers are owned by
//! the Chunk that holds the description.
struct ColumnBuffers {
  ColumnType type = ColumnType::kString;
  std::int64_t length = 0;
  std::int64_t null_count = 0;
  //! LSB-first bitmap, 1 = valid; nullptr when there are no nulls.
  const std::uint8_t* validity = nullptr;
  //! int64 / double values, bool bits (LSB-first), or string offsets (int32 or int64).
  const void* values = nullptr;
  //! UTF-8 bytes of a string column, else nullptr.
  const char* string_data = nullptr;
  //! String offsets are int64 (Arrow "U") rather than int32 ("u").
  bool large_offsets = false;
};

//! A read-only view of one column of a chunk.
class Column {
 public:
  //! A view of `buffers` (not owned).
  explicit Column(const ColumnBuffers& buffers) noexcept : b_(buffers) {}

  //! The logical type.
  [[nodiscard]] ColumnType type() const noexcept { return b_.type; }
  //! Rows.
  [[nodiscard]] std::int64_t length() const noexcept { return b_.length; }
  //! Null rows.
  [[nodiscard]] std::int64_t null_count() const noexcept { return b_.null_count; }
  //! True when `row` is null.
  [[nodiscard]] bool is_null(std::int64_t row) const noexcept {
    return b_.validity != nullptr && ((b_.validity[row >> 3] >> (row & 7)) & 1U) == 0;
  }
  //! Values of a kInt64 or kTimestamp column (null slots hold unspecified values).
  [[nodiscard]] std::span<const std::int64_t> int64_values() const noexcept {
    return {static_cast<const std::int64_t*>(b_.values), static_cast<std::size_t>(b_.length)};
  }
  //! Values of a kFloat64 column (null slots hold unspecified values).
  [[nodiscard]] std::span<const double> float64_values() const noexcept {
    return {static_cast<const double*>(b_.values), static_cast<std::size_t>(b_.length)};
  }
  //! The value of a kBool column at `row` (false for nulls).
  [[nodiscard]] bool bool_value(std::int64_t row) const noexcept {
    return ((static_cast<const std::uint8_t*>(b_.values)[row >> 3] >> (row & 7)) & 1U) != 0;
  }
  //! The UTF-8 value of a kString column at `row` (empty for nulls).
  [[nodiscard]] std::string_view string_value(std::int64_t row) const noexcept {
    if (b_.large_offsets) {
      const auto* offsets = static_cast<const std::int64_t*>(b_.values);
      return {b_.string_data + offsets[row],
              static_cast<std::size_t>(offsets[row + 1] - offsets[row])};
    }
    const auto* offsets = static_cast<const std::int32_t*>(b_.values);
    return {b_.string_data + offsets[row],
            static_cast<std::size_t>(offsets[row + 1] - offsets[row])};
  }
  //! The raw Arrow buffers.
  [[nodiscard]] const ColumnBuffers& buffers() const noexcept { return b_; }

 private:
  ColumnBuffers b_;
};

//! An immutable batch of rows sharing a schema, in Arrow layout with 64-byte-aligned buffers.
//! Shared between pipeline stages as std::shared_ptr<const Chunk>.
class Chunk {
 public:
  //! Everything a chunk is made of.
  struct Parts {
    std::shared_ptr<const Schema> schema;
    std::vector<ColumnBuffers> columns;
    std::int64_t num_rows = 0;
    //! Position in the source's order (0, 1, 2, …); the executor's sequencer uses it.
    std::uint64_t sequence = 0;
    //! Buffers the chunk owns (the columns point into them).
    std::vector<AlignedBuffer> owned;
    //! Something else keeping foreign buffers alive (an imported Arrow array), or null.
    std::shared_ptr<const void> foreign;
    //! Where `owned` buffers go back to when the chunk dies, or null.
    std::shared_ptr<BufferPool> pool;
  };

  //! Checks that columns match the schema and all have `num_rows` rows (std::invalid_argument).
  explicit Chunk(Parts parts);
  //! Returns owned buffers to the pool, if any.
  ~Chunk();
  Chunk(const Chunk&) = delete;
  Chunk& operator=(const Chunk&) = delete;

  //! The columns' names and types.
  [[nodiscard]] const Schema& schema() const noexcept { return *parts_.schema; }
  //! The schema, shareable with chunks derived from this one.
  [[nodiscard]] const std::shared_ptr<const Schema>& schema_ptr() const noexcept {
    return parts_.schema;
  }
  //! Rows in every column.
  [[nodiscard]] std::int64_t num_rows() const noexcept { return parts_.num_rows; }
  //! Position in the source's order.
  [[nodiscard]] std::uint64_t sequence() const noexcept { return parts_.sequence; }
  //! Columns (= schema().size()).
  [[nodiscard]] std::size_t num_columns() const noexcept { return parts_.columns.size(); }
  //! Column `i` (0-based, < num_columns()).
  [[nodiscard]] const Column& column(std::size_t i) const noexcept { return columns_[i]; }
  //! Bytes of memory held by owned buffers (for the executor's memory budget).
  [[nodiscard]] std::size_t memory_bytes() const noexcept;

 private:
  Parts parts_;
  std::vector<Column> columns_;
};

//! Appends values to one column. Buffers grow geometrically; no allocation per value.
//! The append_* call must match the column type (checked only in debug builds).
class ColumnBuilder {
 public:
  //! A builder reserving room for `expected_rows` rows, taking its first buffers from `pool`
  //! when given (the pool must outlive the builder).
  ColumnBuilder(ColumnType type, std::int64_t expected_rows, BufferPool* pool = nullptr);

  //! The type being built.
  [[nodiscard]] ColumnType type() const noexcept { return type_; }
  //! Values appended so far.
  [[nodiscard]] std::int64_t length() const noexcept { return length_; }
  //! Nulls appended so far.
  [[nodiscard]] std::int64_t null_count() const noexcept { return null_count_; }

  //! Appends a null (any type).
  void append_null() {
    ensure_row();
    if (!has_validity_) start_validity();
    ++null_count_;
    if (type_ == ColumnType::kString) set_offset(length_ + 1, data_.size());
    ++length_;
  }
  //! Appends to a kInt64 or kTimestamp column (timestamps in microseconds since the epoch).
  void append_int64(std::int64_t value) { append_fixed(value); }
  //! Appends to a kFloat64 column.
  void append_float64(double value) { append_fixed(value); }
  //! Appends to a kBool column.
  void append_bool(bool value) {
    ensure_row();
    if (value) values_.as<std::uint8_t>()[length_ >> 3] |= std::uint8_t(1U << (length_ & 7));
    mark_valid();
    ++length_;
  }
  //! Appends to a kString column; `utf8` must be valid UTF-8 (readers sanitise first).
  void append_string(std::string_view utf8) {
    std::memcpy(string_space(utf8.size()), utf8.data(), utf8.size());
    commit_string(utf8.size());
  }
  //! Room to write up to `max_bytes` of the next string value directly; follow with
  //! commit_string(). The pointer is valid until the next call on this builder.
  [[nodiscard]] char* string_space(std::size_t max_bytes) {
    ensure_row();
    data_.grow_to(data_.size() + max_bytes);
    return reinterpret_cast<char*>(data_.data()) + data_.size();
  }
  //! Completes a value of `bytes` bytes written into string_space().
  void commit_string(std::size_t bytes) {
    data_.resize(data_.size() + bytes);
    set_offset(length_ + 1, data_.size());
    mark_valid();
    ++length_;
  }
  //! Room for the next `count` values of a kInt64, kTimestamp or kFloat64 column, written
  //! directly and followed by commit_values(); valid until the next call on this builder.
  template <class T>
  [[nodiscard]] T* value_space(std::int64_t count) {
    if (length_ + count > capacity_) {
      reserve_rows(std::max({capacity_ * 2, length_ + count, expected_rows_}));
    }
    return values_.as<T>() + length_;
  }
  //! Completes the first `count` values written into value_space(), none of them null.
  void commit_values(std::int64_t count) {
    if (has_validity_) mark_valid_run(count);
    length_ += count;
  }
  //! Takes the buffers out into `owned` and describes them; the builder is empty again.
  [[nodiscard]] ColumnBuffers finish(std::vector<AlignedBuffer>& owned);

 private:
  template <class T>
  void append_fixed(T value) {
    ensure_row();
    values_.as<T>()[length_] = value;
    mark_valid();
    ++length_;
  }
  void ensure_row() {
    if (length_ == capacity_) grow();
  }
  void mark_valid() {
    if (has_validity_)
      validity_.as<std::uint8_t>()[length_ >> 3] |= std::uint8_t(1U << (length_ & 7));
  }
  void set_offset(std::int64_t index, std::size_t offset) {
    if (!large_offsets_ && offset > std::size_t(std::numeric_limits<std::int32_t>::max())) {
      widen_offsets();
    }
    if (large_offsets_) {
      values_.as<std::int64_t>()[index] = static_cast<std::int64_t>(offset);
    } else {
      values_.as<std::int32_t>()[index] = static_cast<std::int32_t>(offset);
    }
  }
  void grow();
  void mark_valid_run(std::int64_t count);
  void reserve_rows(std::int64_t rows);
  void take_first_buffers(std::int64_t rows);
  [[nodiscard]] AlignedBuffer zeroed_buffer(std::size_t bytes);
  void start_validity();
  void widen_offsets();

  ColumnType type_;
  std::int64_t expected_rows_;
  BufferPool* pool_;
  std::int64_t length_ = 0;
  std::int64_t capacity_ = 0;
  std::int64_t null_count_ = 0;
  bool has_validity_ = false;
  bool large_offsets_ = false;
  AlignedBuffer validity_;
  AlignedBuffer values_;
  AlignedBuffer data_;
};

//! Builds chunks of a fixed schema, one column builder per field.
class ChunkBuilder {
 public:
  //! Builders for every field of `schema`, each reserving `expected_rows` rows; with a pool,
  //! buffers come from it and return to it when the chunks die.
  ChunkBuilder(std::shared_ptr<const Schema> schema, std::int64_t expected_rows,
               std::shared_ptr<BufferPool> pool = nullptr);

  //! The schema of the chunks built.
  [[nodiscard]] const Schema& schema() const noexcept { return *schema_; }
  //! Columns (= schema().size()).
  [[nodiscard]] std::size_t num_columns() const noexcept { return columns_.size(); }
  //! The builder of column `i`.
  [[nodiscard]] ColumnBuilder& column(std::size_t i) noexcept { return columns_[i]; }
  //! Rows appended so far (the length of the first column; 0 without columns).
  [[nodiscard]] std::int64_t num_rows() const noexcept {
    return columns_.empty() ? 0 : columns_.front().length();
  }
  //! A chunk of every appended row; the builder is empty afterwards. Throws
  //! std::logic_error when columns differ in length.
  [[nodiscard]] std::shared_ptr<const Chunk> finish(std::uint64_t sequence);
  //! As finish(sequence), stating the row count (needed for schemas without columns).
  [[nodiscard]] std::shared_ptr<const Chunk> finish(std::uint64_t sequence, std::int64_t num_rows);

 private:
  std::shared_ptr<const Schema> schema_;
  std::shared_ptr<BufferPool> pool_;
  std::vector<ColumnBuilder> columns_;
};

//! Exports `chunk` zero-copy as an Arrow struct array ("+s", one child per column: "l", "g",
//! "b", "u"/"U", "tsu:UTC"). Either output may be null to skip it. Each release callback
//! (parent and every child, which may be moved out and released independently) keeps the
//! chunk alive through its own heap-held shared_ptr and frees only its own bookkeeping.
void export_arrow(const std::shared_ptr<const Chunk>& chunk, ArrowArray* out_array,
                  ArrowSchema* out_schema);

//! Takes ownership of a struct array and its schema (e.g. a plugin's transform output) and
//! returns a chunk over the same buffers; the array is released when the chunk (and every
//! export of it) is gone, the schema before returning. Both are consumed even on failure.
//! Accepts the formats export_arrow() produces (any "tsu:" time zone), with offsets and a
//! top-level validity bitmap. Throws InputError naming the column and format otherwise.
[[nodiscard]] std::shared_ptr<const Chunk> import_arrow(ArrowArray* array, ArrowSchema* schema,
                                                        std::uint64_t sequence = 0);

}  // namespace quarry::io
