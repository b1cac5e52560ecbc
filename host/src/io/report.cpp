#include "quarry/io/report.hpp"

#include <algorithm>

namespace quarry::io {

void ColumnReport::add_coercion(CoercionExample example) {
  ++coerced_to_null;
  if (examples.size() == kMaxExamples && examples.back().row <= example.row) return;
  const auto at = std::upper_bound(
      examples.begin(), examples.end(), example.row,
      [](std::int64_t row, const CoercionExample& other) { return row < other.row; });
  examples.insert(at, std::move(example));
  if (examples.size() > kMaxExamples) examples.pop_back();
}

void ReadReport::merge(const ReadReport& other) {
  if (columns.empty())
    columns = other.columns;
  else {
    for (std::size_t i = 0; i < columns.size() && i < other.columns.size(); ++i) {
      ColumnReport& mine = columns[i];
      const ColumnReport& theirs = other.columns[i];
      const std::uint64_t coerced = mine.coerced_to_null + theirs.coerced_to_null;
      for (const CoercionExample& example : theirs.examples) mine.add_coercion(example);
      mine.coerced_to_null = coerced;
      mine.invalid_utf8_replaced += theirs.invalid_utf8_replaced;
      for (const std::string& note : theirs.notes) {
        if (std::find(mine.notes.begin(), mine.notes.end(), note) == mine.notes.end()) {
          mine.notes.push_back(note);
        }
      }
    }
  }
  rows_read += other.rows_read;
  malformed_rows_skipped += other.malformed_rows_skipped;
  rows_padded_or_truncated += other.rows_padded_or_truncated;
  bytes_read += other.bytes_read;
  notes.insert(notes.end(), other.notes.begin(), other.notes.end());
  if (projection.empty()) projection = other.projection;
}

const ColumnReport* ReadReport::column(std::string_view name) const {
  for (const ColumnReport& column : columns) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

}  // namespace quarry::io
