#pragma once
//! \file
//! Copying a chunk's columns into a ChunkBuilder column by column (fixed-width values in blocks),
//! for transforming stages that add columns to the rows they pass on.

#include <cstdint>
#include <string>
#include <vector>

#include "quarry/sdk.hpp"

namespace quarry::ts {

//! Adds every column of `schema` to `builder` (same names and types) and returns how many.
//! Throws Error(QUARRY_UNSUPPORTED) naming a column of a type the SDK cannot build.
inline std::int64_t add_input_columns(sdk::ChunkBuilder& builder, const sdk::SchemaView& schema) {
  for (std::int64_t i = 0; i < schema.columns(); ++i) {
    const sdk::FieldView field = schema.field(i);
    std::string name(field.name());
    switch (field.type()) {
      case sdk::ColumnType::int64:
        builder.add_int64(std::move(name));
        break;
      case sdk::ColumnType::float64:
        builder.add_float64(std::move(name));
        break;
      case sdk::ColumnType::boolean:
        builder.add_bool(std::move(name));
        break;
      case sdk::ColumnType::utf8:
        builder.add_utf8(std::move(name));
        break;
      case sdk::ColumnType::timestamp:
        builder.add_timestamp(std::move(name), field.time_unit(), std::string(field.timezone()));
        break;
      default:
        throw sdk::Error::unsupported("column '" + name + "' has Arrow format \"" +
                                      std::string(field.format()) +
                                      "\", which this tool cannot pass on");
    }
  }
  return schema.columns();
}

//! Appends every row of the first `count` columns of `chunk` to the first `count` columns of
//! `builder` (made by add_input_columns for the same schema).
inline void copy_input_columns(sdk::ChunkBuilder& builder, const sdk::ChunkView& chunk,
                               std::int64_t count) {
  for (std::int64_t c = 0; c < count; ++c) {
    builder.column(c).append_rows(chunk.column(c), 0, chunk.rows());
  }
}

}  // namespace quarry::ts
