#pragma once
//! Renders sources and chunks as text so tests can compare whole tables at a glance.

#include "quarry/io/source.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace quarry::io::testing {

//! A schema with one column of every type: i int64, f float64, b bool, s string, t timestamp.
inline std::shared_ptr<const Schema> five_types() {
  return std::make_shared<const Schema>(std::vector<Field>{{"i", ColumnType::kInt64},
                                                           {"f", ColumnType::kFloat64},
                                                           {"b", ColumnType::kBool},
                                                           {"s", ColumnType::kString},
                                                           {"t", ColumnType::kTimestamp}});
}

//! One cell as text: "∅" for null, numbers via %.17g, bools true/false, strings as is.
inline std::string cell_text(const Column& column, std::int64_t row) {
  if (column.is_null(row)) return "∅";
  char buffer[64];
  switch (column.type()) {
    case ColumnType::kInt64:
    case ColumnType::kTimestamp:
      return std::to_string(column.int64_values()[static_cast<std::size_t>(row)]);
    case ColumnType::kFloat64:
      std::snprintf(buffer, sizeof buffer, "%.17g",
                    column.float64_values()[static_cast<std::size_t>(row)]);
      return buffer;
    case ColumnType::kBool:
      return column.bool_value(row) ? "true" : "false";
    case ColumnType::kString:
      return std::string(column.string_value(row));
  }
  return "?";
}

//! Appends the rows of `chunk` to `rows`, cells as text.
inline void append_rows(const Chunk& chunk, std::vector<std::vector<std::string>>& rows) {
  for (std::int64_t r = 0; r < chunk.num_rows(); ++r) {
    std::vector<std::string> row;
    for (std::size_t c = 0; c < chunk.num_columns(); ++c)
      row.push_back(cell_text(chunk.column(c), r));
    rows.push_back(std::move(row));
  }
}

//! Every row of every remaining chunk, cells as text; counts chunks in `chunks`.
inline std::vector<std::vector<std::string>> read_rows(Source& source,
                                                       std::size_t* chunks = nullptr) {
  std::vector<std::vector<std::string>> rows;
  std::size_t count = 0;
  while (auto chunk = source.next()) {
    EXPECT_EQ(chunk->sequence(), count);
    ++count;
    append_rows(*chunk, rows);
  }
  if (chunks != nullptr) *chunks = count;
  return rows;
}

//! The types of a schema, in order.
inline std::vector<ColumnType> types_of(const Schema& schema) {
  std::vector<ColumnType> types;
  for (const Field& field : schema.fields()) types.push_back(field.type);
  return types;
}

//! The names of a schema, in order.
inline std::vector<std::string> names_of(const Schema& schema) {
  std::vector<std::string> names;
  for (const Field& field : schema.fields()) names.push_back(field.name);
  return names;
}

}  // namespace quarry::io::testing
