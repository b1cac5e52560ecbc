#include "quarry/io/chunk.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace quarry::io {
namespace {

constexpr std::int64_t kMinRows = 64;

std::size_t bitmap_bytes(std::int64_t rows) {
  return static_cast<std::size_t>((rows + 7) / 8);
}

bool is_fixed_width(ColumnType type) {
  return type == ColumnType::kInt64 || type == ColumnType::kFloat64 ||
         type == ColumnType::kTimestamp;
}

}  // namespace

Chunk::Chunk(Parts parts) : parts_(std::move(parts)) {
  if (!parts_.schema) throw std::invalid_argument("a chunk needs a schema");
  if (parts_.columns.size() != parts_.schema->size()) {
    throw std::invalid_argument("a chunk has " + std::to_string(parts_.columns.size()) +
                                " columns but its schema has " +
                                std::to_string(parts_.schema->size()));
  }
  for (std::size_t i = 0; i < parts_.columns.size(); ++i) {
    const ColumnBuffers& column = parts_.columns[i];
    if (column.length != parts_.num_rows || column.type != (*parts_.schema)[i].type) {
      throw std::invalid_argument("column '" + (*parts_.schema)[i].name +
                                  "' does not match the chunk's schema or row count");
    }
  }
  columns_.reserve(parts_.columns.size());
  for (const ColumnBuffers& column : parts_.columns) columns_.emplace_back(column);
}

Chunk::~Chunk() {
  if (!parts_.pool) return;
  for (AlignedBuffer& buffer : parts_.owned) parts_.pool->give(std::move(buffer));
}

std::size_t Chunk::memory_bytes() const noexcept {
  std::size_t total = 0;
  for (const AlignedBuffer& buffer : parts_.owned) total += buffer.capacity();
  return total;
}

ColumnBuilder::ColumnBuilder(ColumnType type, std::int64_t expected_rows, BufferPool* pool)
    : type_(type), expected_rows_(std::max<std::int64_t>(expected_rows, 1)), pool_(pool) {}

void ColumnBuilder::grow() {
  const std::int64_t rows = std::max({capacity_ * 2, expected_rows_, kMinRows});
  reserve_rows(rows);
}

void ColumnBuilder::mark_valid_run(std::int64_t count) {
  auto* bits = validity_.as<std::uint8_t>();
  std::int64_t i = length_;
  const std::int64_t end = length_ + count;
  for (; i < end && (i & 7) != 0; ++i) bits[i >> 3] |= std::uint8_t(1U << (i & 7));
  const std::int64_t whole_bytes = (end - i) >> 3;
  std::memset(bits + (i >> 3), 0xFF, static_cast<std::size_t>(whole_bytes));
  for (i += whole_bytes << 3; i < end; ++i) bits[i >> 3] |= std::uint8_t(1U << (i & 7));
}

void ColumnBuilder::reserve_rows(std::int64_t rows) {
  if (capacity_ == 0 && pool_ != nullptr) return take_first_buffers(rows);
  const auto count = static_cast<std::size_t>(rows);
  if (is_fixed_width(type_)) {
    values_.reserve_uninitialized(count * 8);  // every slot is written on append
  } else if (type_ == ColumnType::kBool) {
    values_.reserve(bitmap_bytes(rows));  // bits are OR-ed in: must start zeroed
  } else {
    const bool first = capacity_ == 0;
    values_.reserve_uninitialized((count + 1) * (large_offsets_ ? 8 : 4));
    if (first) {
      std::memset(values_.data(), 0, 8);  // offsets[0] = 0
      data_.reserve_uninitialized(count * 8);
    }
  }
  if (has_validity_) validity_.reserve(bitmap_bytes(rows));
  capacity_ = rows;
}

void ColumnBuilder::take_first_buffers(std::int64_t rows) {
  const auto count = static_cast<std::size_t>(rows);
  if (is_fixed_width(type_)) {
    values_ = pool_->take(count * 8);
  } else if (type_ == ColumnType::kBool) {
    values_ = zeroed_buffer(bitmap_bytes(rows));
  } else {
    values_ = pool_->take((count + 1) * 4);
    std::memset(values_.data(), 0, 8);  // offsets[0] = 0
    data_ = pool_->take(count * 8);
  }
  capacity_ = rows;
}

AlignedBuffer ColumnBuilder::zeroed_buffer(std::size_t bytes) {
  AlignedBuffer buffer = pool_->take(bytes);
  // The whole capacity: later reserve() calls within it will not zero again.
  std::memset(buffer.data(), 0, buffer.capacity());
  return buffer;
}

void ColumnBuilder::start_validity() {
  if (pool_ != nullptr && validity_.capacity() == 0) {
    validity_ = zeroed_buffer(bitmap_bytes(capacity_));
  }
  validity_.reserve(bitmap_bytes(capacity_));
  auto* bits = validity_.as<std::uint8_t>();
  std::fill(bits, bits + length_ / 8, std::uint8_t{0xFF});
  if (length_ % 8 != 0) bits[length_ / 8] = std::uint8_t((1U << (length_ % 8)) - 1);
  has_validity_ = true;
}

void ColumnBuilder::widen_offsets() {
  AlignedBuffer wide((static_cast<std::size_t>(capacity_) + 1) * 8);
  const auto* narrow = values_.as<std::int32_t>();
  auto* out = wide.as<std::int64_t>();
  for (std::int64_t i = 0; i <= length_; ++i) out[i] = narrow[i];
  values_ = std::move(wide);
  large_offsets_ = true;
}

ColumnBuffers ColumnBuilder::finish(std::vector<AlignedBuffer>& owned) {
  if (capacity_ == 0) reserve_rows(1);  // offsets need one entry even without rows
  ColumnBuffers out;
  out.type = type_;
  out.length = length_;
  out.null_count = null_count_;
  out.large_offsets = large_offsets_;
  if (null_count_ != 0) {
    validity_.resize(bitmap_bytes(length_));
    out.validity = validity_.as<std::uint8_t>();
    owned.push_back(std::move(validity_));
  }
  out.values = values_.data();
  owned.push_back(std::move(values_));
  if (type_ == ColumnType::kString) {
    if (data_.capacity() == 0) data_.reserve(1);
    out.string_data = reinterpret_cast<const char*>(data_.data());
    owned.push_back(std::move(data_));
  }
  *this = ColumnBuilder(type_, expected_rows_, pool_);
  return out;
}

ChunkBuilder::ChunkBuilder(std::shared_ptr<const Schema> schema, std::int64_t expected_rows,
                           std::shared_ptr<BufferPool> pool)
    : schema_(std::move(schema)), pool_(std::move(pool)) {
  columns_.reserve(schema_->size());
  for (const Field& field : schema_->fields()) {
    columns_.emplace_back(field.type, expected_rows, pool_.get());
  }
}

std::shared_ptr<const Chunk> ChunkBuilder::finish(std::uint64_t sequence) {
  return finish(sequence, num_rows());
}

std::shared_ptr<const Chunk> ChunkBuilder::finish(std::uint64_t sequence, std::int64_t num_rows) {
  Chunk::Parts parts;
  parts.schema = schema_;
  parts.num_rows = num_rows;
  parts.sequence = sequence;
  parts.pool = pool_;
  parts.columns.reserve(columns_.size());
  for (ColumnBuilder& column : columns_) {
    if (column.length() != num_rows) {
      throw std::logic_error("column builders differ in length: " +
                             std::to_string(column.length()) + " vs " + std::to_string(num_rows));
    }
    parts.columns.push_back(column.finish(parts.owned));
  }
  return std::make_shared<const Chunk>(std::move(parts));
}

}  // namespace quarry::io
