#include "quarry/tools/call_stats.hpp"

#include <algorithm>
#include <cmath>

namespace quarry::tools {
namespace {

// Nearest-rank percentile on a sorted copy; fine for at most kSamplesPerTool values.
double percentile(std::vector<double> values, double fraction) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto rank =
      static_cast<std::size_t>(std::ceil(fraction * static_cast<double>(values.size())));
  return values[std::clamp<std::size_t>(rank, 1, values.size()) - 1];
}

}  // namespace

void CallStats::record(std::string_view tool, std::chrono::nanoseconds latency, bool failed) {
  const double ms = std::chrono::duration<double, std::milli>(latency).count();
  std::lock_guard lock(mutex_);
  auto it = tools_.find(tool);
  if (it == tools_.end()) it = tools_.emplace(std::string(tool), PerTool{}).first;
  PerTool& entry = it->second;
  ++entry.calls;
  if (failed) ++entry.errors;
  if (entry.samples_ms.size() < kSamplesPerTool) {
    entry.samples_ms.push_back(ms);
  } else {
    entry.samples_ms[entry.next] = ms;
  }
  entry.next = (entry.next + 1) % kSamplesPerTool;
}

std::map<std::string, ToolCallSummary> CallStats::summary() const {
  std::lock_guard lock(mutex_);
  std::map<std::string, ToolCallSummary> result;
  for (const auto& [name, entry] : tools_) {
    result[name] = {entry.calls, entry.errors, percentile(entry.samples_ms, 0.50),
                    percentile(entry.samples_ms, 0.95)};
  }
  return result;
}

}  // namespace quarry::tools
