#pragma once
//! \file
//! Compact plain-text tables for the text rendering of results.

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

namespace quarry::stats {

//! A table with a header row; the first column is left-aligned, the others right-aligned,
//! columns separated by two spaces.
inline std::string text_table(const std::vector<std::string>& header,
                              const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(header.size(), 0);
  auto widen = [&](const std::vector<std::string>& row) {
    for (std::size_t i = 0; i < row.size() && i < width.size(); ++i) {
      width[i] = std::max(width[i], row[i].size());
    }
  };
  widen(header);
  for (const auto& row : rows) widen(row);
  std::string out;
  auto emit = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t i = 0; i < width.size(); ++i) {
      const std::string cell = i < row.size() ? row[i] : std::string();
      const std::string pad(width[i] - std::min(width[i], cell.size()), ' ');
      if (i > 0) line += "  ";
      line += i == 0 ? cell + pad : pad + cell;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  emit(header);
  for (const auto& row : rows) emit(row);
  return out;
}

}  // namespace quarry::stats
