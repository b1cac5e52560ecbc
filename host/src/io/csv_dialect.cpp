#include "io/detail/csv_dialect.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <vector>

namespace quarry::io::detail {
namespace {

constexpr std::size_t kSniffRecords = 200;

struct Score {
  double consistency = 0;  // share of records with the most common field count
  std::size_t fields = 0;  // that most common count
};

Score score_delimiter(std::string_view sample, bool whole_file, char quote, char delimiter) {
  std::vector<std::size_t> counts;
  CsvScanner scanner(Dialect{delimiter, quote}, 1U << 20, ~std::size_t{0});
  try {
    scanner.scan(sample.data(), sample.size(), whole_file, [&](const Record& record) {
      if (!record.blank && counts.size() < kSniffRecords) counts.push_back(record.size);
    });
  } catch (const ScanError&) {
    return {};
  }
  if (counts.empty()) return {};
  std::map<std::size_t, std::size_t> frequency;
  for (const std::size_t count : counts) ++frequency[count];
  const auto mode = std::max_element(frequency.begin(), frequency.end(), [](auto& a, auto& b) {
    return a.second < b.second || (a.second == b.second && a.first < b.first);
  });
  return {static_cast<double>(mode->second) / static_cast<double>(counts.size()), mode->first};
}

}  // namespace

std::size_t bom_size(std::string_view head) noexcept {
  return head.size() >= 3 && head.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
}

char sniff_delimiter(std::string_view sample, bool whole_file, char quote, char decimal) {
  static constexpr std::array<char, 4> kCandidates{',', '\t', ';', '|'};
  char best = decimal == ',' ? ';' : ',';
  Score best_score;
  for (const char candidate : kCandidates) {
    if (candidate == decimal) continue;
    const Score score = score_delimiter(sample, whole_file, quote, candidate);
    if (score.fields < 2) continue;
    const bool better =
        score.consistency > best_score.consistency + 1e-9 ||
        (score.consistency > best_score.consistency - 1e-9 && score.fields > best_score.fields);
    if (better) {
      best = candidate;
      best_score = score;
    }
  }
  return best;
}

}  // namespace quarry::io::detail
