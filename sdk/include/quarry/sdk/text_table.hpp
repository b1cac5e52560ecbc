#pragma once
//! \file
//! Plain-text tables for the compact text rendering every tool result carries beside its
//! structured content.

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::sdk {

//! `text` on one line: line breaks and tabs written as \\n, \\r and \\t, so that a value
//! holding them cannot break the layout of a table or list it is shown in.
inline std::string one_line(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += c;
    }
  }
  return out;
}

//! `header` and `rows` as lines of aligned columns separated by two spaces: the first column
//! left-aligned, the others right-aligned (numbers line up), no trailing spaces. Rows shorter
//! than the header get empty cells; cells past the header's width are left out. Cells are
//! shown one_line().
inline std::string text_table(std::vector<std::string> header,
                              std::vector<std::vector<std::string>> rows) {
  for (std::string& cell : header) cell = one_line(cell);
  for (auto& row : rows) {
    for (std::string& cell : row) cell = one_line(cell);
  }
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

}  // namespace quarry::sdk
