#include "quarry/tools/process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>

namespace quarry::tools {

std::uint64_t peak_rss_bytes() {
  rusage usage{};
  const std::uint64_t recorded = getrusage(RUSAGE_SELF, &usage) == 0
                                     ? static_cast<std::uint64_t>(usage.ru_maxrss) * 1024
                                     : 0;  // (Linux reports KiB)
  // The kernel raises its high-water mark lazily (RSS counters are batched per CPU), so the
  // recorded peak can trail the resident size read now: a peak is never below it.
  return std::max(recorded, current_rss_bytes());
}

std::uint64_t current_rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t total_pages = 0;
  std::uint64_t resident_pages = 0;
  if (!(statm >> total_pages >> resident_pages)) return 0;
  return resident_pages * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace quarry::tools
