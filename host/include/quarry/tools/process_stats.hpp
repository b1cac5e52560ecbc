#pragma once
//! \file
//! Resource figures of the current process.

#include <cstdint>

namespace quarry::tools {

//! Peak resident set size of this process so far, in bytes (getrusage).
[[nodiscard]] std::uint64_t peak_rss_bytes();
//! Current resident set size in bytes (/proc/self/statm), 0 when unavailable.
[[nodiscard]] std::uint64_t current_rss_bytes();

}  // namespace quarry::tools
