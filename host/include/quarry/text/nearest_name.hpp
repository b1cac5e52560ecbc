#pragma once
//! \file
//! The known name nearest to a misspelt one, for "did you mean …?" hints on configuration
//! keys and tool arguments.

#include <algorithm>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::text {

//! Optimal-string-alignment edit distance: insertions, deletions, substitutions and
//! transpositions of adjacent characters each cost 1.
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

//! The shortest name in `known` that `name` abbreviates ("freq" for "frequency"; three
//! characters at least), or nullopt when there is none or two are equally short.
inline std::optional<std::string> expanded_name(std::string_view name,
                                                std::span<const std::string> known) {
  if (name.size() < 3) return std::nullopt;
  std::optional<std::string> best;
  bool tie = false;
  for (const std::string& candidate : known) {
    if (candidate.size() <= name.size() || candidate.compare(0, name.size(), name) != 0) continue;
    if (!best || candidate.size() < best->size()) {
      best = candidate;
      tie = false;
    } else if (candidate.size() == best->size()) {
      tie = true;
    }
  }
  return tie ? std::nullopt : best;
}

//! The name in `known` nearest to `name` within `max_distance` edits (the first on a tie),
//! else the one `name` abbreviates (expanded_name), or nullopt when none is that near. A name
//! of four characters or fewer may be one edit off at most: two edits turn a short word into
//! an unrelated one ("keys" into "keep").
inline std::optional<std::string> nearest_name(std::string_view name,
                                               std::span<const std::string> known,
                                               std::size_t max_distance = 2) {
  if (name.size() <= 4) max_distance = std::min<std::size_t>(max_distance, 1);
  std::optional<std::string> best;
  std::size_t best_distance = max_distance + 1;
  for (const std::string& candidate : known) {
    const std::size_t distance = edit_distance(name, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best ? best : expanded_name(name, known);
}

}  // namespace quarry::text
