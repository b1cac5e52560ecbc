//! Zero-copy export of chunks through the Arrow C Data Interface.

#include "quarry/io/chunk.hpp"

#include <array>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace quarry::io {
namespace {

std::string arrow_format(const ColumnBuffers& column) {
  switch (column.type) {
    case ColumnType::kInt64:
      return "l";
    case ColumnType::kFloat64:
      return "g";
    case ColumnType::kBool:
      return "b";
    case ColumnType::kString:
      return column.large_offsets ? "U" : "u";
    case ColumnType::kTimestamp:
      return "tsu:UTC";
  }
  return "u";
}

// ---- Schemas ----------------------------------------------------------------------------

//! What one exported ArrowSchema owns (children live in the parent's vector; a moved-out child
//! is bitwise-copied elsewhere, so each child owns only its strings).
struct SchemaPrivate {
  std::string format;
  std::string name;
  std::vector<ArrowSchema> children;
  std::vector<ArrowSchema*> child_pointers;
};

void release_schema(ArrowSchema* schema) {
  if (schema == nullptr || schema->release == nullptr) return;
  auto* own = static_cast<SchemaPrivate*>(schema->private_data);
  for (ArrowSchema* child : own->child_pointers) {
    if (child->release != nullptr) child->release(child);
  }
  delete own;
  schema->release = nullptr;
}

void fill_schema(ArrowSchema* out, std::unique_ptr<SchemaPrivate> own, std::int64_t flags) {
  out->format = own->format.c_str();
  out->name = own->name.c_str();
  out->metadata = nullptr;
  out->flags = flags;
  out->n_children = static_cast<std::int64_t>(own->child_pointers.size());
  out->children = own->child_pointers.empty() ? nullptr : own->child_pointers.data();
  out->dictionary = nullptr;
  out->release = &release_schema;
  out->private_data = own.release();
}

void export_schema(const Chunk& chunk, ArrowSchema* out) {
  auto parent = std::make_unique<SchemaPrivate>();
  parent->format = "+s";
  std::vector<std::unique_ptr<SchemaPrivate>> children;
  children.reserve(chunk.num_columns());
  for (std::size_t i = 0; i < chunk.num_columns(); ++i) {
    auto child = std::make_unique<SchemaPrivate>();
    child->format = arrow_format(chunk.column(i).buffers());
    child->name = chunk.schema()[i].name;
    children.push_back(std::move(child));
  }
  parent->children.resize(children.size());
  parent->child_pointers.reserve(children.size());  // nothing below may throw
  for (std::size_t i = 0; i < children.size(); ++i) {
    fill_schema(&parent->children[i], std::move(children[i]), ARROW_FLAG_NULLABLE);
    parent->child_pointers.push_back(&parent->children[i]);
  }
  fill_schema(out, std::move(parent), 0);
}

// ---- Arrays -----------------------------------------------------------------------------

//! What one exported ArrowArray owns: a reference to the chunk and its buffer table. Every
//! child has its own, so a child moved out of its parent outlives the parent's release.
struct ArrayPrivate {
  std::shared_ptr<const Chunk> keep;
  std::array<const void*, 3> buffers{};
  std::vector<ArrowArray> children;
  std::vector<ArrowArray*> child_pointers;
};

void release_array(ArrowArray* array) {
  if (array == nullptr || array->release == nullptr) return;
  auto* own = static_cast<ArrayPrivate*>(array->private_data);
  for (ArrowArray* child : own->child_pointers) {
    if (child->release != nullptr) child->release(child);
  }
  delete own;
  array->release = nullptr;
}

void fill_array(ArrowArray* out, std::unique_ptr<ArrayPrivate> own, std::int64_t length,
                std::int64_t null_count, std::int64_t n_buffers) {
  out->length = length;
  out->null_count = null_count;
  out->offset = 0;
  out->n_buffers = n_buffers;
  out->n_children = static_cast<std::int64_t>(own->child_pointers.size());
  out->buffers = own->buffers.data();
  out->children = own->child_pointers.empty() ? nullptr : own->child_pointers.data();
  out->dictionary = nullptr;
  out->release = &release_array;
  out->private_data = own.release();
}

std::unique_ptr<ArrayPrivate> child_private(const std::shared_ptr<const Chunk>& chunk,
                                            const ColumnBuffers& column) {
  auto own = std::make_unique<ArrayPrivate>();
  own->keep = chunk;
  own->buffers = {column.validity, column.values, column.string_data};
  return own;
}

void export_array(const std::shared_ptr<const Chunk>& chunk, ArrowArray* out) {
  auto parent = std::make_unique<ArrayPrivate>();
  parent->keep = chunk;
  std::vector<std::unique_ptr<ArrayPrivate>> children;
  children.reserve(chunk->num_columns());
  for (std::size_t i = 0; i < chunk->num_columns(); ++i) {
    children.push_back(child_private(chunk, chunk->column(i).buffers()));
  }
  parent->children.resize(children.size());
  parent->child_pointers.reserve(children.size());  // nothing below may throw
  for (std::size_t i = 0; i < children.size(); ++i) {
    const ColumnBuffers& column = chunk->column(i).buffers();
    const std::int64_t n_buffers = column.type == ColumnType::kString ? 3 : 2;
    fill_array(&parent->children[i], std::move(children[i]), column.length, column.null_count,
               n_buffers);
    parent->child_pointers.push_back(&parent->children[i]);
  }
  fill_array(out, std::move(parent), chunk->num_rows(), 0, 1);
}

}  // namespace

void export_arrow(const std::shared_ptr<const Chunk>& chunk, ArrowArray* out_array,
                  ArrowSchema* out_schema) {
  if (!chunk) throw std::invalid_argument("export_arrow needs a chunk");
  // Build both before publishing either, so a failure leaves the outputs untouched.
  ArrowSchema schema{};
  ArrowArray array{};
  if (out_schema != nullptr) export_schema(*chunk, &schema);
  if (out_array != nullptr) {
    try {
      export_array(chunk, &array);
    } catch (...) {
      release_schema(&schema);
      throw;
    }
  }
  if (out_schema != nullptr) *out_schema = schema;
  if (out_array != nullptr) *out_array = array;
}

}  // namespace quarry::io
