#include "quarry/pipeline/full_results.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <regex>
#include <vector>

namespace quarry::pipeline {
namespace fs = std::filesystem;

std::string full_result_name(std::string_view tool) {
  return fmt::format(
      "{}-{:%Y%m%dT%H%M%S}-{:04x}.json", tool,
      std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()),
      std::random_device{}() & 0xffffu);
}

bool is_full_result_name(std::string_view name) {
  static const std::regex pattern(R"([A-Za-z0-9_-]{1,64}-\d{8}T\d{6}-[0-9a-f]{4}\.json)");
  return std::regex_match(name.begin(), name.end(), pattern);
}

void prune_full_results(const fs::path& directory, const FullResultLimits& limits,
                        const fs::path& spare) {
  struct Kept {
    fs::path path;
    fs::file_time_type written;
    std::uintmax_t bytes;
  };
  std::vector<Kept> files;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(directory, error)) {
    std::error_code ignored;
    if (!entry.is_regular_file(ignored) || !is_full_result_name(entry.path().filename().string()))
      continue;
    const auto written = entry.last_write_time(ignored);
    const auto bytes = entry.file_size(ignored);
    if (!ignored) files.push_back({entry.path(), written, bytes});
  }
  // Newest first: the files kept are a prefix.
  std::sort(files.begin(), files.end(), [](const Kept& a, const Kept& b) {
    return a.written != b.written ? a.written > b.written : a.path > b.path;
  });
  // Keep the newest files while they are within the limits; everything older goes.
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;
  bool over = false;
  for (std::size_t i = 0; i < files.size(); ++i) {
    over = over ||
           (i > 0 && (count + 1 > limits.max_files || bytes + files[i].bytes > limits.max_bytes));
    if (!over || files[i].path == spare) {
      ++count;
      bytes += files[i].bytes;
      continue;
    }
    std::error_code ignored;
    fs::remove(files[i].path, ignored);
  }
}

}  // namespace quarry::pipeline
