#pragma once
//! \file
//! Owners and release callbacks for Arrow structs the SDK produces. Each array
//! and schema (children included) owns its own memory, so a consumer may move a
//! child out before releasing the parent, as the Arrow C Data Interface allows.
//! Private.

#include <cstdint>
#include <string>
#include <vector>

#include "quarry/arrow_c_data.h"

namespace quarry::sdk::detail {

//! Everything one exported ArrowArray points at; only the vectors its type
//! needs are filled.
struct ExportedArray {
  std::vector<std::uint8_t> validity;
  std::vector<std::int64_t> int64s;
  std::vector<double> float64s;
  std::vector<std::uint8_t> bits;
  std::vector<std::int32_t> offsets;
  std::string chars;
  std::vector<const void*> buffers;
  std::vector<ArrowArray> children;  // sized once; child_ptrs point into it
  std::vector<ArrowArray*> child_ptrs;
};

//! The release callback of SDK-produced arrays.
inline void release_exported_array(ArrowArray* array) noexcept {
  if (array == nullptr || array->release == nullptr) return;
  auto* owner = static_cast<ExportedArray*>(array->private_data);
  for (ArrowArray* child : owner->child_ptrs) {
    if (child->release != nullptr) child->release(child);
  }
  delete owner;
  array->release = nullptr;
  array->private_data = nullptr;
}

//! Fills `out` from `owner` (taking ownership) with `length` rows.
inline void publish_array(ArrowArray* out, ExportedArray* owner, std::int64_t length,
                          std::int64_t null_count) noexcept {
  out->length = length;
  out->null_count = null_count;
  out->offset = 0;
  out->n_buffers = static_cast<std::int64_t>(owner->buffers.size());
  out->n_children = static_cast<std::int64_t>(owner->child_ptrs.size());
  out->buffers = owner->buffers.data();
  out->children = owner->child_ptrs.empty() ? nullptr : owner->child_ptrs.data();
  out->dictionary = nullptr;
  out->release = &release_exported_array;
  out->private_data = owner;
}

//! Everything one exported ArrowSchema points at.
struct ExportedSchema {
  std::string format;
  std::string name;
  std::vector<ArrowSchema> children;  // sized once; child_ptrs point into it
  std::vector<ArrowSchema*> child_ptrs;
};

//! The release callback of SDK-produced schemas.
inline void release_exported_schema(ArrowSchema* schema) noexcept {
  if (schema == nullptr || schema->release == nullptr) return;
  auto* owner = static_cast<ExportedSchema*>(schema->private_data);
  for (ArrowSchema* child : owner->child_ptrs) {
    if (child->release != nullptr) child->release(child);
  }
  delete owner;
  schema->release = nullptr;
  schema->private_data = nullptr;
}

//! Fills `out` from `owner` (taking ownership).
inline void publish_schema(ArrowSchema* out, ExportedSchema* owner, std::int64_t flags) noexcept {
  out->format = owner->format.c_str();
  out->name = owner->name.c_str();
  out->metadata = nullptr;
  out->flags = flags;
  out->n_children = static_cast<std::int64_t>(owner->child_ptrs.size());
  out->children = owner->child_ptrs.empty() ? nullptr : owner->child_ptrs.data();
  out->dictionary = nullptr;
  out->release = &release_exported_schema;
  out->private_data = owner;
}

}  // namespace quarry::sdk::detail
