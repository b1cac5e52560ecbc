#pragma once
//! \file
//! Choosing columns by name (with errors that list what is available) and describing the
//! input schema in messages.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "quarry/sdk.hpp"

namespace quarry::clean {

using json = nlohmann::json;

//! A chosen column of the input.
struct ColumnRef {
  std::int64_t index = 0;                         //!< position in the input schema
  std::string name;                               //!< column name
  sdk::ColumnType type = sdk::ColumnType::other;  //!< column type
  sdk::TimeUnit unit = sdk::TimeUnit::micro;      //!< unit of timestamp columns
  std::string timezone;                           //!< time zone of timestamp columns
};

//! "a (int64), b (utf8)": the input columns with their types, for messages.
inline std::string list_columns(const sdk::SchemaView& schema) {
  std::string out;
  for (std::int64_t i = 0; i < schema.columns(); ++i) {
    const sdk::FieldView field = schema.field(i);
    out += (i == 0 ? "" : ", ") + std::string(field.name()) + " (" +
           std::string(sdk::type_name(field.type())) + ")";
  }
  return out.empty() ? "none" : out;
}

//! Column `index` of `schema` as a ColumnRef.
inline ColumnRef column_ref(const sdk::SchemaView& schema, std::int64_t index) {
  const sdk::FieldView field = schema.field(index);
  return {index, std::string(field.name()), field.type(), field.time_unit(),
          std::string(field.timezone())};
}

//! The column named `name`. Throws Error(QUARRY_INVALID_ARGUMENT) naming the argument
//! (`role`) and the available columns when there is none.
inline ColumnRef require_column(const sdk::SchemaView& schema, std::string_view name,
                                std::string_view role) {
  const auto index = schema.find(name);
  if (!index) {
    throw sdk::Error::invalid_argument("no column named '" + std::string(name) + "' (in '" +
                                       std::string(role) +
                                       "'); available columns: " + list_columns(schema));
  }
  return column_ref(schema, *index);
}

//! The columns named by the array argument `key`, or every column when it is absent.
//! Unknown names fail listing the available columns; duplicates are ignored.
inline std::vector<ColumnRef> columns_or_all(const sdk::Args& args, std::string_view key,
                                             const sdk::SchemaView& schema) {
  std::vector<ColumnRef> out;
  if (!args.has(key)) {
    for (std::int64_t i = 0; i < schema.columns(); ++i) out.push_back(column_ref(schema, i));
    return out;
  }
  for (const auto& name : args.get<std::vector<std::string>>(key)) {
    ColumnRef ref = require_column(schema, name, key);
    bool seen = false;
    for (const auto& r : out) seen = seen || r.index == ref.index;
    if (!seen) out.push_back(std::move(ref));
  }
  if (out.empty()) throw sdk::Error::invalid_argument("'" + std::string(key) + "' is empty");
  return out;
}

//! True for int64 and float64 columns.
inline bool is_numeric(sdk::ColumnType type) noexcept {
  return type == sdk::ColumnType::int64 || type == sdk::ColumnType::float64;
}

}  // namespace quarry::clean
