#pragma once
//! \file
//! Copying a chunk's columns into a ChunkBuilder column by column (typed views hoisted out of
//! the row loop), for transforming stages that add columns to the rows they pass on.

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

namespace detail {

template <class Builder, class View>
void copy_values(Builder& out, const View& in, std::int64_t rows) {
  out.reserve(rows);
  if (in.all_valid()) {
    for (std::int64_t r = 0; r < rows; ++r) out.append(in[r]);
    return;
  }
  for (std::int64_t r = 0; r < rows; ++r) in.is_valid(r) ? out.append(in[r]) : out.append_null();
}

}  // namespace detail

//! Appends every row of the first `count` columns of `chunk` to the first `count` columns of
//! `builder` (made by add_input_columns for the same schema).
inline void copy_input_columns(sdk::ChunkBuilder& builder, const sdk::ChunkView& chunk,
                               std::int64_t count) {
  const std::int64_t rows = chunk.rows();
  for (std::int64_t c = 0; c < count; ++c) {
    const sdk::ColumnView col = chunk.column(c);
    sdk::ColumnBuilder& out = builder.column(c);
    switch (col.type()) {
      case sdk::ColumnType::int64:
        detail::copy_values(static_cast<sdk::Int64Builder&>(out), col.int64s(), rows);
        break;
      case sdk::ColumnType::float64:
        detail::copy_values(static_cast<sdk::Float64Builder&>(out), col.float64s(), rows);
        break;
      case sdk::ColumnType::timestamp:
        detail::copy_values(static_cast<sdk::TimestampBuilder&>(out), col.timestamps(), rows);
        break;
      case sdk::ColumnType::utf8: {
        auto& b = static_cast<sdk::StringBuilder&>(out);
        const auto v = col.strings();
        b.reserve(rows);
        for (std::int64_t r = 0; r < rows; ++r) v.is_valid(r) ? b.append(v[r]) : b.append_null();
        break;
      }
      default:
        for (std::int64_t r = 0; r < rows; ++r) out.append_from(col, r);
    }
  }
}

}  // namespace quarry::ts
