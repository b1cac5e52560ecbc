#pragma once
//! \file
//! The files that hold full results: when a result is cut to the result budget, the whole of
//! it is written as compact JSON to `results/<tool>-<time>-<n>.json` under the output root,
//! and the oldest such files are removed past `results.keep_files` / `results.keep_mb`, so
//! that a long session does not fill the disk.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace quarry::pipeline {

//! How many full-result files to keep (`results.keep_files`, `results.keep_mb`).
struct FullResultLimits {
  std::uint64_t max_files = 100;           //!< 0: full results are not written at all
  std::uint64_t max_bytes = 256ULL << 20;  //!< the newest file stays even when larger
};

//! The directory under the output root that holds full results.
inline constexpr std::string_view kFullResultDirectory = "results";

//! A fresh file name for a full result of `tool`: "<tool>-<YYYYmmddTHHMMSS>-<4 hex>.json".
[[nodiscard]] std::string full_result_name(std::string_view tool);

//! True for a name full_result_name() makes; only such files are ever removed.
[[nodiscard]] bool is_full_result_name(std::string_view name);

//! Removes the oldest full-result files in `directory` (by modification time, then name) until
//! at most `limits.max_files` remain taking at most `limits.max_bytes`; the newest file and
//! `spare` (the one just written) are never removed. Other files are left alone; errors (a
//! file another call removed first) are ignored.
void prune_full_results(const std::filesystem::path& directory, const FullResultLimits& limits,
                        const std::filesystem::path& spare);

}  // namespace quarry::pipeline
