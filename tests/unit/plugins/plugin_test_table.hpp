#pragma once
// Test tables for the plugin tests (stats, clean, timeseries): columns of text cells typed by
// the host's CSV inference rules for the fixtures, held as one Arrow chunk that the tests
// feed to a plugin's stages in windows.

#include <charconv>
#include <cstdint>
#include <fstream>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "quarry/sdk.hpp"

namespace plugin_test {

namespace sdk = quarry::sdk;

//! A column of text cells (nullopt = null) and its inferred type.
struct TextColumn {
  std::string name;
  std::vector<std::optional<std::string>> cells;
  sdk::ColumnType type = sdk::ColumnType::utf8;
};

//! A table held as one Arrow chunk; windows of it are fed to the stages.
struct Table {
  std::vector<TextColumn> columns;
  std::int64_t rows = 0;
  sdk::OwnedChunk chunk;
};

inline bool parse_int(const std::string& s, std::int64_t& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

inline bool parse_double(const std::string& s, double& out) {
  std::string t = s;
  if (t == "inf" || t == "+inf") t = "inf";
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
  return ec == std::errc() && end == t.data() + t.size();
}

//! Infers int64 / float64 / bool / utf8 over all non-null cells (as the host's CSV reader
//! does for these fixtures: "nan" and "inf" are floats, the empty field is null).
inline sdk::ColumnType infer(const TextColumn& c) {
  bool ints = true, floats = true, bools = true, any = false;
  for (const auto& cell : c.cells) {
    if (!cell) continue;
    any = true;
    std::int64_t i = 0;
    double d = 0;
    ints = ints && parse_int(*cell, i);
    floats = floats && parse_double(*cell, d);
    bools = bools && (*cell == "true" || *cell == "false");
  }
  if (!any) return sdk::ColumnType::utf8;
  if (ints) return sdk::ColumnType::int64;
  if (floats) return sdk::ColumnType::float64;
  if (bools) return sdk::ColumnType::boolean;
  return sdk::ColumnType::utf8;
}

//! Appends every cell as `value_of` reads it: null when the cell is null or does not read.
template <class Builder, class ValueOf>
void append_cells(Builder& builder, const TextColumn& column, ValueOf value_of) {
  for (const auto& cell : column.cells) {
    const auto value = cell ? value_of(*cell) : std::nullopt;
    value ? builder.append(*value) : builder.append_null();
  }
}

inline std::optional<std::int64_t> int_of(const std::string& text) {
  std::int64_t v = 0;
  return parse_int(text, v) ? std::optional(v) : std::nullopt;
}

inline std::optional<double> double_of(const std::string& text) {
  double v = 0;
  return parse_double(text, v) ? std::optional(v) : std::nullopt;
}

//! Microseconds, or ISO 8601 text.
inline std::optional<std::int64_t> timestamp_of(const std::string& text) {
  const std::optional<std::int64_t> micros = int_of(text);
  return micros ? micros : sdk::parse_iso8601(text);
}

//! Builds the Arrow chunk of `table` from its text columns (types already set).
inline void build_chunk(Table& table) {
  sdk::ChunkBuilder builder;
  for (auto& c : table.columns) {
    switch (c.type) {
      case sdk::ColumnType::int64:
        append_cells(builder.add_int64(c.name), c, int_of);
        break;
      case sdk::ColumnType::float64:
        append_cells(builder.add_float64(c.name), c, double_of);
        break;
      case sdk::ColumnType::boolean:
        append_cells(builder.add_bool(c.name), c,
                     [](const std::string& text) { return std::optional(text == "true"); });
        break;
      case sdk::ColumnType::timestamp:
        append_cells(builder.add_timestamp(c.name, sdk::TimeUnit::micro, "UTC"), c, timestamp_of);
        break;
      default:
        append_cells(builder.add_utf8(c.name), c,
                     [](const std::string& text) { return std::optional<std::string_view>(text); });
        break;
    }
  }
  table.chunk = builder.finish();
}

//! Reads a simple CSV (no quoting; empty field = null) and infers column types.
inline Table load_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  auto split = [](const std::string& line) {
    std::vector<std::string> out;
    std::string cell;
    std::istringstream s(line);
    while (std::getline(s, cell, ',')) out.push_back(cell);
    if (!line.empty() && line.back() == ',') out.emplace_back();
    return out;
  };
  std::string line;
  std::getline(in, line);
  Table table;
  for (const auto& name : split(line)) table.columns.push_back({name, {}, sdk::ColumnType::utf8});
  while (std::getline(in, line)) {
    const auto cells = split(line);
    for (std::size_t i = 0; i < table.columns.size(); ++i) {
      const std::string cell = i < cells.size() ? cells[i] : std::string();
      table.columns[i].cells.push_back(cell.empty() ? std::nullopt : std::optional(cell));
    }
    ++table.rows;
  }
  for (auto& c : table.columns) c.type = infer(c);
  build_chunk(table);
  return table;
}

//! A table from typed columns given as text cells.
inline Table make_table(std::vector<TextColumn> columns) {
  Table table;
  table.columns = std::move(columns);
  table.rows = table.columns.empty() ? 0 : static_cast<std::int64_t>(table.columns[0].cells.size());
  build_chunk(table);
  return table;
}

}  // namespace plugin_test
