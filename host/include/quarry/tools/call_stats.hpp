#pragma once
//! \file
//! Per-tool call counters and latency percentiles for `quarry_health`.

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace quarry::tools {

//! Counters of one tool.
struct ToolCallSummary {
  std::uint64_t calls = 0;
  std::uint64_t errors = 0;
  double p50_ms = 0;
  double p95_ms = 0;
};

//! Thread-safe record of finished calls. Latencies keep the most recent samples
//! per tool (a bounded ring), so memory stays constant over a long session.
class CallStats {
 public:
  static constexpr std::size_t kSamplesPerTool = 1024;

  void record(std::string_view tool, std::chrono::nanoseconds latency, bool failed);
  [[nodiscard]] std::map<std::string, ToolCallSummary> summary() const;

 private:
  struct PerTool {
    std::uint64_t calls = 0;
    std::uint64_t errors = 0;
    std::vector<double> samples_ms;  // ring buffer
    std::size_t next = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::string, PerTool, std::less<>> tools_;
};

}  // namespace quarry::tools
