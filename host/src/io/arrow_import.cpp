//! Import of plugin-produced Arrow struct arrays as chunks (zero-copy where the layout allows).

#include "quarry/io/chunk.hpp"

#include <bit>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace quarry::io {
namespace {

constexpr const char* kOrigin = "<arrow>";
constexpr const char* kFormatsFix =
    "produce int64 (\"l\"), float64 (\"g\"), bool (\"b\"), utf8 (\"u\" or \"U\") or "
    "timestamp[us] (\"tsu:…\") columns";

//! Owns a moved-in ArrowArray; releases it when the last chunk referring to it is gone.
struct ArrayHolder {
  ArrowArray array{};
  ArrayHolder() = default;
  ArrayHolder(const ArrayHolder&) = delete;
  ArrayHolder& operator=(const ArrayHolder&) = delete;
  ~ArrayHolder() {
    if (array.release != nullptr) array.release(&array);
  }
};

//! Owns a moved-in ArrowSchema for the duration of the import.
struct SchemaHolder {
  ArrowSchema schema{};
  SchemaHolder() = default;
  SchemaHolder(const SchemaHolder&) = delete;
  SchemaHolder& operator=(const SchemaHolder&) = delete;
  ~SchemaHolder() {
    if (schema.release != nullptr) schema.release(&schema);
  }
};

[[noreturn]] void fail(std::string problem, std::string fix, std::string column = {}) {
  throw InputError(std::move(problem), std::move(fix),
                   ErrorLocation{kOrigin, 0, std::move(column)});
}

std::optional<std::pair<ColumnType, bool>> type_of_format(std::string_view format) {
  if (format == "l") return std::pair{ColumnType::kInt64, false};
  if (format == "g") return std::pair{ColumnType::kFloat64, false};
  if (format == "b") return std::pair{ColumnType::kBool, false};
  if (format == "u") return std::pair{ColumnType::kString, false};
  if (format == "U") return std::pair{ColumnType::kString, true};
  if (format.starts_with("tsu:")) return std::pair{ColumnType::kTimestamp, false};
  return std::nullopt;
}

bool bit(const std::uint8_t* bits, std::int64_t i) {
  return ((bits[i >> 3] >> (i & 7)) & 1U) != 0;
}

//! `length` bits starting at bit `offset`, as a pointer to a byte-aligned bitmap: the source
//! itself when `offset` is a multiple of 8, else a shifted copy kept in `owned`.
const std::uint8_t* bits_at(const void* source, std::int64_t offset, std::int64_t length,
                            std::vector<AlignedBuffer>& owned) {
  const auto* bits = static_cast<const std::uint8_t*>(source);
  if (offset % 8 == 0) return bits + offset / 8;
  AlignedBuffer copy(static_cast<std::size_t>((length + 7) / 8));
  auto* out = copy.as<std::uint8_t>();
  for (std::int64_t i = 0; i < length; ++i) {
    if (bit(bits, offset + i)) out[i >> 3] |= std::uint8_t(1U << (i & 7));
  }
  owned.push_back(std::move(copy));
  return out;
}

std::int64_t count_nulls(const std::uint8_t* bits, std::int64_t length) {
  std::int64_t valid = 0;
  const std::int64_t full = length / 8;
  for (std::int64_t i = 0; i < full; ++i) valid += std::popcount(bits[i]);
  for (std::int64_t i = full * 8; i < length; ++i) valid += bit(bits, i) ? 1 : 0;
  return length - valid;
}

//! The AND of two byte-aligned bitmaps (either may be null = all valid).
const std::uint8_t* and_bits(const std::uint8_t* a, const std::uint8_t* b, std::int64_t length,
                             std::vector<AlignedBuffer>& owned) {
  if (a == nullptr) return b;
  if (b == nullptr) return a;
  const auto bytes = static_cast<std::size_t>((length + 7) / 8);
  AlignedBuffer both(bytes);
  auto* out = both.as<std::uint8_t>();
  for (std::size_t i = 0; i < bytes; ++i) out[i] = a[i] & b[i];
  owned.push_back(std::move(both));
  return out;
}

template <class Offset>
void check_offsets(const void* values, std::int64_t length, const std::string& column) {
  const auto* offsets = static_cast<const Offset*>(values);
  if (offsets[0] < 0) fail("string offsets are negative", "produce valid Arrow offsets", column);
  for (std::int64_t i = 0; i < length; ++i) {
    if (offsets[i + 1] < offsets[i]) {
      fail("string offsets decrease at row " + std::to_string(i), "produce valid Arrow offsets",
           column);
    }
  }
}

struct ImportContext {
  const ArrowArray& parent;
  const std::uint8_t* parent_validity;  // byte-aligned, or null
  std::vector<AlignedBuffer>& owned;
};

ColumnBuffers import_column(const ArrowSchema& schema, const ArrowArray& array,
                            const std::string& name, ImportContext& context) {
  const std::string_view format = schema.format != nullptr ? schema.format : "";
  const auto type = type_of_format(format);
  if (!type || schema.n_children != 0 || schema.dictionary != nullptr) {
    fail("Arrow format '" + std::string(format) + "' is not supported", kFormatsFix, name);
  }
  const std::int64_t length = context.parent.length;
  const std::int64_t offset = context.parent.offset + array.offset;
  const std::int64_t n_buffers = type->first == ColumnType::kString ? 3 : 2;
  if (array.n_buffers != n_buffers || array.buffers == nullptr) {
    fail("expected " + std::to_string(n_buffers) + " buffers for format '" + std::string(format) +
             "', got " + std::to_string(array.n_buffers),
         "follow the Arrow C Data Interface buffer layout", name);
  }
  if (array.length < context.parent.offset + length) {
    fail("the column is shorter than its struct", "give every child the struct's length", name);
  }
  if (length > 0 &&
      (array.buffers[1] == nullptr || (n_buffers == 3 && array.buffers[2] == nullptr))) {
    fail("a data buffer is missing", "set every non-validity buffer", name);
  }
  ColumnBuffers out;
  out.type = type->first;
  out.length = length;
  out.large_offsets = type->second;
  const bool has_nulls = array.buffers[0] != nullptr && array.null_count != 0;
  const std::uint8_t* own_validity =
      has_nulls ? bits_at(array.buffers[0], offset, length, context.owned) : nullptr;
  out.validity = and_bits(own_validity, context.parent_validity, length, context.owned);
  out.null_count = out.validity != nullptr ? count_nulls(out.validity, length) : 0;
  if (out.null_count == 0) out.validity = nullptr;
  const auto* data = static_cast<const std::byte*>(array.buffers[1]);
  switch (out.type) {
    case ColumnType::kInt64:
    case ColumnType::kFloat64:
    case ColumnType::kTimestamp:
      out.values = data == nullptr ? nullptr : data + offset * 8;
      break;
    case ColumnType::kBool:
      out.values = data == nullptr ? nullptr : bits_at(data, offset, length, context.owned);
      break;
    case ColumnType::kString:
      out.values = data + offset * (out.large_offsets ? 8 : 4);
      out.string_data = static_cast<const char*>(array.buffers[2]);
      if (out.large_offsets)
        check_offsets<std::int64_t>(out.values, length, name);
      else
        check_offsets<std::int32_t>(out.values, length, name);
      break;
  }
  if (out.values == nullptr) {  // zero rows with absent buffers: point at an owned zero block
    context.owned.emplace_back(64);
    out.values = context.owned.back().data();
    if (out.type == ColumnType::kString)
      out.string_data = reinterpret_cast<const char*>(out.values);
  }
  return out;
}

void check_struct(const ArrowArray& array, const ArrowSchema& schema) {
  if (array.release == nullptr || schema.release == nullptr) {
    fail("the array or schema was already released", "pass a live array and schema");
  }
  const std::string_view format = schema.format != nullptr ? schema.format : "";
  if (format != "+s") {
    fail("the top-level Arrow format is '" + std::string(format) + "', not a struct ('+s')",
         "return a struct array with one child per column");
  }
  if (schema.n_children != array.n_children || array.n_buffers != 1 ||
      (array.n_children > 0 && (array.children == nullptr || schema.children == nullptr))) {
    fail("the struct array does not match its schema (children or buffers)",
         "return a struct array with one validity buffer and one child per schema field");
  }
  if (array.length < 0 || array.offset < 0) fail("negative length or offset", "fix the producer");
}

}  // namespace

std::shared_ptr<const Chunk> import_arrow(ArrowArray* array, ArrowSchema* schema,
                                          std::uint64_t sequence) {
  if (array == nullptr || schema == nullptr) throw std::invalid_argument("import_arrow needs both");
  auto schema_holder = std::make_unique<SchemaHolder>();
  auto holder = std::make_shared<ArrayHolder>();
  schema_holder->schema = *schema;  // move: the caller's structs are now marked released
  schema->release = nullptr;
  holder->array = *array;
  array->release = nullptr;

  const ArrowArray& in = holder->array;
  const ArrowSchema& in_schema = schema_holder->schema;
  check_struct(in, in_schema);
  Chunk::Parts parts;
  parts.num_rows = in.length;
  parts.sequence = sequence;
  const bool struct_nulls = in.buffers != nullptr && in.buffers[0] != nullptr && in.null_count != 0;
  ImportContext context{in, nullptr, parts.owned};
  if (struct_nulls)
    context.parent_validity = bits_at(in.buffers[0], in.offset, in.length, parts.owned);

  std::vector<Field> fields;
  fields.reserve(static_cast<std::size_t>(in.n_children));
  for (std::int64_t i = 0; i < in.n_children; ++i) {
    const ArrowSchema* child_schema = in_schema.children[i];
    const ArrowArray* child = in.children[i];
    if (child_schema == nullptr || child == nullptr) fail("a child is missing", "fix the producer");
    std::string name = child_schema->name != nullptr && child_schema->name[0] != '\0'
                           ? std::string(child_schema->name)
                           : "col_" + std::to_string(i + 1);
    parts.columns.push_back(import_column(*child_schema, *child, name, context));
    fields.push_back(Field{std::move(name), parts.columns.back().type});
  }
  parts.schema = std::make_shared<const Schema>(std::move(fields));
  parts.foreign = holder;
  return std::make_shared<const Chunk>(std::move(parts));
}

}  // namespace quarry::io
