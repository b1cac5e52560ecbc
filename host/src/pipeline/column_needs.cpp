#include "quarry/pipeline/column_needs.hpp"

#include "quarry/filter/row_filter.hpp"
#include "quarry/tools/schema_validator.hpp"

#include <algorithm>

namespace quarry::pipeline {

using nlohmann::json;

void ColumnNeeds::add_tool(const json& input_schema, const json& arguments) {
  const auto reads = input_schema.find(tools::kReadsKeyword);
  if (reads == input_schema.end() || !reads->is_array()) return add_every_column();
  const json properties = input_schema.value("properties", json::object());
  for (const json& argument : *reads) {
    if (!argument.is_string()) return add_every_column();
    const json declared = properties.value(argument.get<std::string>(), json::object());
    const auto value = arguments.find(argument.get<std::string>());
    if (value == arguments.end() || value->is_null()) {
      if (declared.value("type", "") == "string") continue;  // an optional single column
      return add_every_column();
    }
    if (tools::schema_enumerates(declared, *value))
      return add_every_column();  // e.g. "columns": "numeric"
    if (value->is_string()) {
      add_name(value->get<std::string>());
    } else if (value->is_array() && !value->empty()) {
      for (const json& name : *value) {
        if (!name.is_string()) return add_every_column();
        add_name(name.get<std::string>());
      }
    } else if (value->is_object() && !value->empty()) {
      for (const auto& [name, ignored] : value->items()) add_name(name);
    } else {
      return add_every_column();
    }
  }
}

void ColumnNeeds::add_filter(const std::string& where) {
  try {
    for (const std::string& name : filter::referenced_columns(where)) add_name(name);
  } catch (const filter::FilterError&) {
    add_every_column();
  }
}

std::vector<std::string> ColumnNeeds::only_columns() const {
  if (every_column_) return {};
  return names_;
}

void ColumnNeeds::add_name(const std::string& name) {
  if (std::find(names_.begin(), names_.end(), name) == names_.end()) names_.push_back(name);
}

}  // namespace quarry::pipeline
