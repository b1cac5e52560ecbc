#include "quarry/io/types.hpp"

#include <array>
#include <utility>

namespace quarry::io {

std::string_view to_string(ColumnType type) noexcept {
  switch (type) {
    case ColumnType::kInt64:
      return "int64";
    case ColumnType::kFloat64:
      return "float64";
    case ColumnType::kBool:
      return "bool";
    case ColumnType::kString:
      return "string";
    case ColumnType::kTimestamp:
      return "timestamp";
  }
  return "unknown";
}

std::optional<ColumnType> parse_column_type(std::string_view name) noexcept {
  static constexpr std::array<std::pair<std::string_view, ColumnType>, 12> kNames{{
      {"int64", ColumnType::kInt64},
      {"int", ColumnType::kInt64},
      {"integer", ColumnType::kInt64},
      {"float64", ColumnType::kFloat64},
      {"float", ColumnType::kFloat64},
      {"double", ColumnType::kFloat64},
      {"bool", ColumnType::kBool},
      {"boolean", ColumnType::kBool},
      {"string", ColumnType::kString},
      {"str", ColumnType::kString},
      {"timestamp", ColumnType::kTimestamp},
      {"datetime", ColumnType::kTimestamp},
  }};
  for (const auto& [text, type] : kNames) {
    if (text == name) return type;
  }
  return std::nullopt;
}

Schema::Schema(std::vector<Field> fields) : fields_(std::move(fields)) {
  index_.reserve(fields_.size());
  for (std::size_t i = 0; i < fields_.size(); ++i) index_.emplace(fields_[i].name, i);
}

std::optional<std::size_t> Schema::index_of(std::string_view name) const noexcept {
  const auto found = index_.find(name);
  if (found == index_.end()) return std::nullopt;
  return found->second;
}

const Field* Schema::find(std::string_view name) const noexcept {
  const auto index = index_of(name);
  return index ? &fields_[*index] : nullptr;
}

}  // namespace quarry::io
